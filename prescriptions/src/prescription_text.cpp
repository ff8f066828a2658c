#include "tc/prescriptions/prescription_text.hpp"

#include "tc/prescriptions/canonical_json.hpp"

namespace tc::prescriptions {
namespace {

std::string unitText(const std::string& code, double value) {
    const auto unit = unitFromCode(code);
    if (!unit) {
        return code;
    }
    std::string label(unitInfo(*unit).labelFr);
    const bool counted = unitInfo(*unit).dimension == Dimension::count ||
                         unitInfo(*unit).dimension == Dimension::drop;
    if (counted && value >= 2 && !label.ends_with('s')) {
        label += "s";
    }
    return label;
}

std::string quantityText(const Quantity& q) {
    return frenchNumber(q.value) + " " + unitText(q.unit, q.value);
}

} // namespace

std::string frenchNumber(double value) {
    auto text = ecmaNumberString(value).value_or("?");
    for (auto& c : text) {
        if (c == '.') {
            c = ',';
        }
    }
    return text;
}

std::string strengthTextFr(const Strength& strength) {
    std::string out;
    for (std::size_t i = 0; i < strength.amounts.size(); ++i) {
        if (i > 0) {
            out += " / ";
        }
        out += quantityText(strength.amounts[i]);
    }
    if (strength.per) {
        out += strength.per->value == 1 ? "/" + unitText(strength.per->unit, 1)
                                        : "/" + quantityText(*strength.per);
    }
    return out;
}

std::string medicationTextFr(const MedicationLine& line) {
    std::string out = line.dci;
    const auto strength = strengthTextFr(line.strength);
    if (!strength.empty()) {
        out += " " + strength;
    }
    if (line.form) {
        out += ", " + std::string(formInfo(*line.form).labelFr);
    }
    return out;
}

std::string dosageTextFr(const Dosage& d) {
    std::string out = frenchNumber(d.dose.value) + " " + unitText(d.dose.unit, d.dose.value);
    if (d.dose.perKg) {
        out += "/kg";
    }
    if (d.frequency) {
        if (d.frequency->kind == FrequencyKind::timesPerDay) {
            out += " " + std::to_string(d.frequency->value) + " fois par jour";
        } else {
            out += " toutes les " + std::to_string(d.frequency->value) + " heures";
        }
    }
    if (d.duration) {
        static constexpr const char* kSingular[] = {"jour", "semaine", "mois"};
        static constexpr const char* kPlural[] = {"jours", "semaines", "mois"};
        const auto index = static_cast<std::size_t>(d.duration->unit);
        out += " pendant " + frenchNumber(d.duration->value) + " " +
               (d.duration->value >= 2 ? kPlural[index] : kSingular[index]);
    }
    if (d.asNeeded) {
        out += ", si besoin";
    }
    return out;
}

std::string renewalTextFr(int renewals) {
    if (renewals <= 0) {
        return "Non renouvelable";
    }
    return "À renouveler " + std::to_string(renewals) + " fois";
}

} // namespace tc::prescriptions
