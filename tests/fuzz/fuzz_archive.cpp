// libFuzzer target: what a hostile peer's bytes reach in the archive transfer. Input byte 0
// selects the parser: the service's request targets (archive_routes.hpp), the upload request's
// manifest body, and the client's parsers of the service's answers (limits, upload state,
// receipt, summary, listings, error body, Repr-Digest). Whatever parses must serialise and parse
// back to the same value.
#include "archive_routes.hpp"
#include "tc/protocol/archive_transfer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
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
    const auto selector = data[0] % 10;
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
    const auto document = nlohmann::json::parse(input, nullptr, false);
    if (document.is_discarded()) {
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
