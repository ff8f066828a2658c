#include "cabin_voice.hpp"

#include <boost/asio/post.hpp>

namespace tc::cabin {

namespace net = boost::asio;

namespace {
constexpr std::uint32_t kVoiceSsrc = 0x70C0A001;
}

CabinVoice::CabinVoice(net::strand<net::any_io_executor> strand,
                       std::shared_ptr<protocol::RtpSession> rtp, media::VoiceFormat format,
                       media::VoiceSource source, std::string origin)
    : m_timer(strand)
    , m_rtp(std::move(rtp))
    , m_format(format)
    , m_source(std::move(source))
    , m_origin(std::move(origin))
    , m_frame(static_cast<std::size_t>(format.frameSamples)) {}

boost::system::result<std::shared_ptr<CabinVoice>>
CabinVoice::start(net::strand<net::any_io_executor> strand,
                  std::shared_ptr<protocol::RtpSession> rtp, media::VoiceFormat format,
                  const VoiceSettings& settings, std::shared_ptr<media::VoiceReceiver> doctor) {
    auto source = settings.file ? media::VoiceSource::fromWav(*settings.file, format.sampleRate)
                                : media::VoiceSource::synthetic(settings.seed, format.sampleRate);
    if (!source) {
        return source.error();
    }
    auto packetizer = media::VoicePacketizer::create(format, kVoiceSsrc, 1, 0);
    if (!packetizer) {
        return packetizer.error();
    }
    std::shared_ptr<CabinVoice> voice(new CabinVoice(
        strand, rtp, format, std::move(*source),
        settings.file ? settings.file->filename().string() : std::string("synthetic talker")));
    // The doctor's voice first: the microphone's echo canceller needs its probe to exist.
    const std::string probe =
        "tc-cabin-echo-" +
        std::to_string(reinterpret_cast<std::uintptr_t>(static_cast<void*>(voice.get())));
    if (doctor) {
        media::PlayerConfig speaker;
        speaker.sampleRate = doctor->format().sampleRate;
        speaker.frameSamples = doctor->format().frameSamples;
        speaker.sink = settings.speaker;
        speaker.echoProbe = probe;
        auto player = media::StethoscopePlayer::start(doctor->playout(), speaker);
        if (!player && speaker.sink != "none") {
            speaker.sink = "none";
            player = media::StethoscopePlayer::start(doctor->playout(), speaker);
        }
        if (!player) {
            return player.error();
        }
        (*player)->setMode(media::FilterMode::raw);
        (*player)->setGainDb(0);
        voice->m_speaker = std::move(*player);
        voice->m_doctor = std::move(doctor);
    }
    // Packets leave on the microphone's streaming thread; RtpSession::send is thread-safe.
    auto uplink = std::make_shared<media::VoicePacketizer>(std::move(*packetizer));
    media::VoiceCaptureConfig microphone;
    microphone.source = "feed";
    microphone.echoProbe = voice->m_speaker ? probe : std::string();
    microphone.frameSamples = format.frameSamples;
    microphone.onFrame = [uplink, rtp](std::span<const std::int16_t> frame) {
        if (auto packet = uplink->packetize(frame)) {
            rtp->send(std::move(*packet));
        }
    };
    auto capture = media::VoiceCapture::start(microphone);
    if (!capture) {
        return capture.error();
    }
    voice->m_microphone = std::move(*capture);
    voice->m_next = std::chrono::steady_clock::now();
    net::post(strand, [voice] { voice->feedFrame(); });
    return voice;
}

std::string CabinVoice::description() const {
    return "Opus/48000 " + std::to_string(m_format.bitrate / 1000) + " kbit/s, " +
           std::to_string(m_format.frameSamples * 1000 / m_format.sampleRate) + " ms, from the " +
           m_origin + " through echo cancellation, noise suppression and gain control" +
           (m_doctor ? "; the doctor's voice plays with the echo reference" : "");
}

void CabinVoice::stop() {
    net::post(m_timer.get_executor(), [self = shared_from_this()] {
        self->m_running = false;
        self->m_timer.cancel();
        self->m_microphone.reset(); // before the speaker: it reads the speaker's probe
        self->m_speaker.reset();
    });
}

void CabinVoice::feedFrame() {
    if (!m_running) {
        return;
    }
    m_source.render(m_frame);
    m_microphone->feed(m_frame);
    const auto period =
        std::chrono::microseconds(1'000'000LL * m_format.frameSamples / m_format.sampleRate);
    m_next += period;
    if (std::chrono::steady_clock::now() - m_next > 10 * period) {
        m_next = std::chrono::steady_clock::now(); // after a stall, do not burst
    }
    m_timer.expires_at(m_next);
    m_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) {
            self->feedFrame();
        }
    });
}

} // namespace tc::cabin
