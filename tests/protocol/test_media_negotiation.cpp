// Offer/answer of the media keying: DTLS-SRTP by default (fingerprint and a=setup through the
// SDP), SDES on request, and answers that do not match the offer refused with typed errors.
#include "support/catch_result.hpp"
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

TEST_CASE("negotiation: RTP streams and their RTX payload types come from the SDP", "[sdp]") {
    const std::string sdp =
        "v=0\r\ns=-\r\nt=0 0\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 96 97\r\na=mid:steth\r\n"
        "a=rtpmap:96 L16/48000/1\r\na=rtpmap:97 rtx/48000\r\na=fmtp:97 apt=96\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:voice\r\n"
        "a=rtpmap:111 opus/48000/2\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 100 101\r\na=mid:video\r\n"
        "a=rtpmap:100 VP8/90000\r\na=rtpmap:101 rtx/90000\r\n"
        "a=fmtp:101 apt=100\r\n"
        "m=video 0 UDP/TLS/RTP/SAVPF 102\r\na=mid:rejected\r\n"
        "a=rtpmap:102 H264/90000\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:off\r\na=inactive\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 98\r\na=mid:bad\r\n"
        "a=rtpmap:98 L16\r\na=rtpmap:200 L16/48000\r\na=fmtp:98 apt=1\r\n";
    const auto streams = rtpStreamsOf(sdp);
    REQUIRE(streams.size() == 3);
    CHECK(streams[0].name == "steth");
    CHECK(streams[0].payloadType == 96);
    CHECK(streams[0].clockRate == 48000);
    CHECK(streams[0].rtxPayloadType == std::uint8_t{97});
    CHECK(streams[0].encoding == "L16");
    CHECK(extensionIdOf(sdp, "steth", "urn:x") == std::nullopt);
    const auto withExtension = sdp + "m=audio 9 UDP/TLS/RTP/SAVPF 9\r\na=mid:ext\r\n"
                                     "a=extmap:3/recvonly urn:x\r\na=extmap:15 urn:y\r\n";
    CHECK(extensionIdOf(withExtension, "ext", "urn:x") == std::uint8_t{3});
    CHECK(extensionIdOf(withExtension, "ext", "urn:y") == std::nullopt); // not one-byte
    CHECK(extensionIdOf(withExtension, "steth", "urn:x") == std::nullopt);
    CHECK_FALSE(streams[0].video);
    CHECK(streams[1].name == "voice");
    CHECK_FALSE(streams[1].rtxPayloadType);
    CHECK(streams[2].name == "video");
    CHECK(streams[2].video);
    CHECK(streams[2].clockRate == 90000);
    CHECK(streams[2].rtxPayloadType == std::uint8_t{101});
}
