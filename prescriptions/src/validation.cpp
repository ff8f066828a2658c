#include "tc/prescriptions/validation.hpp"

#include "tc/errors/table_lookup.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "validation_collector.hpp"

#include <array>
#include <chrono>
#include <cstdio>

namespace tc::prescriptions {
namespace {

using S = Severity;
using C = IssueCode;

constexpr std::array kCodes{
    IssueCodeInfo{C::emptyPrescription, "empty_prescription", S::error,
                  "L'ordonnance ne contient aucune ligne", "The prescription has no line"},
    IssueCodeInfo{C::missingField, "missing_field", S::error, "Mention obligatoire manquante",
                  "Mandatory field missing"},
    IssueCodeInfo{C::invalidDate, "invalid_date", S::error, "Date invalide", "Invalid date"},
    IssueCodeInfo{C::dateInconsistent, "date_inconsistent", S::error,
                  "La date de l'ordonnance n'est pas celle de son émission",
                  "The prescription date is not the day it was issued"},
    IssueCodeInfo{C::malformedRpps, "malformed_rpps", S::error,
                  "Le numéro RPPS doit compter 11 chiffres", "The RPPS number must be 11 digits"},
    IssueCodeInfo{C::rppsCheckDigit, "rpps_check_digit", S::error,
                  "La clé du numéro RPPS est fausse (erreur de saisie ?)",
                  "The RPPS number's check digit is wrong (typo?)"},
    IssueCodeInfo{C::invalidPhone, "invalid_phone", S::error,
                  "Le téléphone doit être au format international (+33…)",
                  "The telephone number must be in international form (+33…)"},
    IssueCodeInfo{C::invalidEmail, "invalid_email", S::error, "Adresse électronique invalide",
                  "Invalid e-mail address"},
    IssueCodeInfo{C::invalidCountry, "invalid_country", S::error,
                  "Le pays doit être un code ISO 3166 à deux lettres (FR)",
                  "The country must be a two-letter ISO 3166 code (FR)"},
    IssueCodeInfo{C::invalidPostalCode, "invalid_postal_code", S::error,
                  "Code postal invalide (5 chiffres en France)",
                  "Invalid postal code (5 digits in France)"},
    IssueCodeInfo{C::birthDateInFuture, "birth_date_in_future", S::error,
                  "La date de naissance est postérieure à la date de l'ordonnance",
                  "The date of birth is after the prescription date"},
    IssueCodeInfo{C::implausibleAge, "implausible_age", S::error,
                  "Âge invraisemblable (plus de 130 ans)", "Implausible age (over 130 years)"},
    IssueCodeInfo{C::childWithoutWeight, "child_without_weight", S::error,
                  "Le poids est obligatoire chez l'enfant (moins de 18 ans)",
                  "The weight is mandatory for a child (under 18)"},
    IssueCodeInfo{C::implausibleWeight, "implausible_weight", S::error,
                  "Poids invraisemblable (0,3 à 350 kg)", "Implausible weight (0.3 to 350 kg)"},
    IssueCodeInfo{C::implausibleHeight, "implausible_height", S::error,
                  "Taille invraisemblable (20 à 250 cm)", "Implausible height (20 to 250 cm)"},
    IssueCodeInfo{C::unknownDci, "unknown_dci", S::warning,
                  "Substance absente de la table : doses non vérifiées",
                  "Substance not in the table: doses not checked"},
    IssueCodeInfo{C::unknownUnit, "unknown_unit", S::error, "Unité inconnue", "Unknown unit"},
    IssueCodeInfo{C::invalidStrengthUnit, "invalid_strength_unit", S::error,
                  "Unité de dosage inadaptée (masse ou UI, par volume ou unité de prise)",
                  "Unsuitable strength unit (mass or IU, per volume or per unit)"},
    IssueCodeInfo{C::strengthComponentMismatch, "strength_component_mismatch", S::error,
                  "Il faut un dosage par substance active",
                  "One strength is needed per active substance"},
    IssueCodeInfo{C::formNotListed, "form_not_listed", S::warning,
                  "Forme inhabituelle pour cette substance", "Unusual form for this substance"},
    IssueCodeInfo{C::nonPositiveValue, "non_positive_value", S::error,
                  "La valeur doit être positive", "The value must be positive"},
    IssueCodeInfo{C::incompatibleDoseUnit, "incompatible_dose_unit", S::error,
                  "L'unité de la dose ne correspond ni au dosage ni à la forme",
                  "The dose unit matches neither the strength nor the form"},
    IssueCodeInfo{C::missingFrequency, "missing_frequency", S::error,
                  "Fréquence des prises manquante", "Dosing frequency missing"},
    IssueCodeInfo{C::invalidFrequency, "invalid_frequency", S::error,
                  "Fréquence invalide (1 à 24 prises par jour, ou toutes les 1 à 168 heures)",
                  "Invalid frequency (1 to 24 a day, or every 1 to 168 hours)"},
    IssueCodeInfo{C::missingDuration, "missing_duration", S::error, "Durée du traitement manquante",
                  "Treatment duration missing"},
    IssueCodeInfo{C::missingQuantity, "missing_quantity", S::error,
                  "Quantité à délivrer ou nombre de boîtes manquant",
                  "Quantity to dispense or number of packs missing"},
    IssueCodeInfo{C::ambiguousQuantity, "ambiguous_quantity", S::error,
                  "Indiquer soit une quantité, soit un nombre de boîtes, pas les deux",
                  "Give either a quantity or a number of packs, not both"},
    IssueCodeInfo{C::renewalsOutOfRange, "renewals_out_of_range", S::error,
                  "Nombre de renouvellements hors limites (0 à 11)",
                  "Number of renewals out of range (0 to 11)"},
    IssueCodeInfo{C::durationExceedsLimit, "duration_exceeds_limit", S::error,
                  "Durée totale de prescription au-delà de la limite légale",
                  "Total prescription duration beyond the legal limit"},
    IssueCodeInfo{C::nonSubstitutableWithoutReason, "non_substitutable_without_reason", S::error,
                  "La mention « non substituable » exige son motif (MTE, EFG ou CIF)",
                  "\"Non substitutable\" requires its reason (MTE, EFG or CIF)"},
    IssueCodeInfo{C::reasonWithoutNonSubstitutable, "reason_without_non_substitutable", S::error,
                  "Motif de non-substitution sans la mention « non substituable »",
                  "Non-substitution reason without \"non substitutable\""},
    IssueCodeInfo{C::efgNotApplicable, "efg_not_applicable", S::error,
                  "Le motif EFG ne vaut que pour un enfant de moins de 6 ans",
                  "The EFG reason applies only to a child under 6"},
    IssueCodeInfo{C::mteNotApplicable, "mte_not_applicable", S::warning,
                  "Cette substance n'est pas listée à marge thérapeutique étroite",
                  "This substance is not listed as having a narrow therapeutic margin"},
    IssueCodeInfo{C::weightBasedDoseWithoutWeight, "weight_based_dose_without_weight", S::error,
                  "Dose au poids sans poids du patient",
                  "Weight-based dose without the patient's weight"},
    IssueCodeInfo{C::doseAboveMaximum, "dose_above_maximum", S::error,
                  "Dose journalière au-delà du maximum", "Daily dose above the maximum"},
    IssueCodeInfo{C::belowMinimumAge, "below_minimum_age", S::error,
                  "Patient trop jeune pour cette substance",
                  "Patient too young for this substance"},
};

const IssueCodeInfo& infoOf(IssueCode code) noexcept {
    return errors::entryOrFirst(kCodes, &IssueCodeInfo::code, code);
}

using detail::formatNumber;
using detail::isBlank;
using detail::IssueCollector;

bool isDigits(std::string_view text) noexcept {
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return !text.empty();
}

// E.164: '+', a country code and number of at most 15 digits in all, no leading zero; French
// numbers (+33) have exactly nine digits after the country code, the first not 0.
bool isE164(std::string_view phone) noexcept {
    if (phone.size() < 2 || phone[0] != '+' || !isDigits(phone.substr(1)) || phone[1] == '0') {
        return false;
    }
    const auto digits = phone.substr(1);
    if (digits.size() < 7 || digits.size() > 15) {
        return false;
    }
    if (digits.starts_with("33")) {
        return digits.size() == 11 && digits[2] != '0';
    }
    return true;
}

bool isEmail(std::string_view email) noexcept {
    const auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != email.npos ||
        email.size() > 254 || at > 64) {
        return false;
    }
    const auto local = email.substr(0, at);
    const auto domain = email.substr(at + 1);
    for (const char c : local) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' ||
            c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || c == '"') {
            return false;
        }
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != local.npos) {
        return false;
    }
    // Domain: dot-separated labels of letters, digits and inner hyphens, at least two labels.
    std::size_t labels = 0;
    std::size_t start = 0;
    while (start <= domain.size()) {
        const auto end = std::min(domain.find('.', start), domain.size());
        const auto label = domain.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (const char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        ++labels;
        start = end + 1;
    }
    return labels >= 2;
}

