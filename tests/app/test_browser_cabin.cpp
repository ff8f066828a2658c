// The browser cabin end to end, signalling: the real rendezvous service with its browser
// listener, the cabin's web server (telecabine-cabin --web) getting tokens with the cabin's
// certificate, its page in Debian's Chromium (headless, fake capture devices, the service's
// certificate pinned by its key), and a doctor with the real client and certificate sending the
// console's own offer (buildConsoleOffer plus a real media transport's ICE and DTLS lines).
#include "cabin_web_server.hpp"
#include "cabin_web_tickets.hpp"
#include "session_controller.hpp"
#include "support/browser_assets.hpp"
#include "support/chromium_session.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"
#include "support/test_support.hpp"
#include "tc/media/audio_codec.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/protocol/document_transfer.hpp"
#include "tc/protocol/ice_messages.hpp"
#include "tc/protocol/media_negotiation.hpp"
#include "tc/protocol/media_transport.hpp"
#include "tc/protocol/sdp_transport.hpp"
#include "tc/protocol/session_kinds.hpp"

#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <exception>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>

namespace {

using namespace tc;
using namespace std::chrono_literals;
using nlohmann::json;

const std::string kSite = "FR-TEST-01";

// The lines of the media section whose a=mid is `mid`.
std::vector<std::string> sectionOf(const std::string& sdp, const std::string& mid) {
    std::vector<std::vector<std::string>> sections;
    std::istringstream in(sdp);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.rfind("m=", 0) == 0) {
            sections.emplace_back();
        }
        if (!sections.empty()) {
            sections.back().push_back(line);
        }
    }
    for (const auto& section : sections) {
        for (const auto& line : section) {
            if (line == "a=mid:" + mid) {
                return section;
            }
        }
    }
    return {};
}

bool has(const std::vector<std::string>& lines, const std::string& wanted) {
    return std::find(lines.begin(), lines.end(), wanted) != lines.end();
}

// Everything of one browser cabin and its service; a doctor joins in each test.
struct Lab {
    test::TestPki pki;
    test::TempDir dir;
    protocol::IoThread serviceIo{"test-service"};
    std::shared_ptr<protocol::RendezvousService> service;
    protocol::IoThread cabinIo{"test-cabin-web"};
    std::shared_ptr<cabin::CabinWebServer> web;
    std::optional<protocol::BrowserTokenClient> tokenClient; // stopped with the lab
    std::unique_ptr<test::ChromiumSession> chromium;

    Lab() {
        protocol::ServiceConfig config;
        config.tls = {pki.service, pki.ca.certificatePem()};
        config.browser.port = 0;
        auto started = protocol::RendezvousService::start(serviceIo.executor(), config);
        REQUIRE(started);
        service = *started;
        REQUIRE(service->browserPort() != 0);

        protocol::ArchiveClientConfig tokens;
        tokens.host = "127.0.0.1";
        tokens.port = service->port();
        tokens.tls = {pki.cabin(kSite), pki.ca.certificatePem()};
        auto client = protocol::BrowserTokenClient::create(cabinIo.executor(), tokens);
        REQUIRE(client);
        tokenClient = *client;
        cabin::CabinWebConfig webConfig;
        webConfig.patients.push_back(protocol::toJson(
            protocol::CheckIn{test::adultVisit("V-BROWSER-1", kSite), std::nullopt}));
        webConfig.tickets = cabin::serviceTickets(*client);
        auto server = cabin::CabinWebServer::start(cabinIo.executor(), std::move(webConfig));
        REQUIRE(server);
        web = *server;

        const auto wav = dir.path() / "stethoscope.wav";
        const auto y4m = dir.path() / "camera.y4m";
        REQUIRE(test::writeStethoscopeWav(wav, test::stethoscopeSource(6.0)));
        REQUIRE(test::writeTestY4m(y4m, 1.0, 640, 360, 30));
        test::ChromiumOptions options;
        options.fakeAudioWav = wav;
        options.fakeVideoY4m = y4m;
        options.pinnedSpkiBase64 = test::spkiSha256Base64(pki.service.certificatePem);
        REQUIRE_FALSE(options.pinnedSpkiBase64.empty());
        auto launched = test::ChromiumSession::launch(options);
        REQUIRE(launched);
        chromium = std::move(*launched);
        REQUIRE(chromium->openPage());
    }

