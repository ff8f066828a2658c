#include "tc/protocol/sdp_transport.hpp"

#include "tc/errors/table_lookup.hpp"

#include <algorithm>
#include <charconv>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sstream>

namespace tc::protocol {
namespace {

std::vector<std::string_view> lines(std::string_view sdp) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start < sdp.size()) {
        auto end = sdp.find('\n', start);
        if (end == std::string_view::npos) {
            end = sdp.size();
        }
        auto line = sdp.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        out.push_back(line);
        start = end + 1;
    }
    return out;
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find(' ', start), text.size());
        if (end > start) {
            out.push_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return out;
}

template <class Int> bool toNumber(std::string_view text, Int& out) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

bool unbase64(std::string_view text, std::vector<std::uint8_t>& out) {
    if (text.empty() || text.size() % 4 != 0 || text.size() > 256) {
        return false;
    }
    out.assign(3 * text.size() / 4, 0);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) {
        return false;
    }
    std::size_t padding = 0;
    for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) {
        ++padding;
    }
    out.resize(static_cast<std::size_t>(n) - padding);
    return true;
}

std::string_view setupName(DtlsSetup setup) {
    // none writes no a=setup line: its name is empty.
    static constexpr errors::EnumNames<DtlsSetup::passive> names{
        {"", "actpass", "active", "passive"}};
    return names(setup, "");
}

} // namespace

std::string formatCrypto(const CryptoAttribute& crypto) {
    return "a=crypto:" + std::to_string(crypto.tag) + " " + std::string(toString(crypto.suite)) +
           " inline:" + base64(crypto.keyAndSalt);
}

boost::system::result<CryptoAttribute> parseCrypto(std::string_view line) {
    constexpr std::string_view prefix = "a=crypto:";
    if (line.substr(0, prefix.size()) != prefix) {
        return make_error_code(SdpErrc::badCrypto);
    }
    const auto w = words(line.substr(prefix.size()));
    CryptoAttribute crypto;
    if (w.size() < 3 || !toNumber(w[0], crypto.tag) || crypto.tag < 0 || crypto.tag > 999999999) {
        return make_error_code(SdpErrc::badCrypto);
    }
    if (w[1] == "AEAD_AES_128_GCM") {
        crypto.suite = SrtpSuite::aeadAes128Gcm;
    } else if (w[1] == "AES_CM_128_HMAC_SHA1_80") {
        crypto.suite = SrtpSuite::aesCm128HmacSha1_80;
    } else {
        return make_error_code(SdpErrc::unsupportedSuite);
    }
    constexpr std::string_view method = "inline:";
    if (w[2].substr(0, method.size()) != method) {
        return make_error_code(SdpErrc::badCrypto);
    }
    // key-info = key||salt ["|" lifetime] ["|" MKI:length]; a lifetime is accepted, an MKI is
    // not (we never configure one, so its packets would not parse).
    const auto keyInfo = w[2].substr(method.size());
    const auto bar = keyInfo.find('|');
    const auto keyText = keyInfo.substr(0, bar);
    if (bar != std::string_view::npos && keyInfo.find(':', bar) != std::string_view::npos) {
        return make_error_code(SdpErrc::badCrypto);
    }
    if (!unbase64(keyText, crypto.keyAndSalt) ||
        crypto.keyAndSalt.size() != masterKeyLength(crypto.suite)) {
        return make_error_code(SdpErrc::badCrypto);
    }
    return crypto;
}

std::string formatCandidate(const Candidate& candidate, int foundation) {
    std::ostringstream out;
    out << "a=candidate:"
        << (candidate.foundation.empty() ? std::to_string(foundation) : candidate.foundation)
        << " 1 udp " << candidate.priority << " " << candidate.endpoint.address().to_string() << " "
        << candidate.endpoint.port() << " typ " << toString(candidate.type);
    if (candidate.related) {
        out << " raddr " << candidate.related->address().to_string() << " rport "
            << candidate.related->port();
    }
    return out.str();
}

namespace {

bool isIceChars(std::string_view text) {
    return !text.empty() && text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
    });
}

} // namespace

