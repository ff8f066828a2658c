#include "cabin_cameras.hpp"

#include "tc/errors/table_lookup.hpp"

#include <cstdlib>

namespace tc::cabin {

namespace {

std::optional<media::SceneKind> sceneOf(const std::string& mid) {
    if (mid == "video") {
        return media::SceneKind::roomCamera;
    }
    if (mid == "otoscope") {
        return media::SceneKind::otoscope;
    }
    if (mid == "dermatoscope") {
        return media::SceneKind::dermatoscope;
    }
    return std::nullopt;
}

std::uint32_t ssrcOf(media::SceneKind kind) {
    static constexpr errors::EnumMap<media::SceneKind::dermatoscope, std::uint32_t> ssrcs{
        {0x7C0A1E01, 0x7C0A1E02, 0x7C0A1E03}};
    return ssrcs(kind, 0x7C0A1E01);
}

} // namespace

CabinCameras::CabinCameras(boost::asio::strand<boost::asio::any_io_executor> strand,
                           std::vector<media::VideoStreamFormat> negotiated,
                           CameraSettings settings, Log log)
    : m_strand(std::move(strand))
    , m_negotiated(std::move(negotiated))
    , m_settings(std::move(settings))
    , m_log(std::move(log))
    , m_rateTimer(m_strand) {}

CabinCameras::~CabinCameras() {
    stopAll();
}

void CabinCameras::startRoom(const std::shared_ptr<protocol::RtpSession>& rtp) {
    start("video", rtp);
}

bool CabinCameras::start(const std::string& mid, const std::shared_ptr<protocol::RtpSession>& rtp) {
    if (m_running.contains(mid)) {
        return true;
    }
    const auto kind = sceneOf(mid);
    const media::VideoStreamFormat* format = nullptr;
    for (const auto& f : m_negotiated) {
        format = f.mid == mid ? &f : format;
    }
    if (!kind || format == nullptr || !rtp) {
        return false;
    }
    CabinVideoConfig config;
    config.kind = *kind;
    config.codec = format->codec;
    config.payloadType = format->payloadType;
    config.ssrc = ssrcOf(*kind);
    config.width = m_settings.width;
    config.height = m_settings.height;
    config.fps = m_settings.fps;
    if (*kind == media::SceneKind::roomCamera) {
        config.file = m_settings.file;
    }
    config.onFailure = [log = m_log, mid](const std::string& what) {
        log("video: the " + mid + " camera stopped: " + what);
    };
    auto video = CabinVideo::start(m_strand, rtp, config);
    if (!video) {
        m_log("video: cannot start the " + mid + " camera (" + video.error().message() + ")");
        return false;
    }
    m_log("video: streaming " + (*video)->description());
    media::BitrateLimits limits;
    limits.ceilingBps = config.bitrateBps;
    m_running.emplace(
        mid, Camera{std::move(*video), media::BitrateController(limits), config.bitrateBps});
    return true;
}

bool CabinCameras::request(const std::string& instrument, bool start,
                           const std::shared_ptr<protocol::RtpSession>& rtp) {
    bool known = false;
    for (const auto name : media::kInstrumentCameras) {
        known = known || name == instrument;
    }
    if (!known) {
        return false;
    }
    if (start) {
        return this->start(instrument, rtp);
    }
    if (const auto it = m_running.find(instrument); it != m_running.end()) {
        it->second.video->stop();
        m_running.erase(it);
        m_log("video: the " + instrument + " camera stopped at the doctor's request");
    }
    return true;
}

void CabinCameras::keyframeRequested(std::uint32_t ssrc) {
    for (const auto& [mid, camera] : m_running) {
        if (camera.video->ssrc() == ssrc) {
            camera.video->requestKeyframe();
        }
    }
}

void CabinCameras::startRateControl(std::weak_ptr<protocol::RtpSession> rtp) {
    m_rtp = std::move(rtp);
    m_rateTimer.expires_after(std::chrono::milliseconds(1500));
    m_rateTimer.async_wait(
        [this, alive = std::weak_ptr<bool>(m_alive)](boost::system::error_code ec) {
            if (ec || alive.expired()) {
                return; // cancelled, or this object is gone
            }
            adaptRates();
            startRateControl(m_rtp);
        });
}

void CabinCameras::adaptRates() {
    const auto session = m_rtp.lock();
    if (!session) {
        return;
    }
    for (const auto& stream : session->stats()) { // on the transport's executor: this strand
        if (!stream.outbound) {
            continue;
        }
        for (auto& [mid, camera] : m_running) {
            if (camera.video->ssrc() != stream.ssrc) {
                continue;
            }
            const int target =
                camera.rate.onReport(stream.remoteFractionLost, std::chrono::milliseconds(1500));
            ++m_rateDecisions;
            if (target != camera.applied) {
                camera.video->setBitrate(target);
                if (std::abs(target - camera.applied) * 10 > camera.applied) {
                    m_log("video: " + mid + " at " + std::to_string(target / 1000) +
                          " kbit/s (the console reports " +
                          std::to_string(static_cast<int>(100 * stream.remoteFractionLost)) +
                          " % loss)");
                }
                camera.applied = target;
            }
        }
    }
}

std::optional<int> CabinCameras::bitrate(const std::string& mid) const {
    const auto it = m_running.find(mid);
    return it == m_running.end() ? std::nullopt : std::optional<int>(it->second.applied);
}

void CabinCameras::stopAll() {
    m_rateTimer.cancel();
    for (const auto& [mid, camera] : m_running) {
        camera.video->stop();
    }
    m_running.clear();
}

} // namespace tc::cabin
