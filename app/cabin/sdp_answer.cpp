#include "sdp_answer.hpp"

#include <chrono>
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

} // namespace

std::string answerFor(std::string_view offer) {
    const auto sessionId = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    std::ostringstream out;
    out << "v=0\r\n"
        << "o=telecabine-cabin " << sessionId << " 1 IN IP4 127.0.0.1\r\n"
        << "s=telecabine\r\n"
        << "t=0 0\r\n";
    std::size_t start = 0;
    while (start < offer.size()) {
        auto end = offer.find('\n', start);
        if (end == std::string_view::npos) {
            end = offer.size();
        }
        std::string_view line = offer.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        start = end + 1;
        if (keepInAnswer(line)) {
            out << flipDirection(line) << "\r\n";
        }
    }
    return out.str();
}

} // namespace tc::cabin
