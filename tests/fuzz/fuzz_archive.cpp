// libFuzzer target: what a hostile peer's bytes reach in the archive transfer. Input byte 0
// selects the parser: the service's request targets (archive_routes.hpp), the upload request's
// manifest body, and the client's parsers of the service's answers (limits, upload state,
// receipt, summary, listings, error body, Repr-Digest); and the review routes' (issue 17): the
// service's CPTS map, the review list's query, the review targets and the pseudonymisation of
// JSON files. Whatever parses must serialise and parse back to the same value.
#include "archive_routes.hpp"
#include "review_rules.hpp"
#include "tc/protocol/archive_transfer.hpp"
#include "tc/protocol/cpts_map.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string_view>

using namespace tc::protocol;

namespace {

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

template <class Parse> void roundTrip(const nlohmann::json& document, Parse parse) {
    const auto parsed = parse(document);
    if (parsed) {
        const auto again = parse(toJson(*parsed));
        require(static_cast<bool>(again));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto selector = data[0] % 13;
    if (selector == 0) {
        const auto route = detail::matchTarget(input);
        if (route) {
            require(route->kind == detail::RouteKind::limits ||
                    route->kind == detail::RouteKind::records ||
                    detail::isRecordIdSyntax(route->recordId));
        }
        return 0;
    }
    if (selector == 1) {
        const auto digest = parseReprDigest(input);
        if (digest) {
            require(parseReprDigest(reprDigest(*digest)) == digest);
        }
        return 0;
    }
    if (selector == 10) {
        // The CPTS map: a parsed map puts each site in exactly the CPTS that lists it.
        const auto map = CptsMap::parse(input);
        if (map) {
            for (const auto& entry : map->entries()) {
                for (const auto& site : entry.sites) {
                    require(map->covers(entry.id, site));
                }
                require(map->sitesOf(entry.id) == entry.sites);
            }
        }
        return 0;
    }
    if (selector == 11) {
        // The review list's query: within its limits, and its cursor reads back.
        nlohmann::json filters;
        const auto query = detail::parseReviewQuery(input, filters);
        if (query) {
            require(query->limit >= 1 && query->limit <= detail::kMaxReviewPage);
            require(filters.is_object() && input.size() <= detail::kMaxReviewQueryBytes);
            if (query->after) {
                ReviewRow row;
                row.startMs = query->after->first;
                row.recordId = query->after->second;
                nlohmann::json again;
                const auto back =
                    detail::parseReviewQuery("after=" + detail::cursorAfter(row), again);
                require(back && back->after == query->after);
            }
        }
        static_cast<void>(detail::isReviewTarget(input));
        return 0;
    }
    const auto document = nlohmann::json::parse(input, nullptr, false);
    if (document.is_discarded()) {
        return 0;
    }
    if (selector == 12) {
        // Pseudonymisation leaves no "patient" member but {ageBand, sex}.
        auto copy = document;
        detail::pseudonymise(copy, "40-49", "female");
        const std::function<void(const nlohmann::json&)> check = [&](const nlohmann::json& node) {
            if (node.is_object()) {
                for (const auto& [key, value] : node.items()) {
                    require(key != "patient" || value.is_null() ||
                            value == nlohmann::json{{"ageBand", "40-49"}, {"sex", "female"}});
                    check(value);
                }
            } else if (node.is_array()) {
                for (const auto& item : node) {
                    check(item);
                }
            }
        };
        check(copy);
        return 0;
    }
    switch (selector) {
    case 2: {
        const auto manifest = manifestBodyFromJson(document, "S-fuzz", 1000, 65536);
        if (manifest) {
            const auto again =
                manifestBodyFromJson(manifestBodyToJson(*manifest), "S-fuzz", 1000, 65536);
            require(again && *again == *manifest);
        }
        break;
    }
    case 3:
        roundTrip(document, limitsFromJson);
        break;
    case 4:
        roundTrip(document, uploadStateFromJson);
        break;
    case 5:
        roundTrip(document, chunkReceiptFromJson);
        break;
    case 6:
        roundTrip(document, recordSummaryFromJson);
        break;
    case 7: {
        const auto records = recordListFromJson(document);
        if (records) {
            require(static_cast<bool>(recordListFromJson(recordListToJson(*records))));
        }
        break;
    }
    case 8: {
        const auto files = fileListFromJson(document);
        if (files) {
            require(static_cast<bool>(fileListFromJson(fileListToJson("S-fuzz", *files))));
        }
        break;
    }
    default:
        roundTrip(document, errorBodyFromJson);
        break;
    }
    return 0;
}
