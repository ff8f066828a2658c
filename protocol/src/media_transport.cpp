#include "tc/protocol/media_transport.hpp"

#include "ice_attributes.hpp"
#include "random_id.hpp"
#include "tc/protocol/host_addresses.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <openssl/rand.h>
#include <optional>

namespace tc::protocol {

std::string_view toString(TransportState state) noexcept {
    switch (state) {
    case TransportState::checking:
        return "checking";
    case TransportState::securing:
        return "securing";
    case TransportState::connected:
        return "connected";
    case TransportState::disconnected:
        return "disconnected";
    case TransportState::failed:
        return "failed";
    case TransportState::closed:
        return "closed";
    }
    return "unknown";
}

IceCredentials makeIceCredentials() {
    return IceCredentials{detail::randomHex(4), detail::randomHex(16)};
}

namespace {

namespace net = boost::asio;
using udp = net::ip::udp;
using Clock = std::chrono::steady_clock;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
constexpr std::size_t kMaxPendingChecks = 64;
using detail::be32;
using detail::bytesOf;
using detail::hostPriority;
using detail::xorMappedAddress;

class Transport final : public MediaTransport, public std::enable_shared_from_this<Transport> {
public:
    Transport(net::any_io_executor executor, MediaTransportConfig config)
        : m_strand(net::make_strand(executor))
        , m_config(std::move(config))
        , m_checkTimer(m_strand)
        , m_consentTimer(m_strand)
        , m_dtlsTimer(m_strand) {
        RAND_bytes(m_tieBreaker.data(), static_cast<int>(m_tieBreaker.size()));
    }

    boost::system::error_code bind() {
        if (m_config.hostAddresses.empty()) {
            return make_error_code(HostAddressErrc::noUsableAddress);
        }
        for (const auto& address : m_config.hostAddresses) {
            boost::system::error_code ec;
            udp::socket socket(m_strand);
            socket.open(address.is_v4() ? udp::v4() : udp::v6(), ec);
            if (!ec && address.is_v6()) {
                socket.set_option(net::ip::v6_only(true), ec);
            }
            if (!ec) {
                socket.bind(udp::endpoint(address, 0), ec);
            }
            udp::endpoint local;
            if (!ec) {
                local = socket.local_endpoint(ec);
            }
            if (ec) {
                return ec;
            }
            // Room for a video keyframe burst; the kernel caps it at net.core.rmem_max.
            boost::system::error_code ignored;
            socket.set_option(net::socket_base::receive_buffer_size(1 << 20), ignored);
            m_sockets.push_back(std::move(socket));
            m_localEndpoints.push_back(local);
        }
        return {};
    }

    net::any_io_executor executor() const override { return m_strand; }

    std::vector<Candidate> localCandidates() const override {
        std::vector<Candidate> out;
        for (std::size_t i = 0; i < m_localEndpoints.size(); ++i) {
            out.push_back({Candidate::Type::host, m_localEndpoints[i], hostPriority(i)});
        }
        return out;
    }

    Candidate localCandidate() const override {
        return {Candidate::Type::host, m_localEndpoints.front(), hostPriority(0)};
    }

    std::optional<SelectedPair> selectedPair() const override {
        if (!m_selectedSocket) {
            return std::nullopt;
        }
        return SelectedPair{m_localEndpoints[*m_selectedSocket], m_selected};
    }

    boost::system::error_code start(std::vector<Candidate> remote, IceCredentials remoteIce,
                                    TransportKeying keying, PacketHandler onPacket,
                                    StateHandler onState) override {
        // Keys are checked here, synchronously, so that the caller hears about bad ones at once.
        std::optional<std::pair<SrtpSession, SrtpSession>> sdes;
        std::unique_ptr<DtlsSrtpHandshake> dtls;
        if (const auto* keys = std::get_if<SrtpKeys>(&keying)) {
            auto sessions = makeSessions(*keys);
            if (!sessions) {
                return sessions.error();
            }
            sdes.emplace(std::move(*sessions));
        } else {
            const auto& parameters = std::get<DtlsParameters>(keying);
            auto handshake =
                DtlsSrtpHandshake::create(parameters.role, parameters.certificate,
                                          parameters.remoteFingerprint, parameters.suites);
            if (!handshake) {
                return handshake.error();
            }
            dtls = std::move(*handshake);
        }
        net::post(m_strand, [self = shared_from_this(), remote = std::move(remote),
                             remoteIce = std::move(remoteIce), sdes = std::move(sdes),
                             dtls = std::move(dtls), onPacket = std::move(onPacket),
                             onState = std::move(onState)]() mutable {
            if (self->m_started || self->m_state == TransportState::closed) {
                return;
            }
            self->m_started = true;
            std::sort(remote.begin(), remote.end(), [](const Candidate& a, const Candidate& b) {
                return a.priority > b.priority;
            });
            self->m_remote = std::move(remote);
            self->m_remoteIce = std::move(remoteIce);
            self->m_sdes = std::move(sdes);
            self->m_dtls = std::move(dtls);
            self->m_onPacket = std::move(onPacket);
            self->m_onState = std::move(onState);
            for (std::size_t i = 0; i < self->m_sockets.size(); ++i) {
                net::co_spawn(self->m_strand, receiveLoop(self, i), net::detached);
            }
            net::co_spawn(self->m_strand, checkLoop(self), net::detached);
            net::co_spawn(self->m_strand, consentLoop(self), net::detached);
        });
        return {};
    }