boost::system::result<Candidate> parseCandidate(std::string_view line) {
    // "a=candidate:" in a description, "candidate:" alone when trickled (RFC 8840).
    if (line.substr(0, 2) == "a=") {
        line.remove_prefix(2);
    }
    constexpr std::string_view prefix = "candidate:";
    if (line.substr(0, prefix.size()) != prefix) {
        return make_error_code(SdpErrc::badCandidate);
    }
    const auto w = words(line.substr(prefix.size()));
    Candidate candidate;
    unsigned short port = 0;
    if (w.size() < 8 || !isIceChars(w[0]) || w[1] != "1" || !toNumber(w[3], candidate.priority) ||
        !toNumber(w[5], port) || w[6] != "typ") {
        return make_error_code(SdpErrc::badCandidate);
    }
    // Browsers also gather TCP candidates (RFC 6544) and hide host addresses behind mDNS names
    // (draft-ietf-mmusic-mdns-ice-candidates): well-formed, skipped without complaint; the
    // peer still reaches us through our candidates and its peer-reflexive ones.
    const bool udp = w[2] == "udp" || w[2] == "UDP";
    if (!udp && (w[2] == "tcp" || w[2] == "TCP")) {
        return make_error_code(SdpErrc::unsupportedCandidate);
    }
    if (!udp || port == 0) {
        return make_error_code(SdpErrc::badCandidate);
    }
    candidate.foundation = std::string(w[0]);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(w[4]), ec);
    if (ec) {
        const bool mdns = w[4].size() > 6 && w[4].substr(w[4].size() - 6) == ".local";
        return make_error_code(mdns ? SdpErrc::unsupportedCandidate : SdpErrc::badCandidate);
    }
    if (w[7] == "host") {
        candidate.type = Candidate::Type::host;
    } else if (w[7] == "srflx") {
        candidate.type = Candidate::Type::serverReflexive;
    } else if (w[7] == "prflx") {
        candidate.type = Candidate::Type::peerReflexive;
    } else if (w[7] == "relay") {
        candidate.type = Candidate::Type::relay;
    } else {
        return make_error_code(SdpErrc::badCandidate);
    }
    candidate.endpoint = boost::asio::ip::udp::endpoint(address, port);
    // Extensions come as name/value pairs: raddr and rport are read, the others skipped.
    std::optional<boost::asio::ip::address> relatedAddress;
    std::optional<unsigned short> relatedPort;
    for (std::size_t i = 8; i + 1 < w.size(); i += 2) {
        if (w[i] == "raddr") {
            const auto related = boost::asio::ip::make_address(std::string(w[i + 1]), ec);
            if (ec) {
                return make_error_code(SdpErrc::badCandidate);
            }
            relatedAddress = related;
        } else if (w[i] == "rport") {
            unsigned short value = 0;
            if (!toNumber(w[i + 1], value)) {
                return make_error_code(SdpErrc::badCandidate);
            }
            relatedPort = value;
        }
    }
    if (relatedAddress && relatedPort) {
        candidate.related = boost::asio::ip::udp::endpoint(*relatedAddress, *relatedPort);
    }
    return candidate;
}

boost::system::result<std::string> withTransport(std::string_view sdp,
                                                 const TransportDescription& transport) {
    // Every bundled section repeats the transport's identity (credentials, fingerprint, role,
    // keys) as JSEP offerers do (RFC 8843 7.1, RFC 8829 5.2.1): an answerer may reject a
    // section that lacks them (Chromium answers such sections with port 0). The candidates go
    // in the first section only, the one whose transport BUNDLE keeps.
    std::string attributes = "a=ice-ufrag:" + transport.ice.ufrag + "\r\n";
    attributes += "a=ice-pwd:" + transport.ice.password + "\r\n";
    attributes += "a=ice-options:trickle\r\n";
    if (transport.fingerprint) {
        attributes += "a=fingerprint:" + *transport.fingerprint + "\r\n";
    }
    if (transport.setup != DtlsSetup::none) {
        attributes += "a=setup:" + std::string(setupName(transport.setup)) + "\r\n";
    }
    for (const auto& c : transport.crypto) {
        attributes += formatCrypto(c) + "\r\n";
    }
    std::string out;
    int sections = 0;
    for (const auto line : lines(sdp)) {
        if (line.empty()) {
            continue;
        }
        out.append(line).append("\r\n");
        if (line.substr(0, 2) == "m=") {
            out += attributes;
            if (++sections == 1) {
                int foundation = 1;
                for (const auto& c : transport.candidates) {
                    out += formatCandidate(c, foundation++) + "\r\n";
                }
            }
        }
    }
    if (sections == 0) {
        return make_error_code(SdpErrc::noMedia);
    }
    return out;
}

