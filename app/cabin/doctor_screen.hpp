#pragma once
// The cabin's screen, where the patient sees the doctor: the doctor's camera, decoded from the
// two-way room camera section. The simulator has no screen by default, so it counts what it
// would show; with a sink (for example "autovideosink") it opens a window. After a loss it asks
// the doctor's console for a keyframe (PLI).

#include "tc/media/video_negotiation.hpp"
#include "tc/media/video_receiver.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <atomic>
#include <memory>
#include <string>

namespace tc::cabin {

class DoctorScreen {
public:
    // `sink`: "" to count only, or a GStreamer video sink description.
    static boost::system::result<std::unique_ptr<DoctorScreen>>
    start(const media::VideoStreamFormat& format, const std::string& sink);
    // The session keyframe requests go out on; set before its transport starts.
    void attachSession(std::weak_ptr<protocol::RtpSession> rtp) { m_rtp = std::move(rtp); }
    // One RTP packet of the doctor's video (the protocol thread).
    void onPacket(const protocol::RtpHeader& header, std::span<const std::uint8_t> packet);
    std::uint8_t payloadType() const noexcept { return m_payloadType; }
    std::uint64_t frames() const noexcept { return m_frames; }
    int width() const noexcept { return m_width; }
    int height() const noexcept { return m_height; }

private:
    DoctorScreen() = default;
    std::unique_ptr<media::VideoReceiver> m_receiver;
    std::weak_ptr<protocol::RtpSession> m_rtp;
    std::uint8_t m_payloadType = 0;
    std::atomic<std::uint32_t> m_remoteSsrc{0};
    std::atomic<std::uint64_t> m_frames{0};
    std::atomic<int> m_width{0};
    std::atomic<int> m_height{0};
};

} // namespace tc::cabin