    void sendRtp(std::vector<std::uint8_t> packet) override { send(std::move(packet), false); }
    void sendRtcp(std::vector<std::uint8_t> packet) override { send(std::move(packet), true); }

    void close() override {
        net::post(m_strand, [self = shared_from_this()] {
            if (self->m_dtls && self->m_dtls->done()) {
                self->m_dtls->close(); // close_notify, so the peer knows at once
                self->flushDtls();
            }
            self->shutdown(TransportState::closed, {});
        });
    }

    TransportStats stats() const override { return m_stats; }

private:
    static boost::system::result<std::pair<SrtpSession, SrtpSession>>
    makeSessions(const SrtpKeys& keys) {
        auto sender = SrtpSession::create(keys.suite, keys.sendKey, SrtpDirection::outbound);
        if (!sender) {
            return sender.error();
        }
        auto receiver = SrtpSession::create(keys.suite, keys.receiveKey, SrtpDirection::inbound);
        if (!receiver) {
            return receiver.error();
        }
        return std::pair<SrtpSession, SrtpSession>(std::move(*sender), std::move(*receiver));
    }

    void setState(TransportState state, boost::system::error_code error = {}) {
        if (m_state == state || m_state == TransportState::closed ||
            m_state == TransportState::failed) {
            return;
        }
        m_state = state;
        if (m_onState) {
            m_onState(state, error);
        }
    }

    bool keyed() const noexcept { return m_receiver.has_value(); }

    void shutdown(TransportState final, boost::system::error_code error) {
        setState(final, error);
        boost::system::error_code ignored;
        m_checkTimer.cancel();
        m_consentTimer.cancel();
        m_dtlsTimer.cancel();
        for (auto& socket : m_sockets) {
            socket.close(ignored);
        }
    }

    // The verified path is there: key the session (SDES at once, DTLS by handshake).
    void pathVerified() {
        if (m_sdes) {
            installKeys(std::move(m_sdes->first), std::move(m_sdes->second));
            m_sdes.reset();
            return;
        }
        setState(TransportState::securing);
        m_dtls->start();
        if (m_earlyDtls && m_earlyDtlsFrom == m_selected) {
            m_dtls->receive(*m_earlyDtls);
        }
        m_earlyDtls.reset();
        afterDtls();
    }

    void installKeys(SrtpSession sender, SrtpSession receiver) {
        m_stats.suite = sender.suite();
        m_sender.emplace(std::move(sender));
        m_receiver.emplace(std::move(receiver));
        setState(TransportState::connected);
    }

    void flushDtls() {
        for (const auto& datagram : m_dtls->takeOutgoing()) {
            boost::system::error_code ec;
            selectedSocket().send_to(net::buffer(datagram), m_selected, 0, ec);
        }
    }

    udp::socket& selectedSocket() { return m_sockets[m_selectedSocket.value_or(0)]; }

    // The pair media travels on from now; the first one ends the checks.
    void select(std::size_t socket, const udp::endpoint& remote) {
        const bool first = !m_selectedSocket.has_value();
        m_selectedSocket = socket;
        m_selected = remote;
        if (first || m_state == TransportState::checking) {
            m_lastAuthenticated = Clock::now();
            m_lastConsentCheck = Clock::now();
            m_checkTimer.cancel();
            pathVerified();
        }
    }

