// telecabine-bench browser-call's harness (app/bench/browser_doctor_sdp.hpp): a Chromium-style
// offer, rewritten, is answered by the cabin's real answerer as the console's would be, and the
// cabin's answer, rewritten back, names Chromium's mids, the cabin's SSRCs and the transport in
// every section.
#include "browser_doctor_sdp.hpp"
#include "sdp_answer.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/media/video_negotiation.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <catch2/catch.hpp>

using namespace tc;

namespace {

// What Chromium offers for recvonly audio, sendrecv audio and sendrecv video with Opus and VP8
// preferred (trimmed of the extmaps and ssrc lines that play no part here).
const std::string kChromiumOffer =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1 2\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS stream\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=candidate:1467250027 1 udp 2122260223 192.0.2.2 46243 typ host generation 0 "
    "network-id 1\r\n"
    "a=candidate:1853887674 1 tcp 1518280447 192.0.2.2 9 typ host tcptype active generation 0\r\n"
    "a=ice-ufrag:Zx3a\r\n"
    "a=ice-pwd:0123456789abcdefghijklmn\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:"
    "2C:19:08\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Zx3a\r\n"
    "a=ice-pwd:0123456789abcdefghijklmn\r\n"
    "a=fingerprint:sha-256 "
    "7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:"
    "2C:19:08\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=sendrecv\r\n"
    "a=msid:stream voice\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Zx3a\r\n"
    "a=ice-pwd:0123456789abcdefghijklmn\r\n"
    "a=fingerprint:sha-256 "
    "7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:"
    "2C:19:08\r\n"
    "a=setup:actpass\r\n"
    "a=mid:2\r\n"
    "a=sendrecv\r\n"
    "a=msid:stream camera\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 goog-remb\r\n"
    "a=rtcp-fb:96 transport-cc\r\n"
    "a=rtcp-fb:96 ccm fir\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n";

const bench::MidMap kMids = {{"0", "steth"}, {"1", "voice"}, {"2", "video"}};

bool has(const std::string& sdp, const std::string& line) {
    return sdp.find(line + "\r\n") != std::string::npos;
}

std::size_t count(const std::string& sdp, const std::string& text) {
    std::size_t n = 0;
    for (auto at = sdp.find(text); at != std::string::npos; at = sdp.find(text, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("browser-call harness: Chromium's offer is answered by the cabin as the console's") {
    const auto offer = bench::offerForCabin(kChromiumOffer, kMids);
    CHECK(has(offer, "a=group:BUNDLE steth voice video"));
    CHECK(has(offer, "a=mid:steth"));
    CHECK(has(offer, "a=mid:voice"));
    CHECK(has(offer, "a=mid:video"));
    CHECK_FALSE(has(offer, "a=mid:0"));
    // The stethoscope's profile in its own section; the voice keeps Chromium's.
    CHECK(has(offer, "a=fmtp:111 minptime=10;maxaveragebitrate=128000;stereo=0;sprop-stereo=0;"
                     "cbr=1;usedtx=0;useinbandfec=0"));
    CHECK(has(offer, "a=ptime:10"));
    CHECK(count(offer, "a=fmtp:111 minptime=10;useinbandfec=1") == 1);
    // The transport reads as the console's would (the TCP candidate is skipped).
    const auto transport = protocol::parseTransport(offer);
    REQUIRE(transport.has_value());
    CHECK(transport->ice.ufrag == "Zx3a");
    CHECK(transport->candidates.size() == 1);
    // The cabin's own answerer picks Opus for the stethoscope and VP8 for the room camera.
    CHECK(media::chooseStethoscopePayload(offer, media::AudioEncoding::opus) == 111);
    const auto answer = cabin::answerFor(offer);
    CHECK(has(answer, "a=mid:steth"));
    CHECK(has(answer, "a=sendonly")); // the stethoscope, offered recvonly
    CHECK(has(answer, "m=video 9 UDP/TLS/RTP/SAVPF 96 97"));
}

TEST_CASE("browser-call harness: the cabin's answer goes back with Chromium's mids, the cabin's "
          "SSRCs and the transport in every section") {
    auto cabinAnswer = cabin::answerFor(bench::offerForCabin(kChromiumOffer, kMids));
    // The media link adds the transport to the first section (sdp_transport.hpp).
    protocol::TransportDescription transport;
    transport.ice = {"Cab1", "abcdefghijklmnopqrstuvwx"};
    transport.candidates.push_back(
        *protocol::parseCandidate("candidate:1 1 udp 2130706431 192.0.2.2 40000 typ host"));
    transport.fingerprint = protocol::parseTransport(kChromiumOffer)->fingerprint;
    transport.setup = protocol::DtlsSetup::active;
    const auto withTransport = protocol::withTransport(cabinAnswer, transport);
    REQUIRE(withTransport.has_value());
    const auto answer = bench::answerForBrowser(
        *withTransport, kMids,
        {{"steth", 0x57E7A001}, {"voice", 0x70C0A001}, {"video", 0x7C0A1E01}});
    CHECK(has(answer, "a=group:BUNDLE 0 1 2"));
    CHECK(has(answer, "a=mid:0"));
    CHECK(has(answer, "a=mid:2"));
    CHECK_FALSE(has(answer, "a=mid:steth"));
    CHECK(has(answer, "a=ssrc:1474797569 cname:telecabine-cabin"));
    CHECK(has(answer, "a=ssrc:1891672065 cname:telecabine-cabin"));
    CHECK(has(answer, "a=ssrc:2081037825 cname:telecabine-cabin"));
    // Every section carries the transport (the cabin's answer writes it in each already).
    const auto sections = count(answer, "\r\nm=");
    CHECK(sections >= 3);
    CHECK(count(answer, "a=ice-ufrag:Cab1\r\n") == sections);
    CHECK(count(answer, "a=setup:active\r\n") == sections);
    CHECK(has(answer, "a=fmtp:96 " + std::string(bench::kVideoBitrate)));
}

TEST_CASE("browser-call harness: a browser's candidate is sent in the service's grammar") {
    const auto plain = bench::plainCandidate(
        "candidate:842163049 1 udp 1677729535 198.51.100.7 56143 typ srflx raddr 192.0.2.2 "
        "rport 46243 generation 0 ufrag Zx3a network-id 1 network-cost 10");
    CHECK(plain ==
          "candidate:842163049 1 udp 1677729535 198.51.100.7 56143 typ srflx raddr 192.0.2.2 "
          "rport 46243");
    const auto candidate = protocol::parseCandidate(plain);
    REQUIRE(candidate.has_value());
    CHECK(candidate->type == protocol::Candidate::Type::serverReflexive);
    REQUIRE(candidate->related.has_value());
    CHECK(candidate->related->port() == 46243);
    CHECK(bench::plainCandidate(
              "candidate:1853887674 1 tcp 1518280447 192.0.2.2 9 typ host tcptype active")
              .empty());
}
