// The service's CPTS map: see cpts_map.hpp and protocol/README.md, "Review routes".

#include "tc/protocol/cpts_map.hpp"

#include "tc/protocol/identity.hpp"
#include "text_rules.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace tc::protocol {
namespace {

using Json = nlohmann::json;
using Parsed = errors::Outcome<CptsMap, CptsMapFailure>;

CptsMapFailure failure(CptsMapErrc code, std::string pointer, std::string detail = {}) {
    CptsMapFailure f;
    f.code = make_error_code(code);
    f.detail = detail.empty() ? pointer : pointer + ": " + detail;
    f.pointer = std::move(pointer);
    return f;
}

// The object's keys must be exactly among `allowed`, and `required` all present.
std::optional<CptsMapFailure> checkKeys(const Json& object, const std::string& pointer,
                                        std::initializer_list<std::string_view> keys) {
    for (const auto& [key, value] : object.items()) {
        static_cast<void>(value);
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            return failure(CptsMapErrc::unknownField, pointer + "/" + key);
        }
    }
    for (const auto key : keys) {
        if (!object.contains(key)) {
            return failure(CptsMapErrc::missingField, pointer + "/" + std::string(key));
        }
    }
    return std::nullopt;
}

bool isValidName(std::string_view name) {
    return !name.empty() && name.size() <= 128 &&
           !detail::hasControlCharacter(name, detail::LineBreaks::refused);
}

} // namespace

Parsed CptsMap::parse(std::string_view text) {
    if (text.size() > kMaxFileBytes) {
        return failure(CptsMapErrc::tooLarge, "");
    }
    const auto document = Json::parse(text, nullptr, false);
    if (document.is_discarded()) {
        return failure(CptsMapErrc::malformedJson, "");
    }
    if (!document.is_object()) {
        return failure(CptsMapErrc::wrongType, "", "an object");
    }
    if (auto bad = checkKeys(document, "", {"cpts"})) {
        return *bad;
    }
    const auto& list = document["cpts"];
    if (!list.is_array()) {
        return failure(CptsMapErrc::wrongType, "/cpts", "an array");
    }
    if (list.size() > kMaxCpts) {
        return failure(CptsMapErrc::tooManyEntries, "/cpts",
                       std::to_string(list.size()) + " CPTS, at most " + std::to_string(kMaxCpts));
    }
    CptsMap map;
    std::set<std::string, std::less<>> ids;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& item = list[i];
        const std::string at = "/cpts/" + std::to_string(i);
        if (!item.is_object()) {
            return failure(CptsMapErrc::wrongType, at, "an object");
        }
        if (auto bad = checkKeys(item, at, {"id", "name", "sites"})) {
            return *bad;
        }
        const auto& id = item["id"];
        const auto& name = item["name"];
        const auto& sites = item["sites"];
        if (!id.is_string()) {
            return failure(CptsMapErrc::wrongType, at + "/id", "a string");
        }
        if (!name.is_string()) {
            return failure(CptsMapErrc::wrongType, at + "/name", "a string");
        }
        if (!sites.is_array()) {
            return failure(CptsMapErrc::wrongType, at + "/sites", "an array");
        }
        CptsEntry entry{id.get<std::string>(), name.get<std::string>(), {}};
        if (!isValidCptsId(entry.id)) {
            return failure(CptsMapErrc::invalidId, at + "/id");
        }
        if (!isValidName(entry.name)) {
            return failure(CptsMapErrc::invalidName, at + "/name");
        }
        if (!ids.insert(entry.id).second) {
            return failure(CptsMapErrc::duplicateId, at + "/id", entry.id);
        }
        if (sites.size() > kMaxSitesPerCpts) {
            return failure(CptsMapErrc::tooManyEntries, at + "/sites",
                           std::to_string(sites.size()) + " sites, at most " +
                               std::to_string(kMaxSitesPerCpts));
        }
        for (std::size_t j = 0; j < sites.size(); ++j) {
            const std::string siteAt = at + "/sites/" + std::to_string(j);
            if (!sites[j].is_string()) {
                return failure(CptsMapErrc::wrongType, siteAt, "a string");
            }
            auto site = sites[j].get<std::string>();
            if (!isValidSiteCode(site)) {
                return failure(CptsMapErrc::badSiteCode, siteAt);
            }
            // One site, one CPTS: a site in two would let two territories' coordinators read
            // the same patients, which no deployment means.
            const auto [where, inserted] = map.m_cptsOfSite.emplace(site, entry.id);
            if (!inserted) {
                return failure(CptsMapErrc::duplicateSite, siteAt,
                               site + " is in " + where->second);
            }
            entry.sites.push_back(std::move(site));
        }
        map.m_entries.push_back(std::move(entry));
    }
    return map;
}

Parsed CptsMap::load(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return failure(CptsMapErrc::unreadable, "", file.string());
    }
    // Read at most one byte beyond the limit: a huge file is refused without reading it all.
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) {
        return failure(CptsMapErrc::unreadable, "", file.string());
    }
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parse(text);
}

std::vector<std::string> CptsMap::sitesOf(std::string_view cptsId) const {
    for (const auto& entry : m_entries) {
        if (entry.id == cptsId) {
            return entry.sites;
        }
    }
    return {};
}

bool CptsMap::covers(std::string_view cptsId, std::string_view site) const {
    const auto found = m_cptsOfSite.find(site);
    return !cptsId.empty() && found != m_cptsOfSite.end() && found->second == cptsId;
}

} // namespace tc::protocol
