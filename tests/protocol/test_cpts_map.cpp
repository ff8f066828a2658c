// The service's CPTS map: the strict parser and its typed refusals.
#include "support/catch_result.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/protocol/cpts_map.hpp"

#include <nlohmann/json.hpp>

using namespace tc;
using protocol::CptsMap;
using protocol::CptsMapErrc;

TEST_CASE("a CPTS map lists each CPTS's sites", "[cpts]") {
    const auto map = CptsMap::parse(
        R"({"cpts":[{"id":"CPTS-DEMO","name":"CPTS du Val","sites":["SITE-A","SITE-B"]},
                    {"id":"CPTS-NORD","name":"CPTS du Nord","sites":[]}]})");
    REQUIRE(map);
    REQUIRE(map->entries().size() == 2);
    CHECK(map->sitesOf("CPTS-DEMO") == std::vector<std::string>{"SITE-A", "SITE-B"});
    CHECK(map->sitesOf("CPTS-NORD").empty());
    CHECK(map->sitesOf("CPTS-NONE").empty());
    CHECK(map->covers("CPTS-DEMO", "SITE-B"));
    CHECK_FALSE(map->covers("CPTS-NORD", "SITE-B"));
    CHECK_FALSE(map->covers("", "SITE-B"));
    CHECK_FALSE(CptsMap().covers("CPTS-DEMO", "SITE-A")); // no map: nobody sees anything
}

TEST_CASE("a CPTS map is refused, typed and located, for each defect", "[cpts][hostile]") {
    struct Case {
        std::string text;
        CptsMapErrc code;
        std::string pointer;
    };
    const std::string site = R"("sites":["SITE-A"])";
    const std::vector<Case> cases{
        {"not json", CptsMapErrc::malformedJson, ""},
        {"[]", CptsMapErrc::wrongType, ""},
        {"{}", CptsMapErrc::missingField, "/cpts"},
        {R"({"cpts":[],"extra":1})", CptsMapErrc::unknownField, "/extra"},
        {R"({"cpts":{}})", CptsMapErrc::wrongType, "/cpts"},
        {R"({"cpts":[1]})", CptsMapErrc::wrongType, "/cpts/0"},
        {R"({"cpts":[{"id":"CPTS-A","name":"A"}]})", CptsMapErrc::missingField, "/cpts/0/sites"},
        {R"({"cpts":[{"id":"CPTS-A","name":"A",)" + site + R"(,"x":0}]})",
         CptsMapErrc::unknownField, "/cpts/0/x"},
        {R"({"cpts":[{"id":"cpts-a","name":"A",)" + site + "}]}", CptsMapErrc::invalidId,
         "/cpts/0/id"},
        {R"({"cpts":[{"id":7,"name":"A",)" + site + "}]}", CptsMapErrc::wrongType, "/cpts/0/id"},
        {R"({"cpts":[{"id":"CPTS-A","name":"",)" + site + "}]}", CptsMapErrc::invalidName,
         "/cpts/0/name"},
        {R"({"cpts":[{"id":"CPTS-A","name":"A\nB",)" + site + "}]}", CptsMapErrc::invalidName,
         "/cpts/0/name"},
        {R"({"cpts":[{"id":"CPTS-A","name":"A","sites":["site a"]}]})", CptsMapErrc::badSiteCode,
         "/cpts/0/sites/0"},
        {R"({"cpts":[{"id":"CPTS-A","name":"A","sites":[3]}]})", CptsMapErrc::wrongType,
         "/cpts/0/sites/0"},
        {R"({"cpts":[{"id":"CPTS-A","name":"A",)" + site +
             R"(},{"id":"CPTS-A","name":"B","sites":[]}]})",
         CptsMapErrc::duplicateId, "/cpts/1/id"},
        {R"({"cpts":[{"id":"CPTS-A","name":"A",)" + site + R"(},{"id":"CPTS-B","name":"B",)" +
             site + "}]}",
         CptsMapErrc::duplicateSite, "/cpts/1/sites/0"},
        {R"({"cpts":[{"id":"CPTS-A","name":"A","sites":["SITE-A","SITE-A"]}]})",
         CptsMapErrc::duplicateSite, "/cpts/0/sites/1"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const auto parsed = CptsMap::parse(c.text);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == c.code);
        CHECK(parsed.error().pointer == c.pointer);
    }
}

TEST_CASE("a CPTS map with too many entries or bytes is refused", "[cpts][hostile]") {
    nlohmann::json many = {{"cpts", nlohmann::json::array()}};
    for (std::size_t i = 0; i <= CptsMap::kMaxCpts; ++i) {
        many["cpts"].push_back({{"id", "CPTS-" + std::to_string(i)}, {"name", "C"}, {"sites", {}}});
    }
    CHECK(CptsMap::parse(many.dump()).error().code == CptsMapErrc::tooManyEntries);
    nlohmann::json sites = nlohmann::json::array();
    for (std::size_t i = 0; i <= CptsMap::kMaxSitesPerCpts; ++i) {
        sites.push_back("SITE-" + std::to_string(i));
    }
    const nlohmann::json crowded = {
        {"cpts", {{{"id", "CPTS-A"}, {"name", "A"}, {"sites", sites}}}}};
    const auto refused = CptsMap::parse(crowded.dump());
    CHECK(refused.error().code == CptsMapErrc::tooManyEntries);
    CHECK(refused.error().pointer == "/cpts/0/sites");
    CHECK(CptsMap::parse(std::string(CptsMap::kMaxFileBytes + 1, ' ')).error().code ==
          CptsMapErrc::tooLarge);

    tc::test::TempDir dir;
    CHECK(CptsMap::load(dir.path() / "absent.json").error().code == CptsMapErrc::unreadable);
    const auto big = dir.write("big.json", std::string(CptsMap::kMaxFileBytes + 10, ' '));
    CHECK(CptsMap::load(big).error().code == CptsMapErrc::tooLarge);
    const auto fine =
        dir.write("map.json", R"({"cpts":[{"id":"CPTS-A","name":"A","sites":["S-1"]}]})");
    const auto loaded = CptsMap::load(fine);
    REQUIRE(loaded);
    CHECK(loaded->covers("CPTS-A", "S-1"));
}
