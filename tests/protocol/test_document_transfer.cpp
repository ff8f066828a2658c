// Document transfer: the doctor's DocumentSender against the cabin's DocumentReceiver, through
// the real payload encoding, with a simulated clock, losses and hostile input.
#include "support/catch_result.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/protocol/document_transfer.hpp"
#include "tc/protocol/messages.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <set>

using namespace tc;
using namespace tc::protocol;
using nlohmann::json;
using Clock = DocumentSender::Clock;
using namespace std::chrono_literals;

namespace {

std::string newId() {
    return prescriptions::PrescriptionId::generate()->toString();
}

std::string randomBytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 random(seed);
    std::string bytes(n, '\0');
    for (auto& b : bytes) {
        b = static_cast<char>(random() & 0xFF);
    }
    return bytes;
}

// Drives a sender and a receiver over a lossy "session": `drop` decides, per doctor message,
// whether it is lost. Returns the number of rounds it took; the clock moves 50 ms a round.
struct Link {
    explicit Link(DocumentSender s)
        : sender(std::move(s)) {}
    DocumentSender sender;
    DocumentReceiver receiver;
    bool tolerateErrors = false;
    Clock::time_point now = Clock::now();
    std::function<bool(const OutgoingMessage&)> drop = [](const OutgoingMessage&) {
        return false;
    };
    std::vector<std::string> printed; // the document bytes each time the cabin printed
    std::size_t messages = 0;
    std::size_t chunksSent = 0;
    std::size_t maxPerSecond = 0;
    std::deque<Clock::time_point> lastSecond;

    bool run(int rounds = 2000) {
        for (int round = 0; round < rounds && !sender.finished(); ++round) {
            for (auto& message : sender.poll(now)) {
                ++messages;
                chunksSent += message.kind == kind::documentChunk ? 1 : 0;
                lastSecond.push_back(now);
                while (!lastSecond.empty() && now - lastSecond.front() >= 1s) {
                    lastSecond.pop_front();
                }
                maxPerSecond = std::max(maxPerSecond, lastSecond.size());
                REQUIRE(message.payload.dump().size() < kMaxSessionPayloadBytes);
                if (drop(message)) {
                    continue;
                }
                deliver(message);
            }
            now += 50ms;
        }
        return sender.finished();
    }

    void deliver(const OutgoingMessage& message) {
        auto outcome = receiver.handle(message.kind, message.payload);
        if (!tolerateErrors) {
            CHECK_FALSE(outcome.error);
        }
        if (outcome.status) {
            back(*outcome.status);
        }
        if (outcome.print) {
            back(receiver.printingStarted(outcome.transferId));
            printed.push_back(*receiver.document(outcome.transferId));
            back(receiver.printed(outcome.transferId));
        }
    }

    void back(const DocumentStatus& status) {
        // Through the wire form, as the console receives it.
        const auto parsed = parseDocumentStatus(toJson(status));
        REQUIRE(parsed);
        CHECK_FALSE(sender.onStatus(*parsed, now));
    }
};

Link makeLink(const std::string& bytes, const std::string& id = newId()) {
    auto sender = DocumentSender::create(id, bytes, "Ordonnance");
    REQUIRE(sender);
    return Link(std::move(*sender));
}

json validOffer(const std::string& id, const std::string& bytes) {
    DocumentOffer offer;
    offer.transferId = id;
    offer.size = bytes.size();
    offer.sha256 = sha256Hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    offer.chunkSize = kDocumentChunkBytes;
    offer.chunkCount =
        static_cast<std::uint32_t>((bytes.size() + kDocumentChunkBytes - 1) / kDocumentChunkBytes);
    offer.title = "Ordonnance";
    offer.seq = 1;
    return toJson(offer);
}

json chunkOf(const std::string& id, const std::string& bytes, std::uint32_t index,
             std::uint64_t seq = 2) {
    const auto offset = std::size_t{index} * kDocumentChunkBytes;
    return toJson(DocumentChunk{id, index, bytes.substr(offset, kDocumentChunkBytes), seq});
}

} // namespace

TEST_CASE("document kinds are registered session message kinds", "[document]") {
    for (const auto k :
         {kind::documentOffer, kind::documentChunk, kind::documentStatus, kind::documentPrint}) {
        CHECK(isKnownSessionMessageKind(k));
    }
}

