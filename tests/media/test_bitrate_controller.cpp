// Video bitrate control from RTCP loss: backs off under congestion down to the floor (never
// below: the audio streams keep the link), holds on moderate loss, climbs back slowly.
#include "tc/media/bitrate_controller.hpp"

#include <catch2/catch.hpp>

using namespace tc::media;
using namespace std::chrono_literals;

TEST_CASE("bitrate control: back off, hold, climb, within floor and ceiling", "[video][bitrate]") {
    BitrateController control;
    CHECK(control.target() == 2'500'000);
    // A clean path cannot push past the ceiling.
    CHECK(control.onReport(0.0, 1s) == 2'500'000);
    // 20 % loss: 10 % less each report.
    CHECK(control.onReport(0.20, 1s) == 2'250'000);
    CHECK(control.onReport(0.20, 1s) == 2'025'000);
    // Moderate loss holds.
    CHECK(control.onReport(0.05, 1s) == 2'025'000);
    // Heavy loss for long: down to the floor, and no lower.
    for (int i = 0; i < 100; ++i) {
        control.onReport(0.40, 1s);
    }
    CHECK(control.target() == control.limits().floorBps);
    // Clean again: about 8 % a second, so back to the ceiling in under a minute, not at once.
    const int afterOne = control.onReport(0.0, 1s);
    CHECK(afterOne == static_cast<int>(control.limits().floorBps * 1.08));
    int seconds = 1;
    while (control.target() < control.limits().ceilingBps && seconds < 120) {
        control.onReport(0.0, 1s);
        ++seconds;
    }
    CHECK(seconds > 20);
    CHECK(seconds < 60);
    // Nonsense reports are clamped, not trusted.
    CHECK(control.onReport(-3.0, 1s) == control.limits().ceilingBps);
    CHECK(control.onReport(7.0, 1s) == control.limits().ceilingBps / 2);
}
