// The doctor's side of a document transfer: offer, paced chunks, resume from statuses.
#include "tc/protocol/document_transfer.hpp"

#include <algorithm>

namespace tc::protocol {

DocumentResult<DocumentSender> DocumentSender::create(std::string transferId, std::string bytes,
                                                      std::string title, SenderPacing pacing,
                                                      DocumentKind kind) {
    const auto refuse = [](DocumentErrc code, std::string detail) {
        return DocumentResult<DocumentSender>(DocumentError(code, std::move(detail)));
    };
    auto id = canonicalTransferId(transferId);
    if (!id) {
        return refuse(DocumentErrc::invalidTransferId,
                      "\"" + transferId + "\" is not a prescription id");
    }
    if (bytes.empty()) {
        return refuse(DocumentErrc::emptyDocument, "the document is empty");
    }
    if (bytes.size() > kMaxDocumentBytes) {
        return refuse(DocumentErrc::documentTooLarge, std::to_string(bytes.size()) +
                                                          " bytes, over " +
                                                          std::to_string(kMaxDocumentBytes));
    }
    if (title.size() > kMaxDocumentTitleBytes) {
        return refuse(DocumentErrc::titleTooLong,
                      "the title is over " + std::to_string(kMaxDocumentTitleBytes) + " bytes");
    }
    if (pacing.window == 0 || pacing.ratePerSecond <= 0 || pacing.burst < 1) {
        pacing = {};
    }
    DocumentSender sender;
    sender.m_offer.transferId = std::move(*id);
    sender.m_offer.size = bytes.size();
    sender.m_offer.sha256 =
        sha256Hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    sender.m_offer.chunkSize = static_cast<std::uint32_t>(kDocumentChunkBytes);
    sender.m_offer.chunkCount =
        static_cast<std::uint32_t>((bytes.size() + kDocumentChunkBytes - 1) / kDocumentChunkBytes);
    sender.m_offer.title = std::move(title);
    sender.m_offer.kind = kind;
    sender.m_bytes = std::move(bytes);
    sender.m_pacing = pacing;
    sender.m_sentSeq.assign(sender.m_offer.chunkCount, 0);
    sender.m_held.assign(sender.m_offer.chunkCount, false);
    sender.m_pending.assign(sender.m_offer.chunkCount, true);
    return sender;
}

bool DocumentSender::takeToken(Clock::time_point now) {
    if (!m_tokensStarted) {
        m_tokensStarted = true;
        m_tokens = m_pacing.burst;
        m_tokensAt = now;
    }
    const double elapsed = std::chrono::duration<double>(now - m_tokensAt).count();
    if (elapsed > 0) {
        m_tokens = std::min(m_pacing.burst, m_tokens + elapsed * m_pacing.ratePerSecond);
        m_tokensAt = now;
    }
    if (m_tokens < 1) {
        return false;
    }
    m_tokens -= 1;
    return true;
}

std::uint32_t DocumentSender::inFlight() const {
    std::uint32_t count = 0;
    for (std::size_t i = 0; i < m_sentSeq.size(); ++i) {
        if (m_sentSeq[i] > m_ackSeq && !m_held[i]) {
            ++count;
        }
    }
    return count;
}

OutgoingMessage DocumentSender::chunkMessage(std::uint32_t index) {
    const std::size_t offset = std::size_t{index} * m_offer.chunkSize;
    const std::size_t length = std::min<std::size_t>(m_offer.chunkSize, m_bytes.size() - offset);
    if (m_sentSeq[index] == 0) {
        ++m_chunksSent;
    }
    ++m_chunkMessages;
    m_sentSeq[index] = ++m_seq;
    m_pending[index] = false;
    const DocumentChunk chunk{m_offer.transferId, index, m_bytes.substr(offset, length), m_seq};
    return {std::string(kind::documentChunk), toJson(chunk)};
}

std::vector<OutgoingMessage> DocumentSender::poll(Clock::time_point now) {
    std::vector<OutgoingMessage> out;
    const bool waiting = m_awaitingOffer || (m_state == DocumentState::receiving && inFlight() > 0);
    if (waiting && !m_offerDue && now - m_lastProgress >= m_pacing.stallTimeout) {
        m_offerDue = true; // a status went missing: ask again where the cabin stands
    }
    if (m_offerDue && takeToken(now)) {
        m_offerDue = false;
        m_offer.seq = ++m_seq;
        m_offerSeq = m_seq;
        m_awaitingOffer = true;
        m_lastProgress = now;
        out.push_back({std::string(kind::documentOffer), toJson(m_offer)});
    }
    if (m_printDue && !m_awaitingOffer && takeToken(now)) {
        m_printDue = false;
        m_awaitingOffer = true; // its status answers like an offer's
        m_offerSeq = ++m_seq;
        m_lastProgress = now;
        out.push_back(
            {std::string(kind::documentPrint), toJson(DocumentPrint{m_offer.transferId, m_seq})});
    }
    if (m_state != DocumentState::receiving || m_awaitingOffer) {
        return out; // chunks only once the cabin has said what it is missing
    }
    std::uint32_t flying = inFlight();
    for (std::uint32_t i = 0; i < m_offer.chunkCount && flying < m_pacing.window; ++i) {
        if (!m_pending[i]) {
            continue;
        }
        if (!takeToken(now)) {
            break;
        }
        if (flying == 0) {
            m_lastProgress = now; // the stall clock starts with the first chunk in flight
        }
        out.push_back(chunkMessage(i));
        ++flying;
    }
    return out;
}

std::optional<DocumentSender::Clock::time_point>
DocumentSender::nextWakeup(Clock::time_point now) const {
    const bool chunksReady =
        m_state == DocumentState::receiving && !m_awaitingOffer &&
        std::find(m_pending.begin(), m_pending.end(), true) != m_pending.end() &&
        inFlight() < m_pacing.window;
    if (m_offerDue || (m_printDue && !m_awaitingOffer) || chunksReady) {
        if (!m_tokensStarted) {
            return now;
        }
        const double elapsed = std::chrono::duration<double>(now - m_tokensAt).count();
        const double tokens = std::min(m_pacing.burst, m_tokens + elapsed * m_pacing.ratePerSecond);
        if (tokens >= 1) {
            return now;
        }
        return now + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>((1 - tokens) / m_pacing.ratePerSecond));
    }
    const bool waiting = m_awaitingOffer || (m_state == DocumentState::receiving && inFlight() > 0);
    if (waiting) {
        return m_lastProgress + m_pacing.stallTimeout;
    }
    return std::nullopt;
}

