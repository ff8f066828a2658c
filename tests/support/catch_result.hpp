#pragma once
// Lets Catch print boost::system::result values (their own operator<< needs a printable T).

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