void validatePrescriber(const Prescriber& p, IssueCollector& issues) {
    issues.requireText(p.familyName, "/prescriber/familyName", "nom du prescripteur",
                       "prescriber's family name");
    issues.requireText(p.givenName, "/prescriber/givenName", "prénom du prescripteur",
                       "prescriber's first name");
    issues.requireText(p.qualification, "/prescriber/qualification",
                       "qualité ou spécialité du prescripteur", "prescriber's qualification");
    if (isBlank(p.rpps)) {
        issues.add(C::missingField, "/prescriber/rpps", "numéro RPPS", "RPPS number");
    } else if (p.rpps.size() != 11 || !isDigits(p.rpps)) {
        issues.add(C::malformedRpps, "/prescriber/rpps");
    } else if (!isValidRpps(p.rpps)) {
        issues.add(C::rppsCheckDigit, "/prescriber/rpps");
    }
    const auto& a = p.address;
    bool anyLine = false;
    for (const auto& line : a.lines) {
        anyLine = anyLine || !isBlank(line);
    }
    if (!anyLine) {
        issues.add(C::missingField, "/prescriber/address/lines", "adresse professionnelle",
                   "professional address");
    }
    issues.requireText(a.city, "/prescriber/address/city", "commune", "city");
    if (isBlank(a.country)) {
        issues.add(C::missingField, "/prescriber/address/country", "pays", "country");
    } else if (a.country.size() != 2 || a.country[0] < 'A' || a.country[0] > 'Z' ||
               a.country[1] < 'A' || a.country[1] > 'Z') {
        issues.add(C::invalidCountry, "/prescriber/address/country");
    }
    if (isBlank(a.postalCode)) {
        issues.add(C::missingField, "/prescriber/address/postalCode", "code postal", "postal code");
    } else if (a.country == "FR" && (a.postalCode.size() != 5 || !isDigits(a.postalCode))) {
        issues.add(C::invalidPostalCode, "/prescriber/address/postalCode");
    }
    if (isBlank(p.telephone)) {
        issues.add(C::missingField, "/prescriber/telephone", "téléphone", "telephone");
    } else if (!isE164(p.telephone)) {
        issues.add(C::invalidPhone, "/prescriber/telephone");
    }
    if (isBlank(p.email)) {
        issues.add(C::missingField, "/prescriber/email", "adresse électronique", "e-mail");
    } else if (!isEmail(p.email)) {
        issues.add(C::invalidEmail, "/prescriber/email");
    }
}

