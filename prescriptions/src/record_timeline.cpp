// The replay's timeline of a consultation record (record_timeline.hpp).
#include "tc/prescriptions/record_timeline.hpp"

#include "tc/errors/table_lookup.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace tc::prescriptions {

std::string_view wireName(TimelineLane lane) noexcept {
    static constexpr errors::EnumNames<TimelineLane::incidents> names{
        {"milestones", "auscultations", "measurements", "stills", "incidents"}};
    return names(lane, "milestones");
}

RecordTimeline buildTimeline(const ConsultationRecord& record) {
    const UnixMs origin = record.times.startMs;
    RecordTimeline timeline;
    timeline.durationMs = record.times.durationMs();
    auto& items = timeline.items;
    const auto instant = [&](TimelineLane lane, std::string id, std::string kind, UnixMs at) {
        items.push_back({lane, std::move(id), std::move(kind), at - origin, at - origin});
    };
    instant(TimelineLane::milestones, "checkin", "checkin", record.times.checkInMs);
    instant(TimelineLane::milestones, "claim", "claim", record.times.claimMs);
    instant(TimelineLane::milestones, "start", "start", record.times.startMs);
    instant(TimelineLane::milestones, "end", "end", record.times.endMs);
    if (record.report && record.report->signedAtMs != 0) {
        instant(TimelineLane::milestones, "report_signed", "report_signed",
                record.report->signedAtMs);
    }
    for (const auto& a : record.acts.auscultations) {
        items.push_back({TimelineLane::auscultations, a.recording, a.site, a.startMs - origin,
                         a.startMs - origin + a.durationMs});
    }
    for (const auto& m : record.acts.measurements) {
        instant(TimelineLane::measurements, m.id, m.loinc, m.atMs);
    }
    for (const auto& s : record.acts.stills) {
        instant(TimelineLane::stills, s.fileName, "", s.atMs);
    }
    for (std::size_t i = 0; i < record.incidents.size(); ++i) {
        const auto& incident = record.incidents[i];
        items.push_back({TimelineLane::incidents, "incident-" + std::to_string(i + 1),
                         std::string(wireName(incident.kind)), incident.startMs - origin,
                         incident.endMs - origin});
    }
    std::sort(items.begin(), items.end(), [](const TimelineItem& a, const TimelineItem& b) {
        return std::tie(a.fromMs, a.lane, a.id) < std::tie(b.fromMs, b.lane, b.id);
    });
    timeline.beginMs = std::min<std::int64_t>(0, items.front().fromMs);
    return timeline;
}

std::vector<const TimelineItem*> RecordTimeline::activeAt(std::int64_t atMs,
                                                          std::int64_t toleranceMs) const {
    std::vector<const TimelineItem*> active;
    for (const auto& item : items) {
        if (item.fromMs - toleranceMs > atMs) {
            break; // sorted by start
        }
        const bool instant = item.fromMs == item.toMs;
        if (instant ? atMs <= item.toMs + toleranceMs : atMs < item.toMs) {
            active.push_back(&item);
        }
    }
    return active;
}

std::vector<const RecordMeasurement*> RecordTimeline::vitalsAt(const ConsultationRecord& record,
                                                               std::int64_t atMs) const {
    std::map<std::string_view, const RecordMeasurement*> latest;
    for (const auto& m : record.acts.measurements) {
        if (m.atMs - record.times.startMs > atMs) {
            continue;
        }
        auto& slot = latest[m.loinc];
        if (slot == nullptr || slot->atMs <= m.atMs) {
            slot = &m;
        }
    }
    std::vector<const RecordMeasurement*> out;
    for (const auto& [loinc, m] : latest) {
        out.push_back(m);
    }
    std::sort(out.begin(), out.end(), [](const RecordMeasurement* a, const RecordMeasurement* b) {
        return std::tie(a->atMs, a->id) < std::tie(b->atMs, b->id);
    });
    return out;
}

const TimelineItem* RecordTimeline::stillAt(std::int64_t atMs) const {
    const TimelineItem* last = nullptr;
    for (const auto& item : items) {
        if (item.fromMs > atMs) {
            break;
        }
        if (item.lane == TimelineLane::stills) {
            last = &item;
        }
    }
    return last;
}

const TimelineItem* RecordTimeline::next(TimelineLane lane, std::int64_t atMs) const {
    for (const auto& item : items) {
        if (item.lane == lane && item.fromMs > atMs) {
            return &item;
        }
    }
    return nullptr;
}

const TimelineItem* RecordTimeline::previous(TimelineLane lane, std::int64_t atMs) const {
    const TimelineItem* found = nullptr;
    for (const auto& item : items) {
        if (item.fromMs >= atMs) {
            break;
        }
        if (item.lane == lane) {
            found = &item;
        }
    }
    return found;
}

} // namespace tc::prescriptions
