#pragma once
// What the doctor reads when something goes wrong: what happened and what to do next.

#include <QString>
#include <boost/system/error_code.hpp>

namespace tc::app {

QString describeError(const boost::system::error_code& error);

} // namespace tc::app
