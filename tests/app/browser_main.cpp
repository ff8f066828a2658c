// The browser cabin's tests: plain Catch, no Qt application (the console's offer needs none).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
