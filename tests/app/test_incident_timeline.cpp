// The consultation's technical incidents as the console measures them: a session replayed
// poll by poll (times given, no clock), and what the record will say of it.
#include "incident_timeline.hpp"

#include <catch2/catch.hpp>

using namespace tc::app;
using tc::protocol::TransportState;

namespace {

constexpr UnixMs kT0 = 1'795'000'000'000;

// `seconds` clean polls of 50 packets from `from`.
void clean(IncidentTimeline& timeline, UnixMs from, int seconds) {
    for (int s = 1; s <= seconds; ++s) {
        timeline.mediaSample(from + s * 1000, {50, 0, 0, 3.0});
    }
}

} // namespace

TEST_CASE("incidents: a clean consultation has none", "[incidents]") {
    IncidentTimeline timeline;
    timeline.transportState(kT0, TransportState::connected);
    timeline.pathSelected(kT0, "direct (réseau local)", false);
    clean(timeline, kT0, 60);
    CHECK(timeline.finish(kT0 + 61'000).empty());
}

TEST_CASE("incidents: a 3 s loss burst is one incident with its figures", "[incidents]") {
    IncidentTimeline timeline;
    timeline.transportState(kT0, TransportState::connected);
    clean(timeline, kT0, 10);
    // Seconds 11-13: 30 % of the packets lost by the network, two never recovered.
    for (int s = 11; s <= 13; ++s) {
        timeline.mediaSample(kT0 + s * 1000, {35, 15, s == 12 ? 2U : 0U, 4.0});
    }
    clean(timeline, kT0 + 13'000, 5);
    const auto incidents = timeline.finish(kT0 + 20'000);
    REQUIRE(incidents.size() == 1);
    const auto& burst = incidents[0];
    CHECK(burst.kind == IncidentKind::lossBurst);
    CHECK(burst.startMs == kT0 + 10'000);
    CHECK(burst.endMs == kT0 + 13'000);
    CHECK(burst.figures.at("duration_ms") == 3000);
    CHECK(burst.figures.at("peak_loss_percent") == Approx(30.0));
    CHECK(burst.figures.at("packets_lost") == 45);
    CHECK(burst.figures.at("packets_unrecovered") == 2);
    CHECK(burst.descriptionFr == "Pertes réseau jusqu'à 30 % pendant 3,0 s (45 paquets perdus, "
                                 "2 non récupérés)");
}

TEST_CASE("incidents: loss under the threshold, or a single packet, is not an incident",
          "[incidents]") {
    IncidentTimeline timeline({5.0, 50.0});
    timeline.transportState(kT0, TransportState::connected);
    timeline.mediaSample(kT0 + 1000, {98, 2, 0, 3.0}); // 2 %
    timeline.mediaSample(kT0 + 2000, {50, 0, 0, 49.0});
    CHECK(timeline.finish(kT0 + 3000).empty());
}

TEST_CASE("incidents: drops, consent loss and the path change of an ICE restart",
          "[incidents]") {
    IncidentTimeline timeline;
    timeline.transportState(kT0, TransportState::connected);
    timeline.pathSelected(kT0, "direct (réseau local)", false);
    clean(timeline, kT0, 5);
    // The cabin stops answering (polls every second see nothing from 6 s): consent lost at
    // 8 s, ICE restarts, a relayed path at 12 s, packets back in the poll of 13 s.
    for (int s = 6; s <= 12; ++s) {
        timeline.mediaSample(kT0 + s * 1000, {0, 0, 0, 0});
        if (s == 8) {
            timeline.transportState(kT0 + 8000, TransportState::disconnected);
        } else if (s == 10) {
            timeline.transportState(kT0 + 10'000, TransportState::reconnecting);
        }
    }
    timeline.pathSelected(kT0 + 12'000, "relayé par turns:turn.example.fr:443 (TURN TLS)", true);
    timeline.transportState(kT0 + 12'000, TransportState::connected);
    timeline.mediaSample(kT0 + 13'000, {50, 0, 0, 3.0});
    const auto incidents = timeline.finish(kT0 + 20'000);
    REQUIRE(incidents.size() == 3);
    CHECK(incidents[0].kind == IncidentKind::dropAndResume);
    CHECK(incidents[0].startMs == kT0 + 5000); // the first silent poll's interval
    CHECK(incidents[0].endMs == kT0 + 12'000);
    CHECK(incidents[1].kind == IncidentKind::consentLost);
    CHECK(incidents[1].startMs == kT0 + 8000);
    CHECK(incidents[1].endMs == kT0 + 12'000);
    CHECK(incidents[2].kind == IncidentKind::mediaPathChange);
    CHECK(incidents[2].startMs == kT0 + 12'000);
    CHECK(incidents[2].figures.at("relayed") == 1);
    CHECK(incidents[2].descriptionFr ==
          "Chemin média : direct (réseau local) → relayé par turns:turn.example.fr:443 (TURN TLS)");
}

TEST_CASE("incidents: frozen video per camera, jitter, audio devices, and what is still open "
          "at the end",
          "[incidents]") {
    IncidentTimeline timeline;
    timeline.transportState(kT0, TransportState::connected);
    clean(timeline, kT0, 6);
    timeline.videoFrozen(kT0 + 3000, "room", true);
    timeline.videoFrozen(kT0 + 3500, "otoscope", true);
    timeline.videoFrozen(kT0 + 6000, "room", false);
    timeline.mediaSample(kT0 + 7000, {50, 0, 0, 80.0});
    timeline.mediaSample(kT0 + 8000, {50, 0, 0, 120.0});
    timeline.audioDeviceError(kT0 + 8500, "casque", "périphérique débranché");
    // A snapshot shows what is open, ending now, without closing it.
    const auto open = timeline.snapshot(kT0 + 9000);
    CHECK(open.size() == 4);
    const auto incidents = timeline.finish(kT0 + 10'000);
    REQUIRE(incidents.size() == 4);
    CHECK(incidents[0].kind == IncidentKind::frozenVideo);
    CHECK(incidents[0].descriptionFr == "Vidéo figée (caméra de la salle) pendant 3,0 s");
    CHECK(incidents[1].kind == IncidentKind::frozenVideo);
    CHECK(incidents[1].endMs == kT0 + 10'000); // still frozen when the session ended
    CHECK(incidents[2].kind == IncidentKind::jitterBurst);
    CHECK(incidents[2].figures.at("peak_jitter_ms") == 120);
    CHECK(incidents[2].startMs == kT0 + 6000);
    CHECK(incidents[2].endMs == kT0 + 10'000);
    CHECK(incidents[3].kind == IncidentKind::audioDeviceError);
    CHECK(incidents[3].descriptionFr == "Périphérique audio (casque) : périphérique débranché");
}

TEST_CASE("incidents: a flapping link is capped at the record's limit, and says so",
          "[incidents]") {
    IncidentTimeline timeline;
    timeline.transportState(kT0, TransportState::connected);
    for (int i = 0; i < 1200; ++i) {
        timeline.pathSelected(kT0 + i, i % 2 ? "a" : "b", false);
    }
    const auto incidents = timeline.finish(kT0 + 2000);
    REQUIRE(incidents.size() == tc::prescriptions::kMaxRecordIncidents);
    CHECK(incidents.back().figures.at("incidents_not_listed") == 1199 - 499);
}
