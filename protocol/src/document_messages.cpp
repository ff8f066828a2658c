// document.* payloads: errors, strict parsers, base64 and SHA-256.
#include "json_reader.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/protocol/document_transfer.hpp"

#include <array>
#include <openssl/evp.h>

namespace tc::protocol {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<DocumentState, std::string_view>, 5> kStateNames{{
    {DocumentState::receiving, "receiving"},
    {DocumentState::received, "received"},
    {DocumentState::printing, "printing"},
    {DocumentState::printed, "printed"},
    {DocumentState::failed, "failed"},
}};

constexpr std::array<std::pair<DocumentKind, std::string_view>, 2> kKindNames{{
    {DocumentKind::ordonnance, "ordonnance"},
    {DocumentKind::consultationReport, "consultation_report"},
}};

constexpr std::int64_t kMaxSeq = std::int64_t{1} << 53;

template <class T> DocumentResult<T> fail(DocumentErrc code, std::string detail) {
    return DocumentError(code, std::move(detail));
}

template <class T> std::optional<DocumentResult<T>> finishReader(detail::JsonReader& r) {
    if (auto error = r.finish()) {
        return fail<T>(DocumentErrc::invalidMessage, error->detail);
    }
    return std::nullopt;
}

// Reads the transfer id into `out`: an error of its own when it is there but not a prescription
// id (a missing or mistyped one is the reader's to report, when it finishes).
std::optional<DocumentError> readTransferId(detail::JsonReader& r, std::string& out) {
    std::string text;
    r.string("transfer_id", text, 1, 64);
    if (!r.ok()) {
        return std::nullopt;
    }
    if (auto canonical = canonicalTransferId(text)) {
        out = std::move(*canonical);
        return std::nullopt;
    }
    return DocumentError(DocumentErrc::invalidTransferId,
                         r.pathOf("transfer_id") + ": \"" + text + "\" is not a prescription id");
}

bool isLowerHex(std::string_view text) {
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

} // namespace

std::string_view wireName(DocumentKind kind) noexcept {
    for (const auto& [value, name] : kKindNames) {
        if (value == kind) {
            return name;
        }
    }
    return "unknown";
}

std::string_view toString(DocumentState s) noexcept {
    for (const auto& [value, name] : kStateNames) {
        if (value == s) {
            return name;
        }
    }
    return "unknown";
}

std::string boundedStatusText(std::string text) {
    if (text.size() <= kMaxDocumentStatusTextBytes) {
        return text;
    }
    static constexpr std::string_view kEllipsis = "…";
    std::size_t cut = kMaxDocumentStatusTextBytes - kEllipsis.size();
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut; // not inside a character
    }
    text.resize(cut);
    text += kEllipsis;
    return text;
}

std::optional<std::string> canonicalTransferId(std::string_view text) {
    const auto id = prescriptions::PrescriptionId::parse(text);
    if (!id || id->isNil()) {
        return std::nullopt;
    }
    return id->toString();
}

std::string sha256Hex(std::span<const std::uint8_t> bytes) {
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0F];
    }
    return hex;
}

std::string base64Encode(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i])) << 16 |
                       static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i + 1])) << 8 |
                       static_cast<std::uint8_t>(bytes[i + 2]);
        out += kAlphabet[n >> 18];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (const auto rest = bytes.size() - i; rest > 0) {
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i])) << 16;
        if (rest == 2) {
            n |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i + 1])) << 8;
        }
        out += kAlphabet[n >> 18];
        out += kAlphabet[(n >> 12) & 63];
        out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const int pad = last ? (text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0) : 0;
        std::uint32_t n = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            if (k >= 4 - static_cast<std::size_t>(pad)) {
                n <<= 6;
                continue;
            }
            const int v = base64Value(text[i + k]);
            if (v < 0) {
                return std::nullopt;
            }
            n = n << 6 | static_cast<std::uint32_t>(v);
        }
        // Canonical form only: the bits a padding hides must be zero.
        if ((pad == 1 && (n & 0xFF) != 0) || (pad == 2 && (n & 0xFFFF) != 0)) {
            return std::nullopt;
        }
        out += static_cast<char>(n >> 16);
        if (pad < 2) {
            out += static_cast<char>((n >> 8) & 0xFF);
        }
        if (pad < 1) {
            out += static_cast<char>(n & 0xFF);
        }
    }
    return out;
}

