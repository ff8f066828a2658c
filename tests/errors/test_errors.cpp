#define CATCH_CONFIG_MAIN
#include "tc/errors/error_table.hpp"
#include "tc/errors/outcome.hpp"

#include <catch2/catch.hpp>

namespace {

enum class SampleErrc { first = 1, second };

constexpr std::array kSampleErrors{
    tc::errors::ErrcEntry{SampleErrc::first, "first_thing", "the first thing went wrong"},
    tc::errors::ErrcEntry{SampleErrc::second, "second_thing", "the second thing went wrong"},
};

const tc::errors::TableCategory<SampleErrc, 2>& sampleCategory() noexcept {
    static const tc::errors::TableCategory category("tc.sample", kSampleErrors);
    return category;
}

boost::system::error_code make_error_code(SampleErrc e) noexcept {
    return {static_cast<int>(e), sampleCategory()};
}

struct LocatedFailure : tc::errors::Failure {
    int line = 0;
};

tc::errors::Outcome<int, LocatedFailure> parsePositive(int n) {
    if (n > 0) {
        return n;
    }
    return LocatedFailure{{make_error_code(SampleErrc::second), "at line 3"}, 3};
}

} // namespace

TEST_CASE("a table category names its codes, keys and messages, and survives unknown values",
          "[errors]") {
    const auto& category = sampleCategory();
    CHECK(std::string(category.name()) == "tc.sample");
    CHECK(make_error_code(SampleErrc::first).message() == "the first thing went wrong");
    CHECK(category.key(SampleErrc::second) == "second_thing");
    CHECK(category.fromKey("second_thing") == SampleErrc::second);
    CHECK_FALSE(category.fromKey("third_thing").has_value());
    CHECK(category.message(99) == "tc.sample error 99");
    CHECK(category.key(static_cast<SampleErrc>(99)) == "unknown");
    // Codes of one category compare equal, never with another category's same value.
    CHECK(make_error_code(SampleErrc::first) == make_error_code(SampleErrc::first));
    CHECK(make_error_code(SampleErrc::first) !=
          boost::system::error_code(1, boost::system::generic_category()));
}

TEST_CASE("an outcome carries a value or a typed failure with its code, and value() throws it",
          "[errors]") {
    const auto good = parsePositive(4);
    REQUIRE(good.has_value());
    CHECK(*good == 4);

    const auto bad = parsePositive(-1);
    REQUIRE(bad.has_error());
    CHECK(bad.error().code == make_error_code(SampleErrc::second));
    CHECK(bad.error().line == 3);
    CHECK(bad.error().message() == "the second thing went wrong: at line 3");
    try {
        (void)bad.value();
        FAIL("value() of a failure must throw");
    } catch (const boost::system::system_error& error) {
        CHECK(error.code() == make_error_code(SampleErrc::second));
    }
}
