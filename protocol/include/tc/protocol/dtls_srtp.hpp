#pragma once
// DTLS-SRTP keying (RFC 5764, RFC 5763) on OpenSSL, without sockets: the handshake engine takes
// the DTLS datagrams the transport demultiplexed and hands back the ones to send, so it runs on
// any path (host candidate today, TURN relay later). Each session brings a fresh self-signed
// ECDSA P-256 certificate; the peer is authenticated by the SHA-256 fingerprint that travelled
// in the SDP over the mutually authenticated TLS signalling, never by a CA. On success the SRTP
// master keys are exported (RFC 5705 "EXTRACTOR-dtls_srtp") for libsrtp; the rendezvous
// service only ever sees fingerprints.

#include "tc/protocol/errc/dtls_errc.hpp"
#include "tc/protocol/srtp_session.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

// "sha-256 AB:CD:..." as in RFC 8122's a=fingerprint, upper-case hex.
using Fingerprint = std::string;
// Accepts any hash-name case and hex case; returns the canonical form. Only SHA-256 is accepted
// (RFC 8122 allows others; SHA-1 is not a fingerprint one should trust any more).
boost::system::result<Fingerprint> parseFingerprint(std::string_view text);

class DtlsCertificate {
public:
    // A fresh ECDSA P-256 key and a self-signed certificate valid for 30 days.
    static boost::system::result<std::shared_ptr<const DtlsCertificate>> generate();
    // From PEM text holding the certificate and its private key (tests, external peers).
    static boost::system::result<std::shared_ptr<const DtlsCertificate>>
    fromPem(std::string_view pem);
    ~DtlsCertificate();

    const Fingerprint& fingerprint() const noexcept;
    std::string pem() const; // certificate then private key

    struct Impl;
    const Impl& impl() const noexcept { return *m_impl; }
    explicit DtlsCertificate(std::unique_ptr<Impl> impl);

private:
    std::unique_ptr<Impl> m_impl;
};

// RFC 5763 a=setup roles: the offerer says actpass, the answerer picks active (DTLS client).
enum class DtlsRole { client, server };

class DtlsSrtpHandshake {
public:
    using Datagram = std::vector<std::uint8_t>;

    // `suites` in order of preference; both by default.
    static boost::system::result<std::unique_ptr<DtlsSrtpHandshake>> create(
        DtlsRole role, std::shared_ptr<const DtlsCertificate> certificate,
        Fingerprint remoteFingerprint,
        std::vector<SrtpSuite> suites = {SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80});
    ~DtlsSrtpHandshake();

    // The client sends its ClientHello; a server waits for one.
    void start();
    // One received DTLS datagram (records of the handshake, retransmissions, alerts).
    // Returns the handshake's failure once it has failed; later datagrams are ignored.
    boost::system::error_code receive(std::span<const std::uint8_t> datagram);
    // Datagrams produced since the last call, to send to the peer in order.
    std::vector<Datagram> takeOutgoing();
    // When to call onTimer() for retransmission; empty when nothing is in flight.
    std::optional<std::chrono::milliseconds> nextTimeout() const;
    void onTimer();
    // A close_notify for the peer (goes out through takeOutgoing()).
    void close();

    bool done() const noexcept;
    boost::system::error_code failure() const noexcept;
    // Valid once done().
    const SrtpKeys& keys() const noexcept;

private:
    struct Impl;
    explicit DtlsSrtpHandshake(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::protocol
