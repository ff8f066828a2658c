#pragma once
// Impairing a path like a bad network: random and burst loss, delay with jitter (which
// reorders), explicit reordering, duplication. ImpairmentModel draws what happens to each
// packet (deterministic for a seed); ImpairedRelay is an in-process UDP relay between two
// endpoints that applies it (and a black hole), for the transport tests and the loss
// benchmarks; the simulated cabin applies it to the media it sends (--impair), for demos.

#include "tc/protocol/errc/impairment_errc.hpp"

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>

namespace tc::protocol {

struct Impairment {
    double lossRate = 0;       // probability that a loss burst starts at a packet
    int burstLength = 1;       // packets lost once a burst starts
    double singleLossRate = 0; // independent single-packet losses, on top of the bursts
    std::chrono::milliseconds delay{0};
    std::chrono::milliseconds jitter{0}; // extra delay drawn uniformly in [0, jitter]
    double reorderRate = 0;   // probability that a packet is held back by an extra `delay`+5 ms
    double duplicateRate = 0; // probability that a packet is sent twice
    std::uint32_t seed = 1;
    // An episode rather than a whole session: impaired only from `from` after the first packet,
    // for `duration` (zero: to the end). "loss=30%,from=20s,for=3s" is a 3 s loss burst.
    std::chrono::milliseconds from{0};
    std::chrono::milliseconds duration{0};
};

// "loss=10%,delay=40ms,jitter=20ms,reorder=2%" (also "burst=3", "duplicate=1%", "seed=7",
// "from=20s", "for=3s"): the cabin's --impair. Percentages 0-100 (loss 0-50), delays 0-2000 ms,
// from and for 0-3600 s (in s or ms).
boost::system::result<Impairment> parseImpairment(std::string_view spec);

// What happens to one packet.
struct ImpairmentDecision {
    bool drop = false;
    int copies = 1;
    std::chrono::milliseconds delay{0};
    bool reordered = false;
};

// Draws decisions packet by packet; thread-safe.
class ImpairmentModel {
public:
    explicit ImpairmentModel(const Impairment& impairment = {}) { set(impairment); }
    void set(const Impairment& impairment);
    // What happens to the packet sent at `now`; the first call starts the episode's clock.
    ImpairmentDecision next(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

private:
    std::mutex m_mutex;
    std::optional<std::chrono::steady_clock::time_point> m_firstPacket;
    Impairment m_impairment;
    std::mt19937 m_random{1};
    int m_burstLeft = 0;
};

struct ImpairmentStats {
    std::atomic<std::uint64_t> forwarded{0};
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> duplicated{0};
    std::atomic<std::uint64_t> reordered{0};
};

class ImpairedRelay {
public:
    static boost::system::result<std::shared_ptr<ImpairedRelay>>
    open(boost::asio::any_io_executor executor,
         boost::asio::ip::address bindAddress = boost::asio::ip::make_address("127.0.0.1"));
    virtual ~ImpairedRelay() = default;

    // Side A sends to endpointForA(), side B to endpointForB().
    virtual boost::asio::ip::udp::endpoint endpointForA() const = 0;
    virtual boost::asio::ip::udp::endpoint endpointForB() const = 0;
    // Where each side really listens; forwarding starts here.
    virtual void connect(boost::asio::ip::udp::endpoint a, boost::asio::ip::udp::endpoint b) = 0;
    // Thread-safe: applies to both directions from the next packet on.
    virtual void setImpairment(const Impairment& impairment) = 0;
    virtual void setBlackhole(bool on) = 0;
    virtual const ImpairmentStats& stats() const = 0;
    virtual void close() = 0;
};

} // namespace tc::protocol
