// Indexing a committed record for review: see review_index.hpp.

#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/sealed_report.hpp"
#include "tc/protocol/archive_store.hpp"
#include "tc/protocol/review_index.hpp"

namespace tc::protocol {
namespace {

errors::Failure reviewFailure(ReviewErrc code, std::string detail) {
    return errors::Failure{make_error_code(code), std::move(detail)};
}

std::chrono::year_month_day utcDateOf(std::int64_t unixMs) {
    return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unixMs))));
}

// The follow-up of the signed report the record names, "" when there is none or it cannot be
// read: the row is still worth having without it.
std::string orientationOf(const ArchiveRecordReader& reader,
                          const prescriptions::ConsultationRecord& record) {
    if (!record.report) {
        return {};
    }
    for (const auto& file : reader.files()) {
        const auto& name = file.name;
        if (!name.starts_with("report/") || !name.ends_with(".json") ||
            name.ends_with(".fhir.json")) {
            continue;
        }
        auto bytes = reader.read(name);
        if (!bytes) {
            continue;
        }
        const std::string text(bytes->begin(), bytes->end());
        if (auto sealed = prescriptions::SealedReport::fromCanonical(text, record.report->sha256)) {
            return std::string(prescriptions::wireName(sealed->report().followUp.kind));
        }
    }
    return {};
}

} // namespace

std::string ageBandOf(std::chrono::year_month_day birth, std::chrono::year_month_day on) {
    int age = static_cast<int>(on.year()) - static_cast<int>(birth.year());
    if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) {
        --age;
    }
    if (age < 18) {
        return "0-17";
    }
    if (age < 30) {
        return "18-29";
    }
    if (age >= 80) {
        return "80+";
    }
    const int decade = age / 10 * 10;
    return std::to_string(decade) + "-" + std::to_string(decade + 9);
}

ReviewResult<std::vector<std::string>>
ReviewIndex::missing(const std::vector<std::string>& recordIds) {
    std::vector<std::string> absent;
    for (const auto& id : recordIds) {
        auto found = row(id);
        if (!found) {
            return found.error();
        }
        if (!*found) {
            absent.push_back(id);
        }
    }
    return absent;
}

ReviewResult<ReviewRow> indexRecord(const ArchiveStore& store, ReviewIndex& index,
                                    std::string_view recordId) {
    auto facts = index.sessionFacts(recordId);
    if (!facts) {
        return facts.error();
    }
    if (!*facts) {
        return reviewFailure(ReviewErrc::notIndexable, std::string(recordId));
    }
    Requester self;
    self.role = Role::service;
    self.serviceItself = true;
    auto reader = store.openRecord(recordId, self);
    if (!reader) {
        return reviewFailure(ReviewErrc::unreadableRecord,
                             std::string(recordId) + ": " + reader.error().message());
    }
    auto bytes = reader->read("record.json");
    if (!bytes) {
        return reviewFailure(ReviewErrc::unreadableRecord,
                             std::string(recordId) + ": " + bytes.error().message());
    }
    auto record = prescriptions::parseConsultationRecord(
        std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    if (!record) {
        return reviewFailure(ReviewErrc::unreadableRecord,
                             std::string(recordId) + ": record.json: " + record.error().message());
    }
    const auto& f = **facts;
    const auto& summary = reader->summary();
    ReviewRow row;
    row.recordId = std::string(recordId);
    row.site = f.site;
    row.doctorRpps = f.doctorRpps;
    row.visitId = f.visitId;
    row.checkinMs = f.checkinMs;
    row.claimMs = f.claimMs;
    row.startMs = f.startMs;
    row.endMs = f.endMs;
    row.waitMs = f.waitMs;
    row.durationMs = f.durationMs;
    row.endReason = f.endReason;
    row.orientation = orientationOf(*reader, *record);
    row.incidentCount = static_cast<std::int64_t>(record->incidents.size());
    row.prescriptionCount = static_cast<std::int64_t>(record->prescriptions.size());
    row.ageBand = ageBandOf(record->patient.birthDate, utcDateOf(f.startMs));
    row.sex = std::string(prescriptions::wireName(record->patient.sex));
    // The consents the archive holds: those mayReadRecord checks.
    row.qualityReview = summary.consent.qualityReview;
    row.care = summary.consent.care;
    row.committedMs = summary.committedUnixMs;
    if (auto put = index.put(row); !put) {
        return put.error();
    }
    return row;
}

std::size_t indexMissingRecords(const ArchiveStore& store, ReviewIndex& index,
                                const std::function<void(const std::string&)>& log) {
    const auto say = [&](const std::string& line) {
        if (log) {
            log(line);
        }
    };
    auto records = store.allRecords();
    if (!records) {
        say("review index: cannot list the archive: " + records.error().message());
        return 0;
    }
    std::vector<std::string> ids;
    for (const auto& record : *records) {
        ids.push_back(record.recordId);
    }
    auto missing = index.missing(ids);
    if (!missing) {
        say("review index: " + missing.error().message());
        return 0;
    }
    std::size_t indexed = 0;
    for (const auto& id : *missing) {
        if (auto row = indexRecord(store, index, id)) {
            ++indexed;
        } else {
            say("review index: record " + id + " not indexed: " + row.error().message());
        }
    }
    return indexed;
}

} // namespace tc::protocol
