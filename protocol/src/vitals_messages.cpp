#include "tc/protocol/vitals_messages.hpp"

#include "json_reader.hpp"
#include "text_rules.hpp"

#include <array>
#include <set>

namespace tc::protocol {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<MeasureRefusal, std::string_view>, 3> kRefusals{{
    {MeasureRefusal::unknownMeasurement, "unknown_measurement"},
    {MeasureRefusal::invalidRequest, "invalid_request"},
    {MeasureRefusal::instrumentBusy, "instrument_busy"},
}};

// A strict reader over one JSON object: each field read once, unknown ones refused at the end,
// the first error kept.
class Reader {
public:
    Reader(const json& object, std::string path)
        : m_object(object)
        , m_path(std::move(path)) {
        if (!object.is_object()) {
            fail(VitalsErrc::wrongType, m_path, "must be an object");
        }
    }

    const json* field(std::string_view key, bool required) {
        if (m_error || !m_object.is_object()) {
            return nullptr;
        }
        m_seen.insert(std::string(key));
        const auto it = m_object.find(key);
        if (it == m_object.end()) {
            if (required) {
                fail(VitalsErrc::missingField, at(key), "required");
            }
            return nullptr;
        }
        return &*it;
    }

    std::optional<std::string> string(std::string_view key, bool required, std::size_t maxBytes) {
        const auto* v = field(key, required);
        if (v == nullptr) {
            return std::nullopt;
        }
        if (!v->is_string()) {
            fail(VitalsErrc::wrongType, at(key), "must be a string");
            return std::nullopt;
        }
        auto text = v->get<std::string>();
        if (text.empty() || text.size() > maxBytes) {
            fail(VitalsErrc::invalidField, at(key),
                 "must be 1-" + std::to_string(maxBytes) + " bytes");
            return std::nullopt;
        }
        if (detail::hasControlCharacter(text, detail::LineBreaks::refused)) {
            fail(VitalsErrc::invalidField, at(key), "control characters are not allowed");
            return std::nullopt;
        }
        return text;
    }

    template <class E, class Parse>
    std::optional<E> name(std::string_view key, bool required, Parse parse) {
        const auto text = string(key, required, 64);
        if (!text) {
            return std::nullopt;
        }
        const std::optional<E> value = parse(*text);
        if (!value) {
            fail(VitalsErrc::unknownEnumValue, at(key), "unknown value \"" + *text + "\"");
        }
        return value;
    }

    std::optional<std::int64_t> integer(std::string_view key, bool required) {
        const auto* v = field(key, required);
        if (v == nullptr) {
            return std::nullopt;
        }
        if (!v->is_number_integer() && !detail::isBeyond64Bits(*v)) {
            fail(VitalsErrc::wrongType, at(key), "must be an integer");
            return std::nullopt;
        }
        if (detail::isBeyond64Bits(*v) ||
            (v->is_number_unsigned() && v->get<std::uint64_t>() > INT64_MAX)) {
            fail(VitalsErrc::outOfRange, at(key), "too large");
            return std::nullopt;
        }
        return v->get<std::int64_t>();
    }

    std::optional<double> number(std::string_view key) {
        const auto* v = field(key, true);
        if (v == nullptr) {
            return std::nullopt;
        }
        if (!v->is_number()) {
            fail(VitalsErrc::wrongType, at(key), "must be a number");
            return std::nullopt;
        }
        return v->get<double>();
    }

    std::optional<bool> boolean(std::string_view key) {
        const auto* v = field(key, true);
        if (v == nullptr) {
            return std::nullopt;
        }
        if (!v->is_boolean()) {
            fail(VitalsErrc::wrongType, at(key), "must be true or false");
            return std::nullopt;
        }
        return v->get<bool>();
    }

    void fail(VitalsErrc code, std::string field, std::string reason) {
        if (!m_error) {
            m_error = VitalsError{code, std::move(field), std::move(reason)};
        }
    }
    void adopt(const VitalsError& e) {
        if (!m_error) {
            m_error = e;
        }
    }
    std::string at(std::string_view key) const { return m_path + "." + std::string(key); }
    const std::string& path() const noexcept { return m_path; }

    std::optional<VitalsError> finish() {
        if (!m_error && m_object.is_object()) {
            for (const auto& [key, value] : m_object.items()) {
                if (!m_seen.contains(key)) {
                    fail(VitalsErrc::unknownField, at(key), "unknown field");
                    break;
                }
            }
        }
        return m_error;
    }

private:
    const json& m_object;
    std::string m_path;
    std::set<std::string, std::less<>> m_seen;
    std::optional<VitalsError> m_error;
};

std::optional<VitalValue> readValue(const json& item, const std::string& path, Reader& parent) {
    Reader r(item, path);
    VitalValue value;
    const auto quantity = r.name<VitalQuantity>("quantity", true, quantityFromName);
    const auto code = r.string("code", true, 16);
    const auto number = r.number("value");
    const auto unit = r.string("unit", true, 32);
    if (auto e = r.finish()) {
        parent.adopt(*e);
        return std::nullopt;
    }
    value.quantity = *quantity;
    value.value = *number;
    value.unit = *unit;
    const auto expected = loincFor(*quantity, *unit);
    if (!expected) {
        parent.fail(VitalsErrc::unknownUnit, path + ".unit",
                    "\"" + *unit + "\" is not a unit for " + std::string(infoOf(*quantity).name));
        return std::nullopt;
    }
    if (*expected != *code) {
        parent.fail(VitalsErrc::codeMismatch, path + ".code",
                    "\"" + *code + "\" is not the LOINC code of " +
                        std::string(infoOf(*quantity).name) + " in " + *unit + " (" +
                        std::string(*expected) + ")");
        return std::nullopt;
    }
    return value;
}

} // namespace

