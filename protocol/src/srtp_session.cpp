#include "tc/protocol/srtp_session.hpp"

#include <cstring>
#include <mutex>
#include <srtp2/srtp.h>

namespace tc::protocol {
namespace {

bool initialiseLibrary() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = srtp_init() == srtp_err_status_ok; });
    return ok;
}

constexpr std::size_t kRtcpHeader = 8;
constexpr std::size_t kSrtcpIndex = 4;

} // namespace

std::string_view toString(SrtpSuite suite) noexcept {
    return suite == SrtpSuite::aeadAes128Gcm ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80";
}

std::size_t masterKeyLength(SrtpSuite suite) noexcept {
    return suite == SrtpSuite::aeadAes128Gcm ? 16 + 12 : 16 + 14;
}

std::size_t rtpTrailerLength(SrtpSuite suite) noexcept {
    return suite == SrtpSuite::aeadAes128Gcm ? 16 : 10;
}

std::size_t rtcpTrailerLength(SrtpSuite suite) noexcept {
    return kSrtcpIndex + rtpTrailerLength(suite);
}

struct SrtpSession::Impl {
    srtp_t session = nullptr;
    SrtpSuite suite = SrtpSuite::aeadAes128Gcm;
    SrtpDirection direction = SrtpDirection::outbound;
    SrtpStats stats;
    ~Impl() {
        if (session != nullptr) {
            srtp_dealloc(session);
        }
    }
};

SrtpSession::SrtpSession(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
SrtpSession::SrtpSession(SrtpSession&&) noexcept = default;
SrtpSession& SrtpSession::operator=(SrtpSession&&) noexcept = default;
SrtpSession::~SrtpSession() = default;

boost::system::result<SrtpSession> SrtpSession::create(SrtpSuite suite,
                                                       std::span<const std::uint8_t> masterKey,
                                                       SrtpDirection direction) {
    if (!initialiseLibrary()) {
        return make_error_code(SrtpErrc::libraryFailure);
    }
    if (masterKey.size() != masterKeyLength(suite)) {
        return make_error_code(SrtpErrc::badKey);
    }
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    if (suite == SrtpSuite::aeadAes128Gcm) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    }
    policy.ssrc.type = direction == SrtpDirection::outbound ? ssrc_any_outbound : ssrc_any_inbound;
    // libsrtp copies the key during srtp_create; it only reads through this pointer.
    policy.key = const_cast<unsigned char*>(masterKey.data());
    policy.window_size = kReplayWindow;
    policy.allow_repeat_tx = 0;
    policy.next = nullptr;
    auto impl = std::make_unique<Impl>();
    impl->suite = suite;
    impl->direction = direction;
    if (srtp_create(&impl->session, &policy) != srtp_err_status_ok) {
        impl->session = nullptr;
        return make_error_code(SrtpErrc::libraryFailure);
    }
    return SrtpSession(std::move(impl));
}

SrtpSuite SrtpSession::suite() const noexcept {
    return m_impl->suite;
}
const SrtpStats& SrtpSession::stats() const noexcept {
    return m_impl->stats;
}

namespace {

boost::system::error_code classify(srtp_err_status_t status, SrtpStats& stats) {
    switch (status) {
    case srtp_err_status_ok:
        ++stats.packets;
        return {};
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
        ++stats.replayed;
        return make_error_code(SrtpErrc::replayed);
    case srtp_err_status_auth_fail:
    case srtp_err_status_cipher_fail: // AEAD tag mismatch surfaces here
        ++stats.forged;
        return make_error_code(SrtpErrc::authenticationFailed);
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
        ++stats.malformed;
        return make_error_code(SrtpErrc::malformed);
    default:
        ++stats.malformed;
        return make_error_code(SrtpErrc::libraryFailure);
    }
}

} // namespace

boost::system::error_code SrtpSession::protectRtp(std::span<std::uint8_t> buffer,
                                                  std::size_t& length) {
    if (m_impl->direction != SrtpDirection::outbound || length < 12 || length > buffer.size()) {
        return make_error_code(SrtpErrc::malformed);
    }
    // No MKI is configured, so libsrtp writes exactly the tag.
    if (buffer.size() - length < rtpTrailerLength(m_impl->suite)) {
        return make_error_code(SrtpErrc::bufferTooSmall);
    }
    int size = static_cast<int>(length);
    const auto status = srtp_protect(m_impl->session, buffer.data(), &size);
    length = static_cast<std::size_t>(size);
    return classify(status, m_impl->stats);
}

boost::system::error_code SrtpSession::protectRtcp(std::span<std::uint8_t> buffer,
                                                   std::size_t& length) {
    if (m_impl->direction != SrtpDirection::outbound || length < kRtcpHeader ||
        length > buffer.size()) {
        return make_error_code(SrtpErrc::malformed);
    }
    if (buffer.size() - length < rtcpTrailerLength(m_impl->suite)) {
        return make_error_code(SrtpErrc::bufferTooSmall);
    }
    int size = static_cast<int>(length);
    const auto status = srtp_protect_rtcp(m_impl->session, buffer.data(), &size);
    length = static_cast<std::size_t>(size);
    return classify(status, m_impl->stats);
}

boost::system::error_code SrtpSession::unprotectRtp(std::span<std::uint8_t> buffer,
                                                    std::size_t& length) {
    if (m_impl->direction != SrtpDirection::inbound || length > buffer.size() ||
        length < 12 + rtpTrailerLength(m_impl->suite) || (buffer[0] >> 6) != 2) {
        ++m_impl->stats.malformed;
        return make_error_code(SrtpErrc::malformed);
    }
    int size = static_cast<int>(length);
    const auto status = srtp_unprotect(m_impl->session, buffer.data(), &size);
    length = static_cast<std::size_t>(size);
    return classify(status, m_impl->stats);
}

boost::system::error_code SrtpSession::unprotectRtcp(std::span<std::uint8_t> buffer,
                                                     std::size_t& length) {
    // libsrtp #817: a short AEAD SRTCP packet made libsrtp read and write out of bounds. Refuse
    // anything that cannot hold a header, the index word and the full tag, and anything not
    // encrypted (E flag clear): we never send plaintext RTCP and never accept it.
    const std::size_t minimum = kRtcpHeader + rtcpTrailerLength(m_impl->suite);
    if (m_impl->direction != SrtpDirection::inbound || length > buffer.size() || length < minimum ||
        (buffer[0] >> 6) != 2) {
        ++m_impl->stats.malformed;
        return make_error_code(SrtpErrc::malformed);
    }
    // The E flag heads the SRTCP index word: after the tag for AEAD (RFC 7714 §9.1), before the
    // tag for AES-CM/HMAC (RFC 3711 §3.4).
    const std::size_t indexAt = m_impl->suite == SrtpSuite::aeadAes128Gcm
                                    ? length - kSrtcpIndex
                                    : length - rtcpTrailerLength(m_impl->suite);
    if ((buffer[indexAt] & 0x80) == 0) {
        ++m_impl->stats.malformed;
        return make_error_code(SrtpErrc::malformed);
    }
    int size = static_cast<int>(length);
    const auto status = srtp_unprotect_rtcp(m_impl->session, buffer.data(), &size);
    length = static_cast<std::size_t>(size);
    return classify(status, m_impl->stats);
}

} // namespace tc::protocol
