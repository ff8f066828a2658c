#pragma once
// The cabin's cameras during a consultation: the room camera streams as soon as the media is
// up; the instrument cameras (otoscope, dermatoscope) start and stop when the doctor asks, each
// on its negotiated section with its own SSRC. Keyframe requests (PLI/FIR) reach the camera
// whose SSRC they name. Each camera's bitrate follows the console's RTCP loss reports (from
// 2.5 Mbit/s down to a floor: the stethoscope and the voice keep the link). All calls on the
// cabin's strand.

#include "cabin_video.hpp"
#include "tc/media/bitrate_controller.hpp"
#include "tc/media/video_negotiation.hpp"

#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::cabin {

struct CameraSettings {
    std::optional<std::filesystem::path> file; // the room camera plays this clip
    int width = 1280;
    int height = 720;
    int fps = 30;
};

class CabinCameras {
public:
    using Log = std::function<void(const std::string&)>;
    CabinCameras(boost::asio::strand<boost::asio::any_io_executor> strand,
                 std::vector<media::VideoStreamFormat> negotiated, CameraSettings settings,
                 Log log);
    ~CabinCameras();

    void startRoom(const std::shared_ptr<protocol::RtpSession>& rtp);
    // The doctor's request: true when done (started, stopped, or already so); false when the
    // instrument has no negotiated stream or its camera will not start.
    bool request(const std::string& instrument, bool start,
                 const std::shared_ptr<protocol::RtpSession>& rtp);
    void keyframeRequested(std::uint32_t ssrc);
    // Reads the session's report figures every 1.5 s (about one receiver report each) and sets
    // each camera's bitrate.
    void startRateControl(std::weak_ptr<protocol::RtpSession> rtp);
    void stopAll();
    // The camera's current target bitrate, if it runs.
    std::optional<int> bitrate(const std::string& mid) const;
    // How many rate decisions were made for running cameras from their streams' report figures
    // (one per camera each 1.5 s), for tests to wait on.
    std::uint64_t rateDecisions() const { return m_rateDecisions; }

private:
    bool start(const std::string& mid, const std::shared_ptr<protocol::RtpSession>& rtp);

    boost::asio::strand<boost::asio::any_io_executor> m_strand;
    std::vector<media::VideoStreamFormat> m_negotiated;
    CameraSettings m_settings;
    Log m_log;
    void adaptRates();

    struct Camera {
        std::shared_ptr<CabinVideo> video;
        media::BitrateController rate;
        int applied = 0;
    };
    std::map<std::string, Camera> m_running; // by mid
    boost::asio::steady_timer m_rateTimer;
    std::weak_ptr<protocol::RtpSession> m_rtp;
    std::uint64_t m_rateDecisions = 0;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true); // for the timer's handler
};

} // namespace tc::cabin
