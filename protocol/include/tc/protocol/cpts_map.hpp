#pragma once
// The service's CPTS map (`telecabine-rendezvous serve --cpts-map FILE`): which cabin sites each
// CPTS (communauté professionnelle territoriale de santé) covers. A coordinator's certificate
// names its CPTS (identity.hpp); the map says which sites' records that coordinator may review
// (mayReadRecord, archive_store.hpp). Without a map no coordinator sees any record.
//
//   {"cpts": [{"id": "CPTS-DEMO", "name": "CPTS du Val", "sites": ["SITE-A", "SITE-B"]}]}
//
// Strict: an unknown field, a wrong type, an invalid id, name or site code, a duplicate id, a
// site listed twice (in one CPTS or in two), more than kMaxCpts entries or kMaxSitesPerCpts
// sites are refused with their CptsMapErrc and the JSON pointer of the culprit.

#include "tc/errors/outcome.hpp"
#include "tc/protocol/errc/cpts_map_errc.hpp"

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

struct CptsEntry {
    std::string id;                 // 3 to 32 of [A-Z0-9-], as in the coordinators' certificates
    std::string name;               // "CPTS du Val": 1 to 128 bytes of UTF-8, no control character
    std::vector<std::string> sites; // cabin site codes

    friend bool operator==(const CptsEntry&, const CptsEntry&) = default;
};

struct CptsMapFailure : errors::Failure {
    std::string pointer; // JSON pointer of the culprit ("/cpts/2/sites/0"), "" for the file
};

class CptsMap {
public:
    static constexpr std::size_t kMaxCpts = 1000;
    static constexpr std::size_t kMaxSitesPerCpts = 1000;
    static constexpr std::size_t kMaxFileBytes = 1024 * 1024;

    CptsMap() = default; // empty: no coordinator sees anything

    static errors::Outcome<CptsMap, CptsMapFailure> parse(std::string_view text);
    static errors::Outcome<CptsMap, CptsMapFailure> load(const std::filesystem::path& file);

    const std::vector<CptsEntry>& entries() const noexcept { return m_entries; }
    // The sites of `cptsId`; empty for an unknown CPTS.
    std::vector<std::string> sitesOf(std::string_view cptsId) const;
    // Whether `site` belongs to `cptsId`.
    bool covers(std::string_view cptsId, std::string_view site) const;

private:
    std::vector<CptsEntry> m_entries;
    std::map<std::string, std::string, std::less<>> m_cptsOfSite; // site -> CPTS id
};

} // namespace tc::protocol
