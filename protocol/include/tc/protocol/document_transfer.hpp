#pragma once
// Delivering a document (the signed prescription PDF) from the doctor to the cabin inside a
// session: `document.offer`, `document.chunk`, `document.status`, `document.print` session
// messages (protocol/README.md, "Document transfer"). The transfer id is the prescription id;
// the transfer is chunked, hashed (SHA-256) and resumable, and sending it again never prints a
// second copy. Pure state machines, no I/O: the caller sends what they return and feeds them
// what arrives.

#include "tc/errors/outcome.hpp"
#include "tc/protocol/errc/document_errc.hpp"
#include "tc/protocol/session_kinds.hpp"

#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

// The message kinds: kind::documentOffer, documentChunk, documentStatus, documentPrint
// (session_kinds.hpp).

// 4 KiB of data is 5,464 base64 characters: a chunk message stays near 5.6 KB, well under the
// 8,192-byte session payload limit.
inline constexpr std::size_t kDocumentChunkBytes = 4096;
inline constexpr std::size_t kMinDocumentChunkBytes = 256;
inline constexpr std::size_t kMaxDocumentChunkBytes = 5632; // base64 7,512 characters
// A status's text, in bytes; a longer one (an error naming what a peer sent) is cut, on a UTF-8
// character boundary, with "…".
inline constexpr std::size_t kMaxDocumentStatusTextBytes = 512;
std::string boundedStatusText(std::string text);
inline constexpr std::size_t kMaxDocumentBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxDocumentTitleBytes = 256;
inline constexpr std::size_t kMaxMissingRanges = 64; // per status; more follow in later ones
inline constexpr std::string_view kPdfMediaType = "application/pdf";

// `detail` names the field, e.g. "document.chunk.index: 12 is not below 9".
struct DocumentError : errors::Failure {
    DocumentError()
        : DocumentError(DocumentErrc::invalidMessage, {}) {}
    DocumentError(DocumentErrc errc, std::string detailText)
        : Failure{make_error_code(errc), std::move(detailText)} {}
    DocumentErrc errc() const noexcept {
        return code.category() == documentCategory() ? static_cast<DocumentErrc>(code.value())
                                                     : DocumentErrc::invalidMessage;
    }
};

// What a document is. A cabin prints an ordonnance as it comes; a consultation report (the
// patient's copy of the compte rendu) only once its signature checks out against the
// deployment's CA (the cabin's own decision: the protocol only carries the kind).
enum class DocumentKind { ordonnance, consultationReport };
std::string_view wireName(DocumentKind kind) noexcept; // "ordonnance", "consultation_report"

struct DocumentOffer {
    std::string transferId; // canonical prescription id (a report's id is one too)
    // Optional on the wire, "ordonnance" when absent (and then not written, so that a cabin that
    // predates it still reads an ordonnance's offer).
    DocumentKind kind = DocumentKind::ordonnance;
    std::string mediaType{kPdfMediaType};
    std::uint64_t size = 0;
    std::string sha256; // 64 lower-case hex digits
    std::uint32_t chunkSize = kDocumentChunkBytes;
    std::uint32_t chunkCount = 0;
    std::string title;
    std::uint64_t seq = 0; // the sender's message counter, echoed by statuses
};

struct DocumentChunk {
    std::string transferId;
    std::uint32_t index = 0;
    std::string data; // decoded bytes
    std::uint64_t seq = 0;
};

enum class DocumentState { receiving, received, printing, printed, failed };
std::string_view toString(DocumentState s) noexcept;

struct ChunkRange {
    std::uint32_t first = 0;
    std::uint32_t last = 0; // inclusive
    friend bool operator==(const ChunkRange&, const ChunkRange&) = default;
};

struct DocumentStatus {
    std::string transferId;
    DocumentState state = DocumentState::receiving;
    std::uint32_t receivedChunks = 0;
    std::vector<ChunkRange> missing;     // receiving only, at most kMaxMissingRanges
    std::optional<std::uint64_t> ackSeq; // the seq of the message this status answers
    std::string reason;                  // failed only: a reason code, e.g. "media_empty"
    std::string text;                    // failed only: for people, e.g. "plus de papier"
};

struct DocumentPrint {
    std::string transferId;
    std::uint64_t seq = 0;
};

// Payload (de)serialisation; parsers check every field and refuse unknown ones.
nlohmann::json toJson(const DocumentOffer& v);
nlohmann::json toJson(const DocumentChunk& v); // data is written in base64
nlohmann::json toJson(const DocumentStatus& v);
nlohmann::json toJson(const DocumentPrint& v);
// A value, or the typed error that prevented it.
template <class T> using DocumentResult = errors::Outcome<T, DocumentError>;
DocumentResult<DocumentOffer> parseDocumentOffer(const nlohmann::json& payload);
DocumentResult<DocumentChunk> parseDocumentChunk(const nlohmann::json& payload);
DocumentResult<DocumentStatus> parseDocumentStatus(const nlohmann::json& payload);
DocumentResult<DocumentPrint> parseDocumentPrint(const nlohmann::json& payload);

// Canonical prescription id (upper case, grouped) or nullopt.
std::optional<std::string> canonicalTransferId(std::string_view text);
std::string sha256Hex(std::span<const std::uint8_t> bytes);
std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text); // strict: padded, no spaces

// One in-session message to send: its kind and payload.
struct OutgoingMessage {
    std::string kind;
    nlohmann::json payload;
};

// The doctor's side. Paces itself below the service's rate limit: at most `ratePerSecond`
// messages a second (bursts of `burst`), and at most `window` chunks not yet acknowledged by a
// status. Every call is given the time; nothing here reads a clock.
struct SenderPacing {
    double ratePerSecond = 10; // half the service's 20/s: pings and other messages fit beside
    double burst = 10;
    std::uint32_t window = 16;
    std::chrono::milliseconds stallTimeout{3000}; // no status for that long: offer again
};