TEST_CASE("base64 round trip and strictness", "[document]") {
    for (std::size_t n = 0; n < 40; ++n) {
        const auto bytes = randomBytes(n, static_cast<std::uint32_t>(n));
        const auto encoded = base64Encode(bytes);
        CHECK(encoded.size() == (n + 2) / 3 * 4);
        CHECK(base64Decode(encoded) == bytes);
    }
    CHECK(base64Encode("Ordonnance") == "T3Jkb25uYW5jZQ==");
    CHECK_FALSE(base64Decode("T3Jkb25uYW5jZQ"));    // unpadded
    CHECK_FALSE(base64Decode("T3Jkb25uYW5jZR=="));  // non-zero hidden bits
    CHECK_FALSE(base64Decode("T3Jk b25uYW5jZQ==")); // a space
    CHECK_FALSE(base64Decode("T3Jk!25uYW5jZQ=="));
    CHECK_FALSE(base64Decode("T3=kb25u")); // padding inside
}

TEST_CASE("a document goes through in chunks and prints once, byte for byte", "[document]") {
    const auto size = GENERATE(1u, 255u, 4096u, 4097u, 100'000u, 1'000'000u);
    const auto bytes = randomBytes(size, size);
    auto link = makeLink(bytes);
    REQUIRE(link.run(10'000));
    REQUIRE(link.printed.size() == 1);
    CHECK(link.printed[0] == bytes);
    CHECK(link.sender.state() == DocumentState::printed);
    CHECK(link.chunksSent == link.sender.chunkCount()); // nothing sent twice
    CHECK(link.sender.chunksAcknowledged() == link.sender.chunkCount());
    // Paced under the service's 20 messages/s (bursts of 60), with room for other messages.
    CHECK(link.maxPerSecond <= 20);
}

TEST_CASE("after losing an arbitrary subset of chunks, only the missing ones are sent again",
          "[document]") {
    const auto seed = GENERATE(1u, 2u, 3u, 4u, 5u);
    const auto bytes = randomBytes(300'000, seed); // 74 chunks
    auto link = makeLink(bytes);
    std::mt19937 random(seed);
    std::set<std::uint32_t> lost;
    std::map<std::uint32_t, int> sends;
    link.drop = [&](const OutgoingMessage& m) {
        if (m.kind != kind::documentChunk) {
            return false;
        }
        const auto index = m.payload["index"].get<std::uint32_t>();
        ++sends[index];
        if (sends[index] == 1 && random() % 3 == 0) { // a third lost the first time
            lost.insert(index);
            return true;
        }
        return false;
    };
    REQUIRE(link.run(10'000));
    REQUIRE(link.printed.size() == 1);
    CHECK(link.printed[0] == bytes);
    REQUIRE_FALSE(lost.empty());
    for (const auto& [index, count] : sends) {
        INFO("chunk " << index);
        CHECK(count == (lost.count(index) != 0 ? 2 : 1));
    }
}

TEST_CASE("a reconnection: the offer again, then only what the cabin misses", "[document]") {
    const auto bytes = randomBytes(200'000, 9); // 49 chunks
    auto link = makeLink(bytes);
    // The link goes down after the first 20 chunks: everything sent meanwhile is lost.
    bool down = false;
    std::size_t chunks = 0;
    link.drop = [&](const OutgoingMessage& m) {
        chunks += m.kind == kind::documentChunk ? 1 : 0;
        if (chunks > 20) {
            down = true;
        }
        return down;
    };
    CHECK_FALSE(link.run(40));
    CHECK(link.printed.empty());
    REQUIRE(down);
    const auto sentBefore = link.chunksSent;
    down = false;
    link.drop = [](const OutgoingMessage&) {
        return false;
    };
    link.sender.resume(link.now);
    REQUIRE(link.run(5'000));
    REQUIRE(link.printed.size() == 1);
    CHECK(link.printed[0] == bytes);
    // 20 arrived before the drop; the rest went at most twice (once lost, once resent).
    CHECK(link.chunksSent == sentBefore + (49 - 20));
}

TEST_CASE("a lost status is recovered by offering again after the stall timeout", "[document]") {
    const auto bytes = randomBytes(50'000, 4);
    auto link = makeLink(bytes);
    int dropped = 0;
    link.drop = [&](const OutgoingMessage& m) {
        // The last chunk is lost once: the sender waits, then asks where the cabin stands.
        if (m.kind == kind::documentChunk && m.payload["index"] == 12 && dropped == 0) {
            ++dropped;
            return true;
        }
        return false;
    };
    REQUIRE(link.run(1'000));
    CHECK(link.printed.size() == 1);
    CHECK(link.printed[0] == bytes);
}

TEST_CASE("duplicate and out-of-order chunks assemble the same document", "[document]") {
    const auto bytes = randomBytes(40'000, 7); // 10 chunks
    const auto id = newId();
    DocumentReceiver receiver;
    REQUIRE(receiver.handle(kind::documentOffer, validOffer(id, bytes)).status->state ==
            DocumentState::receiving);
    const std::vector<std::uint32_t> order{9, 3, 3, 0, 1, 8, 2, 9, 7, 6, 5, 0};
    for (const auto index : order) {
        const auto out = receiver.handle(kind::documentChunk, chunkOf(id, bytes, index));
        CHECK_FALSE(out.error);
        CHECK_FALSE(out.print);
    }
    const auto missing = receiver.handle(kind::documentOffer, validOffer(id, bytes));
    REQUIRE(missing.status);
    CHECK(missing.status->missing == std::vector<ChunkRange>{{4, 4}});
    CHECK(missing.status->receivedChunks == 9);
    const auto last = receiver.handle(kind::documentChunk, chunkOf(id, bytes, 4));
    CHECK(last.print);
    REQUIRE(receiver.document(id));
    CHECK(*receiver.document(id) == bytes);
    // A duplicate after completion changes nothing and prints nothing.
    CHECK_FALSE(receiver.handle(kind::documentChunk, chunkOf(id, bytes, 4)).print);
    // The same bytes again under an index already held with other bytes: refused, first kept.
    const auto id2 = newId();
    receiver.handle(kind::documentOffer, validOffer(id2, bytes));
    receiver.handle(kind::documentChunk, chunkOf(id2, bytes, 0));
    auto forged = chunkOf(id2, bytes, 1);
    forged["index"] = 0;
    CHECK(receiver.handle(kind::documentChunk, forged).error->code == DocumentErrc::chunkMismatch);
}

TEST_CASE("offering a document already received or printed answers its state, never prints "
          "again",
          "[document]") {
    const auto bytes = randomBytes(10'000, 3);
    const auto id = newId();
    auto link = makeLink(bytes, id);
    REQUIRE(link.run());
    REQUIRE(link.printed.size() == 1);
    // The console sends it again (a new sender, as after a restart): printed, nothing new.
    auto again = DocumentSender::create(id, bytes, "Ordonnance");
    REQUIRE(again);
    link.sender = std::move(*again);
    const auto before = link.chunksSent;
    REQUIRE(link.run());
    CHECK(link.printed.size() == 1);
    CHECK(link.chunksSent == before); // the status said printed before any chunk
    CHECK(link.receiver.printCount(id) == 1);
    // And document.print on a printed document answers printed.
    const auto print = link.receiver.handle(kind::documentPrint, toJson(DocumentPrint{id, 9}));
    CHECK_FALSE(print.print);
    REQUIRE(print.status);
    CHECK(print.status->state == DocumentState::printed);
}

TEST_CASE("another document under an id already held is a conflict", "[document]") {
    const auto id = newId();
    const auto first = randomBytes(9'000, 1);
    const auto second = randomBytes(9'000, 2);
    DocumentReceiver receiver;
    receiver.handle(kind::documentOffer, validOffer(id, first));
    for (std::uint32_t i = 0; i < 3; ++i) {
        receiver.handle(kind::documentChunk, chunkOf(id, first, i));
    }
    REQUIRE(receiver.state(id) == DocumentState::received);
    const auto out = receiver.handle(kind::documentOffer, validOffer(id, second));
    REQUIRE(out.error);
    CHECK(out.error->code == DocumentErrc::conflict);
    REQUIRE(out.status);
    CHECK(out.status->state == DocumentState::failed);
    CHECK(out.status->reason == "conflict");
    CHECK(*receiver.document(id) == first); // the one held stays
    // The sender of the second document stops on it and says so.
    auto link = makeLink(second, id);
    link.receiver = std::move(receiver);
    link.tolerateErrors = true;
    CHECK_FALSE(link.run(100));
    CHECK(link.sender.state() == DocumentState::failed);
    CHECK(link.sender.reason() == "conflict");
}

TEST_CASE("a print failure is reported, and document.print prints it once", "[document]") {
    const auto id = newId();
    const auto bytes = randomBytes(5'000, 5);
    DocumentReceiver receiver;
    receiver.handle(kind::documentOffer, validOffer(id, bytes));
    receiver.handle(kind::documentChunk, chunkOf(id, bytes, 0));
    const auto done = receiver.handle(kind::documentChunk, chunkOf(id, bytes, 1));
    REQUIRE(done.print);
    receiver.printingStarted(id);
    const auto failed = receiver.printFailed(id, "media_empty", "plus de papier");
    CHECK(failed.receivedChunks == 2);
    // A re-offer says failed, and does not print.
    const auto offered = receiver.handle(kind::documentOffer, validOffer(id, bytes));
    CHECK_FALSE(offered.print);
    CHECK(offered.status->state == DocumentState::failed);
    CHECK(offered.status->reason == "media_empty");
    // The sender learns it is delivered: retry asks for a print, not a new transfer.
    auto sender = *DocumentSender::create(id, bytes, "Ordonnance");
    const auto now = Clock::now();
    sender.poll(now);
    REQUIRE_FALSE(sender.onStatus(*parseDocumentStatus(toJson(*offered.status)), now));
    CHECK(sender.state() == DocumentState::failed);
    CHECK(sender.reasonText() == "plus de papier");
    sender.retry(now);
    const auto out = sender.poll(now);
    REQUIRE(out.size() == 1);
    CHECK(out[0].kind == kind::documentPrint);
    const auto print = receiver.handle(out[0].kind, out[0].payload);
    CHECK(print.print);
    CHECK(receiver.printingStarted(id).ackSeq == out[0].payload["seq"].get<std::uint64_t>());
    receiver.printed(id);
    CHECK_FALSE(receiver.handle(kind::documentPrint, out[0].payload).print);
    CHECK(receiver.printCount(id) == 1);
}

TEST_CASE("a document's kind: an ordonnance when unsaid, a report said and kept by the cabin",
          "[document]") {
    const auto bytes = randomBytes(9'000, 3);
    // An ordonnance's offer reads as it always did: no "kind" on the wire.
    auto ordonnance = DocumentSender::create(newId(), bytes, "Ordonnance");
    REQUIRE(ordonnance);
    const auto plain = toJson(ordonnance->offer());
    CHECK_FALSE(plain.contains("kind"));
    REQUIRE(parseDocumentOffer(plain));
    CHECK(parseDocumentOffer(plain)->kind == DocumentKind::ordonnance);

    auto report = DocumentSender::create(newId(), bytes, "Compte rendu", {},
                                         DocumentKind::consultationReport);
    REQUIRE(report);
    const auto offer = report->poll(Clock::now());
    REQUIRE_FALSE(offer.empty());
    CHECK(offer[0].payload["kind"] == "consultation_report");
    const auto parsed = parseDocumentOffer(offer[0].payload);
    REQUIRE(parsed);
    CHECK(parsed->kind == DocumentKind::consultationReport);
    DocumentReceiver receiver;
    const auto reaction = receiver.handle(offer[0].kind, offer[0].payload);
    CHECK_FALSE(reaction.error);
    CHECK(receiver.kind(report->offer().transferId) == DocumentKind::consultationReport);
    CHECK_FALSE(receiver.kind(newId()));
}

TEST_CASE("every bad offer gets a typed error and the receiver keeps running", "[document]") {
    const auto id = newId();
    const auto bytes = randomBytes(9'000, 8);
    const auto good = validOffer(id, bytes);
    const auto mutate = [&](auto f) {
        auto o = good;
        f(o);
        return o;
    };
    struct Case {
        json payload;
        DocumentErrc code;
    };
    const std::vector<Case> cases{
        {json::array(), DocumentErrc::invalidMessage},
        {mutate([](json& o) { o.erase("sha256"); }), DocumentErrc::invalidMessage},
        {mutate([](json& o) { o["extra"] = 1; }), DocumentErrc::invalidMessage},
        {mutate([](json& o) { o["kind"] = "leaflet"; }), DocumentErrc::invalidMessage},
        {mutate([](json& o) { o["kind"] = 2; }), DocumentErrc::invalidMessage},
        {mutate([](json& o) { o["size"] = "9000"; }), DocumentErrc::invalidMessage},
        {mutate([](json& o) { o["transfer_id"] = "7KQM-2W9D"; }), DocumentErrc::invalidTransferId},
        {mutate([](json& o) { o["media_type"] = "text/html"; }),
         DocumentErrc::unsupportedMediaType},
        {mutate([](json& o) { o["size"] = 0; }), DocumentErrc::emptyDocument},
        {mutate([](json& o) { o["size"] = kMaxDocumentBytes + 1; }),
         DocumentErrc::documentTooLarge},
        {mutate([](json& o) { o["sha256"] = std::string(64, 'G'); }), DocumentErrc::invalidSha256},
        {mutate([](json& o) { o["sha256"] = "abc"; }), DocumentErrc::invalidSha256},
        {mutate([](json& o) { o["chunk_size"] = 100; }), DocumentErrc::invalidChunkSize},
        {mutate([](json& o) { o["chunk_size"] = 8000; }), DocumentErrc::invalidChunkSize},
        {mutate([](json& o) { o["chunk_count"] = 2; }), DocumentErrc::chunkCountMismatch},
        {mutate([](json& o) { o["title"] = std::string(300, 'x'); }), DocumentErrc::titleTooLong},
    };
    DocumentReceiver receiver;
    for (const auto& c : cases) {
        INFO(c.payload.dump().substr(0, 200));
        const auto out = receiver.handle(kind::documentOffer, c.payload);
        REQUIRE(out.error);
        CHECK(out.error->code == c.code);
        CHECK_FALSE(out.error->detail.empty());
        CHECK_FALSE(out.print);
        if (out.status) {
            CHECK(out.status->state == DocumentState::failed);
            CHECK(out.status->reason == wireName(c.code));
        }
    }
    // Nothing was taken in, and a good offer still works.
    CHECK_FALSE(receiver.state(id));
    CHECK(receiver.handle(kind::documentOffer, good).status->state == DocumentState::receiving);
    // The id is read like a typed one: lower case and without hyphens is the same transfer.
    auto relaxed = good;
    std::string loose;
    for (const char c : id) {
        if (c != '-') {
            loose += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    relaxed["transfer_id"] = loose;
    CHECK(receiver.handle(kind::documentOffer, relaxed).status->transferId == id);
    // A cap on documents this cabin accepts.
    DocumentReceiver small(DocumentReceiver::Limits{1000, 4, 8});
    CHECK(small.handle(kind::documentOffer, good).error->code == DocumentErrc::documentTooLarge);
}

TEST_CASE("every bad chunk gets a typed error and the receiver keeps running", "[document]") {
    const auto id = newId();
    const auto bytes = randomBytes(9'000, 6); // chunks of 4096, 4096, 808
    DocumentReceiver receiver;
    CHECK(receiver.handle(kind::documentChunk, chunkOf(id, bytes, 0)).error->code ==
          DocumentErrc::unknownTransfer);
    receiver.handle(kind::documentOffer, validOffer(id, bytes));
    const auto code = [&](const json& chunk) {
        const auto out = receiver.handle(kind::documentChunk, chunk);
        REQUIRE(out.error);
        CHECK_FALSE(out.print);
        return out.error->code;
    };
    auto c = chunkOf(id, bytes, 0);
    c["index"] = 3;
    CHECK(code(c) == DocumentErrc::indexOutOfRange);
    c = chunkOf(id, bytes, 0);
    c["index"] = -1;
    CHECK(code(c) == DocumentErrc::invalidMessage);
    c = chunkOf(id, bytes, 0);
    c["data"] = "not base64!";
    CHECK(code(c) == DocumentErrc::invalidBase64);
    c = chunkOf(id, bytes, 0);
    c["data"] = base64Encode(bytes.substr(0, 4000));
    CHECK(code(c) == DocumentErrc::wrongChunkLength);
    c = chunkOf(id, bytes, 2);
    c["data"] = base64Encode(bytes.substr(8192, 100)); // the last is 808 bytes
    CHECK(code(c) == DocumentErrc::wrongChunkLength);
    c = chunkOf(id, bytes, 0);
    c["transfer_id"] = 12;
    CHECK(code(c) == DocumentErrc::invalidMessage);
    c = chunkOf(id, bytes, 0);
    c["unexpected"] = true;
    CHECK(code(c) == DocumentErrc::invalidMessage);
    CHECK(receiver.handle(kind::documentStatus, json::object()).error->code ==
          DocumentErrc::invalidMessage);
    CHECK(receiver.handle(kind::documentPrint, toJson(DocumentPrint{id, 1})).error->code ==
          DocumentErrc::notReceived);

    // Corrupted in transit (right lengths, other bytes): the whole document's hash catches it.
    auto corrupted = bytes;
    corrupted[5000] ^= 0x01;
    for (std::uint32_t i = 0; i < 2; ++i) {
        CHECK_FALSE(receiver.handle(kind::documentChunk, chunkOf(id, corrupted, i)).error);
    }
    const auto last = receiver.handle(kind::documentChunk, chunkOf(id, corrupted, 2));
    REQUIRE(last.error);
    CHECK(last.error->code == DocumentErrc::hashMismatch);
    CHECK_FALSE(last.print);
    CHECK(last.status->reason == "hash_mismatch");
    CHECK_FALSE(receiver.document(id));
    // Offered again, it starts over and the right bytes go through.
    CHECK(receiver.handle(kind::documentOffer, validOffer(id, bytes)).status->missing ==
          std::vector<ChunkRange>{{0, 2}});
    for (std::uint32_t i = 0; i < 3; ++i) {
        receiver.handle(kind::documentChunk, chunkOf(id, bytes, i));
    }
    REQUIRE(receiver.document(id));
    CHECK(*receiver.document(id) == bytes);
}

TEST_CASE("the sender refuses what it must not send", "[document]") {
    CHECK(DocumentSender::create("not-an-id", "x", "").error().code ==
          DocumentErrc::invalidTransferId);
    CHECK(DocumentSender::create(newId(), "", "").error().code == DocumentErrc::emptyDocument);
    CHECK(
        DocumentSender::create(newId(), std::string(kMaxDocumentBytes + 1, 'x'), "").error().code ==
        DocumentErrc::documentTooLarge);
    const auto tooLong = DocumentSender::create(newId(), "x", std::string(300, 't'));
    CHECK_FALSE(tooLong);
    CHECK(tooLong.error().code == DocumentErrc::titleTooLong);
    CHECK_FALSE(tooLong.error().detail.empty());
    auto sender = *DocumentSender::create(newId(), "x", "");
    DocumentStatus other;
    other.transferId = newId();
    CHECK(sender.onStatus(other, Clock::now())->code == DocumentErrc::unexpectedStatus);
}

TEST_CASE("status payloads are parsed strictly", "[document]") {
    const auto id = newId();
    DocumentStatus s;
    s.transferId = id;
    s.missing = {{0, 3}, {7, 7}};
    s.ackSeq = 5;
    const auto parsed = parseDocumentStatus(toJson(s));
    REQUIRE(parsed);
    CHECK(parsed->missing == s.missing);
    CHECK(parsed->ackSeq == 5u);
    auto bad = toJson(s);
    bad["missing"] = json::array({json::array({3, 1})});
    CHECK_FALSE(parseDocumentStatus(bad));
    bad = toJson(s);
    bad["state"] = "lost";
    CHECK_FALSE(parseDocumentStatus(bad));
    s.state = DocumentState::failed; // reason and text are required then
    auto failed = toJson(s);
    failed.erase("reason");
    CHECK_FALSE(parseDocumentStatus(failed));
}

TEST_CASE("a refusal that quotes a hostile field name still makes a valid, bounded status "
          "(fuzz_documents' finding)",
          "[document]") {
    DocumentReceiver receiver(DocumentReceiver::Limits{64 * 1024, 2, 3});
    nlohmann::json offer{{"transfer_id", "F8QY-40YG-ECYY-S9E9-R04A-2K1H-YRVS"},
                         {"media_type", "application/pdf"},
                         {"size", 700},
                         {"sha256", std::string(64, 'a')},
                         {"chunk_size", 256}};
    offer["chunk_count" + std::string(900, 'Y') + "é"] = 3; // an unknown field, quoted back
    const auto outcome = receiver.handle(kind::documentOffer, offer);
    REQUIRE(outcome.status.has_value());
    CHECK(outcome.status->state == DocumentState::failed);
    CHECK(outcome.status->text.size() <= kMaxDocumentStatusTextBytes);
    const auto reparsed = parseDocumentStatus(toJson(*outcome.status));
    CHECK(reparsed.has_value());
    // Cut on a character boundary: a 2-byte character straddling the limit is left out whole.
    const auto bounded = boundedStatusText(std::string(508, 'a') + "éé" + "x");
    CHECK(bounded == std::string(508, 'a') + "…");
    CHECK(boundedStatusText("court") == "court");
}