std::optional<DocumentError> DocumentSender::onStatus(const DocumentStatus& status,
                                                      Clock::time_point now) {
    if (status.transferId != m_offer.transferId) {
        return DocumentError{DocumentErrc::unexpectedStatus,
                             "status for " + status.transferId + ", sending " + m_offer.transferId};
    }
    m_lastProgress = now;
    if (status.ackSeq) {
        m_ackSeq = std::max(m_ackSeq, *status.ackSeq);
        if (*status.ackSeq >= m_offerSeq) {
            m_awaitingOffer = false;
        }
    }
    m_reason.clear();
    m_reasonText.clear();
    switch (status.state) {
    case DocumentState::receiving: {
        m_state = DocumentState::receiving;
        std::vector<bool> missing(m_offer.chunkCount, false);
        std::uint32_t listedUpTo = m_offer.chunkCount; // beyond a truncated list: unknown
        if (status.missing.size() >= kMaxMissingRanges && !status.missing.empty()) {
            listedUpTo = std::min(m_offer.chunkCount, status.missing.back().last + 1);
        }
        for (const auto& range : status.missing) {
            for (std::uint32_t i = range.first; i <= range.last && i < m_offer.chunkCount; ++i) {
                missing[i] = true;
            }
        }
        for (std::uint32_t i = 0; i < listedUpTo; ++i) {
            m_held[i] = !missing[i];
            const bool settled = m_sentSeq[i] == 0 || m_sentSeq[i] <= m_ackSeq;
            m_pending[i] = missing[i] && settled;
        }
        break;
    }
    case DocumentState::received:
    case DocumentState::printing:
    case DocumentState::printed:
        m_awaitingOffer = false; // delivered: nothing left to wait for before a print
        m_state = status.state;
        m_delivered = true;
        std::fill(m_held.begin(), m_held.end(), true);
        std::fill(m_pending.begin(), m_pending.end(), false);
        m_offerDue = false;
        break;
    case DocumentState::failed:
        m_awaitingOffer = false;
        m_state = DocumentState::failed;
        m_reason = status.reason;
        m_reasonText = status.text;
        m_delivered = status.receivedChunks == m_offer.chunkCount && status.reason != "conflict";
        if (m_delivered) {
            std::fill(m_held.begin(), m_held.end(), true);
            std::fill(m_pending.begin(), m_pending.end(), false);
        } else if (status.reason == "unknown_transfer") {
            restart(); // the cabin lost it (restarted): offer it again from the start
        }
        break;
    }
    m_acknowledged = static_cast<std::uint32_t>(std::count(m_held.begin(), m_held.end(), true));
    return std::nullopt;
}

void DocumentSender::restart() {
    m_state = DocumentState::receiving;
    std::fill(m_held.begin(), m_held.end(), false);
    std::fill(m_pending.begin(), m_pending.end(), true);
    m_ackSeq = m_seq; // whatever is still in flight is settled by the next offer's status
    m_offerDue = true;
    m_printDue = false;
    m_delivered = false;
}

void DocumentSender::resume(Clock::time_point now) {
    if (m_state == DocumentState::printed) {
        return;
    }
    m_lastProgress = now;
    m_offerDue = true;
}

void DocumentSender::retry(Clock::time_point now) {
    if (m_state != DocumentState::failed) {
        return;
    }
    m_lastProgress = now;
    if (m_delivered) {
        m_printDue = true; // the cabin has it: print again
    } else {
        restart();
    }
}

} // namespace tc::protocol
