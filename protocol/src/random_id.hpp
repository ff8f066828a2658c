#pragma once
// Unguessable identifiers from the OpenSSL CSPRNG, as lowercase hex.

#include <cstddef>
#include <string>

namespace tc::protocol::detail {

std::string randomHex(std::size_t bytes);

} // namespace tc::protocol::detail
