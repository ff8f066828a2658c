// SDP transport attributes: a=crypto (RFC 4568), a=candidate and ICE credentials (RFC 8839).
#include "support/catch_result.hpp"
#include "tc/protocol/sdp_transport.hpp"

using namespace tc::protocol;

TEST_CASE("a=crypto: RFC 4568 example and round trips", "[sdp]") {
    // RFC 4568 §4's key, without its MKI.
    const auto example = parseCrypto(
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20");
    REQUIRE(example);
    CHECK(example->tag == 1);
    CHECK(example->suite == SrtpSuite::aesCm128HmacSha1_80);
    REQUIRE(example->keyAndSalt.size() == 30);
    CHECK(example->keyAndSalt[0] == 0x3d); // 'PS1u' decodes to 3d 2d 6e
    CHECK(example->keyAndSalt[1] == 0x2d);
    CHECK(example->keyAndSalt[2] == 0x6e);

    const auto suite = GENERATE(SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80);
    const auto fresh = freshCrypto(suite, 7);
    const auto back = parseCrypto(formatCrypto(fresh));
    REQUIRE(back);
    CHECK(back->tag == 7);
    CHECK(back->suite == suite);
    CHECK(back->keyAndSalt == fresh.keyAndSalt);
}

TEST_CASE("a=crypto: hostile and unsupported lines", "[sdp]") {
    CHECK(parseCrypto("a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                      "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32")
              .error() == SdpErrc::badCrypto); // MKI
    CHECK(parseCrypto(
              "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR")
              .error() == SdpErrc::unsupportedSuite);
    CHECK(parseCrypto("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=").error() ==
          SdpErrc::badCrypto); // wrong key length
    CHECK(parseCrypto("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:@@@@").error() ==
          SdpErrc::badCrypto);
    CHECK(parseCrypto("a=crypto:x AEAD_AES_128_GCM inline:AAAA").error() == SdpErrc::badCrypto);
    CHECK(parseCrypto("a=crypto:1").error() == SdpErrc::badCrypto);
    CHECK(parseCrypto("a=fingerprint:sha-256 00").error() == SdpErrc::badCrypto);
}

TEST_CASE("candidates round trip and bad ones are refused", "[sdp]") {
    Candidate c{Candidate::Type::host,
                boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 50000),
                2130706431};
    const auto line = formatCandidate(c, 1);
    CHECK(line == "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host");
    const auto back = parseCandidate(line);
    REQUIRE(back);
    CHECK(back->endpoint == c.endpoint);
    CHECK(back->priority == c.priority);
    CHECK(parseCandidate("a=candidate:1 1 udp 1 ::1 9 typ relay")->type == Candidate::Type::relay);
    CHECK_FALSE(parseCandidate("a=candidate:1 1 udp 1 127.0.0.1 0 typ host"));
    // What browsers gather besides UDP: well-formed, skipped, and told apart from garbage.
    CHECK(parseCandidate("a=candidate:1 1 tcp 1 127.0.0.1 9 typ host tcptype active").error() ==
          SdpErrc::unsupportedCandidate);
    CHECK(parseCandidate("a=candidate:1 1 udp 1 0b5e3f2a-4c1d-4e6f-9a8b-7c6d5e4f3a2b.local 9 typ "
                         "host")
              .error() == SdpErrc::unsupportedCandidate);
    CHECK(parseCandidate("a=candidate:1 1 udp 1 abc.example 9 typ host").error() ==
          SdpErrc::badCandidate);
    CHECK(parseCandidate("a=candidate:1 1 sctp 1 127.0.0.1 9 typ host").error() ==
          SdpErrc::badCandidate);
    // Chromium's own line, with its extension attributes.
    const auto chromium = parseCandidate("candidate:1220945825 1 udp 2122194687 192.0.2.2 38742 "
                                         "typ host generation 0 ufrag 4Cfm network-id 1");
    REQUIRE(chromium);
    CHECK(chromium->endpoint.port() == 38742);
    CHECK(chromium->foundation == "1220945825");
    CHECK_FALSE(parseCandidate("a=candidate:1 1 udp 1 127.0.0.1 99999 typ host"));
    CHECK_FALSE(parseCandidate("a=candidate:1 2 udp 1 127.0.0.1 9 typ host")); // rtcp-mux only
}

TEST_CASE("transport attributes ride in every bundled section, candidates in the first", "[sdp]") {
    const std::string offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=telecabine\r\nt=0 0\r\n"
                              "m=audio 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:steth\r\n"
                              "m=video 9 UDP/TLS/RTP/SAVPF 100\r\na=mid:video\r\n";
    TransportDescription transport;
    transport.ice = makeIceCredentials();
    transport.candidates.push_back(
        {Candidate::Type::host,
         boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 40000), 100});
    transport.crypto = {freshCrypto(SrtpSuite::aeadAes128Gcm, 1),
                        freshCrypto(SrtpSuite::aesCm128HmacSha1_80, 2)};
    const auto described = withTransport(offer, transport);
    REQUIRE(described);
    CHECK(described->find("m=audio 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:") != std::string::npos);
    // JSEP answerers (Chromium) reject a bundled section without them.
    CHECK(described->find("m=video 9 UDP/TLS/RTP/SAVPF 100\r\na=ice-ufrag:" + transport.ice.ufrag +
                          "\r\n") != std::string::npos);
    const auto video = described->substr(described->find("m=video"));
    CHECK(video.find("a=crypto:2 ") != std::string::npos);
    CHECK(video.find("a=candidate:") == std::string::npos);
    CHECK(video.find("a=ice-options:trickle") != std::string::npos);
    const auto back = parseTransport(*described);
    REQUIRE(back);
    CHECK(back->ice.ufrag == transport.ice.ufrag);
    CHECK(back->ice.password == transport.ice.password);
    REQUIRE(back->candidates.size() == 1);
    REQUIRE(back->crypto.size() == 2);
    CHECK(back->crypto[1].keyAndSalt == transport.crypto[1].keyAndSalt);
    // The answerer takes the preferred suite, with its own key.
    const auto chosen = chooseCrypto(back->crypto);
    REQUIRE(chosen);
    CHECK(chosen->suite == SrtpSuite::aeadAes128Gcm);
    CHECK(chosen->keyAndSalt != transport.crypto[0].keyAndSalt);

    CHECK(parseTransport(offer).error() == SdpErrc::missingAttribute);
    CHECK(parseTransport("v=0\r\n").error() == SdpErrc::noMedia);
    CHECK(withTransport("v=0\r\n", transport).error() == SdpErrc::noMedia);
}

TEST_CASE("answers: session-level attributes and a trickling answerer without candidates",
          "[sdp]") {
    const auto ice = makeIceCredentials();
    // Firefox writes the fingerprint at session level; a trickling browser may answer before
    // it has gathered a single candidate.
    const std::string answer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        "a=fingerprint:sha-256 "
        "E0:BF:47:ED:85:2F:33:41:C0:63:04:7F:C6:00:BE:2B:95:AF:FA:A2:FA:89:03:47:13:72:36:D8:12:"
        "35:27:93\r\na=ice-options:trickle\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:" +
        ice.ufrag + "\r\na=ice-pwd:" + ice.password + "\r\na=setup:active\r\na=mid:steth\r\n";
    const auto parsed = parseTransport(answer);
    REQUIRE(parsed);
    CHECK(parsed->fingerprint.has_value());
    CHECK(parsed->setup == DtlsSetup::active);
    CHECK(parsed->candidates.empty());
    // Without trickle, no candidates is an answer nobody can reach.
    std::string noTrickle = answer;
    noTrickle.erase(noTrickle.find("a=ice-options:trickle\r\n"), 23);
    CHECK(parseTransport(noTrickle).error() == SdpErrc::missingAttribute);
}