boost::system::result<TransportDescription> parseTransport(std::string_view sdp) {
    TransportDescription transport;
    bool trickle = false;
    int section = 0;
    for (const auto line : lines(sdp)) {
        if (line.substr(0, 2) == "m=") {
            ++section;
            continue;
        }
        if (section > 1) {
            break; // BUNDLE: the first media section carries the transport
        }
        // Session-level attributes (section 0) apply to every section unless one says
        // otherwise (RFC 8839 5.4, RFC 8122 5): some answerers write them there.
        if (line.substr(0, 12) == "a=ice-ufrag:") {
            transport.ice.ufrag = std::string(line.substr(12));
        } else if (line.substr(0, 10) == "a=ice-pwd:") {
            transport.ice.password = std::string(line.substr(10));
        } else if (line.substr(0, 14) == "a=ice-options:") {
            trickle = trickle || line.find("trickle") != std::string_view::npos;
        } else if (line.substr(0, 12) == "a=candidate:") {
            auto candidate = parseCandidate(line);
            if (candidate) {
                transport.candidates.push_back(*candidate);
            } // unknown types and mDNS (.local) names are skipped, as ICE requires
        } else if (line.substr(0, 14) == "a=fingerprint:") {
            auto fingerprint = parseFingerprint(line.substr(14));
            if (!fingerprint) {
                return fingerprint.error();
            }
            transport.fingerprint = std::move(*fingerprint);
        } else if (line.substr(0, 8) == "a=setup:") {
            const auto value = line.substr(8);
            transport.setup = value == "actpass"   ? DtlsSetup::actpass
                              : value == "active"  ? DtlsSetup::active
                              : value == "passive" ? DtlsSetup::passive
                                                   : DtlsSetup::none;
            if (transport.setup == DtlsSetup::none) {
                return make_error_code(SdpErrc::badSetup); // holdconn, or garbage
            }
        } else if (line.substr(0, 9) == "a=crypto:") {
            auto crypto = parseCrypto(line);
            if (crypto) {
                transport.crypto.push_back(*crypto);
            } else if (crypto.error() != SdpErrc::unsupportedSuite) {
                return crypto.error();
            }
        }
    }
    if (section == 0) {
        return make_error_code(SdpErrc::noMedia);
    }
    const bool iceOk = transport.ice.ufrag.size() >= 4 && transport.ice.ufrag.size() <= 256 &&
                       transport.ice.password.size() >= 22 && transport.ice.password.size() <= 256;
    // A trickling peer (RFC 8840) may answer before it has gathered anything: its candidates
    // follow as ice.candidate messages.
    if (!iceOk || (transport.candidates.empty() && !trickle) ||
        (!transport.fingerprint && transport.crypto.empty())) {
        return make_error_code(SdpErrc::missingAttribute);
    }
    if (transport.fingerprint && transport.setup == DtlsSetup::none) {
        return make_error_code(SdpErrc::badSetup);
    }
    return transport;
}

