// Validation of the lines of a prescription: medication lines (units, strength, dosage,
// dispensing, renewals, non-substitution, daily maxima and minimum ages from the DCI table) and
// non-drug lines.

#include "validation_collector.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace tc::prescriptions::detail {
namespace {

using C = IssueCode;

std::string at(const std::string& base, std::string_view path) {
    return base + "/" + std::string(path);
}

// A quantity in its dimension's base unit (mg, mL, IU, drop, count), if its unit is known.
struct Base {
    double value;
    Dimension dimension;
};

std::optional<Base> toBase(double value, const std::string& unit) {
    const auto u = unitFromCode(unit);
    if (!u) {
        return std::nullopt;
    }
    const auto& info = unitInfo(*u);
    return Base{value * info.toBase, info.dimension};
}

bool isDoseDimension(Dimension d) {
    return d == Dimension::mass || d == Dimension::internationalUnit;
}

struct LineContext {
    const Prescription& rx;
    const MedicationLine& line;
    const DciEntry* entry;
    std::string base; // "/lines/3"
    std::optional<int> age;
    IssueCollector& issues;
};

// Checks a quantity's unit and value; true when both are usable.
bool checkQuantity(const Quantity& q, const std::string& pointer, IssueCollector& issues) {
    bool ok = true;
    if (isBlank(q.unit)) {
        issues.add(C::missingField, at(pointer, "unit"), "unité", "unit");
        ok = false;
    } else if (!unitFromCode(q.unit)) {
        issues.add(C::unknownUnit, at(pointer, "unit"), "« " + q.unit + " »", "\"" + q.unit + "\"");
        ok = false;
    }
    if (!(q.value > 0)) {
        issues.add(C::nonPositiveValue, at(pointer, "value"));
        ok = false;
    }
    return ok;
}

bool checkStrength(const LineContext& c) {
    const auto& s = c.line.strength;
    const auto pointer = at(c.base, "strength");
    bool ok = true;
    if (s.amounts.empty()) {
        c.issues.add(C::missingField, at(pointer, "amounts"), "dosage", "strength");
        return false;
    }
    for (std::size_t k = 0; k < s.amounts.size(); ++k) {
        const auto amountPointer = at(pointer, "amounts/" + std::to_string(k));
        if (!checkQuantity(s.amounts[k], amountPointer, c.issues)) {
            ok = false;
        } else if (!isDoseDimension(toBase(1, s.amounts[k].unit)->dimension)) {
            c.issues.add(C::invalidStrengthUnit, at(amountPointer, "unit"));
            ok = false;
        }
    }
    if (s.per) {
        if (!checkQuantity(*s.per, at(pointer, "per"), c.issues)) {
            ok = false;
        } else if (const auto dim = toBase(1, s.per->unit)->dimension; isDoseDimension(dim)) {
            c.issues.add(C::invalidStrengthUnit, at(pointer, "per/unit"));
            ok = false;
        }
    }
    if (c.entry && s.amounts.size() != c.entry->components.size()) {
        c.issues.add(C::strengthComponentMismatch, at(pointer, "amounts"),
                     std::to_string(c.entry->components.size()) + " attendu(s)",
                     std::to_string(c.entry->components.size()) + " expected");
        ok = false;
    }
    return ok;
}

// Is the dose unit meaningful for this strength and form?
bool doseUnitCompatible(const MedicationLine& m, Dimension doseDim, Unit doseUnit) {
    const auto strengthDim = toBase(1, m.strength.amounts.front().unit)->dimension;
    if (m.dosage.dose.perKg && !isDoseDimension(doseDim)) {
        return false; // "2 tablets per kg" has no meaning
    }
    if (isDoseDimension(doseDim)) {
        return doseDim == strengthDim;
    }
    if (doseUnit == Unit::pack) {
        return false; // "{pack}" counts boxes to dispense, never a dose
    }
    if (m.strength.per) {
        // checkStrength() has verified the unit; {pack} never equals a dose unit here.
        const Unit perUnit = unitFromCode(m.strength.per->unit).value_or(Unit::pack);
        return unitInfo(perUnit).dimension == doseDim &&
               (doseDim != Dimension::count || perUnit == doseUnit);
    }
    return m.form && formInfo(*m.form).doseUnit == doseUnit;
}

// Amount of component k in one administration, in the base unit of its strength (mg or IU).
std::optional<double> perAdministration(const LineContext& c, std::size_t k) {
    const auto& m = c.line;
    const auto& dose = m.dosage.dose;
    const auto doseBase = toBase(dose.value, dose.unit);
    const auto amount = toBase(m.strength.amounts[k].value, m.strength.amounts[k].unit);
    const auto first = toBase(m.strength.amounts[0].value, m.strength.amounts[0].unit);
    double result = 0;
    if (isDoseDimension(doseBase->dimension)) {
        // A mass dose names the first substance ("1 g" of amoxicilline + acide clavulanique);
        // the others follow the strength's proportions.
        result = doseBase->value * amount->value / first->value;
    } else if (m.strength.per) {
        const auto per = toBase(m.strength.per->value, m.strength.per->unit);
        result = doseBase->value / per->value * amount->value;
    } else {
        result = doseBase->value * amount->value; // one tablet contains the strength
    }
    if (dose.perKg) {
        if (!c.rx.patient.weightKg) {
            return std::nullopt;
        }
        result *= *c.rx.patient.weightKg;
    }
    return result;
}

void checkMaxima(const LineContext& c, double administrationsPerDay) {
    if (!c.entry || !c.age) {
        return;
    }
    const bool child = *c.age < kAdultAgeYears;
    const auto weight = c.rx.patient.weightKg;
    for (std::size_t k = 0; k < c.line.strength.amounts.size(); ++k) {
        const auto& component = c.entry->components[k];
        const auto it = std::find_if(c.entry->maxima.begin(), c.entry->maxima.end(),
                                     [&](const auto& m) { return m.component == component; });
        const auto perAdmin = perAdministration(c, k);
        if (it == c.entry->maxima.end() || !perAdmin) {
            continue;
        }
        const auto strengthDim = toBase(1, c.line.strength.amounts[k].unit)->dimension;
        double limit = std::numeric_limits<double>::infinity();
        const auto consider = [&](const std::optional<Quantity>& q, bool perKg) {
            if (!q || (perKg && !weight)) {
                return;
            }
            const auto b = toBase(q->value, q->unit);
            if (b && b->dimension == strengthDim) {
                limit = std::min(limit, b->value * (perKg ? *weight : 1.0));
            }
        };
        consider(it->adultDaily, false); // a child never gets more than an adult
        if (child) {
            consider(it->paediatricDaily, false);
            consider(it->paediatricDailyPerKg, true);
        } else {
            consider(it->adultDailyPerKg, true);
        }
        const double daily = *perAdmin * administrationsPerDay;
        if (daily > limit * (1 + 1e-9)) {
            const char* unit = strengthDim == Dimension::mass ? " mg/j" : " UI/j";
            const char* unitEn = strengthDim == Dimension::mass ? " mg/day" : " IU/day";
            const auto detailFr = component + " " + formatNumber(daily) + unit + " > " +
                                  formatNumber(limit) + unit + " (" + it->source + ")";
            const auto detailEn = component + " " + formatNumber(daily) + unitEn + " > " +
                                  formatNumber(limit) + unitEn + " (" + it->source + ")";
            c.issues.addWithSeverity(C::doseAboveMaximum,
                                     c.line.doseConfirmed ? Severity::warning : Severity::error,
                                     at(c.base, "dosage/dose"), detailFr, detailEn);
        }
    }
}

void checkDosage(const LineContext& c, bool strengthOk) {
    const auto& d = c.line.dosage;
    const auto pointer = at(c.base, "dosage");
    const auto dosePointer = at(pointer, "dose");
    bool doseOk = checkQuantity(Quantity{d.dose.value, d.dose.unit}, dosePointer, c.issues);
    if (doseOk && strengthOk) {
        const auto unit = *unitFromCode(d.dose.unit);
        if (!doseUnitCompatible(c.line, unitInfo(unit).dimension, unit)) {
            c.issues.add(C::incompatibleDoseUnit, at(dosePointer, "unit"));
            doseOk = false;
        }
    }
    if (d.dose.perKg && !c.rx.patient.weightKg) {
        c.issues.add(C::weightBasedDoseWithoutWeight, at(dosePointer, "perKg"));
    }
    std::optional<double> perDay;
    if (!d.frequency) {
        c.issues.add(C::missingFrequency, at(pointer, "frequency"));
    } else {
        const auto& f = *d.frequency;
        const bool perDayKind = f.kind == FrequencyKind::timesPerDay;
        if (f.value < 1 || f.value > (perDayKind ? 24 : 168)) {
            c.issues.add(C::invalidFrequency, at(pointer, "frequency/value"));
        } else {
            perDay = perDayKind ? f.value : 24.0 / f.value;
        }
    }
    std::optional<double> days;
    if (!d.duration) {
        c.issues.add(C::missingDuration, at(pointer, "duration"));
    } else if (!(d.duration->value > 0)) {
        c.issues.add(C::nonPositiveValue, at(pointer, "duration/value"));
    } else {
        days = d.duration->value * daysPer(d.duration->unit);
    }
    if (days) {
        const double total = *days * (1 + std::clamp(c.line.renewals, 0, kMaxRenewals));
        if (total > kMaxTreatmentDays + 1e-9) {
            c.issues.add(C::durationExceedsLimit, at(pointer, "duration"),
                         formatNumber(total) + " jours, renouvellements compris > 12 mois "
                                               "(article R5132-21 CSP)",
                         formatNumber(total) + " days including renewals > 12 months");
        } else if (c.entry && c.entry->maxPrescriptionDays &&
                   total > *c.entry->maxPrescriptionDays + 1e-9) {
            const auto limit = std::to_string(*c.entry->maxPrescriptionDays);
            c.issues.add(C::durationExceedsLimit, at(pointer, "duration"),
                         formatNumber(total) + " jours > " + limit + " jours (" +
                             c.entry->limitsSource + ")",
                         formatNumber(total) + " days > " + limit + " days (" +
                             c.entry->limitsSource + ")");
        }
    }
    if (doseOk && strengthOk && perDay) {
        checkMaxima(c, *perDay);
    }
}

void checkDispenseAndRenewals(const LineContext& c) {
    const auto& dispense = c.line.dispense;
    const auto pointer = at(c.base, "dispense");
    if (!dispense.quantity && !dispense.packs) {
        c.issues.add(C::missingQuantity, pointer);
    } else if (dispense.quantity && dispense.packs) {
        c.issues.add(C::ambiguousQuantity, pointer);
    } else if (dispense.quantity) {
        checkQuantity(*dispense.quantity, at(pointer, "quantity"), c.issues);
    } else if (*dispense.packs <= 0) {
        c.issues.add(C::nonPositiveValue, at(pointer, "packs"));
    }
    if (c.line.renewals < 0 || c.line.renewals > kMaxRenewals) {
        c.issues.add(C::renewalsOutOfRange, at(c.base, "renewals"));
    }
}

void checkSubstitution(const LineContext& c) {
    const auto& m = c.line;
    const auto pointer = at(c.base, "nonSubstitutionReason");
    if (m.nonSubstitutable && !m.nonSubstitutionReason) {
        c.issues.add(C::nonSubstitutableWithoutReason, pointer);
    } else if (!m.nonSubstitutable && m.nonSubstitutionReason) {
        c.issues.add(C::reasonWithoutNonSubstitutable, pointer);
    } else if (m.nonSubstitutionReason == NonSubstitutionReason::efg && c.age && *c.age >= 6) {
        c.issues.add(C::efgNotApplicable, pointer);
    } else if (m.nonSubstitutionReason == NonSubstitutionReason::mte && c.entry &&
               !c.entry->narrowTherapeuticMargin) {
        c.issues.add(C::mteNotApplicable, pointer, m.dci, m.dci);
    }
}

void validateMedication(const LineContext& c) {
    const auto& m = c.line;
    if (isBlank(m.dci)) {
        c.issues.add(C::missingField, at(c.base, "dci"), "dénomination commune (DCI)",
                     "common name (INN)");
    } else if (!c.entry) {
        c.issues.add(C::unknownDci, at(c.base, "dci"), m.dci, m.dci);
    }
    const bool strengthOk = checkStrength(c);
    if (!m.form) {
        c.issues.add(C::missingField, at(c.base, "form"), "forme", "form");
    } else if (c.entry && std::find(c.entry->forms.begin(), c.entry->forms.end(), *m.form) ==
                              c.entry->forms.end()) {
        c.issues.add(C::formNotListed, at(c.base, "form"));
    }
    if (!m.route) {
        c.issues.add(C::missingField, at(c.base, "route"), "voie d'administration", "route");
    }
    checkDosage(c, strengthOk);
    checkDispenseAndRenewals(c);
    checkSubstitution(c);
    if (c.entry && c.entry->minAgeYears && c.age && *c.age < *c.entry->minAgeYears) {
        const auto min = std::to_string(*c.entry->minAgeYears);
        c.issues.add(C::belowMinimumAge, at(c.base, "dci"),
                     "moins de " + min + " ans (" + c.entry->limitsSource + ")",
                     "under " + min + " (" + c.entry->limitsSource + ")");
    }
}

void validateNonDrug(const NonDrugLine& n, const std::string& base, IssueCollector& issues) {
    issues.requireText(n.text, at(base, "text"), "libellé de la demande", "order text");
    if (n.kind == NonDrugKind::referral) {
        issues.requireText(n.specialty, at(base, "specialty"), "spécialité du correspondant",
                           "specialty");
    }
}

} // namespace

void validateLines(const Prescription& p, const DciTable& table, IssueCollector& issues) {
    std::optional<int> age;
    if (p.patient.birthDate.ok() && p.date.ok() &&
        std::chrono::sys_days(p.patient.birthDate) <= std::chrono::sys_days(p.date)) {
        age = ageInYears(p.patient.birthDate, p.date);
    }
    for (std::size_t i = 0; i < p.lines.size(); ++i) {
        const auto base = "/lines/" + std::to_string(i);
        if (const auto* m = std::get_if<MedicationLine>(&p.lines[i])) {
            const auto* entry = isBlank(m->dci) ? nullptr : table.find(m->dci);
            validateMedication(LineContext{p, *m, entry, base, age, issues});
        } else {
            validateNonDrug(std::get<NonDrugLine>(p.lines[i]), base, issues);
        }
    }
}

} // namespace tc::prescriptions::detail
