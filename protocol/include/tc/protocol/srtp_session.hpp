#pragma once
// SRTP/SRTCP for one direction of a media session, on libsrtp 2 (RAII, pimpl). Replay window
// sized for the jitter buffer (1024), every drop counted by cause, and SRTCP length and E-flag
// validated before libsrtp sees a packet (libsrtp issue #817: AEAD SRTCP heap overflow).

#include "tc/protocol/errc/srtp_errc.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace tc::protocol {

enum class SrtpSuite { aeadAes128Gcm, aesCm128HmacSha1_80 };
std::string_view toString(SrtpSuite suite) noexcept; // RFC 4568 / 7714 names
// Master key plus master salt, as exported from DTLS or carried in a=crypto.
std::size_t masterKeyLength(SrtpSuite suite) noexcept;
// Bytes protect() appends to an RTP packet (authentication tag).
std::size_t rtpTrailerLength(SrtpSuite suite) noexcept;
// Bytes protectRtcp() appends (SRTCP index + tag).
std::size_t rtcpTrailerLength(SrtpSuite suite) noexcept;

enum class SrtpDirection { outbound, inbound };

// Both directions' master keys for a session, from DTLS-SRTP or from a=crypto.
struct SrtpKeys {
    SrtpSuite suite = SrtpSuite::aeadAes128Gcm;
    std::vector<std::uint8_t> sendKey;    // our master key + salt
    std::vector<std::uint8_t> receiveKey; // the peer's
};

struct SrtpStats {
    std::uint64_t packets = 0;   // protected or authenticated
    std::uint64_t replayed = 0;  // duplicates and packets older than the window
    std::uint64_t forged = 0;    // authentication failures
    std::uint64_t malformed = 0; // refused before libsrtp (too short, no E flag, bad header)
};

class SrtpSession {
public:
    inline static constexpr unsigned long kReplayWindow = 1024;

    static boost::system::result<SrtpSession>
    create(SrtpSuite suite, std::span<const std::uint8_t> masterKey, SrtpDirection direction);
    SrtpSession(SrtpSession&&) noexcept;
    SrtpSession& operator=(SrtpSession&&) noexcept;
    ~SrtpSession();

    // In place: `buffer` holds the packet in its first `length` bytes and has room for the
    // trailer; `length` is updated. Outbound sessions protect, inbound ones unprotect.
    boost::system::error_code protectRtp(std::span<std::uint8_t> buffer, std::size_t& length);
    boost::system::error_code protectRtcp(std::span<std::uint8_t> buffer, std::size_t& length);
    boost::system::error_code unprotectRtp(std::span<std::uint8_t> buffer, std::size_t& length);
    boost::system::error_code unprotectRtcp(std::span<std::uint8_t> buffer, std::size_t& length);

    SrtpSuite suite() const noexcept;
    const SrtpStats& stats() const noexcept;

private:
    struct Impl;
    explicit SrtpSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::protocol