    ~Lab() {
        // What the page and the browser said, for a failed requirement (or always, with
        // TC_BROWSER_LOG set).
        if (std::uncaught_exceptions() > 0 || std::getenv("TC_BROWSER_LOG") != nullptr) {
            std::cerr << "--- the browser cabin page's log ---\n" << pageLog() << "\n";
        }
        chromium.reset();
        web->stop();
        tokenClient->stop();
        cabinIo.stop();
        service->stop();
        serviceIo.stop();
    }

    std::string pageUrl(const std::string& query) const {
        return "http://127.0.0.1:" + std::to_string(web->port()) + "/" + query;
    }

    json evaluate(const std::string& expression) {
        auto value = chromium->evaluate(expression);
        INFO(chromium->diagnostics());
        REQUIRE(value);
        return *value;
    }

    // Polls a boolean expression of the page (a promise is awaited).
    bool waitPage(const std::string& expression, std::chrono::milliseconds limit = 20s) {
        return test::pollUntil(
            [&] {
                const auto value =
                    chromium->evaluate("(async () => Boolean(await (" + expression + ")))()");
                return value && *value == true;
            },
            limit, 50ms);
    }

    std::string pageLog() {
        const auto log = chromium->evaluate("window.telecabine.log.join('\\n')");
        return (log && log->is_string() ? log->get<std::string>() : std::string()) + "\n" +
               chromium->diagnostics();
    }
};

// The doctor: real client, real certificate, on shift, subscribed.
struct Doctor {
    test::SyncClient client;
    std::vector<json> iceMessages; // the cabin's trickled ICE, in order

    explicit Doctor(Lab& lab)
        : client(lab.pki, lab.pki.doctor(), lab.service->port()) {
        REQUIRE(client.waitWelcome());
        REQUIRE_FALSE(client.request(protocol::type::presenceSet, {{"status", "on_shift"}}).code);
        REQUIRE_FALSE(client.request(protocol::type::queueSubscribe).code);
    }

    // The next visit offered in the queue.
    std::optional<std::string> nextVisit(std::chrono::milliseconds limit = 30s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto update = client.nextEvent(protocol::type::queueUpdate, 1s);
            if (update && update->body.value("op", "") == "added") {
                return update->body["visit_id"].get<std::string>();
            }
        }
        return std::nullopt;
    }

    // The next session message of `kind` (the ICE ones are kept aside as they pass).
    std::optional<json> nextMessage(std::string_view kind, std::chrono::milliseconds limit = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto event = client.nextEvent(protocol::type::sessionMessage, 500ms);
            if (!event) {
                continue;
            }
            const auto& seen = event->body["kind"].get_ref<const std::string&>();
            if (protocol::isIceMessageKind(seen)) {
                iceMessages.push_back(event->body);
            }
            if (seen == kind) {
                return event->body["payload"];
            }
        }
        return std::nullopt;
    }

    void say(const std::string& sessionId, std::string_view kind, json payload) {
        const auto reply =
            client.request(protocol::type::sessionMessage, {{"session_id", sessionId},
                                                            {"kind", std::string(kind)},
                                                            {"payload", std::move(payload)}});
        REQUIRE_FALSE(reply.code);
    }
};

// The console's offer, with the ICE and DTLS lines of a real media transport, as the console
// sends it.
struct ConsoleOffer {
    protocol::IoThread io{"test-doctor-media"};
    std::shared_ptr<protocol::MediaTransport> transport;
    std::optional<protocol::LocalKeying> keying;
    std::string sdp;
    // What the doctor's transport reports, from its own thread.
    std::mutex mutex;
    std::vector<protocol::IceSignal> outgoing;  // to the cabin
    std::map<int, std::uint64_t> packetsByType; // RTP received, by payload type
    std::atomic<protocol::TransportState> state{protocol::TransportState::checking};

