#pragma once
// A TCP proxy in the network lab's public namespace that adds round trip to one leg (this
// kernel has no netem), for `telecabine-bench connect`.

#include "net_lab.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

namespace tc::bench {

// A TCP proxy in the lab's public namespace, 203.0.113.10:8443 -> :443, that holds every chunk
// for `oneWay` in each direction: the doctor's TLS leg to coturn gets that much more round
// trip (no netem in this kernel). coturn's certificate names 203.0.113.10, so TLS still checks.
class DelayingProxy {
public:
    static constexpr unsigned short kPort = 8443;
    // The TURN-over-TLS URI that goes through the proxy.
    static constexpr const char* kTurnUri = "turns:203.0.113.10:8443?transport=tcp";

    DelayingProxy(const test::NetLab& lab, std::chrono::milliseconds oneWay)
        : m_oneWay(oneWay) {
        // Its thread starts in the namespace, so that the sockets it opens live there.
        lab.runIn(test::Place::publicHost, [this] {
            m_acceptor.emplace(m_io, boost::asio::ip::tcp::endpoint(
                                         boost::asio::ip::make_address("203.0.113.10"), kPort));
            accept();
            m_thread = std::thread([this] { m_io.run(); });
        });
    }
    ~DelayingProxy() {
        m_io.stop();
        m_thread.join();
    }

private:
    using tcp = boost::asio::ip::tcp;
    struct Link {
        explicit Link(boost::asio::io_context& io)
            : client(io)
            , server(io) {}
        tcp::socket client;
        tcp::socket server;
    };

    void accept() {
        auto link = std::make_shared<Link>(m_io);
        m_acceptor->async_accept(link->client, [this, link](boost::system::error_code ec) {
            if (ec) {
                return;
            }
            link->server.async_connect({boost::asio::ip::make_address("203.0.113.10"), 443},
                                       [this, link](boost::system::error_code error) {
                                           if (!error) {
                                               pump(link, link->client, link->server);
                                               pump(link, link->server, link->client);
                                           }
                                       });
            accept();
        });
    }

    // Each chunk is written once its delay is over, in order (one thread; due times increase).
    void pump(std::shared_ptr<Link> link, tcp::socket& from, tcp::socket& to) {
        auto buffer = std::make_shared<std::array<std::uint8_t, 16384>>();
        from.async_read_some(
            boost::asio::buffer(*buffer),
            [this, link, &from, &to, buffer](boost::system::error_code ec, std::size_t n) {
                if (ec) {
                    boost::system::error_code ignored;
                    to.shutdown(tcp::socket::shutdown_send, ignored);
                    return;
                }
                auto timer = std::make_shared<boost::asio::steady_timer>(m_io, m_oneWay);
                timer->async_wait([link, &to, buffer, n, timer](boost::system::error_code error) {
                    if (!error) {
                        boost::system::error_code ignored;
                        boost::asio::write(to, boost::asio::buffer(buffer->data(), n), ignored);
                    }
                });
                pump(link, from, to);
            });
    }

    std::chrono::milliseconds m_oneWay;
    boost::asio::io_context m_io;
    std::optional<tcp::acceptor> m_acceptor;
    std::thread m_thread;
};

} // namespace tc::bench
