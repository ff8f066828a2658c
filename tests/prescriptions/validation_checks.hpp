#pragma once
// A prescription checked against the test DCI table, and the check that it got exactly one issue
// (test_validation.cpp, test_validation_lines.cpp).

#include "fixtures.hpp"
#include "tc/prescriptions/validation.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace tc::prescriptions::test {

inline ValidationReport check(const Prescription& p) {
    return validate(p, table());
}

// The report holds exactly this one issue, with a French and an English message.
inline const Issue& requireOnly(const Prescription& p, IssueCode code,
                                const std::string& location) {
    static ValidationReport report;
    report = check(p);
    INFO(wireName(code) << " at " << location);
    for (const auto& issue : report.issues) {
        UNSCOPED_INFO("got " << wireName(issue.code) << " at " << issue.location << ": "
                             << issue.messageFr);
    }
    REQUIRE(report.issues.size() == 1);
    CHECK(report.issues[0].code == code);
    CHECK(report.issues[0].location == location);
    CHECK_FALSE(report.issues[0].messageFr.empty());
    CHECK_FALSE(report.issues[0].messageEn.empty());
    return report.issues[0];
}

} // namespace tc::prescriptions::test