    void afterDtls() {
        flushDtls();
        if (const auto failure = m_dtls->failure()) {
            return shutdown(TransportState::failed, failure);
        }
        if (m_dtls->done() && !keyed()) {
            auto sessions = makeSessions(m_dtls->keys());
            if (!sessions) {
                return shutdown(TransportState::failed, sessions.error());
            }
            return installKeys(std::move(sessions->first), std::move(sessions->second));
        }
        if (const auto wait = m_dtls->nextTimeout()) {
            m_dtlsTimer.expires_after(*wait);
            m_dtlsTimer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
                if (!ec && self->m_state == TransportState::securing) {
                    self->m_dtls->onTimer();
                    self->afterDtls();
                }
            });
        }
    }

    void onDtls(std::span<const std::uint8_t> datagram, const udp::endpoint& from) {
        if (!m_dtls) {
            ++m_stats.droppedUnknown; // SDES session: nobody speaks DTLS here
            return;
        }
        if (m_state == TransportState::checking) {
            // The peer's checks may succeed a moment before ours: keep its first flight.
            const bool known = std::any_of(m_remote.begin(), m_remote.end(),
                                           [&](const Candidate& c) { return c.endpoint == from; });
            if (known) {
                m_earlyDtls.emplace(datagram.begin(), datagram.end());
                m_earlyDtlsFrom = from;
                ++m_stats.dtlsReceived;
            } else {
                ++m_stats.droppedBeforeConnected;
            }
            return;
        }
        if (from != m_selected) {
            ++m_stats.droppedBeforeConnected;
            return;
        }
        ++m_stats.dtlsReceived;
        m_dtls->receive(datagram);
        afterDtls();
    }

    void send(std::vector<std::uint8_t> packet, bool rtcp) {
        net::post(m_strand,
                  [self = shared_from_this(), packet = std::move(packet), rtcp]() mutable {
                      if (!self->keyed() || (self->m_state != TransportState::connected &&
                                             self->m_state != TransportState::disconnected)) {
                          ++self->m_stats.droppedBeforeConnected;
                          return;
                      }
                      std::size_t length = packet.size();
                      packet.resize(length + rtcpTrailerLength(self->m_sender->suite()));
                      const auto error = rtcp ? self->m_sender->protectRtcp(packet, length)
                                              : self->m_sender->protectRtp(packet, length);
                      if (error) {
                          ++self->m_stats.droppedMalformed;
                          return;
                      }
                      boost::system::error_code ec;
                      self->selectedSocket().send_to(net::buffer(packet.data(), length),
                                                     self->m_selected, 0, ec);
                      if (!ec) {
                          ++(rtcp ? self->m_stats.rtcpSent : self->m_stats.rtpSent);
                          self->m_stats.bytesSent += length;
                      }
                  });
    }

    void sendCheck(std::size_t socket, const udp::endpoint& to, bool nominate = false) {
        PendingCheck check{{}, Clock::now(), socket, to, nominate};
        RAND_bytes(check.id.data(), static_cast<int>(check.id.size()));
        m_pendingChecks.push_back(check);
        if (m_pendingChecks.size() > kMaxPendingChecks) {
            m_pendingChecks.pop_front();
        }
        std::vector<std::uint8_t> role(m_tieBreaker.begin(), m_tieBreaker.end());
        std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>> attributes = {
            {kStunAttrUsername, bytesOf(m_remoteIce.ufrag + ":" + m_config.local.ufrag)},
            {kStunAttrPriority, be32(hostPriority(socket))},
            {m_config.controlling ? kStunAttrIceControlling : kStunAttrIceControlled, role}};
        if (nominate) {
            attributes.emplace_back(kStunAttrUseCandidate, std::vector<std::uint8_t>{});
        }
        const auto message =
            buildStun(kStunBindingRequest, check.id, attributes, m_remoteIce.password);
        boost::system::error_code ec;
        m_sockets[socket].send_to(net::buffer(message), to, 0, ec);
        ++m_stats.stunRequests;
    }

    // Every local address with every peer candidate of its family, until a pair works; then the
    // controlling side nominates that pair (RFC 8445 8.1.1) and the checks end when it is
    // confirmed.
    static net::awaitable<void> checkLoop(std::shared_ptr<Transport> self) {
        while (self->m_state == TransportState::checking) {
            if (self->m_nominating) {
                self->sendCheck(self->m_nominating->first, self->m_nominating->second, true);
            } else {
                for (std::size_t i = 0; i < self->m_sockets.size(); ++i) {
                    for (const auto& candidate : self->m_remote) {
                        if (candidate.endpoint.address().is_v4() ==
                            self->m_localEndpoints[i].address().is_v4()) {
                            self->sendCheck(i, candidate.endpoint);
                        }
                    }
                }
            }
            self->m_checkTimer.expires_after(self->m_config.checkInterval);
            co_await self->m_checkTimer.async_wait(kNoThrow);
        }
    }

