#include "doctor_screen.hpp"

namespace tc::cabin {

boost::system::result<std::unique_ptr<DoctorScreen>>
DoctorScreen::start(const media::VideoStreamFormat& format, const std::string& sink) {
    std::unique_ptr<DoctorScreen> screen(new DoctorScreen);
    screen->m_payloadType = format.payloadType;
    media::VideoReceiverConfig config;
    config.codec = format.codec;
    config.payloadType = format.payloadType;
    config.sinkDescription = sink;
    auto* raw = screen.get();
    if (sink.empty()) {
        config.onFrame = [raw](const media::DecodedFrame& frame) {
            raw->m_width = frame.image.width;
            raw->m_height = frame.image.height;
            ++raw->m_frames;
        };
    }
    config.onKeyframeNeeded = [raw](media::KeyframeReason) {
        if (const auto session = raw->m_rtp.lock(); session && raw->m_remoteSsrc != 0) {
            session->requestKeyframe(raw->m_remoteSsrc);
        }
    };
    auto receiver = media::VideoReceiver::start(config);
    if (!receiver) {
        return receiver.error();
    }
    screen->m_receiver = std::move(*receiver);
    return screen;
}

void DoctorScreen::onPacket(const protocol::RtpHeader& header,
                            std::span<const std::uint8_t> packet) {
    m_remoteSsrc = header.ssrc;
    static_cast<void>(m_receiver->pushPacket(packet)); // a failed pipeline stays black
}

} // namespace tc::cabin
