#include "tc/protocol/impairment.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <charconv>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

namespace tc::protocol {

void ImpairmentModel::set(const Impairment& impairment) {
    std::lock_guard lock(m_mutex);
    m_impairment = impairment;
    m_random.seed(impairment.seed);
    m_burstLeft = 0;
    m_firstPacket.reset();
}

ImpairmentDecision ImpairmentModel::next(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(m_mutex);
    ImpairmentDecision d;
    if (!m_firstPacket) {
        m_firstPacket = now;
    }
    const auto elapsed = now - *m_firstPacket;
    if (elapsed < m_impairment.from ||
        (m_impairment.duration.count() > 0 &&
         elapsed >= m_impairment.from + m_impairment.duration)) {
        m_burstLeft = 0; // outside the episode: the network is clean
        return d;
    }
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    if (m_burstLeft > 0) {
        --m_burstLeft;
        d.drop = true;
        return d;
    }
    if (m_impairment.lossRate > 0 && unit(m_random) < m_impairment.lossRate) {
        m_burstLeft = std::max(0, m_impairment.burstLength - 1);
        d.drop = true;
        return d;
    }
    if (m_impairment.singleLossRate > 0 && unit(m_random) < m_impairment.singleLossRate) {
        d.drop = true;
        return d;
    }
    d.delay = m_impairment.delay;
    if (m_impairment.jitter.count() > 0) {
        std::uniform_int_distribution<long long> extra(0, m_impairment.jitter.count());
        d.delay += std::chrono::milliseconds(extra(m_random));
    }
    if (m_impairment.reorderRate > 0 && unit(m_random) < m_impairment.reorderRate) {
        d.delay += m_impairment.delay + std::chrono::milliseconds(5);
        d.reordered = true;
    }
    if (m_impairment.duplicateRate > 0 && unit(m_random) < m_impairment.duplicateRate) {
        d.copies = 2;
    }
    return d;
}

namespace {

// "10%" -> 0.10, within [0, max].
std::optional<double> percent(std::string_view text, double max) {
    if (text.empty() || text.back() != '%') {
        return std::nullopt;
    }
    text.remove_suffix(1);
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value < 0 || value > max) {
        return std::nullopt;
    }
    return value / 100.0;
}

std::optional<std::chrono::milliseconds> millis(std::string_view text) {
    if (text.size() < 3 || text.substr(text.size() - 2) != "ms") {
        return std::nullopt;
    }
    text.remove_suffix(2);
    long long value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value < 0 || value > 2000) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(value);
}

// "20s" or "1500ms", within [0, 3600 s]: when an episode starts, and how long it lasts.
std::optional<std::chrono::milliseconds> episodeTime(std::string_view text) {
    long long scale = 1;
    if (text.size() >= 3 && text.substr(text.size() - 2) == "ms") {
        text.remove_suffix(2);
    } else if (text.size() >= 2 && text.back() == 's') {
        text.remove_suffix(1);
        scale = 1000;
    } else {
        return std::nullopt;
    }
    long long value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 0 ||
        value * scale > 3'600'000) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(value * scale);
}

std::optional<long long> integer(std::string_view text, long long min, long long max) {
    long long value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
        value > max) {
        return std::nullopt;
    }
    return value;
}

} // namespace

boost::system::result<Impairment> parseImpairment(std::string_view spec) {
    Impairment out;
    if (spec.empty()) {
        return make_error_code(ImpairmentErrc::badSyntax);
    }
    if (spec.back() == ',') {
        return make_error_code(ImpairmentErrc::badSyntax);
    }
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        const auto item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        const auto equals = item.find('=');
        if (equals == std::string_view::npos || equals == 0 || equals + 1 == item.size()) {
            return make_error_code(ImpairmentErrc::badSyntax);
        }
        const auto name = item.substr(0, equals);
        const auto value = item.substr(equals + 1);
        bool ok = true;
        if (name == "loss") {
            const auto v = percent(value, 50);
            ok = v.has_value();
            out.singleLossRate = v.value_or(0);
        } else if (name == "burst") {
            const auto v = integer(value, 1, 50);
            ok = v.has_value();
            out.burstLength = static_cast<int>(v.value_or(1));
        } else if (name == "delay" || name == "jitter") {
            const auto v = millis(value);
            ok = v.has_value();
            (name == "delay" ? out.delay : out.jitter) = v.value_or(std::chrono::milliseconds(0));
        } else if (name == "reorder" || name == "duplicate") {
            const auto v = percent(value, 100);
            ok = v.has_value();
            (name == "reorder" ? out.reorderRate : out.duplicateRate) = v.value_or(0);
        } else if (name == "from" || name == "for") {
            const auto v = episodeTime(value);
            ok = v.has_value();
            (name == "from" ? out.from : out.duration) = v.value_or(std::chrono::milliseconds(0));
        } else if (name == "seed") {
            const auto v = integer(value, 0, 0xFFFFFFFFLL);
            ok = v.has_value();
            out.seed = static_cast<std::uint32_t>(v.value_or(1));
        } else {
            return make_error_code(ImpairmentErrc::unknownName);
        }
        if (!ok) {
            return make_error_code(ImpairmentErrc::outOfRange);
        }
    }
    // A burst length turns the loss into bursts that start at that rate.
    if (out.burstLength > 1) {
        out.lossRate = out.singleLossRate / out.burstLength;
        out.singleLossRate = 0;
    }
    return out;
}

