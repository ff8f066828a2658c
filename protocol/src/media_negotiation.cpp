#include "tc/protocol/media_negotiation.hpp"

#include <algorithm>

namespace tc::protocol {

std::string_view toString(KeyingMode mode) noexcept {
    return mode == KeyingMode::dtls ? "DTLS-SRTP" : "SDES";
}

boost::system::result<LocalKeying> offerKeying(KeyingMode mode) {
    LocalKeying keying;
    keying.mode = mode;
    if (mode == KeyingMode::sdes) {
        keying.crypto = {freshCrypto(SrtpSuite::aeadAes128Gcm, 1),
                         freshCrypto(SrtpSuite::aesCm128HmacSha1_80, 2)};
        return keying;
    }
    auto certificate = DtlsCertificate::generate();
    if (!certificate) {
        return certificate.error();
    }
    keying.certificate = std::move(*certificate);
    keying.setup = DtlsSetup::actpass;
    return keying;
}

TransportDescription describeTransport(const IceCredentials& ice, std::vector<Candidate> candidates,
                                       const LocalKeying& keying) {
    TransportDescription description;
    description.ice = ice;
    description.candidates = std::move(candidates);
    if (keying.mode == KeyingMode::dtls) {
        description.fingerprint = keying.certificate->fingerprint();
        description.setup = keying.setup;
    } else {
        description.crypto = keying.crypto;
    }
    return description;
}

boost::system::result<AnswerKeying> answerKeying(const TransportDescription& offer) {
    AnswerKeying answer;
    if (offer.fingerprint) {
        if (offer.setup == DtlsSetup::none) {
            return make_error_code(SdpErrc::badSetup);
        }
        auto certificate = DtlsCertificate::generate();
        if (!certificate) {
            return certificate.error();
        }
        // RFC 5763 §5: the answerer SHOULD be active, so it can start as soon as its checks pass.
        // An offerer that insists on being active (setup:active) makes us passive.
        const bool weAreClient = offer.setup != DtlsSetup::active;
        answer.local.mode = KeyingMode::dtls;
        answer.local.certificate = *certificate;
        answer.local.setup = weAreClient ? DtlsSetup::active : DtlsSetup::passive;
        answer.transport = DtlsParameters{weAreClient ? DtlsRole::client : DtlsRole::server,
                                          std::move(*certificate), *offer.fingerprint};
        return answer;
    }
    const auto chosen = chooseCrypto(offer.crypto);
    if (!chosen) {
        return chosen.error();
    }
    const auto& theirs = *std::find_if(offer.crypto.begin(), offer.crypto.end(),
                                       [&](const auto& c) { return c.tag == chosen->tag; });
    answer.local.mode = KeyingMode::sdes;
    answer.local.crypto = {*chosen};
    answer.transport = SrtpKeys{chosen->suite, chosen->keyAndSalt, theirs.keyAndSalt};
    return answer;
}

boost::system::result<TransportKeying> keyingFromAnswer(const LocalKeying& offered,
                                                        const TransportDescription& answer) {
    if (offered.mode == KeyingMode::dtls) {
        if (!answer.fingerprint) {
            return make_error_code(SdpErrc::keyingMismatch);
        }
        if (answer.setup != DtlsSetup::active && answer.setup != DtlsSetup::passive) {
            return make_error_code(SdpErrc::badSetup); // actpass is for offers only
        }
        const auto role = answer.setup == DtlsSetup::active ? DtlsRole::server : DtlsRole::client;
        return TransportKeying(DtlsParameters{role, offered.certificate, *answer.fingerprint});
    }
    // SDES: the answer keeps one of our offers (same tag and suite) and brings its own key.
    if (answer.crypto.empty()) {
        return make_error_code(SdpErrc::keyingMismatch);
    }
    const auto& answered = answer.crypto.front();
    const auto ours = std::find_if(offered.crypto.begin(), offered.crypto.end(),
                                   [&](const auto& c) { return c.tag == answered.tag; });
    if (ours == offered.crypto.end() || ours->suite != answered.suite) {
        return make_error_code(SdpErrc::keyingMismatch);
    }
    return TransportKeying(SrtpKeys{answered.suite, ours->keyAndSalt, answered.keyAndSalt});
}

} // namespace tc::protocol
