#pragma once
// The doctor's stethoscope controls during a consultation: the headset, filter mode, gain,
// headphone volume, the auscultation site (as the stream reports it) and requests to move it.
// It drives the media library's receive path and player, and owns the two parts the panel
// reads beside the controls: the live meter (`meter`, refreshed from the player 20 times a
// second on the UI thread) and the recording (`recorder`). Its errorString is the cabin's
// refusal to move the stethoscope; the recorder has its own.

#include "controller.hpp"
#include "states.hpp"
#include "stethoscope_meter.hpp"
#include "stethoscope_recording.hpp"
#include "tc/media/audio_outputs.hpp"
#include "tc/media/stethoscope_dsp.hpp"
#include "tc/media/stethoscope_player.hpp"
#include "tc/media/stethoscope_receiver.hpp"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <memory>

namespace tc::app {

class StethoscopeController : public Controller {
    Q_OBJECT
    Q_PROPERTY(bool available READ available NOTIFY availableChanged)
    Q_PROPERTY(QString outputText READ outputText NOTIFY availableChanged)
    // Headset choice: the system default, each audio device, or none (record only).
    Q_PROPERTY(QStringList outputs READ outputs NOTIFY outputsChanged)
    Q_PROPERTY(int output READ output WRITE setOutput NOTIFY outputsChanged)
    Q_PROPERTY(tc::app::StethoscopeMode::Value mode READ mode WRITE setMode NOTIFY controlsChanged)
    Q_PROPERTY(double gainDb READ gainDb WRITE setGainDb NOTIFY controlsChanged)
    Q_PROPERTY(double volume READ volume WRITE setVolume NOTIFY controlsChanged)
    Q_PROPERTY(QString site READ site NOTIFY siteChanged)
    Q_PROPERTY(QString siteLabel READ siteLabel NOTIFY siteChanged)
    Q_PROPERTY(QString requestedSite READ requestedSite NOTIFY siteChanged)
    // The live level, clip light, phonocardiogram and spectrogram (stethoscope_meter.hpp).
    Q_PROPERTY(tc::app::StethoscopeMeter* meter READ meter CONSTANT)
    // Recording the stream, and why a recording failed (stethoscope_recording.hpp).
    Q_PROPERTY(tc::app::StethoscopeRecording* recorder READ recorder CONSTANT)

public:
    using MessageSender = std::function<void(const std::string& kind, const std::string& site)>;

    explicit StethoscopeController(QObject* parent = nullptr);
    ~StethoscopeController() override;

    void setAudioSink(const std::string& sink) { m_sink = sink; }
    // With sink "none": called on the sink's streaming thread with each buffer as it is played
    // (time to first sample, latency). Applies from the next attach.
    void setRenderObserver(std::function<void(std::span<const std::int16_t>)> observer) {
        m_renderObserver = std::move(observer);
    }
    void setMessageSender(MessageSender sender) { m_send = std::move(sender); }
    // A negotiated stethoscope stream: starts listening. `sessionId` names recordings.
    void attach(std::shared_ptr<media::StethoscopeReceiver> receiver, const QString& sessionId);
    void detach();
    // The cabin's answer to a placement request: done, or refused (the operator could not).
    void onSiteAcknowledged(const QString& site, bool accepted);
    // The sink of the headset chosen in the panel (the workstation's, a device, or "none").
    std::string selectedSink() const;
    // Silences the live stethoscope in the headphones (during a replay); recording goes on.
    void setLiveMuted(bool muted);

    bool available() const { return m_receiver != nullptr; }
    QString outputText() const { return m_outputText; }
    StethoscopeMode::Value mode() const { return m_mode; }
    void setMode(StethoscopeMode::Value mode);
    double gainDb() const { return m_gainDb; }
    void setGainDb(double db);
    double volume() const { return m_volume; }
    void setVolume(double volume);
    QString site() const { return m_site; }
    QString siteLabel() const;
    QString requestedSite() const { return m_requestedSite; }
    StethoscopeMeter* meter() { return &m_meter; }
    StethoscopeRecording* recorder() { return &m_recorder; }

    QStringList outputs() const;
    int output() const { return m_output; }
    void setOutput(int index);
    Q_INVOKABLE void refreshOutputs();

    Q_INVOKABLE void requestSite(const QString& site);
    Q_INVOKABLE void stepGain(double deltaDb) { setGainDb(m_gainDb + deltaDb); }
    Q_INVOKABLE static QString labelOf(const QString& site);
    Q_INVOKABLE static QStringList sites();
    // The media library's filter for `mode` (the replay applies the live one).
    static media::FilterMode filterOf(StethoscopeMode::Value mode);

signals:
    void availableChanged();
    void outputsChanged();
    void controlsChanged();
    void siteChanged();

private:
    void refresh();
    void startPlayer();

    std::shared_ptr<media::StethoscopeReceiver> m_receiver;
    std::unique_ptr<media::StethoscopePlayer> m_player;
    std::function<void(std::span<const std::int16_t>)> m_renderObserver;
    MessageSender m_send;
    std::string m_sink;
    std::vector<media::AudioOutput> m_devices;
    int m_output = 0; // 0: as configured (the default output), then devices, then none
    QString m_outputText;
    StethoscopeMode::Value m_mode = StethoscopeMode::Bell;
    double m_gainDb = 6;
    double m_volume = 0.8;
    QString m_site;
    QString m_requestedSite;
    bool m_liveMuted = false;
    StethoscopeMeter m_meter;
    StethoscopeRecording m_recorder;
    QTimer m_refresh;
};

} // namespace tc::app
