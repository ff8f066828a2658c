#include "tc/media/bitrate_controller.hpp"

#include <algorithm>

namespace tc::media {

BitrateController::BitrateController(BitrateLimits limits)
    : m_limits(limits)
    , m_target(limits.ceilingBps) {}

int BitrateController::onReport(double fractionLost, std::chrono::milliseconds sinceLast) {
    const double loss = std::clamp(fractionLost, 0.0, 1.0);
    double target = m_target;
    if (loss > m_limits.backOffLoss) {
        // As GCC's loss-based controller: halve the lost share (10 % loss: -5 %; 40 %: -20 %).
        target *= 1.0 - 0.5 * loss;
    } else if (loss < m_limits.holdLoss) {
        const double seconds =
            std::clamp(std::chrono::duration<double>(sinceLast).count(), 0.0, 5.0);
        target *= 1.0 + m_limits.climbPerSecond * seconds;
    }
    m_target = static_cast<int>(std::clamp(target, static_cast<double>(m_limits.floorBps),
                                           static_cast<double>(m_limits.ceilingBps)));
    return m_target;
}

} // namespace tc::media
