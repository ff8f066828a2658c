#pragma once
// One way to declare a library's error category: a table of {code, stable key, message}. The
// tables are generated from each library's errors.json by tc_error_tables()
// (errors/cmake/error_tables.cmake), as:
//
//     constexpr std::array kPcmErrcTable{
//         errors::ErrcEntry{PcmErrc::truncated, "truncated", "the WAV file is truncated"}, ...};
//     const boost::system::error_category& pcmCategory() noexcept {
//         static const errors::TableCategory category("tc.pcm", kPcmErrcTable);
//         return category;
//     }
//
// The key is stable snake_case (logs, the wire, the audit trail); the message is English, for
// logs and operators. The console never shows `message()` to a doctor: it words each code
// itself, in French and English (app/src/error_text.*).

#include <array>
#include <boost/system/error_category.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tc::errors {

template <class Enum> struct ErrcEntry {
    Enum code;
    std::string_view key;
    std::string_view message;
};
// Spelled out for compilers without aggregate deduction (clang before 17: the fuzzers' tree).
template <class Enum> ErrcEntry(Enum, std::string_view, std::string_view) -> ErrcEntry<Enum>;

template <class Enum, std::size_t N>
class TableCategory final : public boost::system::error_category {
public:
    constexpr TableCategory(const char* name, const std::array<ErrcEntry<Enum>, N>& table) noexcept
        : m_name(name)
        , m_table(table) {}

    const char* name() const noexcept override { return m_name; }

    std::string message(int value) const override {
        const auto* entry = find(static_cast<Enum>(value));
        return entry != nullptr ? std::string(entry->message)
                                : std::string(m_name) + " error " + std::to_string(value);
    }

    const ErrcEntry<Enum>* find(Enum code) const noexcept {
        for (const auto& entry : m_table) {
            if (entry.code == code) {
                return &entry;
            }
        }
        return nullptr;
    }

    // The stable key, or "unknown" for a value outside the table.
    std::string_view key(Enum code) const noexcept {
        const auto* entry = find(code);
        return entry != nullptr ? entry->key : std::string_view("unknown");
    }

    std::optional<Enum> fromKey(std::string_view key) const noexcept {
        for (const auto& entry : m_table) {
            if (entry.key == key) {
                return entry.code;
            }
        }
        return std::nullopt;
    }

private:
    const char* m_name;
    std::array<ErrcEntry<Enum>, N> m_table;
};

template <class Enum, std::size_t N>
TableCategory(const char*, const std::array<ErrcEntry<Enum>, N>&) -> TableCategory<Enum, N>;

} // namespace tc::errors