class DocumentSender {
public:
    using Clock = std::chrono::steady_clock;

    // Fails with invalidTransferId, emptyDocument, documentTooLarge or titleTooLong.
    static DocumentResult<DocumentSender> create(std::string transferId, std::string bytes,
                                                 std::string title, SenderPacing pacing = {},
                                                 DocumentKind kind = DocumentKind::ordonnance);

    // What to send now (the offer first, then chunks as pacing allows).
    std::vector<OutgoingMessage> poll(Clock::time_point now);
    // When poll() has something more to say (nullopt: nothing until a status arrives).
    std::optional<Clock::time_point> nextWakeup(Clock::time_point now) const;
    // A status from the cabin. Errors: unexpectedStatus for another transfer.
    std::optional<DocumentError> onStatus(const DocumentStatus& status, Clock::time_point now);
    // The link came back: offer again, so that the cabin says what it is missing.
    void resume(Clock::time_point now);
    // After a print failure: a document.print; after a transfer failure: start again.
    void retry(Clock::time_point now);

    const DocumentOffer& offer() const { return m_offer; }
    DocumentState state() const { return m_state; }
    bool finished() const { return m_state == DocumentState::printed; }
    const std::string& reason() const { return m_reason; }
    const std::string& reasonText() const { return m_reasonText; }
    std::uint32_t chunkCount() const { return m_offer.chunkCount; }
    std::uint32_t chunksSent() const { return m_chunksSent; } // distinct chunks sent at least once
    std::uint32_t chunksAcknowledged() const { return m_acknowledged; }
    std::uint64_t chunkMessages() const { return m_chunkMessages; } // resendings included
    std::uint64_t messagesSent() const { return m_seq; }

private:
    DocumentSender() = default;
    bool takeToken(Clock::time_point now);
    OutgoingMessage chunkMessage(std::uint32_t index);
    std::uint32_t inFlight() const;
    void restart();

    DocumentOffer m_offer;
    std::string m_bytes;
    SenderPacing m_pacing;
    DocumentState m_state = DocumentState::receiving;
    std::string m_reason;
    std::string m_reasonText;
    std::vector<std::uint64_t> m_sentSeq; // per chunk: seq of its last sending, 0 = never
    std::vector<bool> m_held;             // per chunk: the cabin said it has it
    std::vector<bool> m_pending;          // per chunk: to send
    std::uint64_t m_seq = 0;
    std::uint64_t m_ackSeq = 0;
    std::uint32_t m_chunksSent = 0;
    std::uint32_t m_acknowledged = 0;
    std::uint64_t m_chunkMessages = 0;
    std::uint64_t m_offerSeq = 0; // the last offer or print; chunks wait for its status
    bool m_offerDue = true;
    bool m_awaitingOffer = false;
    bool m_printDue = false;
    bool m_delivered = false; // the cabin has held the whole document
    double m_tokens = 0;
    bool m_tokensStarted = false;
    Clock::time_point m_tokensAt{};
    Clock::time_point m_lastProgress{};
};

// The cabin's side: validates everything the peer sends and keeps running after any bad input.
class DocumentReceiver {
public:
    struct Limits {
        std::size_t maxDocumentBytes = kMaxDocumentBytes;
        std::size_t maxIncomplete = 4; // transfers being received at once
        std::uint32_t ackEvery = 8;    // a status every this many chunks (and on the last)
    };

    // What the cabin does after feeding one message.
    struct Reaction {
        std::optional<DocumentStatus> status; // send it back
        std::optional<DocumentError> error;   // the input was refused (log it)
        bool print = false;                   // the document is complete: print it now
        std::string transferId;
    };

    DocumentReceiver() = default;
    explicit DocumentReceiver(Limits limits)
        : m_limits(limits) {}

    // One session message of a document.* kind (the payload as received).
    Reaction handle(std::string_view kind, const nlohmann::json& payload);

    // The printer's progress for a document the receiver asked to print.
    DocumentStatus printingStarted(const std::string& transferId);
    DocumentStatus printed(const std::string& transferId);
    DocumentStatus printFailed(const std::string& transferId, std::string reason, std::string text);

    // The complete document's bytes (empty if not held).
    const std::string* document(const std::string& transferId) const;
    std::optional<DocumentState> state(const std::string& transferId) const;
    std::string title(const std::string& transferId) const;
    std::optional<DocumentKind> kind(const std::string& transferId) const;
    std::size_t printCount(const std::string& transferId) const;

private:
    struct Transfer {
        DocumentOffer offer;
        std::vector<std::string> chunks; // empty string = missing
        std::uint32_t received = 0;
        std::string bytes; // assembled once complete and verified; kept for reprints
        DocumentState state = DocumentState::receiving;
        std::string reason;
        std::string text;
        std::size_t prints = 0;
        std::uint32_t sinceAck = 0;
        bool complete = false;                 // verified; bytes dropped once printed
        std::optional<std::uint64_t> printAck; // a document.print awaiting its status
    };
    Reaction onOffer(const nlohmann::json& payload);
    Reaction onChunk(const nlohmann::json& payload);
    Reaction onPrint(const nlohmann::json& payload);
    DocumentStatus statusOf(const std::string& id, const Transfer& t,
                            std::optional<std::uint64_t> ackSeq) const;
    static Reaction refuse(std::string id, DocumentError error, std::optional<DocumentStatus> s);

    Limits m_limits;
    std::map<std::string, Transfer> m_transfers;
};

} // namespace tc::protocol
