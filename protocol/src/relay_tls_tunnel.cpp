#include "relay_tls_tunnel.hpp"

#include "tc/protocol/media_transport.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace tc::protocol::detail {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
constexpr std::chrono::seconds kConnectTimeout{5};

class Tunnel final : public RelayTlsTunnel, public std::enable_shared_from_this<Tunnel> {
public:
    Tunnel(net::any_io_executor executor, std::string host, std::uint16_t port,
           FailureHandler onFailure)
        : m_strand(net::make_strand(executor))
        , m_acceptor(m_strand)
        , m_tls(ssl::context::tls_client)
        , m_host(std::move(host))
        , m_port(port)
        , m_onFailure(std::move(onFailure)) {}

    boost::system::error_code setUp(const std::optional<std::filesystem::path>& trustAnchors) {
        boost::system::error_code ec;
        m_tls.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1);
        m_tls.set_default_verify_paths(ec); // the system's authorities, for public servers
        if (trustAnchors) {
            m_tls.load_verify_file(trustAnchors->string(), ec);
            if (ec) {
                return make_error_code(IceErrc::relayTrustUnreadable);
            }
        }
        m_tls.set_verify_mode(ssl::verify_peer);
        X509_VERIFY_PARAM* params = SSL_CTX_get0_param(m_tls.native_handle());
        X509_VERIFY_PARAM_set_hostflags(params, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (X509_VERIFY_PARAM_set1_ip_asc(params, m_host.c_str()) != 1) {
            ERR_clear_error();
            m_sendSni = true;
            if (X509_VERIFY_PARAM_set1_host(params, m_host.c_str(), m_host.size()) != 1) {
                return make_error_code(IceErrc::badServerUri);
            }
        }
        const tcp::endpoint local(net::ip::make_address("127.0.0.1"), 0);
        m_acceptor.open(local.protocol(), ec);
        if (!ec) {
            m_acceptor.bind(local, ec);
        }
        if (!ec) {
            m_acceptor.listen(4, ec);
        }
        if (!ec) {
            m_local = m_acceptor.local_endpoint(ec);
        }
        return ec;
    }

    void start() { net::co_spawn(m_strand, acceptLoop(shared_from_this()), net::detached); }

    tcp::endpoint localEndpoint() const override { return m_local; }

    void close() override {
        net::post(m_strand, [self = shared_from_this()] {
            boost::system::error_code ignored;
            self->m_closed = true;
            self->m_acceptor.close(ignored);
        });
    }

private:
    void fail(IceErrc errc, std::string detail) {
        if (!m_closed && m_onFailure) {
            m_onFailure(make_error_code(errc), std::move(detail));
        }
    }

    static net::awaitable<void> acceptLoop(std::shared_ptr<Tunnel> self) {
        while (!self->m_closed) {
            auto [ec, socket] = co_await self->m_acceptor.async_accept(kNoThrow);
            if (ec) {
                co_return;
            }
            net::co_spawn(self->m_strand, relay(self, std::move(socket)), net::detached);
        }
    }

    // One TCP connection from libnice: a TLS connection to the server, bytes copied both ways
    // until either side closes.
    static net::awaitable<void> relay(std::shared_ptr<Tunnel> self, tcp::socket inner) {
        tcp::resolver resolver(self->m_strand);
        auto [resolveError, endpoints] =
            co_await resolver.async_resolve(self->m_host, std::to_string(self->m_port), kNoThrow);
        if (resolveError) {
            self->fail(IceErrc::relayUnreachable, resolveError.message());
            co_return;
        }
        auto outer = std::make_shared<ssl::stream<tcp::socket>>(self->m_strand, self->m_tls);
        net::steady_timer deadline(self->m_strand);
        deadline.expires_after(kConnectTimeout);
        deadline.async_wait([outer](boost::system::error_code ec) {
            if (!ec) {
                boost::system::error_code ignored;
                outer->lowest_layer().close(ignored);
            }
        });
        auto [connectError, endpoint] =
            co_await net::async_connect(outer->lowest_layer(), endpoints, kNoThrow);
        if (connectError) {
            self->fail(IceErrc::relayUnreachable, self->m_host + ":" +
                                                      std::to_string(self->m_port) + ": " +
                                                      connectError.message());
            co_return;
        }
        if (self->m_sendSni) {
            // SSL_set_tlsext_host_name() without its C cast.
            SSL_ctrl(outer->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                     TLSEXT_NAMETYPE_host_name, const_cast<char*>(self->m_host.c_str()));
        }
        auto [handshakeError] = co_await outer->async_handshake(ssl::stream_base::client, kNoThrow);
        deadline.cancel();
        if (handshakeError) {
            const long verify = SSL_get_verify_result(outer->native_handle());
            self->fail(IceErrc::relayTlsFailed, verify != X509_V_OK
                                                    ? X509_verify_cert_error_string(verify)
                                                    : handshakeError.message());
            co_return;
        }
        auto innerSocket = std::make_shared<tcp::socket>(std::move(inner));
        net::co_spawn(self->m_strand, copy(innerSocket, outer), net::detached);
        co_await copy(outer, innerSocket);
    }

    // Bytes from one side to the other until either ends; then both connections close.
    template <class From, class To>
    static net::awaitable<void> copy(std::shared_ptr<From> from, std::shared_ptr<To> to) {
        std::array<std::uint8_t, 16 * 1024> buffer{};
        for (;;) {
            auto [readError, n] = co_await from->async_read_some(net::buffer(buffer), kNoThrow);
            if (readError) {
                break;
            }
            auto [writeError, written] =
                co_await net::async_write(*to, net::buffer(buffer.data(), n), kNoThrow);
            if (writeError) {
                break;
            }
        }
        boost::system::error_code ignored;
        from->lowest_layer().close(ignored);
        to->lowest_layer().close(ignored);
    }

    net::strand<net::any_io_executor> m_strand;
    tcp::acceptor m_acceptor;
    ssl::context m_tls;
    std::string m_host;
    std::uint16_t m_port;
    FailureHandler m_onFailure;
    tcp::endpoint m_local;
    bool m_sendSni = false;
    bool m_closed = false;
};

} // namespace

boost::system::result<std::shared_ptr<RelayTlsTunnel>>
RelayTlsTunnel::open(boost::asio::any_io_executor executor, std::string host, std::uint16_t port,
                     const std::optional<std::filesystem::path>& trustAnchors,
                     FailureHandler onFailure) {
    auto tunnel =
        std::make_shared<Tunnel>(std::move(executor), std::move(host), port, std::move(onFailure));
    if (const auto ec = tunnel->setUp(trustAnchors)) {
        return ec;
    }
    tunnel->start();
    return std::shared_ptr<RelayTlsTunnel>(std::move(tunnel));
}

} // namespace tc::protocol::detail
