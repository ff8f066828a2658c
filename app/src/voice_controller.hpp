#pragma once
// The cabin's voice in the doctor's headset: its own playout with its own volume, beside the
// stethoscope (which has its own), on the headset chosen in the stethoscope panel. It is the
// listening path in raw mode: no clinical filter, unity gain, soft limiter only.

#include "tc/media/stethoscope_player.hpp"
#include "tc/media/voice_stream.hpp"

#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

namespace tc::app {

class VoiceController : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool available READ available NOTIFY availableChanged)
    Q_PROPERTY(double volume READ volume WRITE setVolume NOTIFY volumeChanged)
    Q_PROPERTY(double levelDb READ levelDb NOTIFY levelChanged)

public:
    explicit VoiceController(QObject* parent = nullptr);
    ~VoiceController() override;

    // A negotiated voice stream, played on `sink` (see StethoscopeController::selectedSink).
    void attach(std::shared_ptr<media::VoiceReceiver> receiver, const std::string& sink);
    void detach();
    // The headset changed: the voice follows it at once.
    void setSink(const std::string& sink);

    bool available() const { return m_player != nullptr; }
    double volume() const { return m_volume; }
    void setVolume(double volume);
    double levelDb() const { return m_levelDb; }

signals:
    void availableChanged();
    void volumeChanged();
    void levelChanged();

private:
    void startPlayer();

    std::shared_ptr<media::VoiceReceiver> m_receiver;
    std::unique_ptr<media::StethoscopePlayer> m_player;
    std::string m_sink;
    double m_volume = 0.7;
    double m_levelDb = -120;
    QTimer m_meter;
};

} // namespace tc::app
