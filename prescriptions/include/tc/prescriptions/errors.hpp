#pragma once
// Typed errors of tc::prescriptions. Every value has a stable snake_case wire name and a readable
// message (see prescriptions/README.md). Validation problems of a prescription's content are not
// errors but located issues: see validation.hpp.

#include "tc/errors/outcome.hpp"
#include "tc/prescriptions/errc/prescriptions_errc.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tc::prescriptions {

// A parse failure located in the input: `path` is a JSON pointer ("/lines/2/dosage/dose/unit",
// "" for the document itself) and `detail` a readable explanation.
struct ParseError : errors::Failure {
    ParseError() = default;
    ParseError(boost::system::error_code errorCode, std::string pointer, std::string text)
        : Failure{errorCode, std::move(text)}
        , path(std::move(pointer)) {}
    std::string path;
};

template <class T> using Result = boost::system::result<T>;
template <class T> using ParseResult = boost::system::result<T, ParseError>;

} // namespace tc::prescriptions
