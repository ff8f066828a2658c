#pragma once
// What the doctor reads under a field of the ordonnance the prescriptions library could not
// read: its error code in the console's language. The library's own detail ("expected
// YYYY-MM-DD") is English for logs and for other programs, and never reaches the screen.

#include "tc/prescriptions/errors.hpp"

#include <QString>

namespace tc::app {

QString describeParseError(const prescriptions::ParseError& error);

} // namespace tc::app
