#pragma once
// One timeline over a whole consultation, for its replay (the coordinators' review, a doctor
// reopening their record): the session's milestones, each auscultation's recording, each
// measurement, each still and each technical incident, in time order. Times are milliseconds
// from the session's start (media flowing): check-in and claim are before it, negative; the end
// is the duration. The timeline is built from the record alone, so it needs none of the files;
// which of them are at hand is the replayer's business.

#include "tc/prescriptions/consultation_record.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tc::prescriptions {

enum class TimelineLane { milestones, auscultations, measurements, stills, incidents };
std::string_view wireName(TimelineLane lane) noexcept; // "milestones", ...

// The items carry wire names, never words: the console labels them in its own language.
struct TimelineItem {
    TimelineLane lane = TimelineLane::milestones;
    // Unique in its lane: the milestone ("checkin", "claim", "start", "end", "report_signed"),
    // the recording's or the still's file name, the measurement's id, "incident-<n>".
    std::string id;
    // What it is: the milestone again, the auscultation site ("aortic"), the measurement's
    // LOINC code, the incident's kind ("loss_burst"); empty for a still.
    std::string kind;
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0; // == fromMs for an instant
    friend bool operator==(const TimelineItem&, const TimelineItem&) = default;
};

struct RecordTimeline {
    std::int64_t beginMs = 0;        // the earliest item (the check-in), <= 0
    std::int64_t durationMs = 0;     // start to end
    std::vector<TimelineItem> items; // by fromMs, then lane, then id

    // The items whose span holds `atMs` (an instant: within `toleranceMs` of it).
    std::vector<const TimelineItem*> activeAt(std::int64_t atMs,
                                              std::int64_t toleranceMs = 0) const;
    // The last measurement of each LOINC code taken at or before `atMs` (what a vitals panel
    // shows at that moment), by measurement time.
    std::vector<const RecordMeasurement*> vitalsAt(const ConsultationRecord& record,
                                                   std::int64_t atMs) const;
    // The last still taken at or before `atMs`, nullptr before the first.
    const TimelineItem* stillAt(std::int64_t atMs) const;
    // The next and previous item of `lane` strictly after / before `atMs` (keyboard jumps).
    const TimelineItem* next(TimelineLane lane, std::int64_t atMs) const;
    const TimelineItem* previous(TimelineLane lane, std::int64_t atMs) const;
};

// The record must be valid (validateRecord): its acts within the session's span.
RecordTimeline buildTimeline(const ConsultationRecord& record);

} // namespace tc::prescriptions