void validatePatient(const Prescription& rx, IssueCollector& issues) {
    const auto& p = rx.patient;
    issues.requireText(p.familyName, "/patient/familyName", "nom du patient",
                       "patient's family name");
    issues.requireText(p.givenName, "/patient/givenName", "prénom du patient",
                       "patient's first name");
    if (p.sex == Sex::unknown) {
        issues.add(C::missingField, "/patient/sex", "sexe du patient", "patient's sex");
    }
    if (!p.birthDate.ok()) {
        issues.add(C::invalidDate, "/patient/birthDate");
    } else if (rx.date.ok()) {
        if (std::chrono::sys_days(p.birthDate) > std::chrono::sys_days(rx.date)) {
            issues.add(C::birthDateInFuture, "/patient/birthDate");
        } else if (ageInYears(p.birthDate, rx.date) > 130) {
            issues.add(C::implausibleAge, "/patient/birthDate");
        } else if (ageInYears(p.birthDate, rx.date) < kAdultAgeYears && !p.weightKg) {
            issues.add(C::childWithoutWeight, "/patient/weightKg");
        }
    }
    if (p.weightKg && (*p.weightKg < 0.3 || *p.weightKg > 350)) {
        issues.add(C::implausibleWeight, "/patient/weightKg", formatNumber(*p.weightKg) + " kg",
                   formatNumber(*p.weightKg) + " kg");
    }
    if (p.heightCm && (*p.heightCm < 20 || *p.heightCm > 250)) {
        issues.add(C::implausibleHeight, "/patient/heightCm", formatNumber(*p.heightCm) + " cm",
                   formatNumber(*p.heightCm) + " cm");
    }
}

} // namespace

