// The table lookups the libraries' vocabularies share (tc/errors/table_lookup.hpp), on a
// constexpr table and on a C array, as the libraries hold them.
#include "tc/errors/table_lookup.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <string_view>

namespace {

enum class Colour { red, green, blue, unlisted };

struct ColourName {
    Colour value;
    std::string_view wire;
    int rank;
};

constexpr std::array<ColourName, 3> kColours{{
    {Colour::red, "red", 1},
    {Colour::green, "green", 2},
    {Colour::blue, "blue", 3},
}};

constexpr ColourName kPlainColours[] = {{Colour::green, "green", 20}, {Colour::red, "red", 10}};

} // namespace

TEST_CASE("table lookup: an entry by any member, the first entry standing in, a value of another "
          "member",
          "[errors][table]") {
    using tc::errors::entryOrFirst;
    using tc::errors::findEntry;
    using tc::errors::valueWhere;
    CHECK(findEntry(kColours, &ColourName::value, Colour::green) == &kColours[1]);
    CHECK(findEntry(kColours, &ColourName::wire, std::string_view("blue")) == &kColours[2]);
    CHECK(findEntry(kColours, &ColourName::value, Colour::unlisted) == nullptr);
    CHECK(entryOrFirst(kColours, &ColourName::value, Colour::blue).rank == 3);
    CHECK(&entryOrFirst(kColours, &ColourName::value, Colour::unlisted) == &kColours[0]);
    CHECK(valueWhere(kColours, &ColourName::wire, std::string_view("green"), &ColourName::value) ==
          Colour::green);
    CHECK_FALSE(
        valueWhere(kColours, &ColourName::wire, std::string_view("mauve"), &ColourName::value));
    // A C array, as the cabin's instruments are.
    CHECK(entryOrFirst(kPlainColours, &ColourName::value, Colour::red).rank == 10);
    CHECK(entryOrFirst(kPlainColours, &ColourName::value, Colour::blue).rank == 20);
    // Usable in constant expressions.
    static_assert(findEntry(kColours, &ColourName::value, Colour::red)->rank == 1);
}

TEST_CASE("enum names: one name per value in the enum's order, a stand-in beyond the last, the "
          "value of a name",
          "[errors][table]") {
    enum class Light { off, dim, bright };
    constexpr tc::errors::EnumNames<Light::bright> names{{"off", "dim", "bright"}};
    static_assert(names(Light::dim, "?") == "dim");
    CHECK(names(Light::off, "?") == "off");
    CHECK(names(Light::bright, "?") == "bright");
    CHECK(names(static_cast<Light>(7), "?") == "?");
    CHECK(names.find("bright") == Light::bright);
    CHECK(names.find("off") == Light::off);
    CHECK_FALSE(names.find("dazzling"));
    CHECK_FALSE(names.find(""));
}

TEST_CASE("enum map: another enum's value for each value, and back", "[errors][table]") {
    enum class Light { off, dim, bright };
    enum Shown { Dark, Lit, Unknown };
    constexpr tc::errors::EnumMap<Light::bright, Shown> shown{{Dark, Lit, Lit}};
    static_assert(shown(Light::off, Unknown) == Dark);
    CHECK(shown(Light::dim, Unknown) == Lit);
    CHECK(shown(static_cast<Light>(3), Unknown) == Unknown);
    // The first value that stands for it.
    CHECK(shown.find(Lit) == Light::dim);
    CHECK_FALSE(shown.find(Unknown));
}