    ConsoleOffer() {
        protocol::MediaTransportConfig config;
        config.local = protocol::makeIceCredentials();
        config.controlling = true;
        auto opened = protocol::MediaTransport::open(io.executor(), config);
        REQUIRE(opened);
        transport = *opened;
        auto offered = protocol::offerKeying(protocol::KeyingMode::dtls);
        REQUIRE(offered);
        keying = std::move(*offered);
        auto described = protocol::withTransport(
            app::buildConsoleOffer(),
            protocol::describeTransport(config.local, transport->localCandidates(), *keying));
        REQUIRE(described);
        sdp = *described;
        transport->setSignalHandler([this](protocol::IceSignal signal) {
            const std::lock_guard lock(mutex);
            outgoing.push_back(std::move(signal));
        });
    }

    // The console's side once the answer is in: ICE, DTLS-SRTP, and the packets counted.
    void start(const std::string& answer) {
        const auto remote = protocol::parseTransport(answer);
        REQUIRE(remote);
        const auto transportKeying = protocol::keyingFromAnswer(*keying, *remote);
        REQUIRE(transportKeying);
        std::promise<boost::system::error_code> started;
        boost::asio::post(io.executor(), [&] {
            started.set_value(transport->start(
                remote->candidates, remote->ice, *transportKeying,
                [this](std::span<const std::uint8_t> packet, bool rtcp) {
                    if (!rtcp && packet.size() > 12) {
                        const std::lock_guard lock(mutex);
                        ++packetsByType[packet[1] & 0x7f];
                    }
                },
                [this](protocol::TransportState now, boost::system::error_code) { state = now; }));
        });
        REQUIRE_FALSE(started.get_future().get());
    }

    void apply(protocol::IceSignal signal) {
        boost::asio::post(io.executor(), [transport = transport, signal = std::move(signal)] {
            transport->applyRemoteSignal(signal);
        });
    }

    std::vector<protocol::IceSignal> takeOutgoing() {
        const std::lock_guard lock(mutex);
        return std::exchange(outgoing, {});
    }

    std::uint64_t packets(int payloadType) {
        const std::lock_guard lock(mutex);
        return packetsByType[payloadType];
    }
    ~ConsoleOffer() {
        transport->close();
        io.stop();
    }
};

// The page checks in, the doctor claims and offers: the session id and the cabin's answer.
std::pair<std::string, std::string>
joinBrowserCabin(Lab& lab, Doctor& doctor, const ConsoleOffer& offer, const std::string& query) {
    if (std::getenv("TC_BROWSER_LOG") != nullptr) {
        std::cerr << "--- the console's offer ---\n" << offer.sdp << "\n";
    }
    REQUIRE(lab.chromium->navigate(lab.pageUrl(query)));
    const auto visit = doctor.nextVisit();
    REQUIRE(visit);
    CHECK(visit->rfind("V-BROWSER-1-w", 0) == 0); // the script's id, made unique by the page
    CHECK(lab.waitPage("window.telecabine.state === 'waiting'"));
    const auto claim = doctor.client.request(protocol::type::visitClaim, {{"visit_id", *visit}});
    REQUIRE_FALSE(claim.code);
    const auto sessionId = claim.body["session_id"].get<std::string>();
    CHECK(lab.waitPage("window.telecabine.state === 'in_session'"));
    const auto offered = doctor.client.request(
        protocol::type::sessionOffer,
        {{"session_id", sessionId}, {"sdp_type", "offer"}, {"sdp", offer.sdp}});
    REQUIRE_FALSE(offered.code);
    const auto answer = doctor.client.nextEvent(protocol::type::sessionAnswer, 20s);
    REQUIRE(answer);
    CHECK(answer->body["session_id"] == sessionId);
    CHECK(answer->body["sdp_type"] == "answer");
    return {sessionId, answer->body["sdp"].get<std::string>()};
}

} // namespace

