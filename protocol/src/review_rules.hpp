#pragma once
// The review routes' pure rules (review_http.cpp): the list's query, the row's JSON, which
// files a coordinator gets and how, and the pseudonymisation of JSON files. Hostile input: the
// query and the file names come from the network.

#include "tc/errors/outcome.hpp"
#include "tc/protocol/quarter_period.hpp"
#include "tc/protocol/review_index.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tc::prescriptions {
struct PatientIdentity;
}

namespace tc::protocol::detail {

inline constexpr std::size_t kMaxReviewQueryBytes = 2048;
inline constexpr std::size_t kDefaultReviewPage = 50;
inline constexpr std::size_t kMaxReviewPage = 200;

// A review route's query as name=value pairs, in order: filter_too_large beyond
// kMaxReviewQueryBytes; invalid_filter for a pair without '=', a name given twice, a value with a
// character outside [A-Za-z0-9._-] (the routes take no percent-encoding).
errors::Outcome<std::vector<std::pair<std::string, std::string>>, errors::Failure>
splitReviewQuery(std::string_view query);

// GET /review/v1/indicators?quarter=2026-T4[&site=CODE][&format=json|csv]: invalid_quarter for
// a missing or malformed quarter, invalid_filter / filter_too_large for the rest.
struct IndicatorsRequest {
    Quarter quarter;
    std::optional<std::string> site;
    bool csv = false;
};
errors::Outcome<IndicatorsRequest, errors::Failure> parseIndicatorsQuery(std::string_view query);

// GET /review/v1/trail[?before=SEQ][&limit=N]: newest first, `before` the previous page's next
// (a sequence, 1 or more), limit 1-200 (default 50).
struct TrailRequest {
    std::int64_t before = 0; // 0: from the newest
    std::size_t limit = kDefaultReviewPage;
};
errors::Outcome<TrailRequest, errors::Failure> parseTrailQuery(std::string_view query);

// The list's query (after '?', possibly empty) as a ReviewQuery without visibility, or the
// refusal: filter_too_large (the query beyond kMaxReviewQueryBytes, a value beyond its field's
// length), invalid_filter (unknown, repeated or malformed parameter, limit outside 1-200).
// `filters` receives the parameters as given, for the audit trail.
errors::Outcome<ReviewQuery, errors::Failure> parseReviewQuery(std::string_view query,
                                                               nlohmann::json& filters);
// The keyset cursor after `row`: "<start_ms>.<record_id>".
std::string cursorAfter(const ReviewRow& row);

// The row as the review routes send it (never visit id, check-in or consents).
nlohmann::json reviewRowJson(const ReviewRow& row);

// How a file of a record reaches a coordinator.
enum class CoordinatorAccess {
    whole,         // no patient identity in it: recordings, stills, vitals, incidents
    pseudonymised, // JSON: every "patient" object replaced by {ageBand, sex}
    refused,       // identity_bearing: the signed PDFs, their CMS signatures, FHIR documents
};
CoordinatorAccess coordinatorAccessOf(std::string_view fileName) noexcept;
std::string_view wireName(CoordinatorAccess access) noexcept;

// Replaces, at any depth, the value of every "patient" member by {ageBand, sex}.
void pseudonymise(nlohmann::json& document, const std::string& ageBand, const std::string& sex);
// The strings that would identify the patient in a served file: names of three bytes or more,
// the birth date (YYYY-MM-DD), the INS. The last check before a file leaves pseudonymised.
std::vector<std::string> identityNeedles(const prescriptions::PatientIdentity& patient);
bool containsAny(std::string_view text, const std::vector<std::string>& needles) noexcept;

// Media reads are audited as "play", other reads as "open".
bool isMediaFile(std::string_view fileName) noexcept;

} // namespace tc::protocol::detail
