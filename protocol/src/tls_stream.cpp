#include "tls_stream.hpp"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <climits>
#include <cstring>
#include <new>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace tc::protocol::detail {
// The BIO between OpenSSL and TlsStream: reads consume m_in, writes append to m_out.
struct TlsStreamBio {
    static int write(BIO* bio, const char* data, int size) {
        BIO_clear_retry_flags(bio);
        auto* stream = static_cast<TlsStream*>(BIO_get_data(bio));
        if (size <= 0) {
            return 0;
        }
        const auto* bytes = reinterpret_cast<const unsigned char*>(data);
        stream->m_out.insert(stream->m_out.end(), bytes, bytes + size);
        return size;
    }

    static int read(BIO* bio, char* data, int size) {
        BIO_clear_retry_flags(bio);
        auto* stream = static_cast<TlsStream*>(BIO_get_data(bio));
        const std::size_t available = stream->m_in.size() - stream->m_inRead;
        if (available == 0) {
            BIO_set_retry_read(bio);
            return -1;
        }
        const auto n = std::min(available, static_cast<std::size_t>(std::max(size, 0)));
        std::memcpy(data, stream->m_in.data() + stream->m_inRead, n);
        stream->m_inRead += n;
        if (stream->m_inRead == stream->m_in.size()) {
            // Consumed: give the memory back rather than keep it for an idle connection.
            std::vector<unsigned char>().swap(stream->m_in);
            stream->m_inRead = 0;
        }
        return static_cast<int>(n);
    }

    static long ctrl(BIO* bio, int command, long, void*) {
        const auto* stream = static_cast<const TlsStream*>(BIO_get_data(bio));
        switch (command) {
        case BIO_CTRL_FLUSH:
            return 1; // the stream writes m_out after each OpenSSL call
        case BIO_CTRL_PENDING:
            return static_cast<long>(stream->m_in.size() - stream->m_inRead);
        case BIO_CTRL_WPENDING:
            return static_cast<long>(stream->m_out.size());
        default:
            return 0;
        }
    }

    static int create(BIO* bio) {
        BIO_set_init(bio, 1);
        return 1;
    }
};

namespace {

BIO_METHOD* bioMethod() {
    // Created once, never freed: OpenSSL's method tables live as long as the process.
    static BIO_METHOD* const method = [] {
        BIO_METHOD* created =
            BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "telecabine tls stream");
        if (created != nullptr) {
            BIO_meth_set_write(created, &TlsStreamBio::write);
            BIO_meth_set_read(created, &TlsStreamBio::read);
            BIO_meth_set_ctrl(created, &TlsStreamBio::ctrl);
            BIO_meth_set_create(created, &TlsStreamBio::create);
        }
        return created;
    }();
    return method;
}

} // namespace

TlsStream::TlsStream(tcp::socket socket, net::ssl::context& context)
    : m_next(std::move(socket))
    , m_ssl(SSL_new(context.native_handle())) {
    BIO* bio = bioMethod() != nullptr ? BIO_new(bioMethod()) : nullptr;
    if (m_ssl == nullptr || bio == nullptr) {
        BIO_free(bio);
        SSL_free(m_ssl);
        throw std::bad_alloc();
    }
    BIO_set_data(bio, this);
    SSL_set_bio(m_ssl, bio, bio); // one reference, owned by the SSL
    // As asio's engine: OpenSSL may be handed a write again from another address, and writes
    // may be partial.
    SSL_set_mode(m_ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
}

TlsStream::~TlsStream() {
    SSL_free(m_ssl);
}

TlsStream::Want TlsStream::call(Handshake& op, boost::system::error_code& ec, std::size_t& n) {
    if (!op.started) {
        op.started = true;
        if (op.server) {
            SSL_set_accept_state(m_ssl);
        } else {
            SSL_set_connect_state(m_ssl);
        }
    }
    ERR_clear_error();
    return afterCall(SSL_do_handshake(m_ssl), ec, n);
}

TlsStream::Want TlsStream::call(Shutdown&, boost::system::error_code& ec, std::size_t& n) {
    ERR_clear_error();
    int result = SSL_shutdown(m_ssl);
    if (result == 0) {
        // close_notify sent; the second call waits for the peer's.
        result = SSL_shutdown(m_ssl);
    }
    return afterCall(result, ec, n);
}

TlsStream::Want TlsStream::call(Read& op, boost::system::error_code& ec, std::size_t& n) {
    ERR_clear_error();
    const int size = static_cast<int>(std::min<std::size_t>(op.buffer.size(), INT_MAX));
    return afterCall(SSL_read(m_ssl, op.buffer.data(), size), ec, n);
}

TlsStream::Want TlsStream::call(Write& op, boost::system::error_code& ec, std::size_t& n) {
    if (m_writeError) {
        ec = m_writeError;
        return Want::nothing;
    }
    ERR_clear_error();
    const int size = static_cast<int>(std::min<std::size_t>(op.plaintext.size(), INT_MAX));
    return afterCall(SSL_write(m_ssl, op.plaintext.data(), size), ec, n);
}

// The outcome of an OpenSSL call, mapped as asio's ssl engine maps it.
TlsStream::Want TlsStream::afterCall(int result, boost::system::error_code& ec, std::size_t& n) {
    const int sslError = SSL_get_error(m_ssl, result);
    const auto sysError = static_cast<int>(ERR_get_error());
    ERR_clear_error();
    switch (sslError) {
    case SSL_ERROR_SSL:
        ec = boost::system::error_code(sysError, net::error::get_ssl_category());
        return Want::nothing;
    case SSL_ERROR_SYSCALL:
        ec = sysError == 0 ? boost::system::error_code(net::ssl::error::unspecified_system_error)
                           : boost::system::error_code(sysError, net::error::get_ssl_category());
        return Want::nothing;
    case SSL_ERROR_NONE:
        ec = {};
        n = result > 0 ? static_cast<std::size_t>(result) : 0;
        return Want::nothing;
    case SSL_ERROR_WANT_READ:
        ec = {};
        return Want::input;
    case SSL_ERROR_WANT_WRITE:
        // The BIO takes every write; what OpenSSL wrote is flushed before the retry.
        ec = {};
        return Want::retry;
    case SSL_ERROR_ZERO_RETURN:
        ec = net::error::eof;
        return Want::nothing;
    default:
        ec = net::ssl::error::unexpected_result;
        return Want::nothing;
    }
}

void TlsStream::appendInput(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    m_in.insert(m_in.end(), bytes, bytes + size);
}

// As asio's engine: the end of TCP is only a clean end after the peer's close_notify.
boost::system::error_code TlsStream::mapReadError(boost::system::error_code ec) const {
    if (ec != net::error::eof) {
        return ec;
    }
    if (m_inRead < m_in.size() || (SSL_get_shutdown(m_ssl) & SSL_RECEIVED_SHUTDOWN) == 0) {
        return net::ssl::error::stream_truncated;
    }
    return ec;
}

void TlsStream::wakeParked() {
    auto parked = std::move(m_parked);
    m_parked.clear();
    for (auto& op : parked) {
        net::post(m_next.get_executor(), [op = std::move(op)]() mutable { op->resume(); });
    }
}

} // namespace tc::protocol::detail