TEST_CASE("A browser cabin checks in, answers the console's offer with the stethoscope in Opus "
          "and names its tracks",
          "[cabin][web][browser]") {
    Lab lab;
    Doctor doctor(lab);
    ConsoleOffer offer;
    const auto [sessionId, answer] = joinBrowserCabin(lab, doctor, offer, "?auto=1");
    INFO(answer);

    // The stethoscope: sent only, in Opus (48 kHz, the one format of its section).
    const auto steth = sectionOf(answer, "steth");
    REQUIRE_FALSE(steth.empty());
    CHECK(has(steth, "a=sendonly"));
    std::istringstream mLine(steth.front());
    std::string media, port, proto, format;
    mLine >> media >> port >> proto >> format;
    CHECK(port != "0");
    CHECK(has(steth, "a=rtpmap:" + format + " opus/48000/2"));
    CHECK(mLine.eof()); // one format only
    // Voice and the room camera both ways; the instrument cameras and waveforms not sent.
    CHECK(has(sectionOf(answer, "voice"), "a=sendrecv"));
    CHECK(has(sectionOf(answer, "video"), "a=sendrecv"));
    CHECK(has(sectionOf(answer, "otoscope"), "a=inactive"));
    CHECK(has(sectionOf(answer, "dermatoscope"), "a=inactive"));
    // The console reads the answer's transport: ICE credentials and a DTLS fingerprint.
    const auto transport = protocol::parseTransport(answer);
    REQUIRE(transport);

    // Which track is which.
    const auto tracks = doctor.nextMessage(protocol::kind::mediaTracks);
    REQUIRE(tracks);
    CHECK((*tracks)["stethoscope"]["mid"] == "steth");
    CHECK_FALSE((*tracks)["stethoscope"]["track_id"].get<std::string>().empty());
    CHECK((*tracks)["voice"]["mid"] == "voice");
    CHECK((*tracks)["camera"]["mid"] == "video");

    // Trickle ICE in exactly the console's JSON, of the answer's generation.
    CHECK(test::pollUntil(
        [&] {
            doctor.nextMessage("none", 200ms);
            return !doctor.iceMessages.empty();
        },
        10s, 1ms));
    for (const auto& message : doctor.iceMessages) {
        INFO(message.dump());
        const auto signal =
            protocol::iceSignalFrom(message["kind"].get<std::string>(), message["payload"]);
        CHECK(signal);
        CHECK(message["payload"]["ufrag"] == transport->ice.ufrag);
    }

    // A stethoscope site: the page shows the request, then (auto) confirms it.
    doctor.say(sessionId, protocol::kind::stethoscopeSiteRequest, {{"site", "aortic"}});
    CHECK(lab.waitPage("!document.getElementById('request').hidden && "
                       "document.getElementById('request-text').textContent === "
                       "'Placez le stéthoscope : foyer aortique'",
                       5s));
    const auto ack = doctor.nextMessage(protocol::kind::stethoscopeSiteAck);
    REQUIRE(ack);
    CHECK(*ack == json{{"request", {{"site", "aortic"}}}, {"acknowledged", true}});
    CHECK(lab.waitPage("document.getElementById('request').hidden", 5s));

    // A prescription to print: a typed refusal, no printer here.
    const auto id = prescriptions::PrescriptionId::generate();
    REQUIRE(id);
    doctor.say(sessionId, protocol::kind::documentOffer,
               {{"transfer_id", id->toString()},
                {"media_type", "application/pdf"},
                {"size", 5000},
                {"sha256", std::string(64, 'a')},
                {"chunk_size", 4096},
                {"chunk_count", 2},
                {"title", "Ordonnance"},
                {"seq", 7}});
    const auto status = doctor.nextMessage(protocol::kind::documentStatus);
    REQUIRE(status);
    const auto parsed = protocol::parseDocumentStatus(*status);
    REQUIRE(parsed);
    CHECK(parsed->transferId == id->toString());
    CHECK(parsed->state == protocol::DocumentState::failed);
    CHECK(parsed->reason == "no_printer");
    CHECK(parsed->ackSeq == 7u);

    // The doctor ends: the page cleans, then (auto) declares itself ready.
    REQUIRE_FALSE(doctor.client
                      .request(protocol::type::sessionEnd,
                               {{"session_id", sessionId}, {"reason", "completed"}})
                      .code);
    CHECK(lab.waitPage("window.telecabine.log.some((line) => line.includes('state ended'))", 10s));
    // Cleaned and ready (auto, after 1 s), it checks the next patient in: offered again.
    const auto next = doctor.nextVisit(20s);
    REQUIRE(next);
    CHECK(next->rfind("V-BROWSER-1-w", 0) == 0);
}

