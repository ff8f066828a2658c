#include "tc/protocol/ice_messages.hpp"

#include "json_reader.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <algorithm>

namespace tc::protocol {
namespace {

using nlohmann::json;

// RFC 8839 ice-char: ALPHA / DIGIT / "+" / "/".
bool iceChars(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
    });
}

void readUfrag(detail::JsonReader& reader, std::string& out) {
    reader.string("ufrag", out, 4, 256);
    if (reader.ok() && !iceChars(out)) {
        reader.fail(Errc::invalidField, reader.pathOf("ufrag") + ": not ice-chars");
    }
}

} // namespace

std::pair<std::string_view, json> toSessionMessage(const IceSignal& signal) {
    if (const auto* c = std::get_if<IceCandidateSignal>(&signal)) {
        auto line = formatCandidate(c->candidate, 1);
        return {kind::iceCandidate, json{{"ufrag", c->ufrag}, {"candidate", line.substr(2)}}};
    }
    if (const auto* end = std::get_if<IceEndOfCandidatesSignal>(&signal)) {
        return {kind::iceEndOfCandidates, json{{"ufrag", end->ufrag}}};
    }
    const auto& restart = std::get<IceRestartSignal>(signal);
    return {kind::iceRestart, json{{"generation", restart.generation},
                                   {"ufrag", restart.credentials.ufrag},
                                   {"pwd", restart.credentials.password}}};
}

boost::system::result<IceSignal, ParseError> iceSignalFrom(std::string_view kind,
                                                           const json& payload) {
    if (!payload.is_object()) {
        return ParseError{make_error_code(Errc::invalidField), {}, "payload: not an object"};
    }
    detail::JsonReader reader(payload, "payload");
    IceSignal signal;
    if (kind == kind::iceCandidate) {
        IceCandidateSignal c;
        readUfrag(reader, c.ufrag);
        std::string line;
        reader.string("candidate", line, 1, 512);
        if (reader.ok()) {
            auto candidate = parseCandidate(line);
            if (!candidate && candidate.error() == SdpErrc::unsupportedCandidate) {
                // Well-formed but of a kind we skip: a typed answer the caller may ignore.
                return ParseError{candidate.error(), {}, reader.pathOf("candidate") + ": " + line};
            }
            if (!candidate) {
                reader.fail(Errc::invalidField,
                            reader.pathOf("candidate") + ": " + candidate.error().message());
            } else {
                c.candidate = std::move(*candidate);
            }
        }
        signal = std::move(c);
    } else if (kind == kind::iceEndOfCandidates) {
        IceEndOfCandidatesSignal end;
        readUfrag(reader, end.ufrag);
        signal = std::move(end);
    } else if (kind == kind::iceRestart) {
        IceRestartSignal restart;
        std::int64_t generation = 0;
        reader.integer("generation", generation, 1, 1'000'000);
        readUfrag(reader, restart.credentials.ufrag);
        reader.string("pwd", restart.credentials.password, 22, 256);
        if (reader.ok() && !iceChars(restart.credentials.password)) {
            reader.fail(Errc::invalidField, reader.pathOf("pwd") + ": not ice-chars");
        }
        restart.generation = static_cast<std::uint32_t>(generation);
        signal = std::move(restart);
    } else {
        return ParseError{make_error_code(Errc::unknownMessageKind),
                          {},
                          "kind: \"" + std::string(kind) + "\" is not an ice.* kind"};
    }
    if (auto error = reader.finish()) {
        return *error;
    }
    return signal;
}

} // namespace tc::protocol
