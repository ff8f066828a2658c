#pragma once
// The transport part of a session description (SDP, RFC 8866): ICE credentials and candidates
// (RFC 8839), DTLS-SRTP's certificate fingerprint and role (RFC 8122 a=fingerprint, RFC 5763
// a=setup), or SDES keys (RFC 4568 a=crypto) for peers keyed over the TLS signalling. All
// streams share one transport (BUNDLE), so these attributes live in the first media section.

#include "tc/protocol/errc/sdp_errc.hpp"
#include "tc/protocol/media_transport.hpp"
#include "tc/protocol/rtp_session.hpp"
#include "tc/protocol/srtp_session.hpp"

#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

struct CryptoAttribute {
    int tag = 1;
    SrtpSuite suite = SrtpSuite::aeadAes128Gcm;
    std::vector<std::uint8_t> keyAndSalt;
};

// RFC 4145/5763 a=setup: the offerer says actpass, the answerer active (it will be the DTLS
// client) or passive.
enum class DtlsSetup { none, actpass, active, passive };

struct TransportDescription {
    IceCredentials ice;
    std::vector<Candidate> candidates;
    std::optional<Fingerprint> fingerprint; // DTLS-SRTP
    DtlsSetup setup = DtlsSetup::none;
    std::vector<CryptoAttribute> crypto; // SDES, in order of preference
};

std::string formatCrypto(const CryptoAttribute& crypto); // "a=crypto:..." without CRLF
boost::system::result<CryptoAttribute> parseCrypto(std::string_view line);
std::string formatCandidate(const Candidate& candidate, int foundation);
boost::system::result<Candidate> parseCandidate(std::string_view line);

// Adds the transport attributes to the first media section of `sdp`.
boost::system::result<std::string> withTransport(std::string_view sdp,
                                                 const TransportDescription& transport);
// Reads them back; refuses a description without ICE credentials, candidates, or a keying
// (a fingerprint with its setup, or a=crypto).
boost::system::result<TransportDescription> parseTransport(std::string_view sdp);

// The RTP streams a description negotiates, one per media payload type (named by the section's
// a=mid), each with its RTX payload type (a=rtpmap:N rtx/..., a=fmtp:N apt=PT) when offered.
// Sections that are inactive or rejected (port 0) carry none.
std::vector<RtpStreamConfig> rtpStreamsOf(std::string_view sdp);
// The direction of the section named by a=mid (RFC 3264 §5.1): "sendrecv", "sendonly",
// "recvonly" or "inactive"; "sendrecv" when it says nothing, "inactive" when there is none.
std::string_view directionOf(std::string_view sdp, std::string_view mid);
// The RFC 8285 id a section (by a=mid) gives to a header extension URI (a=extmap), if any.
std::optional<std::uint8_t> extensionIdOf(std::string_view sdp, std::string_view mid,
                                          std::string_view uri);

// The answerer's choice: the first offered suite we support, answered with the same tag and a
// fresh key of our own.
boost::system::result<CryptoAttribute> chooseCrypto(const std::vector<CryptoAttribute>& offered);
CryptoAttribute freshCrypto(SrtpSuite suite, int tag = 1);

} // namespace tc::protocol
