#include "tc/prescriptions/dci_table.hpp"

#include "json_reader.hpp"

#include <algorithm>
#include <set>

namespace tc::prescriptions {

// Defined in the file generated from data/dci.json at build time.
namespace detail {
std::string_view embeddedDciTable() noexcept;
}

namespace {

using namespace detail::reading;

bool isDoseDimension(const std::string& unit) {
    const auto u = unitFromCode(unit);
    if (!u) {
        return false;
    }
    const auto dim = unitInfo(*u).dimension;
    return dim == Dimension::mass || dim == Dimension::internationalUnit;
}

void readQuantity(const json& value, const std::string& pointer, Quantity& q, ErrorSlot& slot,
                  bool doseUnit) {
    ObjectReader r(value, pointer, slot);
    r.number("value", q.value);
    r.text("unit", q.unit, 32);
    r.finish();
    if (!slot.ok()) {
        return;
    }
    if (!(q.value > 0)) {
        slot.fail(Errc::invalidField, pointerAppend(pointer, "value"), "must be positive");
    } else if (!unitFromCode(q.unit) || (doseUnit && !isDoseDimension(q.unit))) {
        slot.fail(Errc::tableUnknownUnit, pointerAppend(pointer, "unit"),
                  "unit \"" + q.unit + "\" is not a known " +
                      (doseUnit ? "mass or [iU] unit" : "unit"));
    }
}

void readOptionalQuantity(ObjectReader& r, std::string_view key, std::optional<Quantity>& out,
                          bool doseUnit) {
    if (const auto* value = r.object(key, Nullable::yes)) {
        Quantity q;
        readQuantity(*value, r.pointerOf(key), q, r.slot(), doseUnit);
        out = q;
    }
}

void readMaximum(const json& value, const std::string& pointer, const DciEntry& entry,
                 DailyMaximum& m, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    r.text("component", m.component, 256);
    readOptionalQuantity(r, "adultDaily", m.adultDaily, true);
    readOptionalQuantity(r, "adultDailyPerKg", m.adultDailyPerKg, true);
    readOptionalQuantity(r, "paediatricDaily", m.paediatricDaily, true);
    readOptionalQuantity(r, "paediatricDailyPerKg", m.paediatricDailyPerKg, true);
    r.text("source", m.source, 1024);
    r.finish();
    if (!slot.ok()) {
        return;
    }
    if (std::find(entry.components.begin(), entry.components.end(), m.component) ==
        entry.components.end()) {
        slot.fail(Errc::invalidField, pointerAppend(pointer, "component"),
                  "\"" + m.component + "\" is not a component of \"" + entry.dci + "\"");
    } else if (!m.adultDaily && !m.adultDailyPerKg && !m.paediatricDaily &&
               !m.paediatricDailyPerKg) {
        slot.fail(Errc::missingField, pointer, "a maximum needs at least one figure");
    } else if (m.source.empty()) {
        slot.fail(Errc::tableMissingSource, pointerAppend(pointer, "source"),
                  "every figure needs its source");
    }
}

void readStrength(const json& value, const std::string& pointer, Strength& s, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    if (const auto* amounts = r.array("amounts", 8)) {
        if (amounts->empty()) {
            slot.fail(Errc::missingField, r.pointerOf("amounts"), "at least one amount");
        }
        for (std::size_t i = 0; i < amounts->size() && slot.ok(); ++i) {
            Quantity q;
            readQuantity((*amounts)[i], pointerAppend(r.pointerOf("amounts"), i), q, slot, true);
            s.amounts.push_back(q);
        }
    }
    readOptionalQuantity(r, "per", s.per, false);
    r.finish();
}

void readEntry(const json& value, const std::string& pointer, DciEntry& e, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    r.text("dci", e.dci, 256);
    if (r.ok() && e.dci.empty()) {
        slot.fail(Errc::missingField, r.pointerOf("dci"), "empty name");
    }
    if (const auto* components = r.array("components", 8)) {
        for (std::size_t i = 0; i < components->size(); ++i) {
            std::string name;
            detail::readText((*components)[i], pointerAppend(r.pointerOf("components"), i), name,
                             256, slot);
            e.components.push_back(name);
        }
        if (slot.ok() && e.components.empty()) {
            slot.fail(Errc::missingField, r.pointerOf("components"), "at least one component");
        }
    }
    r.text("atc", e.atc, 16);
    if (const auto* forms = r.array("forms", 32)) {
        for (std::size_t i = 0; i < forms->size() && slot.ok(); ++i) {
            const auto& item = (*forms)[i];
            const auto form = item.is_string()
                                  ? fromWireName<Form>(allForms(), item.get<std::string>())
                                  : std::nullopt;
            if (!form) {
                slot.fail(Errc::unknownEnumValue, pointerAppend(r.pointerOf("forms"), i),
                          "unknown form");
            } else {
                e.forms.push_back(*form);
            }
        }
    }
    if (const auto* strengths = r.array("strengths", 32)) {
        for (std::size_t i = 0; i < strengths->size() && slot.ok(); ++i) {
            Strength s;
            readStrength((*strengths)[i], pointerAppend(r.pointerOf("strengths"), i), s, slot);
            if (slot.ok() && s.amounts.size() != e.components.size()) {
                slot.fail(Errc::invalidField, pointerAppend(r.pointerOf("strengths"), i),
                          "one amount per component");
            }
            e.strengths.push_back(s);
        }
    }
    if (const auto* maxima = r.array("maxima", 8)) {
        for (std::size_t i = 0; i < maxima->size() && slot.ok(); ++i) {
            DailyMaximum m;
            readMaximum((*maxima)[i], pointerAppend(r.pointerOf("maxima"), i), e, m, slot);
            e.maxima.push_back(m);
        }
    }
    r.boolean("narrowTherapeuticMargin", e.narrowTherapeuticMargin);
    r.integer("minAgeYears", e.minAgeYears, 0, 18);
    r.integer("maxPrescriptionDays", e.maxPrescriptionDays, 1, 366);
    if (const auto* limits = r.member("limitsSource", Nullable::yes)) {
        detail::readText(*limits, r.pointerOf("limitsSource"), e.limitsSource, 1024, slot);
    }
    r.finish();
    if (slot.ok() && (e.minAgeYears || e.maxPrescriptionDays || e.narrowTherapeuticMargin) &&
        e.limitsSource.empty()) {
        slot.fail(Errc::tableMissingSource, pointerAppend(pointer, "limitsSource"),
                  "the age, duration and MTE limits need their source");
    }
}

// Decodes one UTF-8 sequence (assumed valid, as every table string is) at `i`.
char32_t nextCodePoint(std::string_view text, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    std::size_t extra = b0 < 0x80 ? 0 : (b0 & 0xE0) == 0xC0 ? 1 : (b0 & 0xF0) == 0xE0 ? 2 : 3;
    char32_t cp = extra == 0   ? b0
                  : extra == 1 ? (b0 & 0x1F)
                  : extra == 2 ? (b0 & 0x0F)
                               : (b0 & 0x07);
    ++i;
    for (; extra > 0 && i < text.size(); --extra, ++i) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
    }
    return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

} // namespace

std::string foldForSearch(std::string_view text) {
    // Latin-1 and the French letters of Latin Extended-A, folded to ASCII lower case.
    static constexpr std::string_view kLatin1 = // U+00C0..U+00FF
        "aaaaaaaceeeeiiii"
        "dnooooo/ouuuuyts"
        "aaaaaaaceeeeiiii"
        "dnooooo/ouuuuyty";
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const char32_t cp = nextCodePoint(text, i);
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
        } else if (cp == 0xC6 || cp == 0xE6) {
            out += "ae";
        } else if (cp == 0x152 || cp == 0x153) {
            out += "oe";
        } else if (cp == 0xDF) {
            out += "ss";
        } else if (cp == 0x178) {
            out.push_back('y');
        } else if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7) {
            out.push_back(kLatin1[cp - 0xC0]);
        } else {
            appendUtf8(out, cp);
        }
    }
    return out;
}

