#pragma once
// What the doctor reads when something goes wrong: what happened and what to do next, in the
// interface's language. Lower layers' messages are English, for logs: they never reach a screen.
// Codes worded here are said in words; any other says which part failed and its code (category
// and value), which support can look up.

#include <QString>
#include <boost/system/error_code.hpp>

namespace tc::app {

// A rendezvous-service error (connection, claim, shift...), with what to do next.
QString describeError(const boost::system::error_code& error);

// Any error, as a phrase to follow "Caméra inutilisable : ", "Signature impossible : "...
QString errorText(const boost::system::error_code& error);

} // namespace tc::app
