#pragma once
// The doctor's stethoscope controls during a consultation: filter mode, gain with its clip
// light, headphone volume, level and phonocardiogram for the view, the auscultation site (as the
// stream reports it) and requests to move it, and recording. It drives the media library's
// receive path and player; the UI reads it at 20 Hz.

#include "controller.hpp"
#include "stethoscope_meters.hpp"
#include "tc/media/audio_outputs.hpp"
#include "tc/media/stethoscope_player.hpp"
#include "tc/media/stethoscope_receiver.hpp"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QVariantList>
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
    Q_PROPERTY(QString mode READ mode WRITE setMode NOTIFY controlsChanged)
    Q_PROPERTY(double gainDb READ gainDb WRITE setGainDb NOTIFY controlsChanged)
    Q_PROPERTY(double volume READ volume WRITE setVolume NOTIFY controlsChanged)
    Q_PROPERTY(double levelDb READ levelDb NOTIFY meterChanged)
    Q_PROPERTY(bool clipping READ clipping NOTIFY meterChanged)
    Q_PROPERTY(QVariantList waveform READ waveform NOTIFY meterChanged)
    // The latest spectrogram column: 0..1 levels for 40 bands from 0 to 2 kHz (-80..0 dBFS).
    Q_PROPERTY(QVariantList spectrum READ spectrum NOTIFY meterChanged)
    Q_PROPERTY(QString site READ site NOTIFY siteChanged)
    Q_PROPERTY(QString siteLabel READ siteLabel NOTIFY siteChanged)
    Q_PROPERTY(QString requestedSite READ requestedSite NOTIFY siteChanged)
    Q_PROPERTY(bool recording READ recording NOTIFY recordingChanged)
    Q_PROPERTY(QString recordingFile READ recordingFile NOTIFY recordingChanged)
    Q_PROPERTY(int recordingSeconds READ recordingSeconds NOTIFY meterChanged)

public:
    using MessageSender = std::function<void(const std::string& kind, const std::string& site)>;

    explicit StethoscopeController(QObject* parent = nullptr);
    ~StethoscopeController() override;

    void setRecordingDirectory(const QString& directory) { m_directory = directory; }
    QString recordingDirectory() const { return m_directory; }
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
    // The file of the last recording made in this consultation, for replay.
    QString lastRecording() const { return m_recordingFile; }
    // The sink of the headset chosen in the panel (the workstation's, a device, or "none").
    std::string selectedSink() const;
    // Silences the live stethoscope in the headphones (during a replay); recording goes on.
    void setLiveMuted(bool muted);

    bool available() const { return m_receiver != nullptr; }
    QString outputText() const { return m_outputText; }
    QString mode() const { return m_mode; }
    void setMode(const QString& mode);
    double gainDb() const { return m_gainDb; }
    void setGainDb(double db);
    double volume() const { return m_volume; }
    void setVolume(double volume);
    double levelDb() const { return m_levelDb; }
    bool clipping() const { return m_clipHold > 0; }
    QVariantList waveform() const { return m_waveform; }
    QVariantList spectrum() const { return m_spectrum; }
    QString site() const { return m_site; }
    QString siteLabel() const;
    QString requestedSite() const { return m_requestedSite; }
    // Asked of the receive path, which may have ended a recording on its own (a write failure).
    bool recording() const { return m_receiver && m_receiver->recording(); }
    QString recordingFile() const { return m_recordingFile; }
    int recordingSeconds() const;

    QStringList outputs() const;
    int output() const { return m_output; }
    void setOutput(int index);
    Q_INVOKABLE void refreshOutputs();
    // Where the phonocardiogram and the spectrogram are drawn (VideoSurfaces with stretch on);
    // null to stop drawing them.
    Q_INVOKABLE void setMeterSurfaces(tc::app::VideoSurface* phonocardiogram,
                                      tc::app::VideoSurface* spectrogram);
    const StethoscopeMeters& meters() const { return m_meters; }

    Q_INVOKABLE void startRecording();
    Q_INVOKABLE void stopRecording();
    Q_INVOKABLE void toggleRecording();
    Q_INVOKABLE void requestSite(const QString& site);
    Q_INVOKABLE void stepGain(double deltaDb) { setGainDb(m_gainDb + deltaDb); }
    Q_INVOKABLE static QString labelOf(const QString& site);
    Q_INVOKABLE static QStringList sites();

signals:
    void availableChanged();
    void outputsChanged();
    void controlsChanged();
    void meterChanged();
    void siteChanged();
    void recordingChanged();

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
    QString m_directory;
    QString m_sessionId;
    QString m_outputText;
    QString m_mode = QStringLiteral("bell");
    double m_gainDb = 6;
    double m_volume = 0.8;
    double m_levelDb = -120;
    int m_clipHold = 0; // refresh ticks left showing the clip light
    QVariantList m_waveform;
    QVariantList m_spectrum;
    StethoscopeMeters m_meters;
    QString m_site;
    QString m_requestedSite;
    bool m_wasRecording = false; // what the view last heard, to tell it of a change
    bool m_liveMuted = false;
    QString m_recordingFile;
    qint64 m_recordingStarted = 0;
    QTimer m_refresh;
};

} // namespace tc::app
