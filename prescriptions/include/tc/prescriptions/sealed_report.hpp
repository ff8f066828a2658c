#pragma once
// The report as it is signed: the doctor's report and, from the record, what makes it a document
// on its own (who wrote it, about whom, where, when, and the prescriptions issued), frozen as
// RFC 8785 canonical JSON with its SHA-256, like SealedPrescription. These bytes are embedded in
// the signed PDF as "compte-rendu.json", signed again as a detached CMS, and named by the record
// (ReportReference). Format "telecabine.signed-report/1":
//
//   {"format", "report": <ConsultationReport JSON>, "author": {rpps, familyName, givenName},
//    "patient": <identity>, "site": {code, name}, "assistant": {role, name} | null,
//    "startMs", "endMs", "prescriptions": [{id, sha256}]}
//
// "author.rpps" is what the signer's certificate must name (signed_document.hpp).

#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/errors.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

inline constexpr std::string_view kSignedReportFormat = "telecabine.signed-report/1";

// What the signed report takes from the record.
struct ReportContext {
    RecordDoctor author;
    PatientIdentity patient;
    RecordSite site;
    std::optional<RecordAssistant> assistant;
    UnixMs startMs = 0;
    UnixMs endMs = 0;
    std::vector<PrescriptionReference> prescriptions;
    friend bool operator==(const ReportContext&, const ReportContext&) = default;
};

ReportContext reportContextOf(const ConsultationRecord& record);

class SealedReport {
public:
    // Errc::validationFailed when validateReport (against the record) or validateRecord finds a
    // problem (all of them written to `issues` when given); canonicalisation errors.
    static Result<SealedReport> seal(const ConsultationReport& report,
                                     const ConsultationRecord& record,
                                     RecordIssues* issues = nullptr);
    // From the bytes as received: strict parsing (the ParseError, with its JSON pointer), exactly
    // canonical (Errc::notCanonical) and, when given, the expected digest (Errc::digestMismatch).
    static ParseResult<SealedReport> fromCanonical(std::string_view bytes,
                                                   std::string_view expectedSha256Hex = {});

    const ConsultationReport& report() const noexcept { return m_data->report; }
    const ReportContext& context() const noexcept { return m_data->context; }
    const std::string& canonicalJson() const noexcept { return m_data->canonical; }
    const std::string& sha256() const noexcept { return m_data->sha256; }

private:
    struct Data {
        ConsultationReport report;
        ReportContext context;
        std::string canonical;
        std::string sha256;
    };
    explicit SealedReport(std::shared_ptr<const Data> data)
        : m_data(std::move(data)) {}
    std::shared_ptr<const Data> m_data;
};

nlohmann::json signedReportJson(const ConsultationReport& report, const ReportContext& context);

} // namespace tc::prescriptions
