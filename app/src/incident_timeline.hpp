#pragma once
// The technical incidents of one consultation, as the console measures them, for its record
// (prescriptions::Incident, article R6316-4 CSP): each with a start, an end and its figures.
//
// Fed on the UI thread by the session's parts (the media link's once-a-second poll, its state
// and path, the video's frozen streams, the audio devices' failures); no Qt, no clock of its
// own: every call says when (Unix ms), so tests replay a session exactly.
//
// What counts as an incident:
//   media_path_change   the selected path changed (not its first choice); an instant
//   consent_lost        RFC 7675: the peer stopped answering consent checks (transport
//                       disconnected) until media flowed again
//   drop_and_resume     media stopped (the transport reconnecting or lost, or no packet at all
//                       for a poll while connected) until packets came back
//   loss_burst          network loss (before retransmission) at or above the threshold, poll
//                       after poll
//   jitter_burst        the worst inbound stream's jitter at or above the threshold
//   frozen_video        a camera's stream showed no new frame (VideoController's verdict)
//   audio_device_error  an audio device failed or vanished; an instant

#include "tc/prescriptions/consultation_record.hpp"
#include "tc/protocol/media_transport.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tc::app {

using prescriptions::Incident;
using prescriptions::IncidentKind;
using prescriptions::UnixMs;

struct IncidentThresholds {
    double lossPercent = 5.0; // over one poll, before recovery
    double jitterMs = 50.0;
};

// One poll of the inbound streams, over the interval since the previous one.
struct MediaSample {
    std::uint64_t packets = 0;     // received (originals and recoveries)
    std::uint64_t lost = 0;        // lost by the network (recovered or not)
    std::uint64_t unrecovered = 0; // given up on
    double jitterMs = 0;           // the worst inbound stream's
    // The network's loss share over the interval, 0-100.
    double lossPercent() const noexcept;
};

class IncidentTimeline {
public:
    explicit IncidentTimeline(IncidentThresholds thresholds = {});

    void mediaSample(UnixMs at, const MediaSample& sample);
    void transportState(UnixMs at, protocol::TransportState state);
    // `description` in words, "relayé par turns:turn.example.fr:443 (TURN TLS)"; `relayed`
    // whether it goes through a TURN server.
    void pathSelected(UnixMs at, const std::string& description, bool relayed);
    // `stream` is the camera's name ("room", "otoscope", ...).
    void videoFrozen(UnixMs at, const std::string& stream, bool frozen);
    // `device` "microphone", "headset"...; `what` why, in French.
    void audioDeviceError(UnixMs at, const std::string& device, const std::string& what);

    // Every incident so far, open ones ending at `now`, in order of start.
    std::vector<Incident> snapshot(UnixMs now) const;
    // Closes what is open at `at` and returns every incident (at most
    // prescriptions::kMaxRecordIncidents: beyond, the last one says how many more there were).
    std::vector<Incident> finish(UnixMs at);
    std::size_t size() const noexcept { return m_closed.size() + openCount(); }

private:
    struct Episode {
        UnixMs startMs = 0;
        double peak = 0;
        double sum = 0;
        std::uint64_t samples = 0;
        std::uint64_t lost = 0;
        std::uint64_t unrecovered = 0;
        std::string detail; // the stream, the device
    };
    std::size_t openCount() const noexcept;
    void close(IncidentKind kind, std::optional<Episode>& episode, UnixMs at);
    Incident describe(IncidentKind kind, const Episode& episode, UnixMs end) const;
    void add(Incident incident);

    IncidentThresholds m_thresholds;
    std::vector<Incident> m_closed;
    std::size_t m_overflow = 0;
    std::optional<UnixMs> m_lastSampleMs;
    std::optional<protocol::TransportState> m_state;
    bool m_everReceived = false;
    std::optional<std::string> m_path;
    std::optional<Episode> m_loss;
    std::optional<Episode> m_jitter;
    std::optional<Episode> m_drop;
    std::optional<Episode> m_consent;
    std::map<std::string, Episode> m_frozen; // by stream
};

} // namespace tc::app
