// The test harness's SDP rewriting (see browser_doctor_sdp.hpp: not a product path).
#include "browser_doctor_sdp.hpp"

#include <algorithm>
#include <sstream>

namespace tc::bench {
namespace {

// The session part, then one entry per media section, each its lines without CRLF.
std::vector<std::vector<std::string>> sectionsOf(std::string_view sdp) {
    std::vector<std::vector<std::string>> sections(1);
    std::size_t start = 0;
    while (start < sdp.size()) {
        auto end = sdp.find('\n', start);
        if (end == std::string_view::npos) {
            end = sdp.size();
        }
        std::string line(sdp.substr(start, end - start));
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.rfind("m=", 0) == 0) {
            sections.emplace_back();
        }
        if (!line.empty()) {
            sections.back().push_back(std::move(line));
        }
        start = end + 1;
    }
    return sections;
}

std::string joined(const std::vector<std::vector<std::string>>& sections) {
    std::string out;
    for (const auto& section : sections) {
        for (const auto& line : section) {
            out += line + "\r\n";
        }
    }
    return out;
}

std::string midOf(const std::vector<std::string>& section) {
    for (const auto& line : section) {
        if (line.rfind("a=mid:", 0) == 0) {
            return line.substr(6);
        }
    }
    return {};
}

// a=mid and a=group:BUNDLE with every mid mapped `from` -> `to` (first or second of the pairs).
void renameMids(std::vector<std::vector<std::string>>& sections, const MidMap& mids,
                bool browserToCabin) {
    const auto mapped = [&](const std::string& mid) {
        for (const auto& [browser, cabin] : mids) {
            if (mid == (browserToCabin ? browser : cabin)) {
                return browserToCabin ? cabin : browser;
            }
        }
        return mid;
    };
    for (auto& section : sections) {
        for (auto& line : section) {
            if (line.rfind("a=mid:", 0) == 0) {
                line = "a=mid:" + mapped(line.substr(6));
            } else if (line.rfind("a=group:BUNDLE", 0) == 0) {
                std::istringstream words(line.substr(14));
                std::string group = "a=group:BUNDLE";
                for (std::string mid; words >> mid;) {
                    group += " " + mapped(mid);
                }
                line = group;
            }
        }
    }
}

// The payload type of `encoding` ("opus/", "VP8/") in "a=rtpmap:111 opus/48000/2", or -1.
int payloadTypeOf(const std::vector<std::string>& section, std::string_view encoding) {
    for (const auto& line : section) {
        const auto space = line.find(' ');
        if (line.rfind("a=rtpmap:", 0) == 0 && space != std::string::npos &&
            line.compare(space + 1, encoding.size(), encoding) == 0) {
            return std::stoi(line.substr(9, space - 9));
        }
    }
    return -1;
}

} // namespace

std::string offerForCabin(std::string_view browserOffer, const MidMap& mids) {
    auto sections = sectionsOf(browserOffer);
    renameMids(sections, mids, true);
    for (auto& section : sections) {
        const int opus = midOf(section) == "steth" ? payloadTypeOf(section, "opus/") : -1;
        if (opus < 0) {
            continue;
        }
        // The stethoscope's profile (media::stethoscopeOfferSection): fullband mono at 128
        // kbit/s, constant bitrate, no DTX, no FEC, 10 ms packets.
        const std::string fmtp = "a=fmtp:" + std::to_string(opus) + " ";
        std::erase_if(section, [&](const std::string& line) {
            return line.rfind(fmtp, 0) == 0 || line.rfind("a=ptime:", 0) == 0;
        });
        section.push_back(fmtp + "minptime=10;maxaveragebitrate=128000;stereo=0;sprop-stereo=0;"
                                 "cbr=1;usedtx=0;useinbandfec=0");
        section.push_back("a=ptime:10");
    }
    return joined(sections);
}

std::string answerForBrowser(std::string_view cabinAnswer, const MidMap& mids,
                             const std::vector<std::pair<std::string, std::uint32_t>>& ssrcs) {
    auto sections = sectionsOf(cabinAnswer);
    std::vector<std::string> transport; // of the first media section
    if (sections.size() > 1) {
        for (const auto& line : sections[1]) {
            for (const char* prefix :
                 {"a=ice-ufrag:", "a=ice-pwd:", "a=fingerprint:", "a=setup:"}) {
                if (line.rfind(prefix, 0) == 0) {
                    transport.push_back(line);
                }
            }
        }
    }
    for (std::size_t i = 1; i < sections.size(); ++i) {
        auto& section = sections[i];
        for (const auto& [mid, ssrc] : ssrcs) {
            std::istringstream media(section.front());
            std::string kind, port;
            media >> kind >> port;
            if (midOf(section) == mid && port != "0") { // not a rejected section
                section.push_back("a=ssrc:" + std::to_string(ssrc) + " cname:telecabine-cabin");
            }
        }
        // Where the answer lacks them (answers written before every bundled section carried
        // its transport): never twice, which Chromium refuses.
        const bool hasTransport =
            std::any_of(section.begin(), section.end(),
                        [](const std::string& line) { return line.rfind("a=ice-ufrag:", 0) == 0; });
        if (i > 1 && !hasTransport) {
            section.insert(section.end(), transport.begin(), transport.end());
        }
        if (const int vp8 = midOf(section) == "video" ? payloadTypeOf(section, "VP8/") : -1;
            vp8 >= 0) {
            section.push_back("a=fmtp:" + std::to_string(vp8) + " " + std::string(kVideoBitrate));
        }
    }
    renameMids(sections, mids, false);
    return joined(sections);
}

std::string plainCandidate(std::string_view candidate) {
    std::istringstream words{std::string(candidate)};
    std::vector<std::string> w;
    for (std::string word; words >> word;) {
        w.push_back(word);
    }
    if (w.size() < 8 || (w[2] != "udp" && w[2] != "UDP")) {
        return {};
    }
    std::string out = w[0];
    for (std::size_t i = 1; i < 8; ++i) {
        out += " " + w[i];
    }
    for (std::size_t i = 8; i + 1 < w.size(); i += 2) {
        if (w[i] == "raddr" || w[i] == "rport") {
            out += " " + w[i] + " " + w[i + 1];
        }
    }
    return out;
}

} // namespace tc::bench
