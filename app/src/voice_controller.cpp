#include "voice_controller.hpp"

#include "error_text.hpp"

#include <algorithm>
#include <cstdint>

namespace tc::app {

namespace {
constexpr std::uint32_t kDoctorVoiceSsrc = 0xD0C70001;
} // namespace

VoiceController::VoiceController(QObject* parent)
    : Controller(parent)
    // webrtcdsp finds its far end by this name, process-wide: one per live controller.
    , m_probe("tc-console-echo-" +
              std::to_string(reinterpret_cast<std::uintptr_t>(static_cast<void*>(this)))) {
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
                             const std::string& sink, std::optional<media::VoiceFormat> outgoing,
                             PacketSender send) {
    detach();
    m_receiver = std::move(receiver);
    m_sink = sink;
    m_outgoing = outgoing;
    m_send = std::move(send);
    refreshMicrophones(); // headsets come and go between consultations
    startPlayer();
    startMicrophone();
}

std::string VoiceController::selectedSource() const {
    const int devices = static_cast<int>(m_devices.size());
    return m_choice == 0         ? m_microphone
           : m_choice <= devices ? m_devices[static_cast<std::size_t>(m_choice - 1)].source
                                 : std::string("none");
}

QStringList VoiceController::microphones() const {
    QStringList out{m_microphone.empty()          ? tr("Micro par défaut du système")
                    : m_microphone == "synthetic" ? tr("Micro de test (voix de synthèse)")
                    : m_microphone == "none"
                        ? tr("Aucun micro (réglage du poste)")
                        : tr("Micro configuré (%1)").arg(QString::fromStdString(m_microphone))};
    for (const auto& device : m_devices) {
        out << QString::fromStdString(device.name);
    }
    out << tr("Aucun (la cabine ne m'entend pas)");
    return out;
}

void VoiceController::refreshMicrophones() {
    m_devices = media::listAudioInputs();
    m_choice = std::min(m_choice, static_cast<int>(m_devices.size()) + 1);
    emit microphonesChanged();
}

void VoiceController::setMicrophone(int index) {
    if (index < 0 || index > static_cast<int>(m_devices.size()) + 1 || index == m_choice) {
        return;
    }
    m_choice = index;
    if (m_receiver) {
        startMicrophone();
    }
    emit microphonesChanged();
}

void VoiceController::detach() {
    m_meter.stop();
    const bool had = m_player != nullptr || m_capture != nullptr;
    m_capture.reset(); // before the player: its echo canceller reads the player's probe
    m_player.reset();
    m_receiver.reset();
    m_uplink.reset();
    m_send = {};
    if (had) {
        emit availableChanged();
        emit microphoneChanged();
    }
}

void VoiceController::setSink(const std::string& sink) {
    if (sink == m_sink) {
        return;
    }
    m_sink = sink;
    if (m_receiver) {
        m_capture.reset();
        startPlayer();
        startMicrophone();
    }
}

std::shared_ptr<VoiceController::Uplink> VoiceController::uplink() {
    // One packetiser per consultation: a new microphone or headset continues the same stream.
    if (!m_uplink) {
        auto packetizer = media::VoicePacketizer::create(*m_outgoing, kDoctorVoiceSsrc, 1, 0);
        if (!packetizer) {
            m_microphoneText =
                tr("Voix sortante impossible : %1").arg(errorText(packetizer.error()));
            setError(m_microphoneText);
            return nullptr;
        }
        m_uplink = std::make_shared<Uplink>();
        m_uplink->packetizer.emplace(std::move(*packetizer));
    }
    return m_uplink;
}

void VoiceController::startPlayer() {
    m_player.reset();
    media::PlayerConfig config;
    config.sampleRate = m_receiver->format().sampleRate;
    config.frameSamples = m_receiver->format().frameSamples;
    config.sink = m_sink;
    config.echoProbe = m_probe;
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

void VoiceController::startMicrophone() {
    m_capture.reset();
    const std::string source = selectedSource();
    if (!m_outgoing || !m_send || source == "none") {
        m_microphoneText = source == "none" ? tr("Micro désactivé sur ce poste") : QString();
        emit microphoneChanged();
        return;
    }
    auto uplink = this->uplink();
    if (!uplink) {
        emit microphoneChanged();
        return;
    }
    media::VoiceCaptureConfig config;
    config.source = source;
    config.echoProbe = m_player ? m_probe : std::string();
    config.frameSamples = m_outgoing->frameSamples;
    config.onFrame = [uplink, send = m_send](std::span<const std::int16_t> frame) {
        std::lock_guard lock(uplink->mutex);
        if (auto packet = uplink->packetizer->packetize(frame)) {
            ++uplink->sent;
            send(std::move(*packet));
        }
    };
    auto capture = media::VoiceCapture::start(config);
    if (!capture) {
        m_microphoneText = tr("Aucun micro utilisable : la cabine ne vous entend pas (%1).")
                               .arg(errorText(capture.error()));
        setError(m_microphoneText);
        emit microphoneChanged();
        return;
    }
    m_capture = std::move(*capture);
    m_capture->setMuted(m_muted);
    m_microphoneText = source == "synthetic" ? tr("Micro de test (voix de synthèse)") : QString();
    setError({});
    emit microphoneChanged();
}

void VoiceController::setMuted(bool muted) {
    if (muted == m_muted) {
        return;
    }
    m_muted = muted;
    if (m_capture) {
        m_capture->setMuted(muted);
    }
    emit microphoneChanged();
}

std::uint64_t VoiceController::packetsSent() const {
    if (!m_uplink) {
        return 0;
    }
    std::lock_guard lock(m_uplink->mutex);
    return m_uplink->sent;
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
