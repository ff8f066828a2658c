#include "tc/prescriptions/prescription_json.hpp"

#include "json_reader.hpp"

#include <cstdio>

namespace tc::prescriptions {
namespace {

using namespace detail::reading;

constexpr std::size_t kMaxText = 512;
constexpr std::size_t kMaxLongText = 4000;

template <class T> json orNull(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

json quantityJson(const Quantity& q) {
    return json{{"value", q.value}, {"unit", q.unit}};
}

json optionalQuantityJson(const std::optional<Quantity>& q) {
    return q ? quantityJson(*q) : json(nullptr);
}

json medicationJson(const MedicationLine& m) {
    json amounts = json::array();
    for (const auto& amount : m.strength.amounts) {
        amounts.push_back(quantityJson(amount));
    }
    const auto& d = m.dosage;
    json frequency = nullptr;
    if (d.frequency) {
        frequency = {{"kind", wireName(d.frequency->kind)}, {"value", d.frequency->value}};
    }
    json duration = nullptr;
    if (d.duration) {
        duration = {{"value", d.duration->value}, {"unit", wireName(d.duration->unit)}};
    }
    return json{
        {"kind", "medication"},
        {"dci", m.dci},
        {"strength", {{"amounts", amounts}, {"per", optionalQuantityJson(m.strength.per)}}},
        {"form", m.form ? json(wireName(*m.form)) : json(nullptr)},
        {"dosage",
         {{"dose", {{"value", d.dose.value}, {"unit", d.dose.unit}, {"perKg", d.dose.perKg}}},
          {"frequency", frequency},
          {"duration", duration},
          {"asNeeded", d.asNeeded}}},
        {"route", m.route ? json(wireName(*m.route)) : json(nullptr)},
        {"dispense",
         {{"quantity", optionalQuantityJson(m.dispense.quantity)},
          {"packs", orNull(m.dispense.packs)}}},
        {"renewals", m.renewals},
        {"nonSubstitutable", m.nonSubstitutable},
        {"nonSubstitutionReason",
         m.nonSubstitutionReason ? json(wireName(*m.nonSubstitutionReason)) : json(nullptr)},
        {"doseConfirmed", m.doseConfirmed},
        {"instructions", m.instructions},
    };
}

json lineJson(const Line& line) {
    if (const auto* m = std::get_if<MedicationLine>(&line)) {
        return medicationJson(*m);
    }
    const auto& n = std::get<NonDrugLine>(line);
    return json{{"kind", wireName(n.kind)}, {"text", n.text}, {"specialty", n.specialty}};
}

// ---- Reading ------------------------------------------------------------------------------

void readQuantity(const json& value, const std::string& pointer, Quantity& out, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    r.number("value", out.value);
    r.text("unit", out.unit, 32);
    r.finish();
}

void readOptionalQuantity(ObjectReader& parent, std::string_view key,
                          std::optional<Quantity>& out) {
    if (const auto* value = parent.object(key, Nullable::yes)) {
        Quantity q;
        readQuantity(*value, parent.pointerOf(key), q, parent.slot());
        out = q;
    }
}

void readDosage(const json& value, const std::string& pointer, Dosage& out, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    if (const auto* dose = r.object("dose", Nullable::no)) {
        ObjectReader d(*dose, r.pointerOf("dose"), slot);
        d.number("value", out.dose.value);
        d.text("unit", out.dose.unit, 32);
        d.boolean("perKg", out.dose.perKg);
        d.finish();
    }
    if (const auto* frequency = r.object("frequency", Nullable::yes)) {
        ObjectReader f(*frequency, r.pointerOf("frequency"), slot);
        Frequency freq;
        f.enumeration("kind", freq.kind, allFrequencyKinds());
        f.integer("value", freq.value, -1000, 1000);
        f.finish();
        out.frequency = freq;
    }
    if (const auto* duration = r.object("duration", Nullable::yes)) {
        ObjectReader f(*duration, r.pointerOf("duration"), slot);
        Duration dur;
        f.number("value", dur.value);
        f.enumeration("unit", dur.unit, allDurationUnits());
        f.finish();
        out.duration = dur;
    }
    r.boolean("asNeeded", out.asNeeded);
    r.finish();
}

void readMedication(ObjectReader& r, MedicationLine& m) {
    auto& slot = r.slot();
    r.text("dci", m.dci, kMaxText);
    if (const auto* strength = r.object("strength", Nullable::no)) {
        ObjectReader s(*strength, r.pointerOf("strength"), slot);
        if (const auto* amounts = s.array("amounts", 8)) {
            for (std::size_t i = 0; i < amounts->size(); ++i) {
                Quantity q;
                readQuantity((*amounts)[i], pointerAppend(s.pointerOf("amounts"), i), q, slot);
                m.strength.amounts.push_back(q);
            }
        }
        readOptionalQuantity(s, "per", m.strength.per);
        s.finish();
    }
    r.enumeration("form", m.form, allForms());
    if (const auto* dosage = r.object("dosage", Nullable::no)) {
        readDosage(*dosage, r.pointerOf("dosage"), m.dosage, slot);
    }
    r.enumeration("route", m.route, allRoutes());
    if (const auto* dispense = r.object("dispense", Nullable::no)) {
        ObjectReader d(*dispense, r.pointerOf("dispense"), slot);
        readOptionalQuantity(d, "quantity", m.dispense.quantity);
        d.integer("packs", m.dispense.packs, -1000, 1000);
        d.finish();
    }
    r.integer("renewals", m.renewals, -1000, 1000);
    r.boolean("nonSubstitutable", m.nonSubstitutable);
    r.enumeration("nonSubstitutionReason", m.nonSubstitutionReason, allNonSubstitutionReasons());
    r.boolean("doseConfirmed", m.doseConfirmed);
    r.text("instructions", m.instructions, kMaxLongText);
}

std::optional<Line> readLine(const json& value, const std::string& pointer, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    std::string kind;
    r.text("kind", kind, 32);
    if (!r.ok()) {
        return std::nullopt;
    }
    Line line;
    if (kind == "medication") {
        MedicationLine m;
        readMedication(r, m);
        line = std::move(m);
    } else if (const auto nonDrug = fromWireName<NonDrugKind>(allNonDrugKinds(), kind)) {
        NonDrugLine n;
        n.kind = *nonDrug;
        r.text("text", n.text, kMaxLongText);
        r.text("specialty", n.specialty, kMaxText);
        line = std::move(n);
    } else {
        slot.fail(Errc::unknownEnumValue, r.pointerOf("kind"),
                  "unknown line kind \"" + kind + "\"");
        return std::nullopt;
    }
    r.finish();
    return line;
}

void readPrescriber(const json& value, const std::string& pointer, Prescriber& p, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    r.text("familyName", p.familyName, kMaxText);
    r.text("givenName", p.givenName, kMaxText);
    r.text("qualification", p.qualification, kMaxText);
    r.text("rpps", p.rpps, 32);
    if (const auto* address = r.object("address", Nullable::no)) {
        ObjectReader a(*address, r.pointerOf("address"), slot);
        if (const auto* lines = a.array("lines", 6)) {
            for (std::size_t i = 0; i < lines->size(); ++i) {
                std::string text;
                detail::readText((*lines)[i], pointerAppend(a.pointerOf("lines"), i), text,
                                 kMaxText, slot);
                p.address.lines.push_back(text);
            }
        }
        a.text("postalCode", p.address.postalCode, 32);
        a.text("city", p.address.city, kMaxText);
        a.text("country", p.address.country, 8);
        a.finish();
    }
    r.text("telephone", p.telephone, 32);
    r.text("email", p.email, 254);
    r.finish();
}

template <class T, class Parse>
void readParsed(ObjectReader& r, std::string_view key, T& out, Parse parse, Errc code,
                std::string_view expected) {
    std::string text;
    r.text(key, text, 64);
    if (!r.ok()) {
        return;
    }
    if (const auto parsed = parse(text)) {
        out = *parsed;
    } else {
        r.slot().fail(code, r.pointerOf(key), "expected " + std::string(expected));
    }
}

void readPatient(const json& value, const std::string& pointer, Patient& p, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    r.text("familyName", p.familyName, kMaxText);
    r.text("givenName", p.givenName, kMaxText);
    r.enumeration("sex", p.sex, allSexes());
    readParsed(r, "birthDate", p.birthDate, parseIsoDate, Errc::invalidDate, "YYYY-MM-DD");
    r.number("weightKg", p.weightKg);
    r.number("heightCm", p.heightCm);
    r.finish();
}

void readId(ObjectReader& r, std::string_view key, std::optional<PrescriptionId>& out,
            Nullable nullable) {
    const auto* value = r.member(key, nullable);
    if (value == nullptr) {
        return;
    }
    std::string text;
    if (!detail::readText(*value, r.pointerOf(key), text, 64, r.slot())) {
        return;
    }
    const auto id = PrescriptionId::parse(text);
    if (!id) {
        r.slot().fail(static_cast<Errc>(id.error().value()), r.pointerOf(key),
                      std::string(wireName(static_cast<Errc>(id.error().value()))));
        return;
    }
    out = *id;
}

} // namespace

nlohmann::json toJson(const Prescription& p) {
    json lines = json::array();
    for (const auto& line : p.lines) {
        lines.push_back(lineJson(line));
    }
    const auto& pr = p.prescriber;
    const auto& pa = p.patient;
    return json{
        {"format", kPrescriptionFormat},
        {"id", p.id.toString()},
        {"replaces", p.replaces ? json(p.replaces->toString()) : json(nullptr)},
        {"date", isoDate(p.date)},
        {"issuedAt", isoInstant(p.issuedAt)},
        {"prescriber",
         {{"familyName", pr.familyName},
          {"givenName", pr.givenName},
          {"qualification", pr.qualification},
          {"rpps", pr.rpps},
          {"address",
           {{"lines", pr.address.lines},
            {"postalCode", pr.address.postalCode},
            {"city", pr.address.city},
            {"country", pr.address.country}}},
          {"telephone", pr.telephone},
          {"email", pr.email}}},
        {"patient",
         {{"familyName", pa.familyName},
          {"givenName", pa.givenName},
          {"sex", wireName(pa.sex)},
          {"birthDate", isoDate(pa.birthDate)},
          {"weightKg", orNull(pa.weightKg)},
          {"heightCm", orNull(pa.heightCm)}}},
        {"lines", lines},
    };
}

ParseResult<Prescription> prescriptionFromJson(const nlohmann::json& value) {
    ErrorSlot slot;
    Prescription p;
    ObjectReader r(value, "", slot);
    r.format(kPrescriptionFormat);
    std::optional<PrescriptionId> id;
    readId(r, "id", id, Nullable::no);
    if (id) {
        p.id = *id;
    }
    readId(r, "replaces", p.replaces, Nullable::yes);
    readParsed(r, "date", p.date, parseIsoDate, Errc::invalidDate, "YYYY-MM-DD");
    readParsed(r, "issuedAt", p.issuedAt, parseIsoInstant, Errc::invalidTimestamp,
               "YYYY-MM-DDTHH:MM:SSZ");
    if (const auto* prescriber = r.object("prescriber", Nullable::no)) {
        readPrescriber(*prescriber, "/prescriber", p.prescriber, slot);
    }
    if (const auto* patient = r.object("patient", Nullable::no)) {
        readPatient(*patient, "/patient", p.patient, slot);
    }
    if (const auto* lines = r.array("lines", kMaxLines)) {
        for (std::size_t i = 0; i < lines->size() && slot.ok(); ++i) {
            if (auto line = readLine((*lines)[i], pointerAppend("/lines", i), slot)) {
                p.lines.push_back(std::move(*line));
            }
        }
    }
    r.finish();
    if (slot.error) {
        return *slot.error;
    }
    return p;
}

ParseResult<Prescription> parsePrescription(std::string_view text) {
    if (text.size() > kMaxPrescriptionBytes) {
        return ParseError{make_error_code(Errc::invalidField), "", "document too large"};
    }
    const auto value = json::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded()) {
        return ParseError{make_error_code(Errc::malformedJson), "", "not well-formed JSON"};
    }
    return prescriptionFromJson(value);
}

std::string isoDate(std::chrono::year_month_day date) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return buffer;
}