std::vector<RtpStreamConfig> rtpStreamsOf(std::string_view sdp) {
    struct Section {
        std::string mid;
        bool video = false;
        bool active = true;
        std::vector<RtpStreamConfig> media;
        std::vector<std::pair<std::uint8_t, std::uint8_t>> rtx; // rtx PT, apt
        std::vector<std::uint8_t> rtxTypes;
    };
    std::vector<Section> sections;
    for (const auto line : lines(sdp)) {
        if (line.substr(0, 2) == "m=") {
            const auto w = words(line.substr(2));
            sections.push_back({});
            sections.back().video = !w.empty() && w[0] == "video";
            sections.back().active = w.size() > 1 && w[1] != "0";
            continue;
        }
        if (sections.empty()) {
            continue;
        }
        auto& section = sections.back();
        if (line.substr(0, 6) == "a=mid:") {
            section.mid = std::string(line.substr(6));
        } else if (line == "a=inactive") {
            section.active = false;
        } else if (line.substr(0, 9) == "a=rtpmap:") {
            const auto w = words(line.substr(9));
            unsigned pt = 0;
            if (w.size() < 2 || !toNumber(w[0], pt) || pt > 127) {
                continue;
            }
            const auto encoding = w[1];
            const auto slash = encoding.find('/');
            unsigned clock = 0;
            if (slash == std::string_view::npos ||
                !toNumber(encoding.substr(slash + 1, encoding.find('/', slash + 1) - slash - 1),
                          clock) ||
                clock == 0) {
                continue;
            }
            const auto name = encoding.substr(0, slash);
            if (name == "rtx" || name == "RTX") {
                section.rtxTypes.push_back(static_cast<std::uint8_t>(pt));
            } else {
                section.media.push_back({"", static_cast<std::uint8_t>(pt), clock, std::nullopt,
                                         section.video, std::string(name)});
            }
        } else if (line.substr(0, 7) == "a=fmtp:") {
            const auto w = words(line.substr(7));
            unsigned pt = 0;
            unsigned apt = 0;
            if (w.size() >= 2 && toNumber(w[0], pt) && w[1].substr(0, 4) == "apt=" &&
                toNumber(w[1].substr(4), apt) && pt <= 127 && apt <= 127) {
                section.rtx.emplace_back(static_cast<std::uint8_t>(pt),
                                         static_cast<std::uint8_t>(apt));
            }
        }
    }
    std::vector<RtpStreamConfig> out;
    for (auto& section : sections) {
        if (!section.active) {
            continue;
        }
        for (auto& stream : section.media) {
            stream.name = section.mid;
            for (const auto& [rtxType, apt] : section.rtx) {
                const bool declared = std::find(section.rtxTypes.begin(), section.rtxTypes.end(),
                                                rtxType) != section.rtxTypes.end();
                if (apt == stream.payloadType && declared) {
                    stream.rtxPayloadType = rtxType;
                }
            }
            out.push_back(std::move(stream));
        }
    }
    return out;
}

std::optional<std::uint8_t> extensionIdOf(std::string_view sdp, std::string_view mid,
                                          std::string_view uri) {
    std::string_view currentMid;
    std::vector<std::pair<std::uint8_t, std::string_view>> maps;
    std::optional<std::uint8_t> found;
    auto close = [&] {
        if (currentMid == mid) {
            for (const auto& [id, u] : maps) {
                if (u == uri) {
                    found = id;
                }
            }
        }
        maps.clear();
        currentMid = {};
    };
    for (const auto line : lines(sdp)) {
        if (line.substr(0, 2) == "m=") {
            close();
        } else if (line.substr(0, 6) == "a=mid:") {
            currentMid = line.substr(6);
        } else if (line.substr(0, 9) == "a=extmap:") {
            const auto w = words(line.substr(9));
            unsigned id = 0;
            // "N[/direction] URI": one-byte ids 1-14 only, which is what we send.
            if (w.size() >= 2 && toNumber(w[0].substr(0, w[0].find('/')), id) && id >= 1 &&
                id <= 14) {
                maps.emplace_back(static_cast<std::uint8_t>(id), w[1]);
            }
        }
    }
    close();
    return found;
}

boost::system::result<CryptoAttribute> chooseCrypto(const std::vector<CryptoAttribute>& offered) {
    if (offered.empty()) {
        return make_error_code(SdpErrc::unsupportedSuite);
    }
    return freshCrypto(offered.front().suite, offered.front().tag);
}

CryptoAttribute freshCrypto(SrtpSuite suite, int tag) {
    CryptoAttribute crypto{tag, suite, std::vector<std::uint8_t>(masterKeyLength(suite))};
    if (RAND_bytes(crypto.keyAndSalt.data(), static_cast<int>(crypto.keyAndSalt.size())) != 1) {
        std::abort(); // no key without a working CSPRNG
    }
    return crypto;
}

std::string_view directionOf(std::string_view sdp, std::string_view mid) {
    const std::string tag = "a=mid:" + std::string(mid);
    const auto at = sdp.find(tag);
    if (at == std::string_view::npos) {
        return "inactive";
    }
    const auto end = sdp.find("\nm=", at);
    const auto section = sdp.substr(at, end == std::string_view::npos ? sdp.npos : end - at);
    for (const std::string_view d : {"sendrecv", "sendonly", "recvonly", "inactive"}) {
        if (section.find("a=" + std::string(d)) != std::string_view::npos) {
            return d;
        }
    }
    return "sendrecv";
}

} // namespace tc::protocol