std::string_view toString(MeasureRefusal reason) noexcept {
    for (const auto& [value, text] : kRefusals) {
        if (value == reason) {
            return text;
        }
    }
    return "unknown";
}

std::optional<MeasureRefusal> measureRefusalFromString(std::string_view name) noexcept {
    for (const auto& [value, text] : kRefusals) {
        if (text == name) {
            return value;
        }
    }
    return std::nullopt;
}

json toJson(const MeasureRequest& request) {
    json out{{"request_id", request.requestId},
             {"measurement", std::string(toString(request.measurement))}};
    if (request.site) {
        out["site"] = std::string(toString(*request.site));
    }
    return out;
}

json toJson(const MeasureAck& ack) {
    json out{{"request", ack.request}, {"acknowledged", ack.acknowledged}};
    if (ack.reason) {
        out["reason"] = std::string(toString(*ack.reason));
    }
    if (ack.expectedDurationMs) {
        out["expected_duration_ms"] = *ack.expectedDurationMs;
    }
    return out;
}

json toJson(const MeasurementReport& report) {
    const auto& m = report.measurement;
    json values = json::array();
    for (const auto& v : m.values) {
        values.push_back({{"quantity", std::string(infoOf(v.quantity).name)},
                          {"code", std::string(loincFor(v.quantity, v.unit).value_or(""))},
                          {"value", v.value},
                          {"unit", v.unit}});
    }
    json out{{"measurement", std::string(toString(m.kind))},
             {"values", std::move(values)},
             {"instrument", m.instrumentId},
             {"source", std::string(toString(m.source))},
             {"acquired_at_us", m.acquiredAtUs},
             {"quality", std::string(toString(m.quality))}};
    if (report.requestId) {
        out["request_id"] = *report.requestId;
    }
    if (m.site) {
        out["site"] = std::string(toString(*m.site));
    }
    return out;
}

VitalsResult<MeasureRequest> parseMeasureRequest(const json& payload) {
    Reader r(payload, "payload");
    MeasureRequest out;
    const auto id = r.string("request_id", true, 64);
    const auto kind = r.name<MeasurementKind>("measurement", true, measurementKindFromString);
    const auto site = r.name<TemperatureSite>("site", false, temperatureSiteFromString);
    if (auto e = r.finish()) {
        return *e;
    }
    out.requestId = *id;
    out.measurement = *kind;
    out.site = site;
    if (site && *kind != MeasurementKind::temperature) {
        return VitalsError{VitalsErrc::invalidField, "payload.site",
                           "only a temperature request has a site"};
    }
    return out;
}

VitalsResult<MeasureAck> parseMeasureAck(const json& payload) {
    Reader r(payload, "payload");
    MeasureAck out;
    const auto* request = r.field("request", true);
    if (request != nullptr && !request->is_object()) {
        r.fail(VitalsErrc::wrongType, "payload.request", "must be an object");
    }
    const auto acknowledged = r.boolean("acknowledged");
    const auto reason = r.name<MeasureRefusal>("reason", false, measureRefusalFromString);
    const auto duration = r.integer("expected_duration_ms", false);
    if (auto e = r.finish()) {
        return *e;
    }
    out.request = *request;
    out.acknowledged = *acknowledged;
    out.reason = reason;
    out.expectedDurationMs = duration;
    if (out.acknowledged == out.reason.has_value()) {
        return VitalsError{VitalsErrc::invalidField, "payload.reason",
                           out.acknowledged ? "an acknowledged request has no refusal reason"
                                            : "a refusal needs its reason"};
    }
    if (duration && (*duration < 0 || *duration > 600'000)) {
        return VitalsError{VitalsErrc::outOfRange, "payload.expected_duration_ms",
                           "must be 0-600000 ms"};
    }
    return out;
}

VitalsResult<MeasurementReport> parseMeasurementReport(const json& payload) {
    Reader r(payload, "payload");
    MeasurementReport out;
    auto& m = out.measurement;
    out.requestId = r.string("request_id", false, 64);
    const auto kind = r.name<MeasurementKind>("measurement", true, measurementKindFromString);
    const auto* values = r.field("values", true);
    if (values != nullptr && (!values->is_array() || values->size() > 8)) {
        r.fail(values->is_array() ? VitalsErrc::outOfRange : VitalsErrc::wrongType,
               "payload.values", "must be an array of at most 8 values");
    } else if (values != nullptr) {
        for (std::size_t i = 0; i < values->size(); ++i) {
            const auto value =
                readValue((*values)[i], "payload.values[" + std::to_string(i) + "]", r);
            if (!value) {
                break;
            }
            m.values.push_back(*value);
        }
    }
    m.site = r.name<TemperatureSite>("site", false, temperatureSiteFromString);
    const auto instrument = r.string("instrument", true, 64);
    const auto source = r.name<MeasurementSource>("source", true, measurementSourceFromString);
    const auto at = r.integer("acquired_at_us", true);
    const auto quality = r.name<MeasurementQuality>("quality", true, measurementQualityFromString);
    if (auto e = r.finish()) {
        return *e;
    }
    m.kind = *kind;
    m.instrumentId = *instrument;
    m.source = *source;
    m.acquiredAtUs = *at;
    m.quality = *quality;
    if (auto valid = validateMeasurement(m); !valid) {
        auto e = valid.error();
        e.field = "payload." + e.field;
        return e;
    }
    return out;
}

} // namespace tc::protocol
