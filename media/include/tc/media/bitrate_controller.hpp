#pragma once
// Loss-based bitrate control for a video sender, from the receiver's RTCP reports (the fraction
// lost over each report interval, RFC 3550): back off in proportion when loss is high, hold in
// between, and climb back slowly on a clean path, between a floor and the camera's ceiling.
// The floor is low enough that the audio streams (stethoscope L16 at 768 kbit/s or Opus, and
// the voice) keep the link: video always yields first. Pure logic, no clock of its own.

#include <chrono>

namespace tc::media {

struct BitrateLimits {
    int floorBps = 150'000;     // a face still recognisable at 360p, far below the audio's needs
    int ceilingBps = 2'500'000; // the room camera at 720p30
    double backOffLoss = 0.10;  // above: congestion, reduce
    double holdLoss = 0.02;     // between holdLoss and backOffLoss: hold
    double climbPerSecond = 0.08;
};

class BitrateController {
public:
    explicit BitrateController(BitrateLimits limits = {});

    // One receiver report: the loss fraction it gives (0..1) and the time since the last one.
    // Returns the new target.
    int onReport(double fractionLost, std::chrono::milliseconds sinceLast);
    int target() const noexcept { return m_target; }
    const BitrateLimits& limits() const noexcept { return m_limits; }

private:
    BitrateLimits m_limits;
    int m_target;
};

} // namespace tc::media
