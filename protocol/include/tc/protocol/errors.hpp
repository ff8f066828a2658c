#pragma once
// Typed errors of the rendezvous protocol. Every value has a stable wire name (used in the
// `error` message's `code` field) and a readable message; see protocol/README.md.

#include "tc/protocol/errc/protocol_errc.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string_view>

namespace tc::protocol {

template <class T> using Result = boost::system::result<T>;

} // namespace tc::protocol
