#pragma once
// The wire names of a patient identity's enums, one table each: the identity's own JSON
// (patient_identity.cpp) and the consultation record's (record_json.cpp) read and write them
// from here.

#include "tc/errors/table_lookup.hpp"
#include "tc/prescriptions/patient_identity.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace tc::prescriptions::detail {

template <class Enum> struct IdentityWire {
    Enum value;
    std::string_view wire;
};

inline constexpr std::array<IdentityWire<IdentityStatus>, 3> kIdentityStatuses{{
    {IdentityStatus::unverified, "unverified"},
    {IdentityStatus::provisional, "provisional"},
    {IdentityStatus::qualified, "qualified"},
}};
inline constexpr std::array<IdentityWire<IdentitySource>, 2> kIdentitySources{{
    {IdentitySource::carteVitale, "carte_vitale"},
    {IdentitySource::assistant, "assistant"},
}};
inline constexpr std::array<IdentityWire<InsSystem>, 4> kInsSystems{{
    {InsSystem::nir, "nir"},
    {InsSystem::nia, "nia"},
    {InsSystem::testNir, "test_nir"},
    {InsSystem::testNia, "test_nia"},
}};

// The wire name of `value` in `table`; "unknown" for a value outside the enum.
template <class Enum, std::size_t N>
std::string_view identityWire(const std::array<IdentityWire<Enum>, N>& table, Enum value) {
    const auto* entry = errors::findEntry(table, &IdentityWire<Enum>::value, value);
    return entry != nullptr ? entry->wire : "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> identityValue(const std::array<IdentityWire<Enum>, N>& table,
                                  std::string_view wire) {
    return errors::valueWhere(table, &IdentityWire<Enum>::wire, wire, &IdentityWire<Enum>::value);
}

} // namespace tc::prescriptions::detail
