// The replay's timeline of a consultation record: every act and incident, in time order, from
// the session's start; what is on at a moment; the vitals panel and the still at a moment.
#include "record_fixtures.hpp"
#include "tc/prescriptions/record_timeline.hpp"

using namespace tc::prescriptions;
using namespace tc::prescriptions::test;

namespace {

std::vector<std::string> idsOf(const std::vector<const TimelineItem*>& items) {
    std::vector<std::string> ids;
    for (const auto* item : items) {
        ids.push_back(item->id);
    }
    return ids;
}

} // namespace

TEST_CASE("the timeline lays out the whole consultation from the session's start",
          "[record][timeline]") {
    auto record = recordFixture();
    record.report = ReportReference{kReportId, hash('d'), record.times.endMs - kMinuteMs};
    REQUIRE(validateRecord(record).empty());
    const auto timeline = buildTimeline(record);

    CHECK(timeline.beginMs == -8 * kMinuteMs); // the check-in, 8 minutes before the start
    CHECK(timeline.durationMs == 16 * kMinuteMs);
    // 5 milestones, 2 auscultations, 5 measurements, 1 still, 1 incident.
    REQUIRE(timeline.items.size() == 14);
    CHECK(std::is_sorted(
        timeline.items.begin(), timeline.items.end(),
        [](const TimelineItem& a, const TimelineItem& b) { return a.fromMs < b.fromMs; }));
    CHECK(timeline.items.front() == TimelineItem{TimelineLane::milestones, "checkin", "checkin",
                                                 -8 * kMinuteMs, -8 * kMinuteMs});
    const auto aortic = std::find_if(timeline.items.begin(), timeline.items.end(),
                                     [](const TimelineItem& i) { return i.kind == "aortic"; });
    REQUIRE(aortic != timeline.items.end());
    CHECK(*aortic == TimelineItem{TimelineLane::auscultations, "steth-aortic-1.flac", "aortic",
                                  5 * kMinuteMs, 5 * kMinuteMs + 12'000});
    const auto incident =
        std::find_if(timeline.items.begin(), timeline.items.end(),
                     [](const TimelineItem& i) { return i.lane == TimelineLane::incidents; });
    REQUIRE(incident != timeline.items.end());
    CHECK(*incident == TimelineItem{TimelineLane::incidents, "incident-1", "loss_burst",
                                    10 * kMinuteMs, 10 * kMinuteMs + 20'000});
    CHECK(timeline.items.back().id == "end");
    CHECK(wireName(TimelineLane::stills) == "stills");
}

TEST_CASE("the timeline says what is on at a moment, and what comes next", "[record][timeline]") {
    const auto record = recordFixture();
    const auto timeline = buildTimeline(record);

    // During the aortic recording and the loss burst.
    CHECK(idsOf(timeline.activeAt(5 * kMinuteMs + 6'000)) ==
          std::vector<std::string>{"steth-aortic-1.flac"});
    CHECK(idsOf(timeline.activeAt(10 * kMinuteMs + 1)) == std::vector<std::string>{"incident-1"});
    // A span ends at its end (exclusive); instants match within the tolerance.
    CHECK(timeline.activeAt(5 * kMinuteMs + 12'000).empty());
    CHECK(idsOf(timeline.activeAt(7 * kMinuteMs + 400, 500)) ==
          std::vector<std::string>{"still-1.png"});

    // The vitals panel at 2'30: the cuff's three; at 4'30: all five, latest of each code.
    CHECK(timeline.vitalsAt(record, 2 * kMinuteMs + 30'000).size() == 3);
    const auto all = timeline.vitalsAt(record, 4 * kMinuteMs + 30'000);
    REQUIRE(all.size() == 5);
    CHECK(all.back()->id == "m-5");
    CHECK(timeline.vitalsAt(record, 0).empty());

    CHECK(timeline.stillAt(6 * kMinuteMs) == nullptr);
    REQUIRE(timeline.stillAt(9 * kMinuteMs) != nullptr);
    CHECK(timeline.stillAt(9 * kMinuteMs)->id == "still-1.png");

    const auto* next = timeline.next(TimelineLane::auscultations, 5 * kMinuteMs);
    REQUIRE(next != nullptr);
    CHECK(next->kind == "lung_left_lower");
    CHECK(timeline.next(TimelineLane::auscultations, 6 * kMinuteMs) == nullptr);
    const auto* previous = timeline.previous(TimelineLane::auscultations, 6 * kMinuteMs);
    REQUIRE(previous != nullptr);
    CHECK(previous->kind == "aortic");
    CHECK(timeline.previous(TimelineLane::incidents, 0) == nullptr);
}
