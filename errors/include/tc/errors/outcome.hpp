#pragma once
// One outcome type: boost::system::result. Plain failures are an error_code; a failure that
// carries more (where in the input, which certificate, whether a print may still come out)
// derives from Failure, so it always has a code, and `value()` on it throws a system_error
// with that code wherever the failure type lives (argument-dependent lookup finds the base).

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>
#include <string>

namespace tc::errors {

template <class T, class E = boost::system::error_code> using Outcome = boost::system::result<T, E>;

struct Failure {
    boost::system::error_code code;
    std::string detail; // English, for logs: what and where, beyond the code's message

    std::string message() const {
        return detail.empty() ? code.message() : code.message() + ": " + detail;
    }
};

[[noreturn]] inline void throw_exception_from_error(const Failure& failure,
                                                    const boost::source_location& location) {
    boost::throw_exception(boost::system::system_error(failure.code, failure.detail), location);
}

} // namespace tc::errors
