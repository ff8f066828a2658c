// TLS 1.3 mutual authentication on real loopback sockets: each refusal gets its typed reason.
#include "support/catch_result.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/protocol/tls.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <openssl/ssl.h>
#include <thread>

using namespace tc;
using namespace tc::test;
using protocol::Errc;
using protocol::Role;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

struct Outcome {
    boost::system::error_code server; // typed, as the service classifies it
    boost::system::error_code client; // typed, as the client classifies it
};

// One connection between a server context and a client context; both sides classify.
Outcome connect(ssl::context& serverContext, ssl::context& clientContext) {
    net::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    Outcome outcome;
    std::thread server([&] {
        net::io_context serverIo;
        tcp::socket socket(serverIo);
        acceptor.accept(socket);
        ssl::stream<tcp::socket> stream(std::move(socket), serverContext);
        boost::system::error_code ec;
        stream.handshake(ssl::stream_base::server, ec);
        if (ec) {
            const long verify = SSL_get_verify_result(stream.native_handle());
            outcome.server = verify != X509_V_OK ? protocol::classifyVerifyResult(verify)
                                                 : protocol::classifyTlsError(ec);
            return;
        }
        net::write(stream, net::buffer("ok", 2), ec);
    });
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ssl::stream<tcp::socket> stream(std::move(socket), clientContext);
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::client, ec);
    if (!ec) {
        // In TLS 1.3 the server's verdict on our certificate arrives after our handshake.
        char buffer[2];
        net::read(stream, net::buffer(buffer), ec);
    }
    if (ec) {
        const long verify = SSL_get_verify_result(stream.native_handle());
        outcome.client = verify != X509_V_OK ? protocol::classifyVerifyResult(verify)
                                             : protocol::classifyTlsError(ec);
    }
    server.join();
    return outcome;
}

std::shared_ptr<ssl::context> serverContext(const TestPki& pki) {
    return *protocol::makeServerContext({pki.service, pki.ca.certificatePem()});
}

std::shared_ptr<ssl::context> clientContext(const TestPki& trust, protocol::Credentials own,
                                            const std::string& host = "127.0.0.1") {
    return *protocol::makeClientContext({std::move(own), trust.ca.certificatePem()}, host);
}

} // namespace

TEST_CASE("mutual TLS 1.3 with deployment certificates succeeds", "[tls]") {
    TestPki pki;
    auto server = serverContext(pki);
    auto client = clientContext(pki, pki.doctor());
    const auto outcome = connect(*server, *client);
    CHECK_FALSE(outcome.server);
    CHECK_FALSE(outcome.client);
}

TEST_CASE("the service refuses bad client certificates with a clear reason", "[tls]") {
    TestPki pki;
    auto server = serverContext(pki);

    SECTION("no certificate") {
        ssl::context bare(ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(bare.native_handle(), TLS1_3_VERSION);
        bare.add_certificate_authority(net::buffer(pki.ca.certificatePem()));
        bare.set_verify_mode(ssl::verify_peer);
        const auto outcome = connect(*server, bare);
        CHECK(outcome.server == Errc::noCertificate);
        CHECK(outcome.client == Errc::noCertificate);
    }
    SECTION("certificate from another CA") {
        TestPki rogue;
        auto client = clientContext(pki, rogue.doctor());
        const auto outcome = connect(*server, *client);
        CHECK(outcome.server == Errc::unknownCa);
        CHECK(outcome.client == Errc::unknownCa);
    }
    SECTION("expired certificate") {
        auto client = clientContext(
            pki, pki.issue(Role::cabin, "FR-OLD-01", "Vieille cabine", -7200s, -3600s));
        const auto outcome = connect(*server, *client);
        CHECK(outcome.server == Errc::certificateExpired);
        CHECK(outcome.client == Errc::certificateExpired);
    }
    SECTION("not yet valid certificate") {
        auto client =
            clientContext(pki, pki.issue(Role::cabin, "FR-NEW-01", "Future cabine", 3600s, 7200s));
        const auto outcome = connect(*server, *client);
        CHECK(outcome.server == Errc::certificateExpired);
        // The alert says so too (certificate_expired, not bad_certificate): RFC 8446 gives it
        // for a certificate "expired or not currently valid".
        CHECK(outcome.client == Errc::certificateExpired);
    }
}

TEST_CASE("the client refuses a server that is not the rendezvous service", "[tls]") {
    TestPki pki;
    SECTION("a cabin certificate posing as the service") {
        protocol::CertificateRequest request;
        request.identity = {Role::cabin, "FR-EVIL-01", "Cabine"};
        request.ipAddresses = {"127.0.0.1"};
        auto impostor =
            *protocol::makeServerContext({*pki.ca.issue(request), pki.ca.certificatePem()});
        auto client = clientContext(pki, pki.doctor());
        CHECK(connect(*impostor, *client).client == Errc::certificateRejected);
    }
    SECTION("a host name that does not match") {
        auto server = serverContext(pki);
        auto client = clientContext(pki, pki.doctor(), "rendezvous.example.org");
        CHECK(connect(*server, *client).client == Errc::certificateRejected);
    }
    SECTION("a service from another CA") {
        TestPki rogue;
        auto server = serverContext(rogue);
        auto client = clientContext(pki, pki.doctor());
        CHECK(connect(*server, *client).client == Errc::unknownCa);
    }
}

namespace {

// A certificate made by the openssl command line from the test CA, with the extensions given:
// what another CA tool might issue.
protocol::Credentials opensslCertificate(const TestPki& pki, const TempDir& dir,
                                         const std::string& subject,
                                         const std::string& extensions) {
    const auto ca = dir.write("ca.pem", pki.ca.certificatePem());
    const auto caKey = dir.write("ca.key", pki.ca.privateKeyPem());
    const auto ext = dir.write("ext.cnf", "basicConstraints=critical,CA:FALSE\n"
                                          "keyUsage=critical,digitalSignature\n" +
                                              extensions);
    const auto key = dir.path() / "leaf.key";
    const auto csr = dir.path() / "leaf.csr";
    const auto pem = dir.path() / "leaf.pem";
    REQUIRE(run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                key.string() + " -subj '" + subject + "' -out " + csr.string()) == 0);
    REQUIRE(run("openssl x509 -req -in " + csr.string() + " -CA " + ca.string() + " -CAkey " +
                caKey.string() + " -set_serial 4242 -days 1 -extfile " + ext.string() + " -out " +
                pem.string()) == 0);
    return {*protocol::readFile(pem), *protocol::readFile(key), {}};
}

const std::string kCabinSubject = "/O=telecabine development/OU=cabin/serialNumber=FR-EKU-01/"
                                  "CN=Cabine EKU";
const std::string kServiceSubject = "/O=telecabine development/OU=service/"
                                    "serialNumber=rendezvous/CN=Service EKU";

} // namespace

