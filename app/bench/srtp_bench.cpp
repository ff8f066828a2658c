// telecabine-bench srtp: our SRTP path (tc::protocol::SrtpSession) against bare libsrtp calls in
// the same run, so that the figures are ratios on a noisy machine.
#include "benchmarks.hpp"
#include "tc/protocol/srtp_session.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <srtp2/srtp.h>
#include <vector>

namespace tc::bench {
namespace {

using namespace tc::protocol;
using Clock = std::chrono::steady_clock;

std::vector<std::uint8_t> key(SrtpSuite suite) {
    std::vector<std::uint8_t> k(masterKeyLength(suite));
    for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<std::uint8_t>(31 * i + 1);
    }
    return k;
}

// Packet n of a stream: 12-byte header, then `size - 12` payload bytes.
void fill(std::vector<std::uint8_t>& buffer, std::size_t size, std::uint32_t n) {
    buffer[0] = 0x80;
    buffer[1] = 96;
    buffer[2] = static_cast<std::uint8_t>(n >> 8);
    buffer[3] = static_cast<std::uint8_t>(n);
    const std::uint32_t ts = n * 480;
    for (int i = 0; i < 4; ++i) {
        buffer[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
    }
    buffer[8] = 0x12;
    buffer[9] = 0x34;
    buffer[10] = 0x56;
    buffer[11] = 0x78;
    std::memset(buffer.data() + 12, static_cast<int>(n), size - 12);
}

srtp_t bareSession(SrtpSuite suite, std::vector<std::uint8_t>& k, bool outbound) {
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    if (suite == SrtpSuite::aeadAes128Gcm) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    }
    policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    policy.key = k.data();
    policy.window_size = SrtpSession::kReplayWindow;
    srtp_t session = nullptr;
    srtp_create(&session, &policy);
    return session;
}

struct Figures {
    double oursProtect = 0;
    double bareProtect = 0;
    double oursUnprotect = 0;
    double bareUnprotect = 0;
};

Figures measure(SrtpSuite suite, std::size_t size, std::uint32_t packets) {
    auto k = key(suite);
    std::vector<std::uint8_t> buffer(size + 64);
    std::vector<std::vector<std::uint8_t>> wire(packets, std::vector<std::uint8_t>(size + 64));
    std::vector<std::size_t> lengths(packets);
    Figures f;

    // The packets both unprotect loops consume, made (untimed) by a separate sender.
    auto producer = *SrtpSession::create(suite, k, SrtpDirection::outbound);
    for (std::uint32_t n = 0; n < packets; ++n) {
        fill(wire[n], size, n + 1);
        lengths[n] = size;
        static_cast<void>(producer.protectRtp(wire[n], lengths[n]));
    }

    // Protect: same hot buffer and same fill for both, so only the SRTP call differs.
    auto ours = *SrtpSession::create(suite, k, SrtpDirection::outbound);
    auto start = Clock::now();
    for (std::uint32_t n = 0; n < packets; ++n) {
        fill(buffer, size, n + 1);
        std::size_t length = size;
        static_cast<void>(ours.protectRtp(buffer, length));
    }
    f.oursProtect = packets / std::chrono::duration<double>(Clock::now() - start).count();

    srtp_t bareOut = bareSession(suite, k, true);
    start = Clock::now();
    for (std::uint32_t n = 0; n < packets; ++n) {
        fill(buffer, size, n + 1);
        int length = static_cast<int>(size);
        srtp_protect(bareOut, buffer.data(), &length);
    }
    f.bareProtect = packets / std::chrono::duration<double>(Clock::now() - start).count();
    srtp_dealloc(bareOut);

    auto oursIn = *SrtpSession::create(suite, k, SrtpDirection::inbound);
    std::uint32_t failures = 0;
    start = Clock::now();
    for (std::uint32_t n = 0; n < packets; ++n) {
        std::memcpy(buffer.data(), wire[n].data(), lengths[n]);
        std::size_t length = lengths[n];
        failures += oursIn.unprotectRtp(buffer, length) ? 1 : 0;
    }
    f.oursUnprotect = packets / std::chrono::duration<double>(Clock::now() - start).count();

    srtp_t bareIn = bareSession(suite, k, false);
    start = Clock::now();
    for (std::uint32_t n = 0; n < packets; ++n) {
        std::memcpy(buffer.data(), wire[n].data(), lengths[n]);
        int length = static_cast<int>(lengths[n]);
        failures += srtp_unprotect(bareIn, buffer.data(), &length) != srtp_err_status_ok ? 1 : 0;
    }
    f.bareUnprotect = packets / std::chrono::duration<double>(Clock::now() - start).count();
    srtp_dealloc(bareIn);
    if (failures != 0) {
        std::cerr << "telecabine-bench srtp: " << failures << " packets failed to authenticate\n";
    }
    return f;
}

} // namespace

// Best of three rounds: the machine's noise only ever slows a loop down.
Figures best(SrtpSuite suite, std::size_t size, std::uint32_t packets) {
    Figures top;
    for (int round = 0; round < 3; ++round) {
        const auto f = measure(suite, size, packets);
        top.oursProtect = std::max(top.oursProtect, f.oursProtect);
        top.bareProtect = std::max(top.bareProtect, f.bareProtect);
        top.oursUnprotect = std::max(top.oursUnprotect, f.oursUnprotect);
        top.bareUnprotect = std::max(top.bareUnprotect, f.bareUnprotect);
    }
    return top;
}

int runSrtp(cli::CommandLine& args) {
    const auto packets = static_cast<std::uint32_t>(args.number("packets", 100'000));
    if (!args.errors().empty() || packets < 1000) {
        std::cerr << "telecabine-bench srtp: invalid options\n";
        return 2;
    }
    // Make sure libsrtp is initialised by our wrapper before the bare calls.
    static_cast<void>(SrtpSession::create(SrtpSuite::aeadAes128Gcm, key(SrtpSuite::aeadAes128Gcm),
                                          SrtpDirection::outbound));
    nlohmann::json results = nlohmann::json::array();
    for (const auto suite : {SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80}) {
        for (const std::size_t size : {std::size_t{160}, std::size_t{1200}}) {
            const auto f = best(suite, size, packets);
            results.push_back({{"suite", std::string(toString(suite))},
                               {"packet_bytes", size},
                               {"protect_pkts_per_s", f.oursProtect},
                               {"protect_libsrtp_pkts_per_s", f.bareProtect},
                               {"protect_ratio_vs_libsrtp", f.oursProtect / f.bareProtect},
                               {"unprotect_pkts_per_s", f.oursUnprotect},
                               {"unprotect_libsrtp_pkts_per_s", f.bareUnprotect},
                               {"unprotect_ratio_vs_libsrtp", f.oursUnprotect / f.bareUnprotect}});
        }
    }
    std::cout
        << nlohmann::json{{"benchmark", "srtp"}, {"packets", packets}, {"results", results}}.dump()
        << std::endl;
    return 0;
}

} // namespace tc::bench