TEST_CASE("A browser cabin without a stethoscope says so: its section is inactive and "
          "media.tracks names none",
          "[cabin][web][browser]") {
    Lab lab;
    Doctor doctor(lab);
    ConsoleOffer offer;
    const auto [sessionId, answer] = joinBrowserCabin(lab, doctor, offer, "?auto=1&steth=none");
    INFO(answer);
    CHECK(has(sectionOf(answer, "steth"), "a=inactive"));
    const auto tracks = doctor.nextMessage(protocol::kind::mediaTracks);
    REQUIRE(tracks);
    CHECK_FALSE(tracks->contains("stethoscope"));
    CHECK((*tracks)["voice"]["mid"] == "voice");
}

TEST_CASE("A browser cabin's media reaches the console's transport: ICE, DTLS-SRTP, the "
          "stethoscope in Opus",
          "[cabin][web][browser]") {
    Lab lab;
    Doctor doctor(lab);
    ConsoleOffer offer;
    const auto [sessionId, answer] = joinBrowserCabin(lab, doctor, offer, "?auto=1");
    INFO(answer);
    offer.start(answer);
    std::size_t applied = 0;
    const bool connected = test::pollUntil(
        [&] {
            doctor.nextMessage("none", 100ms); // collects the cabin's ICE messages
            for (; applied < doctor.iceMessages.size(); ++applied) {
                const auto& message = doctor.iceMessages[applied];
                auto signal =
                    protocol::iceSignalFrom(message["kind"].get<std::string>(), message["payload"]);
                REQUIRE(signal);
                offer.apply(std::move(*signal));
            }
            for (auto& signal : offer.takeOutgoing()) {
                auto [kind, payload] = protocol::toSessionMessage(signal);
                doctor.say(sessionId, kind, std::move(payload));
            }
            return offer.state == protocol::TransportState::connected;
        },
        30s, 1ms);
    REQUIRE(connected);
    // The stethoscope's payload type in the answer: Opus, and it flows.
    const auto steth = sectionOf(answer, "steth");
    REQUIRE_FALSE(steth.empty());
    std::istringstream mLine(steth.front());
    std::string media, port, proto;
    int payloadType = -1;
    mLine >> media >> port >> proto >> payloadType;
    CHECK(test::pollUntil([&] { return offer.packets(payloadType) > 50; }, 15s, 20ms));
    // The page's own view.
    CHECK(lab.waitPage("window.telecabine.stats().then((s) => s && s.transport && "
                       "s.transport.dtlsState === 'connected' && s.codecs.steth && "
                       "s.codecs.steth.send.mimeType === 'audio/opus' && "
                       "s.outboundAudio.steth.bytesSent > 0)",
                       15s));
    const auto stats = lab.evaluate("window.telecabine.stats()");
    INFO(stats.dump(2));
    CHECK(stats["codecs"]["steth"]["send"]["clockRate"] == 48000);
    // The console's Opus fallback bitrate (L16 first in its offer).
    CHECK(stats["codecs"]["steth"]["send"]["sdpFmtpLine"].get<std::string>().find(
              "maxaveragebitrate=" + std::to_string(media::kFallbackStethoscopeOpusBitrate)) !=
          std::string::npos);
    CHECK(stats["pair"]["local"] == "host");
}
