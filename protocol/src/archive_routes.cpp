// The archive's request targets: see archive_routes.hpp.

#include "archive_routes.hpp"

#include "tc/protocol/archive_store.hpp"
#include "tc/protocol/archive_transfer.hpp"
#include "tc/protocol/browser_token.hpp"

#include <vector>

namespace tc::protocol::detail {

std::vector<std::string_view> segmentsOf(std::string_view path) {
    std::vector<std::string_view> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        segments.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool isBrowserTokenTarget(std::string_view target) noexcept {
    return target.substr(0, target.find_first_of("?#")) == kBrowserTokenPath;
}

bool isReviewTarget(std::string_view target) noexcept {
    const auto path = target.substr(0, target.find_first_of("?#"));
    return path == kReviewRoutePrefix ||
           (path.starts_with(kReviewRoutePrefix) && path[kReviewRoutePrefix.size()] == '/');
}

// A record id as the store takes it: 1 to 64 of [A-Za-z0-9_-], the first a letter or digit.
bool isRecordIdSyntax(std::string_view id) noexcept {
    if (id.empty() || id.size() > 64 || id.front() == '-' || id.front() == '_') {
        return false;
    }
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// The route a target names, or the refusal: unknown_route, malformed_request,
// invalid_record_id. The method is checked by the caller.
errors::Outcome<Route, errors::Failure> matchTarget(std::string_view target) {
    const auto unknown = [&] {
        return errors::Failure{make_error_code(ArchiveTransferErrc::unknownRoute),
                               std::string(target)};
    };
    const std::string prefix = std::string(kArchiveRoutePrefix) + "/";
    if (target.substr(0, prefix.size()) != prefix) {
        return unknown();
    }
    if (target.find_first_of("?#") != std::string_view::npos) {
        return errors::Failure{make_error_code(ArchiveTransferErrc::malformedRequest),
                               "the archive routes take no query"};
    }
    const auto rest = target.substr(prefix.size());
    const auto segments = segmentsOf(rest);
    Route route;
    if (segments.size() == 1 && segments[0] == "limits") {
        route.kind = RouteKind::limits;
        return route;
    }
    if (segments.empty() || segments[0] != "records") {
        return unknown();
    }
    if (segments.size() == 1) {
        route.kind = RouteKind::records;
        return route;
    }
    if (segments.size() < 3) {
        return unknown();
    }
    route.recordId = std::string(segments[1]);
    const auto what = segments[2];
    if (segments.size() == 3 && what == "upload") {
        route.kind = RouteKind::upload;
    } else if (segments.size() == 3 && what == "commit") {
        route.kind = RouteKind::commit;
    } else if (segments.size() == 3 && what == "files") {
        route.kind = RouteKind::files;
    } else if (segments.size() == 4 && what == "chunks") {
        const auto digest = sha256FromHex(segments[3]);
        if (!digest) {
            return errors::Failure{make_error_code(ArchiveTransferErrc::malformedRequest),
                                   "a chunk's path ends in its SHA-256: 64 lowercase hex digits"};
        }
        route.kind = RouteKind::chunk;
        route.sha256 = *digest;
    } else if (segments.size() >= 4 && what == "files") {
        // The file's name is the rest of the path, slashes included.
        const auto offset = segments[0].size() + segments[1].size() + segments[2].size() + 3;
        route.kind = RouteKind::file;
        route.name = std::string(rest.substr(offset));
    } else {
        return unknown();
    }
    if (!isRecordIdSyntax(route.recordId)) {
        return errors::Failure{make_error_code(ArchiveErrc::invalidRecordId), route.recordId};
    }
    return route;
}

} // namespace tc::protocol::detail
