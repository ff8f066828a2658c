#include "fixtures.hpp"
#include "tc/prescriptions/prescription_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tc::prescriptions;
using nlohmann::json;

namespace {

std::string fixturePath(const char* name) {
    return std::string(TC_TEST_DATA_DIR) + "/" + name;
}

ParseError parseError(const json& document) {
    const auto r = prescriptionFromJson(document);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

Errc errcOf(const ParseError& e) {
    return static_cast<Errc>(e.code.value());
}

json adultJson() {
    return json::parse(test::readFile(fixturePath("prescription_adult.json")));
}

} // namespace

TEST_CASE("Prescription JSON: fixtures parse to the model and back", "[json]") {
    const std::pair<const char*, Prescription> cases[] = {
        {"prescription_adult.json", test::adultPrescription()},
        {"prescription_child.json", test::childPrescription()},
    };
    for (const auto& [name, model] : cases) {
        INFO(name);
        const auto text = test::readFile(fixturePath(name));
        const auto parsed = parsePrescription(text);
        if (!parsed) {
            FAIL(parsed.error().detail);
        }
        CHECK(*parsed == model);
        CHECK(toJson(model) == json::parse(text));
        // And a second trip changes nothing.
        const auto again = parsePrescription(toJson(*parsed).dump());
        REQUIRE(again.has_value());
        CHECK(*again == model);
    }
}

TEST_CASE("Prescription JSON: optional values are written as null", "[json]") {
    auto p = test::adultPrescription();
    p.patient.weightKg.reset();
    auto& line = std::get<MedicationLine>(p.lines[0]);
    line.form.reset();
    line.dosage.duration.reset();
    line.route.reset();
    const auto j = toJson(p);
    CHECK(j["patient"]["weightKg"].is_null());
    CHECK(j["lines"][0]["form"].is_null());
    CHECK(j["lines"][0]["dosage"]["duration"].is_null());
    const auto back = prescriptionFromJson(j);
    REQUIRE(back.has_value());
    CHECK(*back == p);
}

TEST_CASE("Prescription JSON: unknown members are refused, located", "[json]") {
    const std::pair<const char*, const char*> places[] = {
        {"", "/extra"},
        {"/prescriber", "/prescriber/extra"},
        {"/prescriber/address", "/prescriber/address/extra"},
        {"/patient", "/patient/extra"},
        {"/lines/0", "/lines/0/extra"},
        {"/lines/0/strength", "/lines/0/strength/extra"},
        {"/lines/0/strength/amounts/0", "/lines/0/strength/amounts/0/extra"},
        {"/lines/0/dosage", "/lines/0/dosage/extra"},
        {"/lines/0/dosage/dose", "/lines/0/dosage/dose/extra"},
        {"/lines/0/dosage/frequency", "/lines/0/dosage/frequency/extra"},
        {"/lines/0/dosage/duration", "/lines/0/dosage/duration/extra"},
        {"/lines/0/dispense", "/lines/0/dispense/extra"},
        {"/lines/3", "/lines/3/extra"},
    };
    for (const auto& [object, expected] : places) {
        auto doc = adultJson();
        doc[json::json_pointer(object)]["extra"] = 1;
        const auto e = parseError(doc);
        INFO(object);
        CHECK(errcOf(e) == Errc::unknownField);
        CHECK(e.path == expected);
    }
}

TEST_CASE("Prescription JSON: every member is required", "[json]") {
    // Remove each member of the document, one at a time, at every depth.
    const auto doc = adultJson();
    const auto flat = doc.flatten();
    std::size_t removed = 0;
    for (const auto& [pointerText, value] : flat.items()) {
        json::json_pointer pointer(pointerText);
        // Members only (not array items): the parent of an object member is an object.
        while (!pointer.empty() && !doc.at(pointer.parent_pointer()).is_object()) {
            pointer = pointer.parent_pointer();
        }
        if (pointer.empty()) {
            continue;
        }
        auto altered = doc;
        altered.at(pointer.parent_pointer()).erase(pointer.back());
        const auto e = parseError(altered);
        INFO(pointer.to_string());
        CHECK(errcOf(e) == Errc::missingField);
        CHECK(e.path == pointer.to_string());
        ++removed;
    }
    CHECK(removed > 60);
}

TEST_CASE("Prescription JSON: wrong types, values and sizes are typed errors", "[json]") {
    const auto fails = [](const char* pointer, json value) {
        auto doc = adultJson();
        doc[json::json_pointer(pointer)] = std::move(value);
        return parseError(doc);
    };
    CHECK(errcOf(fails("/lines/0/renewals", "2")) == Errc::wrongFieldType);
    CHECK(errcOf(fails("/lines/0/renewals", 1.5)) == Errc::wrongFieldType);
    CHECK(errcOf(fails("/lines/0/dosage/dose/value", "two")) == Errc::wrongFieldType);
    CHECK(errcOf(fails("/lines/0/dosage/dose/perKg", 0)) == Errc::wrongFieldType);
    CHECK(errcOf(fails("/lines/0/dci", nullptr)) == Errc::wrongFieldType);
    CHECK(errcOf(fails("/prescriber", json::array())) == Errc::wrongFieldType);
    CHECK(errcOf(fails("/lines", json::object())) == Errc::wrongFieldType);
    const auto route = fails("/lines/0/route", "intranasal");
    CHECK(errcOf(route) == Errc::unknownEnumValue);
    CHECK(route.path == "/lines/0/route");
    CHECK(errcOf(fails("/lines/0/form", "pill")) == Errc::unknownEnumValue);
    CHECK(errcOf(fails("/patient/sex", "F")) == Errc::unknownEnumValue);
    CHECK(errcOf(fails("/lines/2/nonSubstitutionReason", "XYZ")) == Errc::unknownEnumValue);
    CHECK(errcOf(fails("/lines/0/dosage/duration/unit", "day")) == Errc::unknownEnumValue);
    CHECK(errcOf(fails("/lines/0/kind", "surgery")) == Errc::unknownEnumValue);
    CHECK(errcOf(fails("/format", "telecabine.prescription/2")) == Errc::unknownEnumValue);
    CHECK(errcOf(fails("/date", "03/05/2024")) == Errc::invalidDate);
    CHECK(errcOf(fails("/date", "2024-02-30")) == Errc::invalidDate);
    CHECK(errcOf(fails("/patient/birthDate", "1970-2-14")) == Errc::invalidDate);
    CHECK(errcOf(fails("/issuedAt", "2024-05-03T09:12:00+02:00")) == Errc::invalidTimestamp);
    CHECK(errcOf(fails("/issuedAt", "2024-05-03T24:00:00Z")) == Errc::invalidTimestamp);
    CHECK(errcOf(fails("/issuedAt", "2024-05-03T09:12:00.5Z")) == Errc::invalidTimestamp);
    const auto id = fails("/id", "7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AJ");
    CHECK(errcOf(id) == Errc::idCheckMismatch);
    CHECK(id.path == "/id");
    CHECK(errcOf(fails("/replaces", "nope")) == Errc::idWrongLength);
    CHECK(errcOf(fails("/lines/0/dci", std::string(600, 'a'))) == Errc::invalidField);
    CHECK(errcOf(fails("/lines/0/dci", "amox\x01")) == Errc::invalidField);
    CHECK(errcOf(fails("/lines/0/renewals", 5000)) == Errc::invalidField);
    CHECK(errcOf(fails("/lines/0/dosage/dose/value", 1e300)) == Errc::invalidField);
    json many = json::array();
    for (std::size_t i = 0; i <= kMaxLines; ++i) {
        many.push_back(adultJson()["lines"][3]);
    }
    CHECK(errcOf(fails("/lines", many)) == Errc::invalidField);
}

TEST_CASE("Prescription JSON: malformed, truncated and oversized text", "[json]") {
    const auto text = test::readFile(fixturePath("prescription_adult.json"));
    for (const std::size_t cut :
         {std::size_t(0), std::size_t(1), text.size() / 2, text.size() - 3}) {
        const auto r = parsePrescription(text.substr(0, cut));
        REQUIRE_FALSE(r.has_value());
        CHECK(errcOf(r.error()) == Errc::malformedJson);
    }
    const auto huge = parsePrescription(std::string(kMaxPrescriptionBytes + 1, ' '));
    REQUIRE_FALSE(huge.has_value());
    CHECK(errcOf(huge.error()) == Errc::invalidField);
    CHECK(errcOf(parsePrescription("[1,2]").error()) == Errc::wrongFieldType);
}

TEST_CASE("ISO dates and instants", "[json]") {
    using namespace std::chrono;
    CHECK(isoDate(test::ymd(987, 1, 2)) == "0987-01-02");
    CHECK(parseIsoDate("2024-02-29") == test::ymd(2024, 2, 29));
    CHECK_FALSE(parseIsoDate("2023-02-29"));
    CHECK_FALSE(parseIsoDate("2024-00-10"));
    CHECK_FALSE(parseIsoDate("2024-01-1x"));
    const auto t = sys_days(test::ymd(2024, 12, 31)) + hours(23) + minutes(59) + seconds(59);
    CHECK(isoInstant(t) == "2024-12-31T23:59:59Z");
    CHECK(parseIsoInstant("2024-12-31T23:59:59Z") == t);
    CHECK_FALSE(parseIsoInstant("2024-12-31t23:59:59Z"));
    CHECK_FALSE(parseIsoInstant("2024-12-31T23:60:00Z"));
}
