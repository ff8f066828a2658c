#include "tc/protocol/dtls_srtp.hpp"

#include "random_id.hpp"
#include "x509_builder.hpp"

#include <algorithm>
#include <cctype>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>

namespace tc::protocol {
namespace {

using namespace detail;
using Clock = std::chrono::steady_clock;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslDeleter<SSL_free>>;

// Under any path MTU we will meet (IPv6 minimum 1280 less UDP, IP and TURN overheads).
constexpr long kDtlsMtu = 1200;
// A handshake that has not finished by then will not: packets are not getting through.
constexpr auto kHandshakeDeadline = std::chrono::seconds(15);
constexpr unsigned kFirstRetransmitUs = 250'000; // OpenSSL's 1 s default is slow for media
constexpr unsigned kMaxRetransmitUs = 4'000'000;
constexpr std::string_view kExporterLabel = "EXTRACTOR-dtls_srtp";

std::string hexFingerprint(X509* certificate) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1) {
        return {};
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "sha-256 ";
    for (unsigned i = 0; i < length; ++i) {
        if (i != 0) {
            out += ':';
        }
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0xf];
    }
    return out;
}

std::optional<SrtpSuite> suiteOfProfile(unsigned long id) {
    if (id == SRTP_AEAD_AES_128_GCM) {
        return SrtpSuite::aeadAes128Gcm;
    }
    if (id == SRTP_AES128_CM_SHA1_80) {
        return SrtpSuite::aesCm128HmacSha1_80;
    }
    return std::nullopt;
}

std::string profileList(const std::vector<SrtpSuite>& suites) {
    std::string out;
    for (const auto suite : suites) {
        if (!out.empty()) {
            out += ':';
        }
        out +=
            suite == SrtpSuite::aeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
    }
    return out;
}

// ---- A BIO that carries whole datagrams in and out of the SSL object ----------------------

struct DatagramBioState {
    std::span<const std::uint8_t> incoming;
    std::vector<DtlsSrtpHandshake::Datagram> outgoing;
};

int bioWrite(BIO* bio, const char* data, int length) {
    auto* state = static_cast<DatagramBioState*>(BIO_get_data(bio));
    if (length <= 0) {
        return 0;
    }
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
    state->outgoing.emplace_back(bytes, bytes + length);
    return length;
}

int bioRead(BIO* bio, char* out, int capacity) {
    auto* state = static_cast<DatagramBioState*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (state->incoming.empty()) {
        BIO_set_retry_read(bio);
        return -1;
    }
    // A datagram larger than the buffer is truncated, as a datagram socket would do.
    const auto n = std::min(state->incoming.size(), static_cast<std::size_t>(capacity));
    std::copy_n(state->incoming.begin(), n, out);
    state->incoming = {};
    return static_cast<int>(n);
}

long bioControl(BIO*, int command, long, void*) {
    switch (command) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
        return kDtlsMtu;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
        return 0; // kDtlsMtu is already the payload budget
    default:
        return 0;
    }
}

int bioCreate(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

// Built once, immutable afterwards; OpenSSL wants a pointer that outlives every BIO.
const BIO_METHOD* datagramBioMethod() {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tc-datagram");
        BIO_meth_set_write(m, bioWrite);
        BIO_meth_set_read(m, bioRead);
        BIO_meth_set_ctrl(m, bioControl);
        BIO_meth_set_create(m, bioCreate);
        return m;
    }();
    return method;
}

unsigned retransmitTimer(SSL*, unsigned previousUs) {
    return previousUs == 0 ? kFirstRetransmitUs : std::min(previousUs * 2, kMaxRetransmitUs);
}

} // namespace

boost::system::result<Fingerprint> parseFingerprint(std::string_view text) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) {
        return make_error_code(DtlsErrc::badFingerprint);
    }
    std::string hash(text.substr(0, space));
    std::transform(hash.begin(), hash.end(), hash.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto hex = text.substr(space + 1);
    // 32 bytes: 32 pairs of hex digits separated by 31 colons.
    if (hash != "sha-256" || hex.size() != 32 * 3 - 1) {
        return make_error_code(DtlsErrc::badFingerprint);
    }
    std::string out = "sha-256 ";
    for (std::size_t i = 0; i < hex.size(); ++i) {
        const auto c = static_cast<unsigned char>(hex[i]);
        const bool separator = i % 3 == 2;
        if (separator ? c != ':' : !std::isxdigit(c)) {
            return make_error_code(DtlsErrc::badFingerprint);
        }
        out += static_cast<char>(std::toupper(c));
    }
    return out;
}

