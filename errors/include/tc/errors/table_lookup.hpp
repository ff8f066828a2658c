#pragma once
// Lookups in constant tables of structs (an enum's wire names, labels, codes): the libraries'
// vocabulary tables find their entries the same way, by one member, instead of each writing the
// loop again.

#include <iterator>
#include <optional>
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

} // namespace tc::errors
