#pragma once
// The cabin's simulated vital-sign instruments, driven by the scenario's physiology (one per
// session): the ECG and pleth stream on the answer's `vitals` section once the media are up; the
// blood-pressure cuff, thermometer, oximeter, scale and glucometer answer
// `vitals.measure_request` with `vitals.measure_ack`, take their time (scaled for tests), then
// send `vitals.measurement`; the operator's own entries go as `manual` measurements. The
// stethoscope's synthetic heart follows the same beats. Everything runs on the simulator's
// strand. No Qt.

#include "tc/media/physiology_scenario.hpp"
#include "tc/media/waveform_stream.hpp"
#include "tc/protocol/rtp_session.hpp"
#include "tc/protocol/vitals_messages.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace tc::cabin {

struct VitalsSettings {
    media::Scenario scenario;    // the patient (default: the built-in normal adult)
    double measureTimeScale = 1; // 0.05 makes a 35 s cuff inflation last 1.75 s
    // What the operator types in, sent as `manual` measurements once the doctor has joined
    // (acquired_at_us is set when sent).
    std::vector<protocol::Measurement> manualEntries;
};

// The built-in scenarios, embedded at build time from app/cabin/scenarios/*.json.
std::vector<std::string> builtinScenarioNames();
// A built-in scenario by name, else a scenario file.
boost::system::result<media::Scenario, media::ScenarioError>
resolveScenario(const std::string& nameOrFile);

// "temperature:38.4", "temperature:38.4:axillary", "blood_pressure:135/85", "weight:72.5",
// "height:176", "spo2:95", "glucose:6.1" (canonical units): one manual measurement, validated.
protocol::VitalsResult<protocol::Measurement> parseManualEntry(const std::string& text);

class CabinVitals : public std::enable_shared_from_this<CabinVitals> {
public:
    using Strand = boost::asio::strand<boost::asio::any_io_executor>;
    using Send = std::function<void(std::string_view kind, nlohmann::json payload)>;
    using Log = std::function<void(const std::string&)>;

    // A session's patient. The physiology starts (its time 0 on the session clock) now.
    static std::shared_ptr<CabinVitals> create(Strand strand, const VitalsSettings& settings,
                                               Send send, Log log);
    ~CabinVitals();

    const std::shared_ptr<media::BeatTrain>& beats() const noexcept { return m_beats; }
    double electromechanicalDelay() const noexcept;
    std::int64_t originUs() const noexcept { return m_origin; }

    // Streams ECG + pleth on `format` from now on, 20 ms packets, SSRC 0x5174A001.
    void startStreaming(std::shared_ptr<protocol::RtpSession> rtp, media::WaveformFormat format);
    void stopStreaming();
    // A vitals.measure_request payload from the doctor: acknowledged (or refused), then
    // measured.
    void onRequest(const nlohmann::json& payload);
    // The operator's entries, once per session.
    void sendManualEntries();

    static constexpr std::uint32_t kSsrc = 0x5174A001;

private:
    CabinVitals(Strand strand, const VitalsSettings& settings, Send send, Log log);
    void sendBlock();
    protocol::Measurement measure(protocol::MeasurementKind kind,
                                  std::optional<protocol::TemperatureSite> site);
    double currentHeartRate();

    Strand m_strand;
    VitalsSettings m_settings;
    Send m_send;
    Log m_log;
    std::int64_t m_origin;
    std::shared_ptr<media::BeatTrain> m_beats;
    std::mt19937 m_random;
    // Streaming.
    std::shared_ptr<protocol::RtpSession> m_rtp;
    std::optional<media::WaveformSource> m_source;
    std::optional<media::WaveformPacketizer> m_packetizer;
    boost::asio::steady_timer m_streamTimer;
    bool m_streaming = false;
    // Instruments measuring now, by kind; their timers.
    std::map<protocol::MeasurementKind, std::unique_ptr<boost::asio::steady_timer>> m_busy;
    bool m_manualSent = false;
};

} // namespace tc::cabin
