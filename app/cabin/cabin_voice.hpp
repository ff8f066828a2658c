#pragma once
// The cabin's side of the conversation. Its microphone (the patient and the operator: a WAV
// file for tests and demos, or the synthetic talker) goes through echo cancellation against the
// doctor's voice as the cabin's loudspeaker plays it, noise suppression and gain control, then
// Opus in 20 ms packets. The doctor's voice, received, plays on the cabin's speaker (by default
// a clock-synchronised null sink: the simulator has no loudspeaker). The stethoscope never goes
// through here.

#include "tc/media/stethoscope_player.hpp"
#include "tc/media/voice_capture.hpp"
#include "tc/media/voice_stream.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace tc::cabin {

struct VoiceSettings {
    std::optional<std::filesystem::path> file; // else the synthetic talker
    std::uint32_t seed = 7;
    std::string speaker = "none"; // where the doctor's voice plays (a GStreamer sink, or none)
};

class CabinVoice : public std::enable_shared_from_this<CabinVoice> {
public:
    // `doctor`: the doctor's incoming voice when the stream is two-way, else null.
    static boost::system::result<std::shared_ptr<CabinVoice>>
    start(boost::asio::strand<boost::asio::any_io_executor> strand,
          std::shared_ptr<protocol::RtpSession> rtp, media::VoiceFormat format,
          const VoiceSettings& settings, std::shared_ptr<media::VoiceReceiver> doctor);
    void stop();
    // What it streams and hears, for the cabin's log.
    std::string description() const;
    std::uint64_t doctorPackets() const { return m_doctor ? m_doctor->packets() : 0; }

private:
    CabinVoice(boost::asio::strand<boost::asio::any_io_executor> strand,
               std::shared_ptr<protocol::RtpSession> rtp, media::VoiceFormat format,
               media::VoiceSource source, std::string origin);
    void feedFrame();

    boost::asio::steady_timer m_timer;
    std::shared_ptr<protocol::RtpSession> m_rtp;
    media::VoiceFormat m_format;
    media::VoiceSource m_source;
    std::string m_origin;
    std::shared_ptr<media::VoiceReceiver> m_doctor;
    std::unique_ptr<media::StethoscopePlayer> m_speaker; // the doctor's voice, with the probe
    std::unique_ptr<media::VoiceCapture> m_microphone;
    std::vector<std::int16_t> m_frame;
    std::chrono::steady_clock::time_point m_next;
    bool m_running = true;
};

} // namespace tc::cabin
