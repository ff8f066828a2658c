// The doctor's connection-quality indicator: what each measured condition makes of it.
#include "media_link.hpp"

#include <catch2/catch.hpp>

using namespace tc;
using app::MediaQuality;

namespace {

app::MediaSnapshot healthy() {
    app::MediaSnapshot snapshot;
    snapshot.state = protocol::TransportState::connected;
    snapshot.transport.roundTripMs = 20;
    protocol::RtpStreamStats steth;
    steth.name = "steth";
    steth.packets = 1000;
    steth.fractionLost = 0.005;
    steth.jitterMs = 2;
    steth.rttMs = 22;
    snapshot.streams.push_back(steth);
    return snapshot;
}

} // namespace

TEST_CASE("media quality: good, fair and poor from loss, recovery, jitter and RTT", "[app]") {
    CHECK(app::assessQuality(healthy(), 0, 100) == MediaQuality::good);

    auto lossy = healthy();
    lossy.streams[0].fractionLost = 0.05; // the network loses 5 %, retransmission repairs it
    CHECK(app::assessQuality(lossy, 0, 100) == MediaQuality::fair);
    lossy.streams[0].fractionLost = 0.15;
    CHECK(app::assessQuality(lossy, 0, 100) == MediaQuality::poor);

    // What retransmission could not repair is what the doctor hears.
    CHECK(app::assessQuality(healthy(), 1, 100) == MediaQuality::fair);
    CHECK(app::assessQuality(healthy(), 3, 100) == MediaQuality::poor);

    auto jittery = healthy();
    jittery.streams[0].jitterMs = 30;
    CHECK(app::assessQuality(jittery, 0, 100) == MediaQuality::fair);
    jittery.streams[0].jitterMs = 80;
    CHECK(app::assessQuality(jittery, 0, 100) == MediaQuality::poor);

    auto far = healthy();
    far.streams[0].rttMs = 200;
    CHECK(app::assessQuality(far, 0, 100) == MediaQuality::fair);
    far.transport.roundTripMs = 500;
    CHECK(app::assessQuality(far, 0, 100) == MediaQuality::poor);

    // Connected, but nothing arrives: poor, not "good by absence of bad news".
    CHECK(app::assessQuality(healthy(), 0, 0) == MediaQuality::poor);
    auto silent = healthy();
    silent.streams.clear();
    CHECK(app::assessQuality(silent, 0, 100) == MediaQuality::poor);

    auto lost = healthy();
    lost.state = protocol::TransportState::disconnected;
    CHECK(app::assessQuality(lost, 0, 100) == MediaQuality::poor);
    lost.state = protocol::TransportState::securing;
    CHECK(app::assessQuality(lost, 0, 100) == MediaQuality::none);
    CHECK(app::toString(MediaQuality::fair) == QStringLiteral("fair"));
}
