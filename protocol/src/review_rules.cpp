// The review routes' pure rules: see review_rules.hpp.

#include "review_rules.hpp"

#include "archive_routes.hpp"
#include "tc/errors/table_lookup.hpp"
#include "tc/prescriptions/patient_identity.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/identity.hpp"

#include <charconv>
#include <cstdio>

namespace tc::protocol::detail {
namespace {

errors::Failure invalid(std::string detail) {
    return errors::Failure{make_error_code(ReviewErrc::invalidFilter), std::move(detail)};
}

errors::Failure tooLarge(std::string detail) {
    return errors::Failure{make_error_code(ReviewErrc::filterTooLarge), std::move(detail)};
}

bool isWireWord(std::string_view text) noexcept {
    for (const char c : text) {
        if (!((c >= 'a' && c <= 'z') || c == '_')) {
            return false;
        }
    }
    return true;
}

// Unix milliseconds: 1 to 15 digits (up to the year 33658).
std::optional<std::int64_t> millisecondsOf(std::string_view text) {
    std::int64_t value = 0;
    if (text.empty() || text.size() > 15 ||
        text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Why `value` is not a `site` parameter, if it is not.
std::optional<errors::Failure> siteRefusal(std::string_view value) {
    if (value.size() > 32) {
        return tooLarge("site: at most 32 characters");
    }
    if (!isValidSiteCode(value)) {
        return invalid("site: a site code");
    }
    return std::nullopt;
}

// A page's `limit`: 1 to kMaxReviewPage.
errors::Outcome<std::size_t, errors::Failure> pageLimitOf(std::string_view value) {
    const auto limit = value.size() <= 3 ? millisecondsOf(value) : std::nullopt;
    if (!limit || *limit < 1 || *limit > static_cast<std::int64_t>(kMaxReviewPage)) {
        return invalid("limit: 1 to " + std::to_string(kMaxReviewPage));
    }
    return static_cast<std::size_t>(*limit);
}

} // namespace

errors::Outcome<std::vector<std::pair<std::string, std::string>>, errors::Failure>
splitReviewQuery(std::string_view query) {
    if (query.size() > kMaxReviewQueryBytes) {
        return tooLarge(std::to_string(query.size()) + " bytes of query, at most " +
                        std::to_string(kMaxReviewQueryBytes));
    }
    std::vector<std::pair<std::string, std::string>> pairs;
    std::size_t start = 0;
    while (!query.empty() && start <= query.size()) {
        const auto end = std::min(query.find('&', start), query.size());
        const auto pair = query.substr(start, end - start);
        start = end + 1;
        const auto equals = pair.find('=');
        if (pair.empty() || equals == std::string_view::npos) {
            return invalid("a parameter is not name=value");
        }
        std::string key(pair.substr(0, equals));
        const auto value = pair.substr(equals + 1);
        // Every value the routes take is plain ASCII: no percent-encoding to undo.
        for (const char c : value) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return invalid(key.substr(0, 32) + ": a character outside [A-Za-z0-9._-]");
            }
        }
        for (const auto& [seen, unused] : pairs) {
            if (seen == key) {
                return invalid(key.substr(0, 32) + " given twice");
            }
        }
        pairs.emplace_back(std::move(key), std::string(value));
    }
    return pairs;
}

errors::Outcome<ReviewQuery, errors::Failure> parseReviewQuery(std::string_view query,
                                                               nlohmann::json& filters) {
    filters = nlohmann::json::object();
    auto pairs = splitReviewQuery(query);
    if (!pairs) {
        return pairs.error();
    }
    ReviewQuery q;
    q.limit = kDefaultReviewPage;
    for (const auto& [key, text] : *pairs) {
        const std::string_view value = text;
        if (key == "from" || key == "to") {
            if (value.size() > 15) {
                return tooLarge(key + ": at most 15 digits");
            }
            const auto ms = millisecondsOf(value);
            if (!ms) {
                return invalid(key + ": Unix milliseconds");
            }
            (key == "from" ? q.fromMs : q.toMs) = *ms;
        } else if (key == "site") {
            if (auto refused = siteRefusal(value)) {
                return *refused;
            }
            q.site = text;
        } else if (key == "doctor") {
            if (value.size() > 11) {
                return tooLarge("doctor: an RPPS number, 11 digits");
            }
            if (!prescriptions::isValidRpps(value)) {
                return invalid("doctor: an RPPS number");
            }
            q.doctorRpps = text;
        } else if (key == "end_reason" || key == "orientation") {
            if (value.size() > 32) {
                return tooLarge(key + ": at most 32 characters");
            }
            // An empty orientation asks for the records without a signed report.
            if ((value.empty() && key == "end_reason") || !isWireWord(value)) {
                return invalid(key + ": a wire name, [a-z_]");
            }
            (key == "end_reason" ? q.endReason : q.orientation) = text;
        } else if (key == "incident") {
            if (value != "yes" && value != "no") {
                return invalid("incident: yes or no");
            }
            q.incident = value == "yes";
        } else if (key == "limit") {
            auto limit = pageLimitOf(value);
            if (!limit) {
                return limit.error();
            }
            q.limit = *limit;
        } else if (key == "after") {
            if (value.size() > 16 + 64) {
                return tooLarge("after: a cursor from a previous page");
            }
            const auto dot = value.find('.');
            const auto ms =
                dot == std::string_view::npos ? std::nullopt : millisecondsOf(value.substr(0, dot));
            if (!ms || !isRecordIdSyntax(value.substr(dot + 1))) {
                return invalid("after: a cursor from a previous page");
            }
            q.after = std::pair(*ms, std::string(value.substr(dot + 1)));
        } else {
            return invalid("unknown parameter " + key.substr(0, 32));
        }
        filters[key] = text;
    }
    return q;
}

errors::Outcome<IndicatorsRequest, errors::Failure> parseIndicatorsQuery(std::string_view query) {
    auto pairs = splitReviewQuery(query);
    if (!pairs) {
        return pairs.error();
    }
    IndicatorsRequest request;
    std::optional<Quarter> quarter;
    for (const auto& [key, value] : *pairs) {
        if (key == "quarter") {
            quarter = parseQuarterLabel(value);
            if (!quarter) {
                return errors::Failure{make_error_code(ReviewErrc::invalidQuarter),
                                       "quarter: a label such as 2026-T4"};
            }
        } else if (key == "site") {
            if (auto refused = siteRefusal(value)) {
                return *refused;
            }
            request.site = value;
        } else if (key == "format") {
            if (value != "json" && value != "csv") {
                return invalid("format: json or csv");
            }
            request.csv = value == "csv";
        } else {
            return invalid("unknown parameter " + key.substr(0, 32));
        }
    }
    if (!quarter) {
        return errors::Failure{make_error_code(ReviewErrc::invalidQuarter),
                               "quarter is required, a label such as 2026-T4"};
    }
    request.quarter = *quarter;
    return request;
}

errors::Outcome<TrailRequest, errors::Failure> parseTrailQuery(std::string_view query) {
    auto pairs = splitReviewQuery(query);
    if (!pairs) {
        return pairs.error();
    }
    TrailRequest request;
    for (const auto& [key, value] : *pairs) {
        if (key == "before") {
            const auto sequence = millisecondsOf(value);
            if (!sequence || *sequence < 1) {
                return invalid("before: the previous page's next");
            }
            request.before = *sequence;
        } else if (key == "limit") {
            auto limit = pageLimitOf(value);
            if (!limit) {
                return limit.error();
            }
            request.limit = *limit;
        } else {
            return invalid("unknown parameter " + key.substr(0, 32));
        }
    }
    return request;
}

std::string cursorAfter(const ReviewRow& row) {
    return std::to_string(row.startMs) + "." + row.recordId;
}

nlohmann::json reviewRowJson(const ReviewRow& row) {
    return {{"record_id", row.recordId},
            {"site", row.site},
            {"doctor_rpps", row.doctorRpps},
            {"start_ms", row.startMs},
            {"end_ms", row.endMs},
            {"wait_ms", row.waitMs},
            {"duration_ms", row.durationMs},
            {"end_reason", row.endReason},
            {"orientation", row.orientation},
            {"incident_count", row.incidentCount},
            {"prescription_count", row.prescriptionCount},
            {"age_band", row.ageBand},
            {"sex", row.sex}};
}

CoordinatorAccess coordinatorAccessOf(std::string_view name) noexcept {
    // The signed documents print or encode the identity, and a signature over the identity is
    // a way to confirm a guessed one: none of them leaves for a coordinator.
    if (name.ends_with(".pdf") || name.ends_with(".p7s") || name.ends_with(".fhir.json")) {
        return CoordinatorAccess::refused;
    }
    if (name.ends_with(".json")) {
        return CoordinatorAccess::pseudonymised;
    }
    return CoordinatorAccess::whole;
}

std::string_view wireName(CoordinatorAccess access) noexcept {
    static constexpr errors::EnumNames<CoordinatorAccess::refused> names{
        {"whole", "pseudonymised", "identity_bearing"}};
    return names(access, "identity_bearing");
}

void pseudonymise(nlohmann::json& document, const std::string& ageBand, const std::string& sex) {
    if (document.is_object()) {
        for (auto& [key, value] : document.items()) {
            if (key == "patient" && !value.is_null()) {
                value = {{"ageBand", ageBand}, {"sex", sex}};
            } else {
                pseudonymise(value, ageBand, sex);
            }
        }
    } else if (document.is_array()) {
        for (auto& item : document) {
            pseudonymise(item, ageBand, sex);
        }
    }
}

std::vector<std::string> identityNeedles(const prescriptions::PatientIdentity& patient) {
    std::vector<std::string> needles;
    const auto add = [&](const std::string& text) {
        if (text.size() >= 3) {
            needles.push_back(text);
        }
    };
    add(patient.birthName);
    add(patient.usedName);
    for (const auto& first : patient.firstNames) {
        add(first);
    }
    add(patient.usedFirstName);
    if (patient.birthDate.ok()) {
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u",
                      static_cast<int>(patient.birthDate.year()),
                      static_cast<unsigned>(patient.birthDate.month()),
                      static_cast<unsigned>(patient.birthDate.day()));
        needles.emplace_back(date);
    }
    if (patient.ins) {
        add(patient.ins->number);
    }
    return needles;
}

bool containsAny(std::string_view text, const std::vector<std::string>& needles) noexcept {
    for (const auto& needle : needles) {
        if (text.find(needle) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

bool isMediaFile(std::string_view name) noexcept {
    for (const std::string_view extension : {".flac", ".wav", ".png", ".jpg", ".jpeg"}) {
        if (name.ends_with(extension)) {
            return true;
        }
    }
    return false;
}

} // namespace tc::protocol::detail
