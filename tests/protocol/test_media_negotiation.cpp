// Offer/answer of the media keying: DTLS-SRTP by default (fingerprint and a=setup through the
// SDP), SDES on request, and answers that do not match the offer refused with typed errors.
#include "catch_result.hpp"
#include "tc/protocol/media_negotiation.hpp"

using namespace tc::protocol;

namespace {

constexpr const char* kBaseSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                                 "m=audio 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 L16/48000\r\n";

std::vector<Candidate> candidates() {
    return {Candidate{
        Candidate::Type::host, {boost::asio::ip::make_address("127.0.0.1"), 40000}, 2130706431}};
}

// Through the SDP text and back, as over the rendezvous service.
TransportDescription overTheWire(const TransportDescription& description) {
    auto sdp = withTransport(kBaseSdp, description);
    REQUIRE(sdp);
    auto parsed = parseTransport(*sdp);
    REQUIRE(parsed);
    return *parsed;
}

} // namespace

TEST_CASE("negotiation: DTLS-SRTP offer and answer agree on roles and fingerprints",
          "[sdp][dtls]") {
    const auto offered = offerKeying(KeyingMode::dtls);
    REQUIRE(offered);
    const auto offer = overTheWire(describeTransport(makeIceCredentials(), candidates(), *offered));
    CHECK(offer.setup == DtlsSetup::actpass);
    REQUIRE(offer.fingerprint);
    CHECK(*offer.fingerprint == offered->certificate->fingerprint());
    CHECK(offer.crypto.empty()); // no key material in the signalling

    const auto answered = answerKeying(offer);
    REQUIRE(answered);
    CHECK(answered->local.setup == DtlsSetup::active);
    const auto& cabin = std::get<DtlsParameters>(answered->transport);
    CHECK(cabin.role == DtlsRole::client);
    CHECK(cabin.remoteFingerprint == offered->certificate->fingerprint());

    const auto answer =
        overTheWire(describeTransport(makeIceCredentials(), candidates(), answered->local));
    const auto keying = keyingFromAnswer(*offered, answer);
    REQUIRE(keying);
    const auto& console = std::get<DtlsParameters>(*keying);
    CHECK(console.role == DtlsRole::server);
    CHECK(console.remoteFingerprint == answered->local.certificate->fingerprint());
    CHECK(console.certificate == offered->certificate);
}

TEST_CASE("negotiation: SDES offer and answer exchange keys crosswise", "[sdp]") {
    const auto offered = offerKeying(KeyingMode::sdes);
    REQUIRE(offered);
    const auto offer = overTheWire(describeTransport(makeIceCredentials(), candidates(), *offered));
    CHECK_FALSE(offer.fingerprint);
    REQUIRE(offer.crypto.size() == 2);
    CHECK(offer.crypto.front().suite == SrtpSuite::aeadAes128Gcm);
    const auto answered = answerKeying(offer);
    REQUIRE(answered);
    const auto& cabin = std::get<SrtpKeys>(answered->transport);
    const auto answer =
        overTheWire(describeTransport(makeIceCredentials(), candidates(), answered->local));
    const auto keying = keyingFromAnswer(*offered, answer);
    REQUIRE(keying);
    const auto& console = std::get<SrtpKeys>(*keying);
    CHECK(console.suite == SrtpSuite::aeadAes128Gcm);
    CHECK(console.sendKey == cabin.receiveKey);
    CHECK(console.receiveKey == cabin.sendKey);
}

TEST_CASE("negotiation: inconsistent answers and descriptions are refused", "[sdp][hostile]") {
    const auto dtls = *offerKeying(KeyingMode::dtls);
    const auto sdes = *offerKeying(KeyingMode::sdes);
    const auto ice = makeIceCredentials();

    // A DTLS offer answered with SDES keys (a downgrade), and the reverse.
    const auto sdesAnswer = overTheWire(describeTransport(ice, candidates(), sdes));
    CHECK(keyingFromAnswer(dtls, sdesAnswer).error() == SdpErrc::keyingMismatch);
    const auto dtlsAnswer = overTheWire(describeTransport(ice, candidates(), dtls));
    CHECK(keyingFromAnswer(sdes, dtlsAnswer).error() == SdpErrc::keyingMismatch);
    // An answer that says actpass.
    CHECK(keyingFromAnswer(dtls, dtlsAnswer).error() == SdpErrc::badSetup);

    // Malformed fingerprint or setup in the text.
    auto sdp = *withTransport(kBaseSdp, describeTransport(ice, candidates(), dtls));
    auto broken = sdp;
    broken.replace(broken.find("sha-256 ") + 8, 2, "ZZ");
    CHECK(parseTransport(broken).error() == DtlsErrc::badFingerprint);
    broken = sdp;
    broken.replace(broken.find("a=setup:actpass"), 15, "a=setup:holdconn");
    CHECK(parseTransport(broken).error() == SdpErrc::badSetup);
    broken = sdp;
    broken.erase(broken.find("a=setup:actpass"), 17);
    CHECK(parseTransport(broken).error() == SdpErrc::badSetup);
    broken = sdp;
    broken.replace(broken.find("sha-256"), 7, "sha-1");
    CHECK(parseTransport(broken).error() == DtlsErrc::badFingerprint);
    // No keying at all.
    TransportDescription bare{ice, candidates(), std::nullopt, DtlsSetup::none, {}};
    CHECK(parseTransport(*withTransport(kBaseSdp, bare)).error() == SdpErrc::missingAttribute);
}