json toJson(const DocumentOffer& v) {
    json body{{"transfer_id", v.transferId},
              {"media_type", v.mediaType},
              {"size", v.size},
              {"sha256", v.sha256},
              {"chunk_size", v.chunkSize},
              {"chunk_count", v.chunkCount},
              {"title", v.title},
              {"seq", v.seq}};
    if (v.kind != DocumentKind::ordonnance) {
        body["kind"] = std::string(wireName(v.kind));
    }
    return body;
}

json toJson(const DocumentChunk& v) {
    return json{{"transfer_id", v.transferId},
                {"index", v.index},
                {"data", base64Encode(v.data)},
                {"seq", v.seq}};
}

json toJson(const DocumentStatus& v) {
    json body{{"transfer_id", v.transferId},
              {"state", std::string(toString(v.state))},
              {"received_chunks", v.receivedChunks}};
    if (v.state == DocumentState::receiving) {
        json missing = json::array();
        for (const auto& range : v.missing) {
            missing.push_back(json::array({range.first, range.last}));
        }
        body["missing"] = std::move(missing);
    }
    if (v.ackSeq) {
        body["ack_seq"] = *v.ackSeq;
    }
    if (v.state == DocumentState::failed) {
        body["reason"] = v.reason;
        body["text"] = v.text;
    }
    return body;
}

json toJson(const DocumentPrint& v) {
    return json{{"transfer_id", v.transferId}, {"seq", v.seq}};
}

DocumentResult<DocumentOffer> parseDocumentOffer(const json& payload) {
    detail::JsonReader r(payload, "document.offer");
    DocumentOffer v;
    if (auto error = readTransferId(r, v.transferId)) {
        return *error;
    }
    std::int64_t size = 0;
    std::int64_t chunkSize = 0;
    std::int64_t chunkCount = 0;
    std::int64_t seq = 0;
    r.string("media_type", v.mediaType, 1, 128);
    r.integer("size", size, 0, std::numeric_limits<std::int64_t>::max());
    r.string("sha256", v.sha256, 0, 128);
    r.integer("chunk_size", chunkSize, 0, std::numeric_limits<std::int64_t>::max());
    r.integer("chunk_count", chunkCount, 0, std::numeric_limits<std::int64_t>::max());
    r.string("title", v.title, 0, 1 << 20);
    r.integer("seq", seq, 0, kMaxSeq);
    r.enumeration("kind", v.kind, kKindNames, /*required=*/false);
    if (auto error = finishReader<DocumentOffer>(r)) {
        return *error;
    }
    if (v.mediaType != kPdfMediaType) {
        return fail<DocumentOffer>(DocumentErrc::unsupportedMediaType,
                                   "document.offer.media_type: \"" + v.mediaType +
                                       "\" is not application/pdf");
    }
    if (size == 0) {
        return fail<DocumentOffer>(DocumentErrc::emptyDocument, "document.offer.size: 0");
    }
    if (static_cast<std::uint64_t>(size) > kMaxDocumentBytes) {
        return fail<DocumentOffer>(DocumentErrc::documentTooLarge,
                                   "document.offer.size: " + std::to_string(size) + " is over " +
                                       std::to_string(kMaxDocumentBytes) + " bytes");
    }
    if (v.sha256.size() != 64 || !isLowerHex(v.sha256)) {
        return fail<DocumentOffer>(DocumentErrc::invalidSha256,
                                   "document.offer.sha256: 64 lower-case hex digits expected");
    }
    if (chunkSize < static_cast<std::int64_t>(kMinDocumentChunkBytes) ||
        chunkSize > static_cast<std::int64_t>(kMaxDocumentChunkBytes)) {
        return fail<DocumentOffer>(DocumentErrc::invalidChunkSize,
                                   "document.offer.chunk_size: " + std::to_string(chunkSize) +
                                       " is not in " + std::to_string(kMinDocumentChunkBytes) +
                                       ".." + std::to_string(kMaxDocumentChunkBytes));
    }
    const auto expected = (size + chunkSize - 1) / chunkSize;
    if (chunkCount != expected) {
        return fail<DocumentOffer>(DocumentErrc::chunkCountMismatch,
                                   "document.offer.chunk_count: " + std::to_string(chunkCount) +
                                       ", expected " + std::to_string(expected));
    }
    if (v.title.size() > kMaxDocumentTitleBytes) {
        return fail<DocumentOffer>(DocumentErrc::titleTooLong,
                                   "document.offer.title: over " +
                                       std::to_string(kMaxDocumentTitleBytes) + " bytes");
    }
    v.size = static_cast<std::uint64_t>(size);
    v.chunkSize = static_cast<std::uint32_t>(chunkSize);
    v.chunkCount = static_cast<std::uint32_t>(chunkCount);
    v.seq = static_cast<std::uint64_t>(seq);
    return v;
}

