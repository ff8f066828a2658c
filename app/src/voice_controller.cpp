#include "voice_controller.hpp"

#include <algorithm>

namespace tc::app {

VoiceController::VoiceController(QObject* parent)
    : QObject(parent) {
    m_meter.setInterval(100);
    connect(&m_meter, &QTimer::timeout, this, [this] {
        if (m_player) {
            m_levelDb = m_player->takeLevel().rmsDbfs;
            emit levelChanged();
        }
    });
}

VoiceController::~VoiceController() {
    detach();
}

void VoiceController::attach(std::shared_ptr<media::VoiceReceiver> receiver,
                             const std::string& sink) {
    detach();
    m_receiver = std::move(receiver);
    m_sink = sink;
    startPlayer();
}

void VoiceController::detach() {
    m_meter.stop();
    const bool had = m_player != nullptr;
    m_player.reset();
    m_receiver.reset();
    if (had) {
        emit availableChanged();
    }
}

void VoiceController::setSink(const std::string& sink) {
    if (sink == m_sink) {
        return;
    }
    m_sink = sink;
    if (m_receiver) {
        startPlayer();
    }
}

void VoiceController::startPlayer() {
    m_player.reset();
    media::PlayerConfig config;
    config.sampleRate = m_receiver->format().sampleRate;
    config.frameSamples = m_receiver->format().frameSamples;
    config.sink = m_sink;
    auto player = media::StethoscopePlayer::start(m_receiver->playout(), config);
    if (!player && m_sink != "none") {
        config.sink = "none"; // no device: the stethoscope panel already says so
        player = media::StethoscopePlayer::start(m_receiver->playout(), config);
    }
    if (player) {
        m_player = std::move(*player);
        m_player->setMode(media::FilterMode::raw);
        m_player->setGainDb(0);
        m_player->setVolume(m_volume);
        m_meter.start();
    }
    emit availableChanged();
}

void VoiceController::setVolume(double volume) {
    volume = std::clamp(volume, 0.0, 1.0);
    if (volume == m_volume) {
        return;
    }
    m_volume = volume;
    if (m_player) {
        m_player->setVolume(volume);
    }
    emit volumeChanged();
}

} // namespace tc::app
