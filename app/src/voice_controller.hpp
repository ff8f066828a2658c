#pragma once
// The conversation's audio on the doctor's side. The cabin's voice plays in the headset with its
// own volume, beside the stethoscope (which has its own), on the headset chosen in the
// stethoscope panel: the listening path in raw mode (no clinical filter, unity gain, soft
// limiter only), carrying the echo probe. The doctor's microphone goes through echo
// cancellation against that playout, noise suppression and gain control, then Opus, to the
// cabin; it can be muted. The stethoscope never goes through any of this.

#include "controller.hpp"
#include "tc/media/audio_outputs.hpp"
#include "tc/media/stethoscope_player.hpp"
#include "tc/media/voice_capture.hpp"
#include "tc/media/voice_stream.hpp"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace tc::app {

class VoiceController : public Controller {
    Q_OBJECT
    Q_PROPERTY(bool available READ available NOTIFY availableChanged)
    Q_PROPERTY(double volume READ volume WRITE setVolume NOTIFY volumeChanged)
    Q_PROPERTY(double levelDb READ levelDb NOTIFY levelChanged)
    Q_PROPERTY(bool microphoneOn READ microphoneOn NOTIFY microphoneChanged)
    Q_PROPERTY(bool muted READ muted WRITE setMuted NOTIFY microphoneChanged)
    Q_PROPERTY(QString microphoneText READ microphoneText NOTIFY microphoneChanged)
    // The microphone choice: first the workstation's setting (--microphone: the system default,
    // a source, the test talker), then the machine's microphones, then none.
    Q_PROPERTY(QStringList microphones READ microphones NOTIFY microphonesChanged)
    Q_PROPERTY(int microphone READ microphone WRITE setMicrophone NOTIFY microphonesChanged)

public:
    using PacketSender = std::function<void(std::vector<std::uint8_t>)>;

    explicit VoiceController(QObject* parent = nullptr);
    ~VoiceController() override;

    // The doctor's microphone: "" for the system default, a GStreamer source description,
    // "synthetic" for a labelled test talker, or "none". Applies from the next attach.
    void setConfiguredMicrophone(const std::string& source) { m_microphone = source; }
    // The microphone the capture uses now (the choice resolved to a source description).
    std::string selectedSource() const;
    QStringList microphones() const;
    int microphone() const { return m_choice; }
    // Mid-consultation too: the capture restarts on the new device and the cabin keeps hearing
    // one stream (same SSRC, sequence numbers and timestamps carry on).
    void setMicrophone(int index);
    Q_INVOKABLE void refreshMicrophones();
    // A negotiated voice stream: the cabin's voice plays on `sink` (see
    // StethoscopeController::selectedSink); the doctor's goes out through `send` in `outgoing`'s
    // format when the stream is two-way.
    void attach(std::shared_ptr<media::VoiceReceiver> receiver, const std::string& sink,
                std::optional<media::VoiceFormat> outgoing, PacketSender send);
    void detach();
    // The headset changed: the voice follows it at once (and the microphone's echo reference).
    void setSink(const std::string& sink);

    bool available() const { return m_player != nullptr; }
    double volume() const { return m_volume; }
    void setVolume(double volume);
    double levelDb() const { return m_levelDb; }
    bool microphoneOn() const { return m_capture != nullptr; }
    bool muted() const { return m_muted; }
    void setMuted(bool muted);
    Q_INVOKABLE void toggleMute() { setMuted(!m_muted); }
    QString microphoneText() const { return m_microphoneText; }
    // Packets sent to the cabin so far (for the autopilot's log and tests).
    std::uint64_t packetsSent() const;

signals:
    void availableChanged();
    void volumeChanged();
    void levelChanged();
    void microphoneChanged();
    void microphonesChanged();

private:
    void startPlayer();
    void startMicrophone();

    std::shared_ptr<media::VoiceReceiver> m_receiver;
    std::unique_ptr<media::StethoscopePlayer> m_player;
    std::unique_ptr<media::VoiceCapture> m_capture;
    std::optional<media::VoiceFormat> m_outgoing;
    PacketSender m_send;
    std::string m_sink;
    std::string m_microphone;
    std::vector<media::AudioInput> m_devices;
    int m_choice = 0;    // 0: as configured, 1..n: m_devices, n + 1: none
    std::string m_probe; // this controller's echo probe name, unique in the process
    double m_volume = 0.7;
    double m_levelDb = -120;
    bool m_muted = false;
    QString m_microphoneText;
    // The packetiser runs on the capture's streaming thread; the count is read from the UI.
    struct Uplink {
        std::mutex mutex;
        std::optional<media::VoicePacketizer> packetizer;
        std::uint64_t sent = 0;
    };
    std::shared_ptr<Uplink> m_uplink;
    QTimer m_meter;

    std::shared_ptr<Uplink> uplink(); // created on first use, kept until detach
};

} // namespace tc::app
