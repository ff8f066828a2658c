#pragma once
// Offer/answer for the media transport's keying, shared by the console (offerer) and the cabin
// (answerer) so both sides apply the same rules: DTLS-SRTP by default (fresh certificate per
// session, a=setup:actpass in the offer, the answerer active and DTLS client), SDES on request;
// the answer must key the way the offer proposed.

#include "tc/protocol/media_transport.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <boost/system/result.hpp>
#include <memory>
#include <vector>

namespace tc::protocol {

enum class KeyingMode { dtls, sdes };

// Our side of the keying, as it goes into our description.
struct LocalKeying {
    KeyingMode mode = KeyingMode::dtls;
    std::shared_ptr<const DtlsCertificate> certificate; // DTLS
    DtlsSetup setup = DtlsSetup::none;                  // DTLS
    std::vector<CryptoAttribute> crypto;                // SDES: what we offer, or the one we answer
};

// Offerer: a fresh certificate, or fresh keys for both suites (AEAD first).
boost::system::result<LocalKeying> offerKeying(KeyingMode mode);

// Our transport description for the SDP.
TransportDescription describeTransport(const IceCredentials& ice, std::vector<Candidate> candidates,
                                       const LocalKeying& keying);

struct AnswerKeying {
    LocalKeying local;         // for our answer
    TransportKeying transport; // for MediaTransport::start
};
// Answerer: DTLS if the offer has a fingerprint (we go active), else the first supported
// a=crypto with a fresh key of our own.
boost::system::result<AnswerKeying> answerKeying(const TransportDescription& offer);

// Offerer, when the answer is in.
boost::system::result<TransportKeying> keyingFromAnswer(const LocalKeying& offered,
                                                        const TransportDescription& answer);

std::string_view toString(KeyingMode mode) noexcept;

} // namespace tc::protocol