    static net::awaitable<void> consentLoop(std::shared_ptr<Transport> self) {
        while (self->m_state != TransportState::closed) {
            self->m_consentTimer.expires_after(
                std::min(self->m_config.consentInterval, self->m_config.consentTimeout / 4));
            co_await self->m_consentTimer.async_wait(kNoThrow);
            if (self->m_state == TransportState::closed ||
                self->m_state == TransportState::failed) {
                co_return;
            }
            if (self->m_state == TransportState::checking ||
                self->m_state == TransportState::securing) {
                continue; // the handshake has its own deadline
            }
            if (Clock::now() - self->m_lastAuthenticated > self->m_config.consentTimeout) {
                self->setState(TransportState::disconnected);
            }
            if (Clock::now() - self->m_lastConsentCheck >= self->m_config.consentInterval) {
                self->m_lastConsentCheck = Clock::now();
                self->sendCheck(self->m_selectedSocket.value_or(0), self->m_selected);
            }
        }
    }

    static net::awaitable<void> receiveLoop(std::shared_ptr<Transport> self, std::size_t index) {
        std::vector<std::uint8_t> buffer(kMaxDatagramBytes + 1);
        udp::endpoint from;
        auto& socket = self->m_sockets[index];
        while (self->m_state != TransportState::closed) {
            auto [ec, size] =
                co_await socket.async_receive_from(net::buffer(buffer), from, kNoThrow);
            if (ec) {
                if (ec == net::error::operation_aborted || !socket.is_open()) {
                    co_return;
                }
                continue; // ICMP errors surface here; consent handles a dead peer
            }
            self->m_stats.bytesReceived += size;
            if (size > kMaxDatagramBytes) {
                ++self->m_stats.droppedOversized;
                continue;
            }
            self->onDatagram(std::span<std::uint8_t>(buffer.data(), size), buffer, from, index);
        }
    }

    void authenticated(const udp::endpoint& from) {
        m_lastAuthenticated = Clock::now();
        if (m_state == TransportState::disconnected && from == m_selected && keyed()) {
            setState(TransportState::connected); // consent regained
        }
    }

    void onDatagram(std::span<std::uint8_t> datagram, std::vector<std::uint8_t>& buffer,
                    const udp::endpoint& from, std::size_t socket) {
        switch (classify(datagram)) {
        case PacketKind::stun:
            onStun(datagram, from, socket);
            return;
        case PacketKind::rtp:
        case PacketKind::rtcp: {
            if (!keyed() || from != m_selected) {
                ++m_stats.droppedBeforeConnected; // media only on the verified path
                return;
            }
            const bool rtcp = classify(datagram) == PacketKind::rtcp;
            std::size_t length = datagram.size();
            const auto error = rtcp ? m_receiver->unprotectRtcp(buffer, length)
                                    : m_receiver->unprotectRtp(buffer, length);
            if (error == SrtpErrc::replayed) {
                ++m_stats.droppedReplayed;
            } else if (error == SrtpErrc::authenticationFailed) {
                ++m_stats.droppedForged;
            } else if (error) {
                ++m_stats.droppedMalformed;
            } else {
                ++(rtcp ? m_stats.rtcpReceived : m_stats.rtpReceived);
                authenticated(from);
                if (m_onPacket) {
                    m_onPacket(std::span<const std::uint8_t>(buffer.data(), length), rtcp);
                }
            }
            return;
        }
        case PacketKind::dtls:
            onDtls(datagram, from);
            return;
        case PacketKind::unknown:
            ++m_stats.droppedUnknown;
            return;
        }
    }

