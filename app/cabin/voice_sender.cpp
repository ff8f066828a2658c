#include "voice_sender.hpp"

#include <boost/asio/post.hpp>

namespace tc::cabin {

namespace net = boost::asio;

namespace {
constexpr std::uint32_t kVoiceSsrc = 0x70C0A001;
}

VoiceSender::VoiceSender(net::strand<net::any_io_executor> strand,
                         std::shared_ptr<protocol::RtpSession> rtp, media::VoiceFormat format,
                         media::VoiceSource source, media::VoicePacketizer packetizer,
                         std::string origin)
    : m_timer(strand)
    , m_rtp(std::move(rtp))
    , m_format(format)
    , m_source(std::move(source))
    , m_packetizer(std::move(packetizer))
    , m_origin(std::move(origin))
    , m_frame(static_cast<std::size_t>(format.frameSamples)) {}

boost::system::result<std::shared_ptr<VoiceSender>>
VoiceSender::start(net::strand<net::any_io_executor> strand,
                   std::shared_ptr<protocol::RtpSession> rtp, media::VoiceFormat format,
                   const VoiceSettings& settings) {
    auto source = settings.file ? media::VoiceSource::fromWav(*settings.file, format.sampleRate)
                                : media::VoiceSource::synthetic(settings.seed, format.sampleRate);
    if (!source) {
        return source.error();
    }
    auto packetizer = media::VoicePacketizer::create(format, kVoiceSsrc, 1, 0);
    if (!packetizer) {
        return packetizer.error();
    }
    std::shared_ptr<VoiceSender> sender(new VoiceSender(
        strand, std::move(rtp), format, std::move(*source), std::move(*packetizer),
        settings.file ? settings.file->filename().string() : std::string("synthetic talker")));
    sender->m_next = std::chrono::steady_clock::now();
    net::post(strand, [sender] { sender->sendFrame(); });
    return sender;
}

std::string VoiceSender::description() const {
    return "Opus/48000 " + std::to_string(m_format.bitrate / 1000) + " kbit/s, " +
           std::to_string(m_format.frameSamples * 1000 / m_format.sampleRate) + " ms, from the " +
           m_origin;
}

void VoiceSender::stop() {
    net::post(m_timer.get_executor(), [self = shared_from_this()] {
        self->m_running = false;
        self->m_timer.cancel();
    });
}

void VoiceSender::sendFrame() {
    if (!m_running) {
        return;
    }
    m_source.render(m_frame);
    if (auto packet = m_packetizer.packetize(m_frame)) {
        m_rtp->send(std::move(*packet));
    }
    const auto period =
        std::chrono::microseconds(1'000'000LL * m_format.frameSamples / m_format.sampleRate);
    m_next += period;
    if (std::chrono::steady_clock::now() - m_next > 10 * period) {
        m_next = std::chrono::steady_clock::now(); // after a stall, do not burst
    }
    m_timer.expires_at(m_next);
    m_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) {
            self->sendFrame();
        }
    });
}

} // namespace tc::cabin
