#include "tc/protocol/impairment.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <mutex>
#include <random>
#include <vector>

namespace tc::protocol {
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

    void setImpairment(const Impairment& impairment) override {
        std::lock_guard lock(m_mutex);
        m_impairment = impairment;
        m_random.seed(impairment.seed);
        m_burstLeft = 0;
    }

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
    struct Decision {
        bool drop = false;
        int copies = 1;
        std::chrono::milliseconds delay{0};
        bool reordered = false;
    };

    Decision decide() {
        std::lock_guard lock(m_mutex);
        Decision d;
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
        const Decision d = decide();
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
    std::mutex m_mutex; // guards the impairment and the random state
    Impairment m_impairment;
    std::mt19937 m_random{1};
    int m_burstLeft = 0;
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