namespace detail {

bool isBlank(const std::string& text) noexcept {
    for (const char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return false;
        }
    }
    return true;
}

std::string formatNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

void IssueCollector::add(IssueCode code, std::string location, const std::string& detailFr,
                         const std::string& detailEn) {
    addWithSeverity(code, infoOf(code).severity, std::move(location), detailFr, detailEn);
}

void IssueCollector::addWithSeverity(IssueCode code, Severity severity, std::string location,
                                     const std::string& detailFr, const std::string& detailEn) {
    const auto& info = infoOf(code);
    Issue issue{code, severity, std::move(location), std::string(info.messageFr),
                std::string(info.messageEn)};
    if (!detailFr.empty()) {
        issue.messageFr += " : " + detailFr;
    }
    if (!detailEn.empty()) {
        issue.messageEn += ": " + detailEn;
    }
    m_report.issues.push_back(std::move(issue));
}

void IssueCollector::requireText(const std::string& text, std::string location, const char* fieldFr,
                                 const char* fieldEn) {
    if (isBlank(text)) {
        add(IssueCode::missingField, std::move(location), fieldFr, fieldEn);
    }
}

} // namespace detail

bool ValidationReport::hasErrors() const noexcept {
    for (const auto& issue : issues) {
        if (issue.severity == Severity::error) {
            return true;
        }
    }
    return false;
}

bool ValidationReport::has(IssueCode code) const noexcept {
    return count(code) > 0;
}

bool ValidationReport::has(IssueCode code, std::string_view location) const noexcept {
    for (const auto& issue : issues) {
        if (issue.code == code && issue.location == location) {
            return true;
        }
    }
    return false;
}

std::size_t ValidationReport::count(IssueCode code) const noexcept {
    std::size_t n = 0;
    for (const auto& issue : issues) {
        n += issue.code == code ? 1 : 0;
    }
    return n;
}

std::span<const IssueCodeInfo> allIssueCodes() noexcept {
    return kCodes;
}

std::string_view wireName(IssueCode code) noexcept {
    return infoOf(code).wire;
}

std::optional<IssueCode> issueCodeFromWireName(std::string_view wire) noexcept {
    return errors::valueWhere(kCodes, &IssueCodeInfo::wire, wire, &IssueCodeInfo::code);
}

ValidationReport validate(const Prescription& prescription, const DciTable& table) {
    using namespace std::chrono;
    ValidationReport report;
    IssueCollector issues(report);
    if (prescription.id.isNil()) {
        issues.add(C::missingField, "/id", "identifiant de l'ordonnance", "prescription id");
    }
    if (!prescription.date.ok()) {
        issues.add(C::invalidDate, "/date");
    }
    if (prescription.issuedAt == sys_seconds{}) {
        issues.add(C::missingField, "/issuedAt", "instant d'émission", "issue instant");
    } else if (prescription.date.ok()) {
        // The civil date is French local time; UTC is one or two hours behind, so the day of
        // the UTC instant may differ from it by one.
        const auto issuedDay = floor<days>(prescription.issuedAt);
        const auto gap = sys_days(prescription.date) - issuedDay;
        if (gap > days(1) || gap < days(-1)) {
            issues.add(C::dateInconsistent, "/date");
        }
    }
    validatePrescriber(prescription.prescriber, issues);
    validatePatient(prescription, issues);
    if (prescription.lines.empty()) {
        issues.add(C::emptyPrescription, "/lines");
    }
    detail::validateLines(prescription, table, issues);
    return report;
}

} // namespace tc::prescriptions
