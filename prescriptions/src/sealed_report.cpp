#include "tc/prescriptions/sealed_report.hpp"

#include "json_reader.hpp"
#include "record_json.hpp"
#include "tc/prescriptions/canonical_json.hpp"
#include "tc/prescriptions/sealed_prescription.hpp"

namespace tc::prescriptions {
namespace {

using namespace detail::reading;

ParseResult<SealedReport> parseError(boost::system::error_code code, std::string detail) {
    return ParseError{code, "", std::move(detail)};
}

} // namespace

ReportContext reportContextOf(const ConsultationRecord& record) {
    return ReportContext{record.doctor,       record.patient,       record.site,
                         record.assistant,    record.times.startMs, record.times.endMs,
                         record.prescriptions};
}

nlohmann::json signedReportJson(const ConsultationReport& report, const ReportContext& context) {
    json prescriptions = json::array();
    for (const auto& p : context.prescriptions) {
        prescriptions.push_back({{"id", p.id}, {"sha256", p.sha256}});
    }
    return json{
        {"format", kSignedReportFormat},
        {"report", toJson(report)},
        {"author", detail::doctorJson(context.author)},
        {"patient", detail::identityJson(context.patient)},
        {"site", detail::siteJson(context.site)},
        {"assistant", detail::assistantJson(context.assistant)},
        {"startMs", context.startMs},
        {"endMs", context.endMs},
        {"prescriptions", prescriptions},
    };
}

Result<SealedReport> SealedReport::seal(const ConsultationReport& report,
                                        const ConsultationRecord& record, RecordIssues* issues) {
    RecordIssues found = validateReport(report, &record);
    for (auto& issue : validateRecord(record)) {
        issue.path = "/record" + issue.path;
        found.push_back(std::move(issue));
    }
    const bool failed = !found.empty();
    if (issues != nullptr) {
        *issues = std::move(found);
    }
    if (failed) {
        return Errc::validationFailed;
    }
    auto context = reportContextOf(record);
    auto canonical = tc::prescriptions::canonicalJson(signedReportJson(report, context));
    if (!canonical) {
        return canonical.error();
    }
    auto digest = sha256Hex(*canonical);
    if (!digest) {
        return digest.error();
    }
    return SealedReport(std::make_shared<const Data>(
        Data{report, std::move(context), std::move(*canonical), std::move(*digest)}));
}

ParseResult<SealedReport> SealedReport::fromCanonical(std::string_view bytes,
                                                      std::string_view expectedSha256Hex) {
    auto value = detail::parseDocument(bytes, kMaxReportBytes + kMaxRecordBytes);
    if (!value) {
        return value.error();
    }
    ErrorSlot slot;
    ObjectReader r(*value, "", slot);
    r.format(kSignedReportFormat);
    ConsultationReport report;
    if (const auto* member = r.object("report", Nullable::no)) {
        auto parsed = consultationReportFromJson(*member);
        if (!parsed) {
            auto error = parsed.error();
            error.path = "/report" + error.path;
            return error;
        }
        report = std::move(*parsed);
    }
    ReportContext context;
    if (const auto* author = r.object("author", Nullable::no)) {
        detail::readDoctor(*author, "/author", context.author, slot);
    }
    if (const auto* patient = r.object("patient", Nullable::no)) {
        detail::readIdentity(*patient, "/patient", context.patient, slot);
    }
    if (const auto* site = r.object("site", Nullable::no)) {
        detail::readSite(*site, "/site", context.site, slot);
    }
    detail::readAssistant(r, "assistant", context.assistant);
    r.integer64("startMs", context.startMs, 0, detail::kLatestMs);
    r.integer64("endMs", context.endMs, 0, detail::kLatestMs);
    if (const auto* list = r.array("prescriptions", kMaxRecordActs)) {
        for (std::size_t i = 0; i < list->size() && slot.ok(); ++i) {
            PrescriptionReference reference;
            ObjectReader p((*list)[i], pointerAppend("/prescriptions", i), slot);
            p.text("id", reference.id, 64);
            p.text("sha256", reference.sha256, 64);
            p.finish();
            context.prescriptions.push_back(std::move(reference));
        }
    }
    r.finish();
    if (slot.error) {
        return *slot.error;
    }
    auto canonical = tc::prescriptions::canonicalJson(signedReportJson(report, context));
    if (!canonical) {
        return parseError(canonical.error(), "cannot be canonicalised");
    }
    if (*canonical != bytes) {
        return parseError(Errc::notCanonical, "not the RFC 8785 form of its content");
    }
    auto digest = sha256Hex(bytes);
    if (!digest) {
        return parseError(digest.error(), "SHA-256");
    }
    if (!expectedSha256Hex.empty() && *digest != expectedSha256Hex) {
        return parseError(Errc::digestMismatch, "another SHA-256 than expected");
    }
    return SealedReport(std::make_shared<const Data>(
        Data{std::move(report), std::move(context), std::move(*canonical), std::move(*digest)}));
}

} // namespace tc::prescriptions
