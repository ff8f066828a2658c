#pragma once
// The archive's request targets (protocol/README.md, "Archive transfer", Routes): which route a
// path names, with its record id, chunk hash or file name. Hostile input: the service's first
// look at a request; the fuzzers reach it too.

#include "tc/errors/outcome.hpp"
#include "tc/protocol/archive_index.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol::detail {

enum class RouteKind { limits, records, upload, chunk, commit, files, file };

struct Route {
    RouteKind kind = RouteKind::limits;
    std::string recordId;
    Sha256Digest sha256{}; // chunk
    std::string name;      // file
};

// The review routes' prefix (review_http.cpp): "/review/v1".
inline constexpr std::string_view kReviewRoutePrefix = "/review/v1";
// Whether `target` is under the review routes' prefix (the path, before any query).
bool isReviewTarget(std::string_view target) noexcept;

// Whether `target`'s path (before any query) is the browser cabin token route's.
bool isBrowserTokenTarget(std::string_view target) noexcept;

// The '/'-separated segments of a request path, empty ones included ("a//b" has three).
std::vector<std::string_view> segmentsOf(std::string_view path);

// A record id as the store takes it: 1 to 64 of [A-Za-z0-9_-], the first a letter or digit.
bool isRecordIdSyntax(std::string_view id) noexcept;

// The route `target` names, or the refusal: unknown_route, malformed_request (a query, a hash
// that is not 64 lowercase hex digits), invalid_record_id. The method is the caller's to check.
errors::Outcome<Route, errors::Failure> matchTarget(std::string_view target);

} // namespace tc::protocol::detail
