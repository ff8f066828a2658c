#pragma once
// The simulated cabin: connects as a cabin with the shared rendezvous client, checks in scripted
// patients one after another, answers the doctor's SDP offer, and after a session ends waits a
// configurable cleaning delay before marking itself ready again. No Qt: the same class runs in
// telecabine-cabin and inside the console's --demo.

#include "cabin_cameras.hpp"
#include "cabin_vitals.hpp"
#include "cabin_voice.hpp"
#include "tc/media/audio_codec.hpp"
#include "tc/media/auscultation.hpp"
#include "tc/media/video_codec.hpp"
#include "tc/protocol/host_addresses.hpp"
#include "tc/protocol/impairment.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/rendezvous_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::cabin {

// The cabin's stethoscope: a WAV recording (looped, converted to the negotiated rate) or the
// synthetic body.
struct StethoscopeSettings {
    std::optional<std::filesystem::path> file;
    media::AuscultationModel model;
    // The codec this cabin would rather send, when the doctor's offer has it (a cabin on a thin
    // uplink prefers Opus); otherwise the doctor's first choice.
    std::optional<media::AudioEncoding> codec;
};

struct CabinScript {
    protocol::Site site;
    // Checked in in order (visit ids must be unique), each with the patient's identity as the
    // cabin read it (Carte Vitale) or the assistant entered it.
    std::vector<protocol::CheckIn> patients;
    // How many patients wait in the cabin's queue at once (a waiting room of this size).
    std::size_t waitingAtOnce = 1;
    std::chrono::milliseconds cleaningDelay{5'000};
    bool loop = true; // start the list again (with fresh visit ids) when it runs out
    // After each consultation the cabin's screen asks the patient how satisfied they were
    // (1 to 5); the simulated patients answer these in turn, nullopt for one who declines.
    std::vector<std::optional<int>> satisfactionAnswers{5, 4, 5, 5, 3, 4, std::nullopt};
    StethoscopeSettings stethoscope;
    VoiceSettings voice; // the cabin's microphone: the patient and the operator
    // The video codec this cabin would rather send when offered (else the doctor's first).
    std::optional<media::VideoCodec> videoCodec;
    // Where the doctor's camera shows: "" counts the frames only (no screen), or a GStreamer
    // video sink ("autovideosink") for a window.
    std::string doctorScreenSink;
    CameraSettings cameras; // the room camera's size and rate, and its clip
    // The patient's physiology (ECG, pleth, the stethoscope's beats) and the vital-sign
    // instruments. Default: the built-in normal adult (see demoScenario()).
    VitalsSettings vitals = defaultVitals();
    static VitalsSettings defaultVitals();
    // Where received prescriptions print: ipp://host:port/path; "" means no printer (every
    // document is reported `failed` `no_printer`).
    std::string printerUri;
    // Which of this machine's addresses carry the media (--media-interface, --media-address);
    // by default every usable one.
    protocol::HostAddressPolicy mediaAddresses;
    // The authorities a TURN server's TLS certificate may chain to besides the system's: the
    // deployment CA (--ca).
    std::optional<std::filesystem::path> relayTrustAnchors;
    // Impairs the media the cabin sends (--impair), for demos and tests.
    std::optional<protocol::Impairment> mediaImpairment;
    // The cabin's durable state: its print ledger (print_ledger.hpp). Without one, nothing
    // prints (`failed` `ledger_unavailable`): a prescription must never print twice.
    std::filesystem::path stateDirectory;
};

// Realistic French pre-triage data for demos: reasons, ages, instruments, operators.
CabinScript demoScript(protocol::Site site, std::uint32_t seed);
// Loads a JSON script file (format in app/cabin/README.md).
protocol::Result<CabinScript> loadScript(const std::filesystem::path& path);

enum class CabinPhase { connecting, waitingForDoctor, inSession, cleaning, stopped };
std::string_view toString(CabinPhase phase) noexcept;

struct CabinEvent {
    CabinPhase phase;
    std::string detail; // human-readable, for logs ("checked in visit V-…", "session ended: …")
};

class CabinSimulator {
public:
    using EventSink = std::function<void(const CabinEvent&)>;

    // The sink is called on the executor's thread.
    static std::shared_ptr<CabinSimulator> create(boost::asio::any_io_executor executor,
                                                  protocol::ClientConfig client, CabinScript script,
                                                  EventSink sink = {});
    virtual ~CabinSimulator() = default;
    virtual void start() = 0;
    virtual void stop() = 0;
};

} // namespace tc::cabin
