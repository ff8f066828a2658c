// The vitals session message payloads: round trips with their units against a fixture, and each
// malformed payload refused with a typed error naming the field.
#include "support/catch_result.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/vitals_messages.hpp"

using namespace tc::protocol;
using nlohmann::json;

namespace {

json fixture() {
    const auto text = readFile(std::string(TC_TEST_DATA_DIR) + "/vitals_measurement.json");
    REQUIRE(text);
    return json::parse(*text);
}

VitalsError refused(const json& payload) {
    const auto r = parseMeasurementReport(payload);
    REQUIRE_FALSE(r);
    return r.error();
}

} // namespace

TEST_CASE("vitals messages: the kinds are registered session message kinds", "[vitals][json]") {
    for (const auto k :
         {kind::vitalsMeasureRequest, kind::vitalsMeasureAck, kind::vitalsMeasurement}) {
        SessionMessage message{"S-1", std::string(k), json::object()};
        CHECK(fromJson<SessionMessage>(toJson(message)));
    }
}

TEST_CASE("vitals messages: measurement round trip against the fixture", "[vitals][json]") {
    const auto payload = fixture();
    const auto report = parseMeasurementReport(payload);
    REQUIRE(report);
    CHECK(report->requestId == "m-3");
    CHECK(report->measurement.kind == MeasurementKind::bloodPressure);
    CHECK(report->measurement.acquiredAtUs == 81234567890);
    REQUIRE(report->measurement.values.size() == 4);
    CHECK(report->measurement.values[1] == VitalValue{VitalQuantity::diastolic, 82, "mm[Hg]"});
    CHECK(toJson(*report) == payload);
}

TEST_CASE("vitals messages: units survive the round trip as sent", "[vitals][json]") {
    MeasurementReport report;
    report.measurement.kind = MeasurementKind::temperature;
    report.measurement.values = {{VitalQuantity::temperature, 101.3, "[degF]"}};
    report.measurement.site = TemperatureSite::tympanic;
    report.measurement.instrumentId = "operator";
    report.measurement.source = MeasurementSource::manual;
    report.measurement.acquiredAtUs = 42;
    report.measurement.quality = MeasurementQuality::artifact;
    const auto payload = toJson(report);
    CHECK(payload["values"][0]["code"] == "8310-5");
    CHECK_FALSE(payload.contains("request_id"));
    const auto back = parseMeasurementReport(json::parse(payload.dump()));
    REQUIRE(back);
    CHECK(*back == report);

    MeasurementReport glucose;
    glucose.requestId = "g-1";
    glucose.measurement.kind = MeasurementKind::glucose;
    glucose.measurement.values = {{VitalQuantity::glucose, 95, "mg/dL"}};
    glucose.measurement.instrumentId = "glucometer-1";
    const auto g = toJson(glucose);
    CHECK(g["values"][0]["code"] == "41653-7");
    CHECK(parseMeasurementReport(g).value() == glucose);
}

TEST_CASE("vitals messages: request and ack round trips", "[vitals][json]") {
    MeasureRequest request{"m-1", MeasurementKind::temperature, TemperatureSite::oral};
    const auto payload = toJson(request);
    CHECK(payload == json{{"request_id", "m-1"}, {"measurement", "temperature"}, {"site", "oral"}});
    CHECK(parseMeasureRequest(payload).value() == request);

    MeasureAck ack{payload, true, std::nullopt, 3000};
    CHECK(parseMeasureAck(toJson(ack)).value() == ack);
    MeasureAck refusal{json{{"measurement", "x-ray"}}, false, MeasureRefusal::unknownMeasurement,
                       std::nullopt};
    const auto r = toJson(refusal);
    CHECK(r["reason"] == "unknown_measurement");
    CHECK(parseMeasureAck(r).value() == refusal);
}