ParseResult<DciTable> DciTable::fromJsonText(std::string_view text) {
    const auto value = json::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded()) {
        return ParseError{make_error_code(Errc::malformedJson), "", "not well-formed JSON"};
    }
    ErrorSlot slot;
    DciTable table;
    ObjectReader r(value, "", slot);
    std::string note;
    r.format(kDciTableFormat);
    r.text("note", note, 1024);
    std::set<std::string> names;
    if (const auto* entries = r.array("entries", 1000)) {
        for (std::size_t i = 0; i < entries->size() && slot.ok(); ++i) {
            DciEntry entry;
            const auto pointer = pointerAppend("/entries", i);
            readEntry((*entries)[i], pointer, entry, slot);
            auto folded = foldForSearch(entry.dci);
            if (slot.ok() && !names.insert(folded).second) {
                slot.fail(Errc::tableDuplicateEntry, pointerAppend(pointer, "dci"),
                          "\"" + entry.dci + "\" is listed twice");
            }
            table.m_entries.push_back(std::move(entry));
            table.m_folded.push_back(std::move(folded));
        }
    }
    r.finish();
    if (slot.error) {
        return *slot.error;
    }
    return table;
}

const ParseResult<DciTable>& DciTable::builtIn() {
    static const ParseResult<DciTable> table = fromJsonText(detail::embeddedDciTable());
    return table;
}

const DciEntry* DciTable::find(std::string_view dci) const {
    const auto folded = foldForSearch(dci);
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        if (m_folded[i] == folded) {
            return &m_entries[i];
        }
    }
    return nullptr;
}

std::vector<const DciEntry*> DciTable::search(std::string_view prefix, std::size_t limit) const {
    const auto query = foldForSearch(prefix);
    std::vector<std::pair<int, std::size_t>> hits; // (rank, index)
    for (std::size_t i = 0; i < m_entries.size() && !query.empty(); ++i) {
        const auto& name = m_folded[i];
        if (name.starts_with(query)) {
            hits.emplace_back(0, i);
            continue;
        }
        for (std::size_t pos = 0; pos < name.size(); ++pos) {
            const bool wordStart =
                pos > 0 && (name[pos - 1] == ' ' || name[pos - 1] == '-' || name[pos - 1] == '+');
            if (wordStart && name.compare(pos, query.size(), query) == 0) {
                hits.emplace_back(1, i);
                break;
            }
        }
    }
    std::sort(hits.begin(), hits.end(), [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : m_folded[a.second] < m_folded[b.second];
    });
    std::vector<const DciEntry*> out;
    for (std::size_t k = 0; k < hits.size() && out.size() < limit; ++k) {
        out.push_back(&m_entries[hits[k].second]);
    }
    return out;
}

} // namespace tc::prescriptions
