#pragma once
// Internal: gathers issues with their messages while the validator walks a prescription.

#include "tc/prescriptions/validation.hpp"

#include <string>

namespace tc::prescriptions::detail {

class IssueCollector {
public:
    explicit IssueCollector(ValidationReport& report)
        : m_report(report) {}

    // Adds an issue with the code's message, followed by the details when given.
    void add(IssueCode code, std::string location, const std::string& detailFr = {},
             const std::string& detailEn = {});
    void addWithSeverity(IssueCode code, Severity severity, std::string location,
                         const std::string& detailFr, const std::string& detailEn);
    // missingField when `text` is empty or only white space.
    void requireText(const std::string& text, std::string location, const char* fieldFr,
                     const char* fieldEn);

private:
    ValidationReport& m_report;
};

bool isBlank(const std::string& text) noexcept;
std::string formatNumber(double value);

// Validates the medication and non-drug lines (validation_lines.cpp).
void validateLines(const Prescription& p, const DciTable& table, IssueCollector& issues);

} // namespace tc::prescriptions::detail
