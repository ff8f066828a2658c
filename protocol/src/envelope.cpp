#include "tc/protocol/envelope.hpp"

#include "json_reader.hpp"
#include "text_rules.hpp"

namespace tc::protocol {
namespace {

bool isValidTypeName(std::string_view type) noexcept {
    if (type.empty() || type.size() > 64) {
        return false;
    }
    for (const char c : type) {
        const bool allowed =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
        if (!allowed) {
            return false;
        }
    }
    return true;
}

} // namespace

boost::system::result<Envelope, ParseError> parseEnvelope(std::string_view frame) {
    if (frame.size() > kMaxFrameBytes) {
        return ParseError{make_error_code(Errc::frameTooLarge),
                          {},
                          "frame of " + std::to_string(frame.size()) + " bytes exceeds " +
                              std::to_string(kMaxFrameBytes)};
    }
    if (!detail::isValidUtf8(frame)) {
        return ParseError{
            make_error_code(Errc::malformedJson), {}, "the frame is not valid UTF-8"};
    }
    auto json = nlohmann::json::parse(frame, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
        return ParseError{make_error_code(Errc::malformedJson), {}, "the frame is not JSON"};
    }
    if (!json.is_object()) {
        return ParseError{
            make_error_code(Errc::wrongFieldType), {}, "envelope: expected an object"};
    }
    Envelope envelope;
    detail::JsonReader reader(json, "envelope");
    // Read the id first so that every later error can still be answered to the request.
    reader.string("id", envelope.id, 1, kMaxRequestIdBytes, /*required=*/false);
    const std::string requestId = envelope.id;
    std::int64_t version = 0;
    reader.integer("v", version, 0, 1'000'000);
    reader.string("type", envelope.type, 1, 64);
    const auto* body = reader.object("body", /*required=*/false);
    if (auto error = reader.finish()) {
        error->requestId = requestId;
        return *error;
    }
    if (version != kProtocolVersion) {
        return ParseError{make_error_code(Errc::unsupportedVersion), requestId,
                          "envelope.v: version " + std::to_string(version) +
                              " is not supported; this service speaks " +
                              std::to_string(kProtocolVersion)};
    }
    if (!isValidTypeName(envelope.type)) {
        return ParseError{make_error_code(Errc::invalidField), requestId,
                          "envelope.type: must be lowercase letters, digits, '.' or '_'"};
    }
    envelope.version = static_cast<int>(version);
    if (body != nullptr) {
        envelope.body = *body;
    }
    return envelope;
}

std::string serialise(const Envelope& envelope) {
    nlohmann::json json = nlohmann::json::object();
    json["v"] = envelope.version;
    json["type"] = envelope.type;
    if (!envelope.id.empty()) {
        json["id"] = envelope.id;
    }
    json["body"] = envelope.body;
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Envelope makeReply(const std::string& requestId, nlohmann::json body) {
    return Envelope{kProtocolVersion, "result", requestId, std::move(body)};
}

Envelope makeError(const std::string& requestId, boost::system::error_code code,
                   std::string detail) {
    nlohmann::json body = nlohmann::json::object();
    body["code"] = code.category() == protocolCategory()
                       ? std::string(wireName(static_cast<Errc>(code.value())))
                       : std::string("internal");
    body["message"] = code.message();
    if (!detail.empty()) {
        body["detail"] = std::move(detail);
    }
    return Envelope{kProtocolVersion, "error", requestId, std::move(body)};
}

} // namespace tc::protocol
