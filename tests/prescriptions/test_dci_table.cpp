#include "fixtures.hpp"
#include "tc/prescriptions/dci_table.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tc::prescriptions;
using nlohmann::json;

namespace {

const std::string& tableText() {
    static const std::string text = test::readFile(TC_DCI_TABLE_JSON);
    return text;
}

ParseError loadError(const json& document) {
    const auto r = DciTable::fromJsonText(document.dump());
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

Errc errcOf(const ParseError& e) {
    return static_cast<Errc>(e.code.value());
}

} // namespace

TEST_CASE("DCI table: the embedded table is the data file, and it loads", "[dci]") {
    const auto& table = test::table();
    const auto fromFile = DciTable::fromJsonText(tableText());
    REQUIRE(fromFile.has_value());
    CHECK(fromFile->entries().size() == table.entries().size());
    CHECK(table.entries().size() >= 30);
    // The substances the brief names are all there.
    for (const char* name :
         {"paracétamol",    "ibuprofène",    "amoxicilline",   "amoxicilline + acide clavulanique",
          "azithromycine",  "doxycycline",   "phloroglucinol", "oméprazole",
          "ésoméprazole",   "metformine",    "amlodipine",     "ramipril",
          "atorvastatine",  "salbutamol",    "prednisolone",   "cétirizine",
          "desloratadine",  "lévothyroxine", "tramadol",       "paracétamol + codéine",
          "métoclopramide", "dompéridone",   "lopéramide",     "nitrofurantoïne",
          "fosfomycine",    "aciclovir",     "valaciclovir",   "pivmécillinam",
          "bisoprolol",     "furosémide"}) {
        INFO(name);
        CHECK(table.find(name) != nullptr);
    }
}

TEST_CASE("DCI table: every figure names its source", "[dci]") {
    for (const auto& entry : test::table().entries()) {
        INFO(entry.dci);
        CHECK_FALSE(entry.forms.empty());
        CHECK_FALSE(entry.strengths.empty());
        for (const auto& m : entry.maxima) {
            CHECK(m.source.size() > 10);
        }
        if (entry.minAgeYears || entry.maxPrescriptionDays || entry.narrowTherapeuticMargin) {
            CHECK(entry.limitsSource.size() > 10);
        }
    }
    const auto* amox = test::table().find("amoxicilline + acide clavulanique");
    REQUIRE(amox != nullptr);
    CHECK(amox->components.size() == 2);
    CHECK(amox->maxima.size() == 2);
    const auto* tramadol = test::table().find("tramadol");
    REQUIRE(tramadol != nullptr);
    CHECK(tramadol->maxPrescriptionDays == 84);
    CHECK(test::table().find("lévothyroxine")->narrowTherapeuticMargin);
}

TEST_CASE("DCI table: accent- and case-insensitive prefix search", "[dci]") {
    const auto& table = test::table();
    CHECK(foldForSearch("Ésoméprazole ŒDÈME ç") == "esomeprazole oedeme c");
    const auto names = [&](std::string_view query) {
        std::vector<std::string> out;
        for (const auto* e : table.search(query)) {
            out.push_back(e->dci);
        }
        return out;
    };
    CHECK(names("para") == std::vector<std::string>{"paracétamol", "paracétamol + codéine"});
    CHECK(names("PARACÉ") == names("parace"));
    CHECK(names("eso") == std::vector<std::string>{"ésoméprazole"});
    // A word inside the name matches too, after the names that start with the query.
    CHECK(names("clav") == std::vector<std::string>{"amoxicilline + acide clavulanique"});
    CHECK(names("codeine") == std::vector<std::string>{"paracétamol + codéine"});
    const auto amox = names("amox");
    REQUIRE(amox.size() == 2);
    CHECK(amox[0] == "amoxicilline");
    CHECK(names("").empty());
    CHECK(names("zzz").empty());
    CHECK(table.search("a", 3).size() == 3);
    const auto* hit = table.search("nitro").front();
    CHECK(hit->forms == std::vector<Form>{Form::capsule});
    CHECK(hit->strengths.front().amounts.front() == Quantity{50, "mg"});
    CHECK(table.find("PARACETAMOL") == table.find("paracétamol"));
    CHECK(table.find("paracet") == nullptr);
}

TEST_CASE("DCI table: a bad table is a typed, located error", "[dci]") {
    const json good = json::parse(tableText());
    {
        auto doc = good;
        doc["entries"][3]["maxima"][0]["adultDaily"]["unit"] = "mgg";
        const auto e = loadError(doc);
        CHECK(errcOf(e) == Errc::tableUnknownUnit);
        CHECK(e.path == "/entries/3/maxima/0/adultDaily/unit");
    }
    {
        auto doc = good;
        doc["entries"][0]["maxima"][0]["adultDaily"]["unit"] = "mL"; // not a mass
        CHECK(errcOf(loadError(doc)) == Errc::tableUnknownUnit);
    }
    {
        auto doc = good;
        doc["entries"][1]["maxima"][0]["source"] = "";
        const auto e = loadError(doc);
        CHECK(errcOf(e) == Errc::tableMissingSource);
        CHECK(e.path == "/entries/1/maxima/0/source");
    }
    {
        auto doc = good;
        doc["entries"][5]["limitsSource"] = nullptr;
        doc["entries"][5]["minAgeYears"] = 3;
        CHECK(errcOf(loadError(doc)) == Errc::tableMissingSource);
    }
    {
        auto doc = good;
        doc["entries"].push_back(doc["entries"][0]);
        doc["entries"].back()["dci"] = "PARACETAMOL";
        CHECK(errcOf(loadError(doc)) == Errc::tableDuplicateEntry);
    }
    {
        auto doc = good;
        doc["entries"][0]["forms"][0] = "pill";
        const auto e = loadError(doc);
        CHECK(errcOf(e) == Errc::unknownEnumValue);
        CHECK(e.path == "/entries/0/forms/0");
    }
    {
        auto doc = good;
        doc["entries"][0]["comment"] = "x";
        CHECK(errcOf(loadError(doc)) == Errc::unknownField);
    }
    {
        auto doc = good;
        doc["entries"][0].erase("atc");
        const auto e = loadError(doc);
        CHECK(errcOf(e) == Errc::missingField);
        CHECK(e.path == "/entries/0/atc");
    }
    {
        auto doc = good;
        doc["entries"][0]["maxima"][0]["component"] = "ibuprofène";
        CHECK(errcOf(loadError(doc)) == Errc::invalidField);
    }
    {
        auto doc = good;
        doc["entries"][0]["maxima"][0]["adultDaily"]["value"] = -1;
        CHECK(errcOf(loadError(doc)) == Errc::invalidField);
    }
    {
        auto doc = good;
        doc["entries"][3]["strengths"][0]["amounts"].erase(1); // amox-clav needs two amounts
        CHECK(errcOf(loadError(doc)) == Errc::invalidField);
    }
    {
        auto doc = good;
        doc["format"] = "telecabine.dci-table/2";
        CHECK(errcOf(loadError(doc)) == Errc::unknownEnumValue);
    }
    CHECK(errcOf(DciTable::fromJsonText("{\"format\":").error()) == Errc::malformedJson);
    CHECK(errcOf(DciTable::fromJsonText("[]").error()) == Errc::wrongFieldType);
}