namespace {

std::optional<int> digitsAt(std::string_view text, std::size_t pos, std::size_t count) {
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

} // namespace

std::optional<std::chrono::year_month_day> parseIsoDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    const auto y = digitsAt(text, 0, 4);
    const auto m = digitsAt(text, 5, 2);
    const auto d = digitsAt(text, 8, 2);
    if (!y || !m || !d) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(*y),
                                           std::chrono::month(static_cast<unsigned>(*m)),
                                           std::chrono::day(static_cast<unsigned>(*d))};
    if (!date.ok()) {
        return std::nullopt;
    }
    return date;
}

std::string isoInstant(std::chrono::sys_seconds instant) {
    using namespace std::chrono;
    const auto day = floor<days>(instant);
    const hh_mm_ss time(instant - day);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02dZ", isoDate(year_month_day(day)).c_str(),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return buffer;
}

std::optional<std::chrono::sys_seconds> parseIsoInstant(std::string_view text) {
    if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
        text[19] != 'Z') {
        return std::nullopt;
    }
    const auto date = parseIsoDate(text.substr(0, 10));
    const auto h = digitsAt(text, 11, 2);
    const auto m = digitsAt(text, 14, 2);
    const auto s = digitsAt(text, 17, 2);
    if (!date || !h || !m || !s || *h > 23 || *m > 59 || *s > 59) {
        return std::nullopt;
    }
    using namespace std::chrono;
    return sys_days(*date) + hours(*h) + minutes(*m) + seconds(*s);
}

} // namespace tc::prescriptions
