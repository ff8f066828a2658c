#include "random_id.hpp"

#include <cstdlib>
#include <openssl/rand.h>
#include <vector>

namespace tc::protocol::detail {

std::string randomHex(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
        // Without a working CSPRNG no token can be trusted; this is not recoverable.
        std::abort();
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (const unsigned char b : raw) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0f]);
    }
    return out;
}

} // namespace tc::protocol::detail
