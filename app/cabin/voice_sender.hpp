#pragma once
// The cabin's microphone as its own Opus stream: a WAV file (for tests and demos) or the
// synthetic talker, in 20 ms packets paced on absolute deadlines on the cabin's strand. The
// stethoscope never goes through here.

#include "tc/media/voice_stream.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace tc::cabin {

struct VoiceSettings {
    std::optional<std::filesystem::path> file; // else the synthetic talker
    std::uint32_t seed = 7;
};

class VoiceSender : public std::enable_shared_from_this<VoiceSender> {
public:
    // What it streams, for the cabin's log; an error if the file or the encoder is unusable.
    static boost::system::result<std::shared_ptr<VoiceSender>>
    start(boost::asio::strand<boost::asio::any_io_executor> strand,
          std::shared_ptr<protocol::RtpSession> rtp, media::VoiceFormat format,
          const VoiceSettings& settings);
    void stop();
    std::string description() const;

private:
    VoiceSender(boost::asio::strand<boost::asio::any_io_executor> strand,
                std::shared_ptr<protocol::RtpSession> rtp, media::VoiceFormat format,
                media::VoiceSource source, media::VoicePacketizer packetizer, std::string origin);
    void sendFrame();

    boost::asio::steady_timer m_timer;
    std::shared_ptr<protocol::RtpSession> m_rtp;
    media::VoiceFormat m_format;
    media::VoiceSource m_source;
    media::VoicePacketizer m_packetizer;
    std::string m_origin;
    std::vector<std::int16_t> m_frame;
    std::chrono::steady_clock::time_point m_next;
    bool m_running = true;
};

} // namespace tc::cabin
