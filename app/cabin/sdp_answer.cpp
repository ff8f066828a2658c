#include "sdp_answer.hpp"

#include "tc/media/stethoscope_stream.hpp"
#include "tc/media/video_negotiation.hpp"
#include "tc/media/waveform_stream.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>
#include <sstream>
#include <vector>

namespace tc::cabin {
namespace {

std::string_view flipDirection(std::string_view attribute) {
    if (attribute == "a=sendonly") {
        return "a=recvonly";
    }
    if (attribute == "a=recvonly") {
        return "a=sendonly";
    }
    return attribute; // sendrecv and inactive answer as themselves
}

bool keepInAnswer(std::string_view line) {
    static constexpr std::string_view kKept[] = {"m=",         "c=",       "a=mid:",
                                                 "a=rtpmap:",  "a=fmtp:",  "a=rtcp-mux",
                                                 "a=rtcp-fb:", "a=group:", "a=extmap:"};
    for (const auto prefix : kKept) {
        if (line.rfind(prefix, 0) == 0) {
            return true;
        }
    }
    return line == "a=sendonly" || line == "a=recvonly" || line == "a=sendrecv" ||
           line == "a=inactive";
}

// The payload type an a=rtpmap/a=fmtp/a=rtcp-fb line is about.
std::optional<int> payloadTypeOf(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    int value = 0;
    std::size_t i = colon + 1;
    for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        value = value * 10 + (line[i] - '0');
    }
    return i > colon + 1 ? std::optional<int>(value) : std::nullopt;
}

bool isFormatLine(std::string_view line) {
    return line.rfind("a=rtpmap:", 0) == 0 || line.rfind("a=fmtp:", 0) == 0 ||
           line.rfind("a=rtcp-fb:", 0) == 0;
}

std::vector<std::string_view> linesOf(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

// Of a section: the chosen payload type and the RTX types that repair it.
std::set<int> formatKept(const std::vector<std::string_view>& section, int chosen) {
    std::set<int> kept{chosen};
    const std::string apt = "apt=" + std::to_string(chosen);
    for (const auto line : section) {
        if (line.rfind("a=fmtp:", 0) == 0 && line.size() >= apt.size() &&
            line.substr(line.size() - apt.size()) == apt) {
            if (const auto pt = payloadTypeOf(line)) {
                kept.insert(*pt);
            }
        }
    }
    return kept;
}

void answerSection(std::ostringstream& out, const std::vector<std::string_view>& section,
                   const std::optional<std::set<int>>& kept) {
    for (const auto line : section) {
        if (kept && line.rfind("m=", 0) == 0) {
            // "m=audio 9 UDP/TLS/RTP/SAVPF 96 97 ..." with only the kept formats, in order.
            std::istringstream words{std::string(line)};
            std::string media, port, proto, format;
            words >> media >> port >> proto;
            if (kept->empty()) {
                // Rejected (RFC 3264 §6): port 0, with one of the offered formats.
                words >> format;
                out << media << " 0 " << proto << " " << format << "\r\n";
                continue;
            }
            out << media << " " << port << " " << proto;
            while (words >> format) {
                if (kept->contains(std::atoi(format.c_str()))) {
                    out << " " << format;
                }
            }
            out << "\r\n";
            continue;
        }
        if (!keepInAnswer(line)) {
            continue;
        }
        if (kept && isFormatLine(line)) {
            const auto pt = payloadTypeOf(line);
            if (!pt || !kept->contains(*pt)) {
                continue;
            }
        }
        out << flipDirection(line) << "\r\n";
    }
}

} // namespace

std::string answerFor(std::string_view offer, const AnswerPreferences& preferences) {
    const auto sessionId = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    std::ostringstream out;
    out << "v=0\r\n"
        << "o=telecabine-cabin " << sessionId << " 1 IN IP4 127.0.0.1\r\n"
        << "s=telecabine\r\n"
        << "t=0 0\r\n";
    std::vector<std::string_view> section; // the session part, then each media section
    const auto flush = [&] {
        std::string_view mid;
        for (const auto line : section) {
            if (line.rfind("a=mid:", 0) == 0) {
                mid = line.substr(6);
            }
        }
        const bool video = !section.empty() && section.front().rfind("m=video", 0) == 0;
        std::optional<std::set<int>> kept;
        if (mid == "steth" || mid == media::kVitalsMid || (video && !mid.empty())) {
            // One format; with nothing we can send, the section is rejected (the console then
            // has no such stream, and says so).
            const auto chosen =
                mid == "steth" ? media::chooseStethoscopePayload(offer, preferences.stethoscope)
                : mid == media::kVitalsMid
                    ? media::chooseWaveformPayload(offer)
                    : media::chooseVideoPayload(offer, mid, preferences.video);
            kept = chosen ? formatKept(section, *chosen) : std::set<int>{};
        }
        answerSection(out, section, kept);
        section.clear();
    };
    for (const auto line : linesOf(offer)) {
        if (line.rfind("m=", 0) == 0) {
            flush();
        }
        section.push_back(line);
    }
    flush();
    return out.str();
}

} // namespace tc::cabin
