#pragma once
// telecabine-bench browser-call: the SDP rewriting that lets a Chromium page stand in for the
// console as the doctor. THIS IS A TEST HARNESS, NOT A PRODUCT PATH: no doctor app ships a
// browser; the benchmark needs a browser doctor only to compare its cost with the console's.
//
// The cabin answers the console's offer, whose sections it knows by their a=mid (steth, voice,
// video: app/src/session_controller.cpp buildConsoleOffer, app/cabin/sdp_answer.cpp). Chromium
// names its sections itself ("0", "1", "2"), so the benchmark, relaying the page's offer:
//  - renames the mids (a=mid and a=group:BUNDLE) to the console's;
//  - gives the stethoscope section the Opus parameters the cabin requires of a stethoscope
//    (fullband at 128 kbit/s, constant bitrate, no DTX, 10 ms packets);
// and, relaying the cabin's answer back to the page:
//  - renames the mids back;
//  - names the cabin's fixed SSRCs (a=ssrc): the cabin sends no MID header extension and both
//    audio sections carry Opus on the same payload type, so without them Chromium could not tell
//    the stethoscope from the voice;
//  - repeats the first section's transport attributes (ICE credentials, fingerprint, setup) in
//    every section, which Chromium's parser asks of an answer;
//  - holds the page's camera bitrate within the console's camera range (Chromium's
//    x-google-*-bitrate): the cabin sends none of the congestion feedback (transport-cc, REMB)
//    Chromium's estimator waits for, which would starve the page's camera to a few frames a
//    second and make the browser doctor look cheaper than it is.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tc::bench {

// The console's camera starts at its ceiling, 2.5 Mbit/s, and backs off only on loss
// (media/include/tc/media/bitrate_controller.hpp).
inline constexpr std::string_view kVideoBitrate =
    "x-google-start-bitrate=2500;x-google-min-bitrate=1000;x-google-max-bitrate=2500";

// Chromium's mid -> the console's, in the order of the sections.
using MidMap = std::vector<std::pair<std::string, std::string>>;

// The page's offer as the cabin expects the console's.
std::string offerForCabin(std::string_view browserOffer, const MidMap& mids);

// The cabin's answer as the page can take it: `ssrcs` names, per console mid, the SSRC the
// cabin sends on it.
std::string answerForBrowser(std::string_view cabinAnswer, const MidMap& mids,
                             const std::vector<std::pair<std::string, std::uint32_t>>& ssrcs);

// Sends nothing the service's candidate grammar refuses: of a browser's candidate line, the RFC
// 8839 fields and raddr/rport (Chromium adds generation, ufrag, network-id...); empty for a TCP
// candidate, which our ICE does not use.
std::string plainCandidate(std::string_view candidate);

} // namespace tc::bench
