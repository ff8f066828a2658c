#pragma once
// Every kind of in-session message (session.message's "kind", protocol/README.md), as one
// constant each: code names a kind by its constant, never by a literal, and the service relays
// exactly the kinds listed in kSessionKinds.

#include <array>
#include <string_view>

namespace tc::protocol::kind {

inline constexpr std::string_view chatText = "chat.text";
// The doctor asks the operator to place the stethoscope on a site; the cabin answers.
inline constexpr std::string_view stethoscopeSiteRequest = "stethoscope.site_request";
inline constexpr std::string_view stethoscopeSiteAck = "stethoscope.site_ack";
// The doctor asks for an instrument camera (otoscope, dermatoscope) to start or stop.
inline constexpr std::string_view instrumentRequest = "instrument.request";
inline constexpr std::string_view instrumentAck = "instrument.ack";
// Vital signs measured on request (vitals_messages.hpp).
inline constexpr std::string_view vitalsMeasureRequest = "vitals.measure_request";
inline constexpr std::string_view vitalsMeasureAck = "vitals.measure_ack";
inline constexpr std::string_view vitalsMeasurement = "vitals.measurement";
// The signed prescription to the cabin's printer (document_transfer.hpp).
inline constexpr std::string_view documentOffer = "document.offer";
inline constexpr std::string_view documentChunk = "document.chunk";
inline constexpr std::string_view documentStatus = "document.status";
inline constexpr std::string_view documentPrint = "document.print";
// Trickle ICE and ICE restarts (ice_messages.hpp).
inline constexpr std::string_view iceCandidate = "ice.candidate";
inline constexpr std::string_view iceEndOfCandidates = "ice.end_of_candidates";
inline constexpr std::string_view iceRestart = "ice.restart";
// Which of the cabin's tracks is which (a browser cabin's answer cannot say it in its SDP):
// {"stethoscope": {"mid", "track_id"}, "voice": {"mid"}, "camera": {"mid"}}.
inline constexpr std::string_view mediaTracks = "media.tracks";

inline constexpr std::array kVitalsKinds{vitalsMeasureRequest, vitalsMeasureAck, vitalsMeasurement};
inline constexpr std::array kDocumentKinds{documentOffer, documentChunk, documentStatus,
                                           documentPrint};
inline constexpr std::array kIceKinds{iceCandidate, iceEndOfCandidates, iceRestart};
inline constexpr std::array kSessionKinds{
    chatText,      stethoscopeSiteRequest, stethoscopeSiteAck, instrumentRequest,
    instrumentAck, vitalsMeasureRequest,   vitalsMeasureAck,   vitalsMeasurement,
    documentOffer, documentChunk,          documentStatus,     documentPrint,
    iceCandidate,  iceEndOfCandidates,     iceRestart,         mediaTracks};

template <std::size_t N>
constexpr bool isOneOf(std::string_view kind, const std::array<std::string_view, N>& kinds) {
    for (const auto k : kinds) {
        if (k == kind) {
            return true;
        }
    }
    return false;
}

} // namespace tc::protocol::kind
