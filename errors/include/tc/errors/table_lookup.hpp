#pragma once
// Lookups in constant tables of structs (an enum's wire names, labels, codes): the libraries'
// vocabulary tables find their entries the same way, by one member, instead of each writing the
// loop again. EnumMap and EnumNames map each value of a plain enum (0, 1, ...) without a switch.

#include <array>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>
#include <type_traits>

namespace tc::errors {

// The first entry of `table` whose `member` equals `key`; nullptr when there is none.
template <class Table, class Member, class Key>
constexpr auto findEntry(const Table& table, Member member, const Key& key) noexcept
    -> decltype(&*std::begin(table)) {
    for (const auto& entry : table) {
        if (entry.*member == key) {
            return &entry;
        }
    }
    return nullptr;
}

// As findEntry, for a table that lists every value of `key`'s enum: the first entry stands in
// for a value outside the enum.
template <class Table, class Member, class Key>
constexpr const auto& entryOrFirst(const Table& table, Member member, const Key& key) noexcept {
    const auto* entry = findEntry(table, member, key);
    return entry != nullptr ? *entry : *std::begin(table);
}

// The `wanted` member of the entry whose `member` equals `key`; nullopt when there is none.
template <class Table, class Member, class Key, class Wanted>
constexpr auto valueWhere(const Table& table, Member member, const Key& key,
                          Wanted wanted) noexcept {
    using Value = std::remove_cvref_t<decltype((*std::begin(table)).*wanted)>;
    const auto* entry = findEntry(table, member, key);
    return entry != nullptr ? std::optional<Value>(entry->*wanted) : std::nullopt;
}

// What each value of an enum numbered from 0 to `Last` without gaps stands for, in that order (its
// wire name, the value of another enum): one table per mapping instead of a switch that returns
// one constant per case. The table is built from exactly one entry per value (a static_assert
// counts them), so it cannot fall short of `Last`.
template <auto Last, class Value> class EnumMap {
public:
    using Enum = decltype(Last);
    static_assert(std::is_enum_v<Enum>);
    static constexpr std::size_t size = static_cast<std::size_t>(Last) + 1;

    template <std::size_t N> consteval EnumMap(const Value (&values)[N]) {
        static_assert(N == size, "one entry for each value from 0 to Last");
        for (std::size_t i = 0; i < N; ++i) {
            m_values[i] = values[i];
        }
    }

    // What `key` stands for; `outside` for a value beyond `Last` (a cast from a stray integer).
    constexpr Value operator()(Enum key, Value outside) const noexcept {
        const auto index = static_cast<std::size_t>(key);
        return index < size ? m_values[index] : outside;
    }

    // The first value that stands for `value`; nullopt when none does.
    constexpr std::optional<Enum> find(const Value& value) const noexcept {
        for (std::size_t i = 0; i < size; ++i) {
            if (m_values[i] == value) {
                return static_cast<Enum>(i);
            }
        }
        return std::nullopt;
    }

private:
    std::array<Value, size> m_values{};
};

// An enum's names (wire names, log words), in the order of its values.
template <auto Last> using EnumNames = EnumMap<Last, std::string_view>;

} // namespace tc::errors
