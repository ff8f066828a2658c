#pragma once
// Lets Catch print boost::system::result values (their own operator<< needs a printable T), and
// reads a failed result as its stable key (failureKey).

#include <boost/system/error_category.hpp>
#include <boost/system/result.hpp>
#include <catch2/catch.hpp>
#include <string>

namespace Catch {
template <class T, class E> struct StringMaker<boost::system::result<T, E>> {
    static std::string convert(const boost::system::result<T, E>& r) {
        return r.has_value() ? "result(value)" : "result(error)";
    }
};
} // namespace Catch

namespace tc::test {

// "ok"; or, for a failure (an `error().code`) in `category`, its stable key (the wireName of
// `Errc`: "hash_mismatch"); or another category's message.
template <class Errc, class Result>
std::string failureKey(const Result& result, const boost::system::error_category& category) {
    if (result) {
        return "ok";
    }
    const auto& code = result.error().code;
    if (code.category() == category) {
        return std::string(wireName(static_cast<Errc>(code.value())));
    }
    return code.message();
}

} // namespace tc::test
