// The cabin's side of a document transfer: validation, assembly, hash check, idempotence.
#include "tc/protocol/document_transfer.hpp"

#include <algorithm>

namespace tc::protocol {
namespace {

// The transfer id of a payload, when it has a readable one (to address a refusal to it).
std::string idOf(const nlohmann::json& payload) {
    if (!payload.is_object()) {
        return {};
    }
    const auto it = payload.find("transfer_id");
    if (it == payload.end() || !it->is_string()) {
        return {};
    }
    return canonicalTransferId(it->get<std::string>()).value_or(std::string());
}

DocumentStatus failedStatus(const std::string& id, DocumentErrc code, std::string text,
                            std::optional<std::uint64_t> ack = std::nullopt) {
    DocumentStatus s;
    s.transferId = id;
    s.state = DocumentState::failed;
    s.reason = std::string(wireName(code));
    s.text = boundedStatusText(std::move(text)); // the detail may quote what the peer sent
    s.ackSeq = ack;
    return s;
}

std::optional<std::uint64_t> seqOf(const nlohmann::json& payload) {
    if (payload.is_object()) {
        const auto it = payload.find("seq");
        if (it != payload.end() && it->is_number_unsigned()) {
            return it->get<std::uint64_t>();
        }
    }
    return std::nullopt;
}

} // namespace

DocumentReceiver::Reaction DocumentReceiver::refuse(std::string id, DocumentError error,
                                                    std::optional<DocumentStatus> s) {
    Reaction out;
    out.transferId = std::move(id);
    out.error = std::move(error);
    out.status = std::move(s);
    return out;
}

DocumentStatus DocumentReceiver::statusOf(const std::string& id, const Transfer& t,
                                          std::optional<std::uint64_t> ackSeq) const {
    DocumentStatus s;
    s.transferId = id;
    s.state = t.state;
    s.ackSeq = ackSeq;
    s.reason = t.reason;
    s.text = t.text;
    s.receivedChunks = t.complete ? t.offer.chunkCount : t.received;
    if (t.state == DocumentState::receiving) {
        for (std::uint32_t i = 0; i < t.offer.chunkCount && s.missing.size() < kMaxMissingRanges;
             ++i) {
            if (!t.chunks[i].empty()) {
                continue;
            }
            if (!s.missing.empty() && s.missing.back().last + 1 == i) {
                s.missing.back().last = i;
            } else {
                s.missing.push_back({i, i});
            }
        }
        // The last range may continue past what was listed: extend it while it does.
        if (!s.missing.empty()) {
            auto& last = s.missing.back();
            while (last.last + 1 < t.offer.chunkCount && t.chunks[last.last + 1].empty()) {
                ++last.last;
            }
        }
    }
    return s;
}

DocumentReceiver::Reaction DocumentReceiver::handle(std::string_view kind,
                                                    const nlohmann::json& payload) {
    if (kind == kind::documentOffer) {
        return onOffer(payload);
    }
    if (kind == kind::documentChunk) {
        return onChunk(payload);
    }
    if (kind == kind::documentPrint) {
        return onPrint(payload);
    }
    return refuse(idOf(payload),
                  {DocumentErrc::invalidMessage,
                   "\"" + std::string(kind) + "\" is not a message the cabin receives"},
                  std::nullopt);
}

DocumentReceiver::Reaction DocumentReceiver::onOffer(const nlohmann::json& payload) {
    auto parsed = parseDocumentOffer(payload);
    if (!parsed) {
        const auto id = idOf(payload);
        auto status = id.empty()
                          ? std::nullopt
                          : std::optional(failedStatus(id, parsed.error().errc(),
                                                       parsed.error().detail, seqOf(payload)));
        return refuse(id, parsed.error(), std::move(status));
    }
    auto& offer = *parsed;
    if (offer.size > m_limits.maxDocumentBytes) {
        DocumentError error{DocumentErrc::documentTooLarge,
                            "document.offer.size: " + std::to_string(offer.size) +
                                " is over this cabin's " +
                                std::to_string(m_limits.maxDocumentBytes) + " bytes"};
        return refuse(offer.transferId, error,
                      failedStatus(offer.transferId, error.errc(), error.detail, offer.seq));
    }
    Reaction out;
    out.transferId = offer.transferId;
    const auto it = m_transfers.find(offer.transferId);
    if (it != m_transfers.end()) {
        auto& t = it->second;
        if (t.offer.sha256 != offer.sha256 || t.offer.size != offer.size) {
            DocumentError error{DocumentErrc::conflict,
                                "another document is held under " + offer.transferId};
            return refuse(offer.transferId, error,
                          failedStatus(offer.transferId, DocumentErrc::conflict,
                                       "une autre ordonnance porte déjà cet identifiant",
                                       offer.seq));
        }
        const bool restart = !t.complete && (t.state == DocumentState::failed ||
                                             t.offer.chunkSize != offer.chunkSize);
        if (restart) { // after a hash mismatch, or another chunk layout: start again
            t.offer = offer;
            t.chunks.assign(offer.chunkCount, std::string());
            t.received = 0;
            t.state = DocumentState::receiving;
            t.reason.clear();
            t.text.clear();
        }
        t.offer.title = offer.title;
        out.status = statusOf(offer.transferId, t, offer.seq);
        return out;
    }
    const auto incomplete = std::count_if(m_transfers.begin(), m_transfers.end(), [](auto& e) {
        return e.second.state == DocumentState::receiving;
    });
    if (static_cast<std::size_t>(incomplete) >= m_limits.maxIncomplete) {
        DocumentError error{DocumentErrc::tooManyTransfers,
                            std::to_string(incomplete) + " transfers are already under way"};
        return refuse(offer.transferId, error,
                      failedStatus(offer.transferId, error.errc(), error.detail, offer.seq));
    }
    Transfer t;
    t.offer = offer;
    t.chunks.assign(offer.chunkCount, std::string());
    auto& held = m_transfers[offer.transferId] = std::move(t);
    out.status = statusOf(offer.transferId, held, offer.seq);
    return out;
}

DocumentReceiver::Reaction DocumentReceiver::onChunk(const nlohmann::json& payload) {
    auto parsed = parseDocumentChunk(payload);
    const auto id = parsed ? parsed->transferId : idOf(payload);
    const auto it = m_transfers.find(id);
    if (!parsed) {
        // Say what is missing, so that the sender sends this chunk again properly.
        std::optional<DocumentStatus> status;
        if (it != m_transfers.end() && it->second.state == DocumentState::receiving) {
            status = statusOf(id, it->second, seqOf(payload));
        }
        return refuse(id, parsed.error(), std::move(status));
    }
    auto& chunk = *parsed;
    if (it == m_transfers.end()) {
        DocumentError error{DocumentErrc::unknownTransfer, "no transfer " + id + " was offered"};
        return refuse(id, error,
                      failedStatus(id, error.errc(), "transfert inconnu de la cabine", chunk.seq));
    }
    auto& t = it->second;
    Reaction out;
    out.transferId = id;
    if (t.state != DocumentState::receiving) {
        // Complete already (a late duplicate) or failed: the last chunk gets the state.
        if (chunk.index + 1 == t.offer.chunkCount) {
            out.status = statusOf(id, t, chunk.seq);
        }
        return out;
    }
    if (chunk.index >= t.offer.chunkCount) {
        DocumentError error{DocumentErrc::indexOutOfRange,
                            "document.chunk.index: " + std::to_string(chunk.index) +
                                " is not below " + std::to_string(t.offer.chunkCount)};
        return refuse(id, error, statusOf(id, t, chunk.seq));
    }
    const std::size_t offset = std::size_t{chunk.index} * t.offer.chunkSize;
    const std::size_t expected = std::min<std::size_t>(t.offer.chunkSize, t.offer.size - offset);
    if (chunk.data.size() != expected) {
        DocumentError error{DocumentErrc::wrongChunkLength,
                            "document.chunk.data: chunk " + std::to_string(chunk.index) + " has " +
                                std::to_string(chunk.data.size()) + " bytes, expected " +
                                std::to_string(expected)};
        return refuse(id, error, statusOf(id, t, chunk.seq));
    }
    auto& slot = t.chunks[chunk.index];
    if (!slot.empty()) {
        if (slot != chunk.data) {
            DocumentError error{DocumentErrc::chunkMismatch,
                                "chunk " + std::to_string(chunk.index) +
                                    " came again with other bytes; the first is kept"};
            return refuse(id, error, statusOf(id, t, chunk.seq));
        }
        if (chunk.index + 1 == t.offer.chunkCount) {
            out.status = statusOf(id, t, chunk.seq);
        }
        return out; // a duplicate: harmless
    }
    slot = std::move(chunk.data);
    ++t.received;
    ++t.sinceAck;
    if (t.received == t.offer.chunkCount) {
        std::string whole;
        whole.reserve(t.offer.size);
        for (const auto& part : t.chunks) {
            whole += part;
        }
        t.chunks.assign(t.offer.chunkCount, std::string());
        t.received = 0;
        t.sinceAck = 0;
        const auto digest =
            sha256Hex({reinterpret_cast<const std::uint8_t*>(whole.data()), whole.size()});
        if (digest != t.offer.sha256) {
            t.state = DocumentState::failed;
            t.reason = std::string(wireName(DocumentErrc::hashMismatch));
            t.text = "document altéré en route (empreinte SHA-256 différente)";
            out.error = DocumentError{DocumentErrc::hashMismatch,
                                      "SHA-256 " + digest + ", offered " + t.offer.sha256};
            out.status = statusOf(id, t, chunk.seq);
            return out;
        }
        t.bytes = std::move(whole);
        t.complete = true;
        t.state = DocumentState::received;
        out.status = statusOf(id, t, chunk.seq);
        out.print = true;
        return out;
    }
    if (t.sinceAck >= m_limits.ackEvery || chunk.index + 1 == t.offer.chunkCount) {
        t.sinceAck = 0;
        out.status = statusOf(id, t, chunk.seq);
    }
    return out;
}

DocumentReceiver::Reaction DocumentReceiver::onPrint(const nlohmann::json& payload) {
    auto parsed = parseDocumentPrint(payload);
    if (!parsed) {
        return refuse(idOf(payload), parsed.error(), std::nullopt);
    }
    const auto& id = parsed->transferId;
    const auto seq = parsed->seq;
    const auto it = m_transfers.find(id);
    if (it == m_transfers.end()) {
        DocumentError error{DocumentErrc::unknownTransfer, "no transfer " + id + " was offered"};
        return refuse(id, error,
                      failedStatus(id, error.errc(), "transfert inconnu de la cabine", seq));
    }
    auto& t = it->second;
    Reaction out;
    out.transferId = id;
    if (t.state == DocumentState::failed && t.complete) {
        t.printAck = seq; // printingStarted() answers it
        out.print = true;
        return out;
    }
    if (!t.complete) {
        out.error = DocumentError{DocumentErrc::notReceived, id + " is not completely received"};
    }
    out.status = statusOf(id, t, seq); // printing or printed already: never a second copy
    return out;
}

DocumentStatus DocumentReceiver::printingStarted(const std::string& transferId) {
    auto& t = m_transfers.at(transferId);
    t.state = DocumentState::printing;
    t.reason.clear();
    t.text.clear();
    const auto ack = t.printAck;
    t.printAck.reset();
    return statusOf(transferId, t, ack);
}

DocumentStatus DocumentReceiver::printed(const std::string& transferId) {
    auto& t = m_transfers.at(transferId);
    t.state = DocumentState::printed;
    ++t.prints;
    t.bytes.clear(); // never printed twice: the copy is no longer needed
    t.bytes.shrink_to_fit();
    const auto ack = t.printAck;
    t.printAck.reset();
    return statusOf(transferId, t, ack);
}

DocumentStatus DocumentReceiver::printFailed(const std::string& transferId, std::string reason,
                                             std::string text) {
    auto& t = m_transfers.at(transferId);
    t.state = DocumentState::failed;
    t.reason = std::move(reason);
    t.text = boundedStatusText(std::move(text));
    const auto ack = t.printAck; // when no printing could start
    t.printAck.reset();
    return statusOf(transferId, t, ack);
}

const std::string* DocumentReceiver::document(const std::string& transferId) const {
    const auto it = m_transfers.find(transferId);
    return it == m_transfers.end() || !it->second.complete || it->second.bytes.empty()
               ? nullptr
               : &it->second.bytes;
}

std::optional<DocumentState> DocumentReceiver::state(const std::string& transferId) const {
    const auto it = m_transfers.find(transferId);
    return it == m_transfers.end() ? std::nullopt : std::optional(it->second.state);
}

std::string DocumentReceiver::title(const std::string& transferId) const {
    const auto it = m_transfers.find(transferId);
    return it == m_transfers.end() ? std::string() : it->second.offer.title;
}

std::optional<DocumentKind> DocumentReceiver::kind(const std::string& transferId) const {
    const auto it = m_transfers.find(transferId);
    return it == m_transfers.end() ? std::nullopt : std::optional(it->second.offer.kind);
}

std::size_t DocumentReceiver::printCount(const std::string& transferId) const {
    const auto it = m_transfers.find(transferId);
    return it == m_transfers.end() ? 0 : it->second.prints;
}

} // namespace tc::protocol