TEST_CASE("vitals messages: malformed requests and acks", "[vitals][json]") {
    auto e = parseMeasureRequest(json{{"request_id", "m-1"}, {"measurement", "x-ray"}}).error();
    CHECK(e.code == VitalsErrc::unknownEnumValue);
    CHECK(e.field == "payload.measurement");
    e = parseMeasureRequest(json{{"measurement", "oximetry"}}).error();
    CHECK(e.code == VitalsErrc::missingField);
    CHECK(e.field == "payload.request_id");
    e = parseMeasureRequest(json{{"request_id", "m"}, {"measurement", "oximetry"}, {"x", 1}})
            .error();
    CHECK(e.code == VitalsErrc::unknownField);
    CHECK(e.field == "payload.x");
    e = parseMeasureRequest(json{{"request_id", 5}, {"measurement", "oximetry"}}).error();
    CHECK(e.code == VitalsErrc::wrongType);
    e = parseMeasureRequest(
            json{{"request_id", "m"}, {"measurement", "oximetry"}, {"site", "oral"}})
            .error();
    CHECK(e.field == "payload.site");
    CHECK(parseMeasureRequest(json::array()).error().code == VitalsErrc::wrongType);
    e = parseMeasureAck(json{{"request", json::object()}, {"acknowledged", false}}).error();
    CHECK(e.field == "payload.reason");
    e = parseMeasureAck(json{{"request", "x"}, {"acknowledged", true}}).error();
    CHECK(e.code == VitalsErrc::wrongType);
}

TEST_CASE("vitals messages: malformed measurements", "[vitals][json]") {
    auto p = fixture();
    p.erase("quality");
    CHECK(refused(p).field == "payload.quality");
    CHECK(refused(p).code == VitalsErrc::missingField);

    p = fixture();
    p["colour"] = "red";
    CHECK(refused(p).code == VitalsErrc::unknownField);

    p = fixture();
    p["values"][1]["unit"] = "mmHg"; // not UCUM
    auto e = refused(p);
    CHECK(e.code == VitalsErrc::unknownUnit);
    CHECK(e.field == "payload.values[1].unit");

    p = fixture();
    p["values"][0]["code"] = "8462-4";
    e = refused(p);
    CHECK(e.code == VitalsErrc::codeMismatch);
    CHECK(e.field == "payload.values[0].code");

    p = fixture();
    p["values"][0]["value"] = "128";
    CHECK(refused(p).code == VitalsErrc::wrongType);

    p = fixture();
    p["values"][0]["value"] = nullptr; // how a NaN would travel
    CHECK(refused(p).code == VitalsErrc::wrongType);

    p = fixture();
    p["values"][0]["extra"] = 1;
    CHECK(refused(p).field == "payload.values[0].extra");

    p = fixture();
    p["values"][1]["value"] = 130; // diastolic above systolic: validation runs too
    e = refused(p);
    CHECK(e.code == VitalsErrc::inconsistent);
    CHECK(e.field == "payload.values[diastolic]");

    p = fixture();
    p["acquired_at_us"] = 1.5;
    CHECK(refused(p).code == VitalsErrc::wrongType);

    p = fixture();
    p["acquired_at_us"] = json::parse("100000000000000000000000"); // beyond 64 bits
    CHECK(refused(p).code == VitalsErrc::outOfRange);

    p = fixture();
    p["instrument"] = "cuff\u0085-1"; // a C1 control character
    CHECK(refused(p).code == VitalsErrc::invalidField);
    p["instrument"] = "cuff\u007f-1"; // DEL
    CHECK(refused(p).code == VitalsErrc::invalidField);

    p = fixture();
    p["source"] = "robot";
    CHECK(refused(p).code == VitalsErrc::unknownEnumValue);

    p = fixture();
    p["values"] = json::array();
    for (int i = 0; i < 9; ++i) {
        p["values"].push_back(fixture()["values"][0]);
    }
    CHECK(refused(p).field == "payload.values");
}
