#pragma once
// The curated table of common primary-care substances (prescriptions/data/dci.json, embedded in
// the library at build time): forms, usual strengths, adult and paediatric daily maxima, age and
// duration limits, each figure with its source. Loaded through a strict validating loader; a bad
// table is a typed ParseError located by a JSON pointer.

#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/prescription.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

inline constexpr std::string_view kDciTableFormat = "telecabine.dci-table/1";

// Daily maxima of one active substance. Per-kg figures are per kilogram of body weight; the
// paediatric figures apply under kAdultAgeYears. Units are mass units (or [iU]).
struct DailyMaximum {
    std::string component;
    std::optional<Quantity> adultDaily;
    std::optional<Quantity> adultDailyPerKg;
    std::optional<Quantity> paediatricDaily;
    std::optional<Quantity> paediatricDailyPerKg;
    std::string source;
};

struct DciEntry {
    std::string dci;                     // "amoxicilline + acide clavulanique"
    std::vector<std::string> components; // active substances, in strength order
    std::string atc;
    std::vector<Form> forms;
    std::vector<Strength> strengths;
    std::vector<DailyMaximum> maxima;
    bool narrowTherapeuticMargin = false; // listed as MTE
    std::optional<int> minAgeYears;
    std::optional<int> maxPrescriptionDays; // total, renewals included
    std::string limitsSource;               // source of the three figures above
};

class DciTable {
public:
    // Strict loading: Errc::malformedJson, missingField, unknownField, wrongFieldType,
    // unknownEnumValue (form), tableUnknownUnit, tableMissingSource, tableDuplicateEntry, ...
    static ParseResult<DciTable> fromJsonText(std::string_view text);
    // The table embedded from prescriptions/data/dci.json, loaded once (thread-safe).
    static const ParseResult<DciTable>& builtIn();

    const std::vector<DciEntry>& entries() const noexcept { return m_entries; }
    // Exact name, ignoring case and accents ("Paracetamol" finds "paracétamol").
    const DciEntry* find(std::string_view dci) const;
    // Autocompletion: entries whose name, or one of its words, starts with `prefix` (case and
    // accents ignored); names starting with the prefix first, then alphabetical.
    std::vector<const DciEntry*> search(std::string_view prefix, std::size_t limit = 10) const;

private:
    std::vector<DciEntry> m_entries;
    std::vector<std::string> m_folded; // folded names, same order
};

// Lower case without French diacritics (é→e, ç→c, œ→oe, ...); other characters unchanged.
std::string foldForSearch(std::string_view text);

} // namespace tc::prescriptions
