#pragma once
// The cabin's instruments on the doctor's side. Discrete measurements arrive as
// `vitals.measurement` session messages: each is validated (tc::protocol), flagged against the
// reference ranges for the patient's age, kept for the session's trend, and shown as the latest
// value of its kind with how long ago it was taken. The doctor asks for a measurement
// ("take the blood pressure"); the cabin acknowledges with the instrument's expected time, or
// says why it cannot. Waveforms (ECG, plethysmogram) come from the vitals RTP stream's receiver:
// a UI-thread timer takes their spans in time order into the WaveformTrace histories the strips
// draw; lost stretches stay gaps. The stethoscope's envelope, on the same session clock, is a
// third trace under the ECG, so an R peak and its S1 line up on screen.

#include "controller.hpp"
#include "states.hpp"
#include "tc/media/waveform_stream.hpp"
#include "tc/protocol/vitals.hpp"
#include "tc/protocol/vitals_ranges.hpp"
#include "waveform_strip.hpp"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QVariantList>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tc::media {
class WaveformReceiver;
}

namespace tc::app {

class VitalsController : public Controller {
    Q_OBJECT
    // One entry per kind of measurement, in a fixed order (blood pressure, oximetry, temperature,
    // anthropometry, glucose): {kind, title, taken, ageText, manual, quality, qualityText,
    // pending, statusText, values: [{quantity, label, shortLabel, valueText, unit, flag (a
    // VitalFlag, states.hpp), symbol, flagText, trend: [numbers, oldest first]}]}.
    Q_PROPERTY(QVariantList readings READ readings NOTIFY readingsChanged)
    // Whether the ECG and pleth are streaming, and what is wrong when not.
    Q_PROPERTY(bool waveformsLive READ waveformsLive NOTIFY waveformsChanged)
    Q_PROPERTY(QString waveformText READ waveformText NOTIFY waveformsChanged)

public:
    // Sends one session message (kind, payload) to the cabin.
    using Sender = std::function<void(const std::string& kind, nlohmann::json payload)>;

    explicit VitalsController(QObject* parent = nullptr);
    ~VitalsController() override;

    // A new consultation: the patient's age picks the reference ranges; `send` reaches the cabin.
    void begin(int ageYears, Sender send);
    void end();
    // The negotiated vitals stream (null: none). Read on the UI thread only.
    void attachWaveforms(std::shared_ptr<media::WaveformReceiver> receiver);
    // The stethoscope's envelope on the session clock (from its receive path), any thread: a
    // queued call appends it to the phonocardiogram trace.
    void appendHeartSound(std::int64_t startUs, int rateHz, std::vector<float> envelope);

    // Who keeps the consultation's record hears each accepted measurement and each waveform
    // span as it is taken in (UI thread).
    void setMeasurementObserver(std::function<void(const protocol::Measurement&)> observer) {
        m_measurementObserver = std::move(observer);
    }
    void setWaveformObserver(std::function<void(const media::WaveformSpan&)> observer) {
        m_waveformObserver = std::move(observer);
    }

    // `vitals.measure_ack` and `vitals.measurement` payloads from the cabin.
    void handleMessage(const std::string& kind, const nlohmann::json& payload);

    // "blood_pressure", "oximetry", "temperature", "anthropometry", "glucose".
    Q_INVOKABLE void requestMeasurement(const QString& kind);
    // The strips the panel shows: the ECG with the heart sounds under it, and the pleth.
    Q_INVOKABLE void setEcgStrip(tc::app::WaveformStrip* strip);
    Q_INVOKABLE void setPlethStrip(tc::app::WaveformStrip* strip);

    QVariantList readings() const;
    bool waveformsLive() const { return m_waveformsLive; }
    QString waveformText() const { return m_waveformText; }

    // For the benchmark: the strips' drawn frames so far, and the waveform packets' latencies.
    int ecgFramesDrawn() const;
    const WaveformTrace& ecgTrace() const { return m_ecg; }
    // Each span's newest sample, from its session time to its arrival in the traces, in µs, on
    // this machine's steady clock: meaningful when the cabin runs on the same machine (the
    // benchmark). The last 10,000.
    std::vector<std::int64_t> modelLatenciesUs() const {
        return {m_modelLatencies.begin(), m_modelLatencies.end()};
    }

signals:
    void readingsChanged();
    void waveformsChanged();

private:
    struct Taken {
        protocol::Measurement measurement; // validated, canonical units
        std::vector<protocol::FlaggedValue> flagged;
        std::int64_t receivedAtUs = 0; // the console's steady clock
    };
    struct Kind {
        std::vector<Taken> history; // this session, oldest first
        std::optional<std::string> pendingRequest;
        std::int64_t pendingSinceUs = 0;
        std::int64_t expectedMs = 0;
        QString status; // pending or refused, in words
    };
    void onMeasurement(const nlohmann::json& payload);
    void onAck(const nlohmann::json& payload);
    void pullWaveforms();
    void updateStrips();
    QString ageText(const Taken& taken) const;
    static QString shortLabel(protocol::VitalQuantity quantity);
    std::int64_t sessionNowUs() const; // the cabin's clock, estimated from the waveforms

    Sender m_send;
    int m_ageYears = 40;
    std::map<protocol::MeasurementKind, Kind> m_kinds;
    int m_nextRequest = 1;

    std::shared_ptr<media::WaveformReceiver> m_waveforms;
    WaveformTrace m_ecg;
    WaveformTrace m_pleth;
    WaveformTrace m_heart;
    float m_heartPeak = 0; // the heart sounds' recent loudest, for their trace's height
    std::optional<std::int64_t> m_clockOffsetUs; // console steady minus cabin session clock
    std::int64_t m_lastWaveformAtUs = 0;
    std::deque<std::int64_t> m_modelLatencies;
    bool m_waveformsLive = false;
    QString m_waveformText;
    QPointer<WaveformStrip> m_ecgStrip;
    QPointer<WaveformStrip> m_plethStrip;
    QTimer m_pull;  // waveforms into the traces, 30 times a second
    QTimer m_clock; // "il y a 2 min" and staleness, once a second
    std::function<void(const protocol::Measurement&)> m_measurementObserver;
    std::function<void(const media::WaveformSpan&)> m_waveformObserver;
};

} // namespace tc::app