namespace {

namespace net = boost::asio;
using udp = net::ip::udp;

class Relay final : public ImpairedRelay, public std::enable_shared_from_this<Relay> {
public:
    Relay(net::any_io_executor executor, const net::ip::address& address)
        : m_strand(net::make_strand(executor))
        , m_towardsA(m_strand, udp::endpoint(address, 0))
        , m_towardsB(m_strand, udp::endpoint(address, 0)) {}

    udp::endpoint endpointForA() const override { return m_towardsA.local_endpoint(); }
    udp::endpoint endpointForB() const override { return m_towardsB.local_endpoint(); }

    void connect(udp::endpoint a, udp::endpoint b) override {
        net::post(m_strand, [self = shared_from_this(), a, b] {
            self->m_a = a;
            self->m_b = b;
            self->pump(self->m_towardsA, self->m_towardsB, true);
            self->pump(self->m_towardsB, self->m_towardsA, false);
        });
    }

    void setImpairment(const Impairment& impairment) override { m_model.set(impairment); }

    void setBlackhole(bool on) override { m_blackhole = on; }
    const ImpairmentStats& stats() const override { return m_stats; }

    void close() override {
        net::post(m_strand, [self = shared_from_this()] {
            boost::system::error_code ignored;
            self->m_towardsA.close(ignored);
            self->m_towardsB.close(ignored);
        });
    }

private:
    void pump(udp::socket& in, udp::socket& out, bool fromA) {
        auto buffer = std::make_shared<std::array<std::uint8_t, 2048>>();
        in.async_receive(net::buffer(*buffer),
                         [self = shared_from_this(), &in, &out, fromA,
                          buffer](boost::system::error_code ec, std::size_t size) {
                             if (ec) {
                                 return; // closed
                             }
                             self->forward(out, fromA ? self->m_b : self->m_a, buffer, size);
                             self->pump(in, out, fromA);
                         });
    }

    void forward(udp::socket& out, udp::endpoint to,
                 const std::shared_ptr<std::array<std::uint8_t, 2048>>& buffer, std::size_t size) {
        if (m_blackhole) {
            ++m_stats.dropped;
            return;
        }
        const ImpairmentDecision d = m_model.next();
        if (d.drop) {
            ++m_stats.dropped;
            return;
        }
        m_stats.reordered += d.reordered ? 1 : 0;
        m_stats.duplicated += d.copies > 1 ? 1 : 0;
        const auto send = [&out, to, buffer, size, self = shared_from_this(), copies = d.copies] {
            for (int i = 0; i < copies; ++i) {
                boost::system::error_code ignored;
                out.send_to(net::buffer(buffer->data(), size), to, 0, ignored);
                ++self->m_stats.forwarded;
            }
        };
        if (d.delay.count() == 0) {
            send();
            return;
        }
        auto timer = std::make_shared<net::steady_timer>(m_strand, d.delay);
        timer->async_wait([timer, send](boost::system::error_code ec) {
            if (!ec) {
                send();
            }
        });
    }

    net::strand<net::any_io_executor> m_strand;
    udp::socket m_towardsA;
    udp::socket m_towardsB;
    udp::endpoint m_a;
    udp::endpoint m_b;
    ImpairmentModel m_model;
    std::atomic<bool> m_blackhole{false};
    ImpairmentStats m_stats;
};

} // namespace

boost::system::result<std::shared_ptr<ImpairedRelay>>
ImpairedRelay::open(net::any_io_executor executor, net::ip::address bindAddress) {
    try {
        return std::shared_ptr<ImpairedRelay>(std::make_shared<Relay>(executor, bindAddress));
    } catch (const boost::system::system_error& error) {
        return error.code(); // bind failures surface as exceptions from the socket constructor
    }
}

} // namespace tc::protocol