    void onStun(std::span<const std::uint8_t> datagram, const udp::endpoint& from,
                std::size_t socket) {
        const auto message = parseStun(datagram);
        if (!message) {
            ++m_stats.droppedMalformed;
            return;
        }
        if (message->type == kStunBindingRequest) {
            const auto* user = message->find(kStunAttrUsername);
            const std::string expected = m_config.local.ufrag + ":";
            const bool userOk =
                user != nullptr && user->valueSize > expected.size() &&
                std::equal(expected.begin(), expected.end(), datagram.begin() + user->valueOffset);
            if (!userOk || verifyStunIntegrity(datagram, *message, m_config.local.password)) {
                ++m_stats.droppedUnauthenticatedStun;
                return;
            }
            const auto response = buildStun(
                kStunBindingSuccess, message->transactionId,
                {{kStunAttrXorMappedAddress, xorMappedAddress(from, message->transactionId)}},
                m_config.local.password);
            boost::system::error_code ec;
            m_sockets[socket].send_to(net::buffer(response), from, 0, ec);
            ++m_stats.stunResponses;
            if (!m_config.controlling && message->find(kStunAttrUseCandidate) != nullptr &&
                (!m_selectedSocket || *m_selectedSocket != socket || m_selected != from)) {
                // The controlling side nominated this pair, which its own check proved both ways.
                return select(socket, from);
            }
            if (m_state != TransportState::checking && from == m_selected) {
                authenticated(from);
            }
            return;
        }
        if (message->type == kStunBindingSuccess) {
            const auto pending =
                std::find_if(m_pendingChecks.begin(), m_pendingChecks.end(),
                             [&](const auto& p) { return p.id == message->transactionId; });
            // A response counts only from where the check went, on the socket it left from
            // (RFC 8445 7.2.5.2.1: the pair is symmetric).
            if (pending == m_pendingChecks.end() || pending->to != from ||
                pending->socket != socket ||
                verifyStunIntegrity(datagram, *message, m_remoteIce.password)) {
                ++m_stats.droppedUnauthenticatedStun;
                return;
            }
            // The path's round-trip time, smoothed as TCP does (RFC 6298, alpha 1/8).
            const double rtt =
                std::chrono::duration<double, std::milli>(Clock::now() - pending->sent).count();
            m_stats.roundTripMs =
                m_stats.roundTripMs ? *m_stats.roundTripMs + (rtt - *m_stats.roundTripMs) / 8 : rtt;
            const bool nominated = pending->nominate;
            m_pendingChecks.erase(pending);
            if (m_state == TransportState::checking) {
                if (!m_config.controlling || nominated) {
                    // Controlled: the first pair that works, until the peer nominates one.
                    return select(socket, from);
                }
                if (!m_nominating) {
                    m_nominating.emplace(socket, from); // the first pair that works
                    m_checkTimer.cancel();              // nominate it now
                }
            } else if (from == m_selected) {
                authenticated(from);
            }
            return;
        }
        ++m_stats.droppedUnknown;
    }

    net::strand<net::any_io_executor> m_strand;
    MediaTransportConfig m_config;
    std::vector<udp::socket> m_sockets;          // one per host address
    std::vector<udp::endpoint> m_localEndpoints; // kept: the sockets close when the session ends
    std::optional<std::pair<SrtpSession, SrtpSession>> m_sdes; // until the path is verified
    std::unique_ptr<DtlsSrtpHandshake> m_dtls;
    std::optional<std::vector<std::uint8_t>> m_earlyDtls;
    udp::endpoint m_earlyDtlsFrom;
    std::optional<SrtpSession> m_sender; // once keyed
    std::optional<SrtpSession> m_receiver;
    bool m_started = false;
    net::steady_timer m_checkTimer;
    net::steady_timer m_consentTimer;
    net::steady_timer m_dtlsTimer;
    std::vector<Candidate> m_remote;
    IceCredentials m_remoteIce;
    udp::endpoint m_selected;                    // the peer's end of the selected pair
    std::optional<std::size_t> m_selectedSocket; // ours, once a pair is selected
    std::optional<std::pair<std::size_t, udp::endpoint>> m_nominating; // controlling, checking
    struct PendingCheck {
        TransactionId id;
        Clock::time_point sent;
        std::size_t socket;
        udp::endpoint to;
        bool nominate;
    };
    std::deque<PendingCheck> m_pendingChecks;
    std::array<std::uint8_t, 8> m_tieBreaker{};
    TransportState m_state = TransportState::checking;
    Clock::time_point m_lastAuthenticated{};
    Clock::time_point m_lastConsentCheck{};
    PacketHandler m_onPacket;
    StateHandler m_onState;
    TransportStats m_stats;
};

} // namespace

boost::system::result<std::shared_ptr<MediaTransport>>
MediaTransport::open(net::any_io_executor executor, MediaTransportConfig config) {
    auto transport = std::make_shared<Transport>(std::move(executor), std::move(config));
    if (const auto ec = transport->bind()) {
        return ec;
    }
    return std::shared_ptr<MediaTransport>(std::move(transport));
}

} // namespace tc::protocol