// ---- Certificate --------------------------------------------------------------------------

struct DtlsCertificate::Impl {
    X509Ptr certificate;
    PkeyPtr key;
    Fingerprint fingerprint;
};

DtlsCertificate::DtlsCertificate(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
DtlsCertificate::~DtlsCertificate() = default;

const Fingerprint& DtlsCertificate::fingerprint() const noexcept {
    return m_impl->fingerprint;
}

std::string DtlsCertificate::pem() const {
    return certificateToPem(m_impl->certificate.get()) + privateKeyToPem(m_impl->key.get());
}

boost::system::result<std::shared_ptr<const DtlsCertificate>> DtlsCertificate::generate() {
    auto impl = std::make_unique<Impl>();
    impl->key = generateKey();
    if (impl->key) {
        // Backdated a day: the peer's clock may be behind ours.
        impl->certificate =
            newCertificate(impl->key.get(), -std::chrono::hours(24), std::chrono::hours(24 * 30));
    }
    bool ok = impl->certificate != nullptr;
    if (ok) {
        X509_NAME* name = X509_get_subject_name(impl->certificate.get());
        ok = addNameEntry(name, NID_commonName, "telecabine-" + randomHex(8)) &&
             X509_set_issuer_name(impl->certificate.get(), name) == 1 &&
             X509_sign(impl->certificate.get(), impl->key.get(), EVP_sha256()) > 0;
    }
    if (!ok) {
        ERR_clear_error();
        return make_error_code(DtlsErrc::certificateFailure);
    }
    impl->fingerprint = hexFingerprint(impl->certificate.get());
    return std::make_shared<const DtlsCertificate>(std::move(impl));
}

boost::system::result<std::shared_ptr<const DtlsCertificate>>
DtlsCertificate::fromPem(std::string_view pem) {
    auto impl = std::make_unique<Impl>();
    impl->certificate = readCertificatePem(std::string(pem));
    impl->key = readPrivateKeyPem(std::string(pem));
    if (!impl->certificate || !impl->key ||
        X509_check_private_key(impl->certificate.get(), impl->key.get()) != 1) {
        ERR_clear_error();
        return make_error_code(DtlsErrc::certificateFailure);
    }
    impl->fingerprint = hexFingerprint(impl->certificate.get());
    return std::make_shared<const DtlsCertificate>(std::move(impl));
}

// ---- Handshake ----------------------------------------------------------------------------

struct DtlsSrtpHandshake::Impl {
    DtlsRole role = DtlsRole::client;
    std::shared_ptr<const DtlsCertificate> certificate;
    Fingerprint remoteFingerprint;
    std::vector<SrtpSuite> suites;
    SslCtxPtr context;
    SslPtr ssl;
    DatagramBioState bio;
    Clock::time_point deadline = Clock::now() + kHandshakeDeadline;
    bool started = false;
    bool done = false;
    bool fingerprintRejected = false;
    boost::system::error_code failure;
    SrtpKeys keys;

    static int verifyPeer(int, X509_STORE_CTX* store) {
        // Self-signed by design: the only trust anchor is the fingerprint from the SDP, checked
        // on the leaf. Chains above it are irrelevant and accepted.
        if (X509_STORE_CTX_get_error_depth(store) != 0) {
            return 1;
        }
        auto* ssl = static_cast<SSL*>(
            X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
        auto* self = static_cast<Impl*>(SSL_get_app_data(ssl));
        const auto presented = hexFingerprint(X509_STORE_CTX_get_current_cert(store));
        if (presented.size() != self->remoteFingerprint.size() ||
            CRYPTO_memcmp(presented.data(), self->remoteFingerprint.data(), presented.size()) !=
                0) {
            self->fingerprintRejected = true;
            X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
            return 0;
        }
        return 1;
    }

    void fail(DtlsErrc error) {
        ERR_clear_error();
        if (!failure) {
            failure = make_error_code(error);
        }
    }

    void finish() {
        X509* peer = SSL_get0_peer_certificate(ssl.get());
        if (peer == nullptr) {
            return fail(DtlsErrc::noPeerCertificate);
        }
        if (hexFingerprint(peer) != remoteFingerprint) {
            return fail(DtlsErrc::fingerprintMismatch); // belt and braces over verifyPeer
        }
        const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(ssl.get());
        const auto suite = profile != nullptr ? suiteOfProfile(profile->id) : std::nullopt;
        if (!suite || std::find(suites.begin(), suites.end(), *suite) == suites.end()) {
            return fail(DtlsErrc::noCommonSrtpProfile);
        }
        // RFC 5764 §4.2: client key, server key, client salt, server salt.
        constexpr std::size_t keyLength = 16;
        const std::size_t saltLength = masterKeyLength(*suite) - keyLength;
        std::vector<std::uint8_t> material(2 * (keyLength + saltLength));
        if (SSL_export_keying_material(ssl.get(), material.data(), material.size(),
                                       kExporterLabel.data(), kExporterLabel.size(), nullptr, 0,
                                       0) != 1) {
            return fail(DtlsErrc::handshakeFailed);
        }
        const auto* clientKey = material.data();
        const auto* serverKey = clientKey + keyLength;
        const auto* clientSalt = serverKey + keyLength;
        const auto* serverSalt = clientSalt + saltLength;
        auto join = [&](const std::uint8_t* key, const std::uint8_t* salt) {
            std::vector<std::uint8_t> out(key, key + keyLength);
            out.insert(out.end(), salt, salt + saltLength);
            return out;
        };
        const bool client = role == DtlsRole::client;
        keys.suite = *suite;
        keys.sendKey = client ? join(clientKey, clientSalt) : join(serverKey, serverSalt);
        keys.receiveKey = client ? join(serverKey, serverSalt) : join(clientKey, clientSalt);
        OPENSSL_cleanse(material.data(), material.size());
        done = true;
    }

    void step() {
        if (failure) {
            return;
        }
        if (done) {
            // Afterwards the association only carries retransmitted flights (handled inside
            // SSL_read) and alerts; media never travels as DTLS application data.
            unsigned char scratch[256];
            const int n = SSL_read(ssl.get(), scratch, sizeof scratch);
            if (n <= 0 && SSL_get_error(ssl.get(), n) == SSL_ERROR_ZERO_RETURN) {
                fail(DtlsErrc::peerClosed);
            }
            ERR_clear_error();
            return;
        }
        const int result = SSL_do_handshake(ssl.get());
        if (result == 1) {
            return finish();
        }
        const int error = SSL_get_error(ssl.get(), result);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            return;
        }
        fail(fingerprintRejected ? DtlsErrc::fingerprintMismatch : DtlsErrc::handshakeFailed);
    }
};

DtlsSrtpHandshake::DtlsSrtpHandshake(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
DtlsSrtpHandshake::~DtlsSrtpHandshake() = default;

boost::system::result<std::unique_ptr<DtlsSrtpHandshake>>
DtlsSrtpHandshake::create(DtlsRole role, std::shared_ptr<const DtlsCertificate> certificate,
                          Fingerprint remoteFingerprint, std::vector<SrtpSuite> suites) {
    auto expected = parseFingerprint(remoteFingerprint);
    if (!expected) {
        return expected.error();
    }
    if (!certificate || suites.empty()) {
        return make_error_code(DtlsErrc::certificateFailure);
    }
    auto impl = std::make_unique<Impl>();
    impl->role = role;
    impl->certificate = std::move(certificate);
    impl->remoteFingerprint = std::move(*expected);
    impl->suites = std::move(suites);
    impl->context.reset(SSL_CTX_new(DTLS_method()));
    SSL_CTX* context = impl->context.get();
    const auto& own = impl->certificate->impl();
    // ECDHE only (forward secrecy); ECDSA for our certificates and browsers', RSA for older peers.
    const bool ok = context != nullptr &&
                    SSL_CTX_set_min_proto_version(context, DTLS1_2_VERSION) == 1 &&
                    SSL_CTX_use_certificate(context, own.certificate.get()) == 1 &&
                    SSL_CTX_use_PrivateKey(context, own.key.get()) == 1 &&
                    SSL_CTX_check_private_key(context) == 1 &&
                    SSL_CTX_set_cipher_list(context, "ECDHE-ECDSA-AES128-GCM-SHA256:"
                                                     "ECDHE-ECDSA-CHACHA20-POLY1305:"
                                                     "ECDHE-ECDSA-AES256-GCM-SHA384:"
                                                     "ECDHE-RSA-AES128-GCM-SHA256:"
                                                     "ECDHE-RSA-AES256-GCM-SHA384") == 1 &&
                    // 0 is success for this one.
                    SSL_CTX_set_tlsext_use_srtp(context, profileList(impl->suites).c_str()) == 0;
    if (!ok) {
        ERR_clear_error();
        return make_error_code(DtlsErrc::handshakeFailed);
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       &Impl::verifyPeer);
    SSL_CTX_set_read_ahead(context, 1);
    impl->ssl.reset(SSL_new(context));
    BIO* bio = impl->ssl ? BIO_new(datagramBioMethod()) : nullptr;
    if (bio == nullptr) {
        ERR_clear_error();
        return make_error_code(DtlsErrc::handshakeFailed);
    }
    BIO_set_data(bio, &impl->bio);
    SSL_set_bio(impl->ssl.get(), bio, bio); // one reference, taken by the SSL object
    SSL_set_app_data(impl->ssl.get(), impl.get());
    SSL_set_options(impl->ssl.get(), SSL_OP_NO_QUERY_MTU);
    DTLS_set_link_mtu(impl->ssl.get(), kDtlsMtu);
    DTLS_set_timer_cb(impl->ssl.get(), retransmitTimer);
    if (role == DtlsRole::client) {
        SSL_set_connect_state(impl->ssl.get());
    } else {
        SSL_set_accept_state(impl->ssl.get());
    }
    return std::unique_ptr<DtlsSrtpHandshake>(new DtlsSrtpHandshake(std::move(impl)));
}

void DtlsSrtpHandshake::start() {
    if (m_impl->started) {
        return;
    }
    m_impl->started = true;
    m_impl->deadline = Clock::now() + kHandshakeDeadline;
    if (m_impl->role == DtlsRole::client) {
        m_impl->step();
    }
}

boost::system::error_code DtlsSrtpHandshake::receive(std::span<const std::uint8_t> datagram) {
    if (m_impl->failure || datagram.empty()) {
        return m_impl->failure;
    }
    m_impl->started = true;
    m_impl->bio.incoming = datagram;
    m_impl->step();
    m_impl->bio.incoming = {};
    return m_impl->failure;
}

std::vector<DtlsSrtpHandshake::Datagram> DtlsSrtpHandshake::takeOutgoing() {
    return std::exchange(m_impl->bio.outgoing, {});
}

std::optional<std::chrono::milliseconds> DtlsSrtpHandshake::nextTimeout() const {
    if (m_impl->failure || m_impl->done || !m_impl->started) {
        return std::nullopt;
    }
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(m_impl->deadline - Clock::now());
    timeval retransmit{};
    if (DTLSv1_get_timeout(m_impl->ssl.get(), &retransmit) == 1) {
        const auto dtls = std::chrono::milliseconds(retransmit.tv_sec * 1000) +
                          std::chrono::ceil<std::chrono::milliseconds>(
                              std::chrono::microseconds(retransmit.tv_usec));
        wait = std::min(wait, dtls);
    }
    return std::max(wait, std::chrono::milliseconds(0));
}

void DtlsSrtpHandshake::onTimer() {
    if (m_impl->failure || m_impl->done) {
        return;
    }
    if (Clock::now() >= m_impl->deadline) {
        return m_impl->fail(DtlsErrc::timedOut);
    }
    if (DTLSv1_handle_timeout(m_impl->ssl.get()) < 0) {
        m_impl->fail(DtlsErrc::handshakeFailed);
    }
}

void DtlsSrtpHandshake::close() {
    if (m_impl->started && !m_impl->failure) {
        SSL_shutdown(m_impl->ssl.get());
        ERR_clear_error();
    }
}

bool DtlsSrtpHandshake::done() const noexcept {
    return m_impl->done && !m_impl->failure;
}

boost::system::error_code DtlsSrtpHandshake::failure() const noexcept {
    return m_impl->failure;
}

const SrtpKeys& DtlsSrtpHandshake::keys() const noexcept {
    return m_impl->keys;
}

} // namespace tc::protocol
