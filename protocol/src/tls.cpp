#include "tc/protocol/tls.hpp"

#include "openssl_handles.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace tc::protocol {
namespace {

namespace ssl = boost::asio::ssl;
using namespace detail;

boost::system::error_code configure(ssl::context& context, const TlsConfig& config) {
    SSL_CTX* native = context.native_handle();
    // TLS 1.3 only: forward secrecy and encrypted certificates, nothing to negotiate down to.
    if (SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1) {
        return make_error_code(Errc::pkiFailure);
    }
    X509Ptr certificate = readCertificatePem(config.own.certificatePem);
    PkeyPtr key = readPrivateKeyPem(config.own.privateKeyPem);
    if (!certificate || !key || SSL_CTX_use_certificate(native, certificate.get()) != 1 ||
        SSL_CTX_use_PrivateKey(native, key.get()) != 1 || SSL_CTX_check_private_key(native) != 1) {
        ERR_clear_error();
        return make_error_code(Errc::pkiFailure);
    }
    // Trust only the deployment CA: no system roots, no intermediate from the peer by default.
    X509_STORE* store = SSL_CTX_get_cert_store(native);
    X509Ptr ca = readCertificatePem(config.trustedCaPem);
    if (!ca || X509_STORE_add_cert(store, ca.get()) != 1) {
        ERR_clear_error();
        return make_error_code(Errc::pkiFailure);
    }
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
    // Thousands of mostly idle links: give each one's 34 KiB of record buffers back between
    // messages.
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    return {};
}

// A server sends no session ticket and keeps no session cache. With SSL_OP_NO_TICKET, TLS 1.3
// tickets are stateful: each handshake would leave two sessions (the client's certificate
// included) in a cache of up to 20,480, for resumptions no client of ours attempts.
void withoutSessions(SSL_CTX* native) {
    SSL_CTX_set_num_tickets(native, 0);
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
}

// The checks both sides add to OpenSSL's chain verification, at the leaf:
// - a certificate that is not yet valid is reported as expired, so that the peer gets the TLS
//   alert certificate_expired ("expired or not currently valid", RFC 8446 section 6.2) instead
//   of OpenSSL's bad_certificate;
// - the leaf MUST carry the extended key usage of its side (clientAuth for a client, serverAuth
//   for the service). OpenSSL alone accepts a leaf with no extended key usage at all.
bool verifyLeaf(bool preverified, X509_STORE_CTX* store, std::uint32_t requiredUsage) {
    if (!preverified) {
        if (X509_STORE_CTX_get_error(store) == X509_V_ERR_CERT_NOT_YET_VALID) {
            X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_HAS_EXPIRED);
        }
        return false;
    }
    if (X509_STORE_CTX_get_error_depth(store) != 0) {
        return true;
    }
    X509* leaf = X509_STORE_CTX_get_current_cert(store);
    if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) == 0 ||
        (X509_get_extended_key_usage(leaf) & requiredUsage) == 0) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_INVALID_PURPOSE);
        return false;
    }
    return true;
}

} // namespace

Result<std::shared_ptr<ssl::context>> makeServerContext(const TlsConfig& config) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    if (const auto ec = configure(*context, config)) {
        return ec;
    }
    withoutSessions(context->native_handle());
    context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    context->set_verify_callback([](bool preverified, ssl::verify_context& verify) {
        return verifyLeaf(preverified, verify.native_handle(), XKU_SSL_CLIENT);
    });
    return context;
}

Result<std::shared_ptr<ssl::context>> makeBrowserServerContext(const TlsConfig& config) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    if (const auto ec = configure(*context, config)) {
        return ec;
    }
    withoutSessions(context->native_handle());
    context->set_verify_mode(ssl::verify_none);
    return context;
}

Result<std::shared_ptr<ssl::context>> makeClientContext(const TlsConfig& config,
                                                        const std::string& host) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    if (const auto ec = configure(*context, config)) {
        return ec;
    }
    // Host name or IP address checked by OpenSSL during chain verification.
    X509_VERIFY_PARAM* params = SSL_CTX_get0_param(context->native_handle());
    X509_VERIFY_PARAM_set_hostflags(params, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const bool isIp = X509_VERIFY_PARAM_set1_ip_asc(params, host.c_str()) == 1;
    if (!isIp) {
        ERR_clear_error();
        if (X509_VERIFY_PARAM_set1_host(params, host.c_str(), host.size()) != 1) {
            return make_error_code(Errc::pkiFailure);
        }
    }
    context->set_verify_mode(ssl::verify_peer);
    // Beyond the chain and the name, the peer must be a rendezvous service, not another
    // deployment identity (a cabin certificate cannot impersonate the service).
    context->set_verify_callback([](bool preverified, ssl::verify_context& verify) {
        X509_STORE_CTX* store = verify.native_handle();
        if (!verifyLeaf(preverified, store, XKU_SSL_SERVER)) {
            return false;
        }
        if (X509_STORE_CTX_get_error_depth(store) != 0) {
            return true;
        }
        const auto identity = identityFromCertificate(X509_STORE_CTX_get_current_cert(store));
        if (!identity || identity->role != Role::service) {
            X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
            return false;
        }
        return true;
    });
    return context;
}

boost::system::error_code classifyVerifyResult(long result) {
    switch (result) {
    case X509_V_OK:
        return {};
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return make_error_code(Errc::certificateExpired);
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return make_error_code(Errc::unknownCa);
    default:
        return make_error_code(Errc::certificateRejected);
    }
}

boost::system::error_code classifyTlsError(const boost::system::error_code& ec) {
    if (ec.category() != boost::asio::error::get_ssl_category()) {
        return ec;
    }
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
        return make_error_code(Errc::noCertificate);
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
        return make_error_code(Errc::unknownCa);
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
        return make_error_code(Errc::certificateExpired);
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
    case SSL_R_CERTIFICATE_VERIFY_FAILED:
        return make_error_code(Errc::certificateRejected);
    default:
        return ec;
    }
}

} // namespace tc::protocol