TEST_CASE("extended key usage: clientAuth for clients, serverAuth for the service", "[tls]") {
    TestPki pki;
    TempDir dir;
    SECTION("a client certificate with clientAuth is accepted (the test's own control)") {
        auto client = clientContext(
            pki, opensslCertificate(pki, dir, kCabinSubject, "extendedKeyUsage=clientAuth\n"));
        const auto outcome = connect(*serverContext(pki), *client);
        CHECK_FALSE(outcome.server);
        CHECK_FALSE(outcome.client);
    }
    SECTION("a client certificate without extended key usage is refused") {
        auto client = clientContext(pki, opensslCertificate(pki, dir, kCabinSubject, ""));
        const auto outcome = connect(*serverContext(pki), *client);
        CHECK(outcome.server == Errc::certificateRejected);
        CHECK(outcome.client == Errc::certificateRejected);
    }
    SECTION("a client certificate with serverAuth only is refused") {
        auto client = clientContext(
            pki, opensslCertificate(pki, dir, kCabinSubject, "extendedKeyUsage=serverAuth\n"));
        const auto outcome = connect(*serverContext(pki), *client);
        CHECK(outcome.server == Errc::certificateRejected);
        CHECK(outcome.client == Errc::certificateRejected);
    }
    SECTION("a service certificate without serverAuth is refused by the client") {
        for (const std::string usage : {"", "extendedKeyUsage=clientAuth\n"}) {
            INFO("extensions: " << usage);
            auto server = *protocol::makeServerContext(
                {opensslCertificate(pki, dir, kServiceSubject,
                                    usage + "subjectAltName=IP:127.0.0.1\n"),
                 pki.ca.certificatePem()});
            CHECK(connect(*server, *clientContext(pki, pki.doctor())).client ==
                  Errc::certificateRejected);
        }
    }
    SECTION("a service certificate with serverAuth is accepted (control)") {
        auto server = *protocol::makeServerContext(
            {opensslCertificate(pki, dir, kServiceSubject,
                                "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n"),
             pki.ca.certificatePem()});
        const auto outcome = connect(*server, *clientContext(pki, pki.doctor()));
        CHECK_FALSE(outcome.client);
        CHECK_FALSE(outcome.server);
    }
}

TEST_CASE("TLS 1.2 is refused (openssl s_client as the peer)", "[tls]") {
    TestPki pki;
    TempDir dir;
    const auto doctor = pki.doctor();
    const auto cert = dir.write("doctor.pem", doctor.certificatePem);
    const auto key = dir.write("doctor.key", doctor.privateKeyPem);
    const auto ca = dir.write("ca.pem", pki.ca.certificatePem());
    auto server = serverContext(pki);

    net::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    boost::system::error_code serverError;
    std::thread serverThread([&] {
        tcp::socket socket(io);
        acceptor.accept(socket);
        ssl::stream<tcp::socket> stream(std::move(socket), *server);
        stream.handshake(ssl::stream_base::server, serverError);
    });
    const std::string common = " -connect 127.0.0.1:" + std::to_string(port) + " -cert " +
                               cert.string() + " -key " + key.string() + " -CAfile " + ca.string() +
                               " -verify_return_error </dev/null";
    CHECK(run("openssl s_client -tls1_2" + common) != 0);
    serverThread.join();
    CHECK(serverError);

    // The same peer over TLS 1.3 is accepted: the refusal above was about the version.
    boost::system::error_code okError;
    std::thread okThread([&] {
        tcp::socket socket(io);
        acceptor.accept(socket);
        ssl::stream<tcp::socket> stream(std::move(socket), *server);
        stream.handshake(ssl::stream_base::server, okError);
        if (!okError) {
            // Wait for the peer to finish (it closes when its stdin ends).
            char byte;
            boost::system::error_code eof;
            net::read(stream, net::buffer(&byte, 1), eof);
        }
    });
    CHECK(run("openssl s_client -tls1_3" + common) == 0);
    okThread.join();
    CHECK_FALSE(okError);
}