DocumentResult<DocumentChunk> parseDocumentChunk(const json& payload) {
    detail::JsonReader r(payload, "document.chunk");
    DocumentChunk v;
    if (auto error = readTransferId(r, v.transferId)) {
        return *error;
    }
    std::int64_t index = 0;
    std::int64_t seq = 0;
    std::string data;
    r.integer("index", index, 0, std::numeric_limits<std::uint32_t>::max());
    r.string("data", data, 1, 2 * kMaxDocumentChunkBytes);
    r.integer("seq", seq, 0, kMaxSeq);
    if (auto error = finishReader<DocumentChunk>(r)) {
        return *error;
    }
    auto decoded = base64Decode(data);
    if (!decoded) {
        return fail<DocumentChunk>(DocumentErrc::invalidBase64,
                                   "document.chunk.data: not canonical base64");
    }
    v.index = static_cast<std::uint32_t>(index);
    v.data = std::move(*decoded);
    v.seq = static_cast<std::uint64_t>(seq);
    return v;
}

DocumentResult<DocumentStatus> parseDocumentStatus(const json& payload) {
    detail::JsonReader r(payload, "document.status");
    DocumentStatus v;
    if (auto error = readTransferId(r, v.transferId)) {
        return *error;
    }
    r.enumeration("state", v.state, kStateNames);
    std::int64_t received = 0;
    r.integer("received_chunks", received, 0, kMaxDocumentBytes);
    const bool receiving = r.ok() && v.state == DocumentState::receiving;
    const bool failed = r.ok() && v.state == DocumentState::failed;
    if (const auto* missing = r.array("missing", kMaxMissingRanges, receiving)) {
        for (const auto& range : *missing) {
            if (!range.is_array() || range.size() != 2 || !range[0].is_number_unsigned() ||
                !range[1].is_number_unsigned() ||
                range[0].get<std::uint64_t>() > range[1].get<std::uint64_t>() ||
                range[1].get<std::uint64_t>() > kMaxDocumentBytes) {
                return fail<DocumentStatus>(DocumentErrc::invalidMessage,
                                            "document.status.missing: [first, last] ranges");
            }
            v.missing.push_back({range[0].get<std::uint32_t>(), range[1].get<std::uint32_t>()});
        }
    }
    std::int64_t ack = -1;
    r.integer("ack_seq", ack, 0, kMaxSeq, false);
    r.string("reason", v.reason, 1, 64, failed);
    r.string("text", v.text, 0, kMaxDocumentStatusTextBytes, failed);
    if (auto error = finishReader<DocumentStatus>(r)) {
        return *error;
    }
    v.receivedChunks = static_cast<std::uint32_t>(received);
    if (ack >= 0) {
        v.ackSeq = static_cast<std::uint64_t>(ack);
    }
    return v;
}

DocumentResult<DocumentPrint> parseDocumentPrint(const json& payload) {
    detail::JsonReader r(payload, "document.print");
    DocumentPrint v;
    if (auto error = readTransferId(r, v.transferId)) {
        return *error;
    }
    std::int64_t seq = 0;
    r.integer("seq", seq, 0, kMaxSeq);
    if (auto error = finishReader<DocumentPrint>(r)) {
        return *error;
    }
    v.seq = static_cast<std::uint64_t>(seq);
    return v;
}

} // namespace tc::protocol
