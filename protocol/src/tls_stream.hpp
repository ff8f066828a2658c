#pragma once
// The service's TLS stream: OpenSSL over a beast::tcp_stream, with no buffer of its own while a
// connection is idle.
//
// Why not boost::asio::ssl::stream: each one holds four fixed 17 KiB buffers for its whole
// life (two in asio's stream_core, two in the BIO pair between OpenSSL and the socket), and
// beast::ssl_stream adds flat_stream's write buffer of up to 16 KiB: about 80 KiB per idle
// connection, most of the service's memory (issue 19, "Memory"). Here:
// - a pending read waits on the socket with the caller's own buffer (the WebSocket layer's
//   small static read buffer); ciphertext that arrives is copied into `m_in` for OpenSSL and
//   freed as soon as OpenSSL has consumed it;
// - ciphertext to send is appended to `m_out` by OpenSSL, written to the socket, then freed;
// - OpenSSL frees its own record buffers between records (SSL_MODE_RELEASE_BUFFERS).
// Timeouts stay the tcp_stream's (expires_after) and errors are asio's ssl::stream's own
// values (the ssl category with OpenSSL's error, eof after close_notify, stream_truncated
// without it), so that callers and Beast see what they saw before.
//
// One read and one write may be in flight at once, as with any Asio stream. OpenSSL may need
// to write while reading (an alert) and, in theory, read while writing; the socket takes one
// write at a time, so whichever operation flushes `m_out` first writes everything queued while
// the other waits ("parked") and is resumed once the flush is over.

#include "websocket_types.hpp"

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace tc::protocol::detail {

class TlsStream {
public:
    using next_layer_type = beast::tcp_stream;
    using executor_type = next_layer_type::executor_type;
    using native_handle_type = SSL*;

    // Throws std::bad_alloc if OpenSSL cannot allocate the connection (as asio's engine does).
    TlsStream(tcp::socket socket, net::ssl::context& context);
    ~TlsStream();
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    executor_type get_executor() noexcept { return m_next.get_executor(); }
    next_layer_type& next_layer() noexcept { return m_next; }
    const next_layer_type& next_layer() const noexcept { return m_next; }
    SSL* native_handle() noexcept { return m_ssl; }

    template <class Token>
    auto async_handshake(net::ssl::stream_base::handshake_type type, Token&& token) {
        return async(Handshake{type == net::ssl::stream_base::server}, token);
    }

    // Sends close_notify, then waits for the peer's (asio's ssl::stream does the same).
    template <class Token> auto async_shutdown(Token&& token) { return async(Shutdown{}, token); }

    template <class MutableBufferSequence, class Token>
    auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
        return async(Read{firstNonEmpty<net::mutable_buffer>(buffers)}, token);
    }

    // Takes at most one TLS record of plaintext (16 KiB), as a partial write may.
    template <class ConstBufferSequence, class Token>
    auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
        Write write;
        const auto prefix = beast::buffers_prefix(kMaxRecordPlaintext, buffers);
        const auto first = firstNonEmpty<net::const_buffer>(prefix);
        if (first.size() == net::buffer_size(prefix)) {
            write.plaintext = first;
        } else {
            // Beast writes a frame's header and payload as two buffers: one record, not two.
            write.coalesced.resize(net::buffer_size(prefix));
            net::buffer_copy(net::buffer(write.coalesced), prefix);
            write.plaintext = net::buffer(write.coalesced);
        }
        return async(std::move(write), token);
    }

private:
    static constexpr std::size_t kMaxRecordPlaintext = 16384;
    // Ciphertext read at a time during a handshake or a shutdown (then freed).
    static constexpr std::size_t kScratchBytes = 8192;

    enum class Want { nothing, input, retry };

    // The operations: one OpenSSL call each, retried until it needs no more input.
    struct Handshake {
        bool server;
        bool started = false;
    };
    struct Shutdown {};
    struct Read {
        net::mutable_buffer buffer; // also receives the ciphertext, before it goes to m_in
    };
    struct Write {
        net::const_buffer plaintext;
        std::vector<unsigned char> coalesced;
    };
    Want call(Handshake& op, boost::system::error_code& ec, std::size_t& n);
    Want call(Shutdown& op, boost::system::error_code& ec, std::size_t& n);
    Want call(Read& op, boost::system::error_code& ec, std::size_t& n);
    Want call(Write& op, boost::system::error_code& ec, std::size_t& n);
    Want afterCall(int result, boost::system::error_code& ec, std::size_t& n);

    template <class Op>
    static constexpr bool kTransfers = std::is_same_v<Op, Read> || std::is_same_v<Op, Write>;

    void appendInput(const void* data, std::size_t size);
    boost::system::error_code mapReadError(boost::system::error_code ec) const;

    // The first buffer of a sequence that is not empty, as a Buffer (mutable or const).
    template <class Buffer, class Buffers> static Buffer firstNonEmpty(const Buffers& buffers) {
        for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
             ++it) {
            const Buffer buffer(*it);
            if (buffer.size() != 0) {
                return buffer;
            }
        }
        return Buffer();
    }

    // An operation waiting for the other's flush of m_out.
    struct Parked {
        virtual ~Parked() = default;
        virtual void resume() = 0;
    };
    template <class Self> struct ParkedOp final : Parked {
        Self self;
        explicit ParkedOp(Self&& s)
            : self(std::move(s)) {}
        void resume() override { self(); }
    };
    void wakeParked();

    template <class Op> struct IoOp {
        TlsStream& stream;
        Op op;
        net::mutable_buffer scratchView{}; // where ciphertext is read when op has no buffer
        std::unique_ptr<unsigned char[]> scratch{};
        enum class State { start, call, writing, parkedFlush, read } state = State::start;
        Want want = Want::nothing;
        boost::system::error_code ec{};
        std::size_t n = 0;

        template <class Self>
        void operator()(Self& self, boost::system::error_code io = {}, std::size_t bytes = 0) {
            switch (state) {
            case State::start:
                // Never complete inside the initiating call (asio's ssl::stream does the same).
                state = State::call;
                net::post(stream.get_executor(), std::move(self));
                return;
            case State::call:
                break;
            case State::writing:
                std::vector<unsigned char>().swap(stream.m_sending);
                if (io) {
                    stream.m_writeError = io;
                    std::vector<unsigned char>().swap(stream.m_out);
                }
                if (!io && !stream.m_out.empty()) {
                    flushNow(self);
                    return;
                }
                stream.m_flushing = false;
                stream.wakeParked();
                [[fallthrough]];
            case State::parkedFlush:
                if (!ec && stream.m_writeError) {
                    ec = stream.m_writeError;
                }
                if (!decide(self)) {
                    return;
                }
                break;
            case State::read:
                if (io) {
                    // The scratch is freed with the operation; the caller's buffer is theirs.
                    finish(self, stream.mapReadError(io), 0);
                    return;
                }
                stream.appendInput(inputBuffer().data(), bytes);
                break;
            default:
                break;
            }
            // Call OpenSSL until it is done or needs the socket.
            for (;;) {
                if (isEmptyWrite() || isEmptyRead()) {
                    finish(self, {}, 0);
                    return;
                }
                want = stream.call(op, ec, n);
                if (!stream.m_out.empty()) {
                    flush(self);
                    return;
                }
                if (want == Want::retry) {
                    // OpenSSL wants to write with nothing to flush: our BIO never refuses a
                    // write, so calling again would loop for ever.
                    ec = net::ssl::error::unexpected_result;
                }
                if (!decide(self)) {
                    return;
                }
            }
        }

        bool isEmptyRead() const {
            if constexpr (std::is_same_v<Op, Read>) {
                return op.buffer.size() == 0;
            }
            return false;
        }
        bool isEmptyWrite() const {
            if constexpr (std::is_same_v<Op, Write>) {
                return op.plaintext.size() == 0;
            }
            return false;
        }

        net::mutable_buffer inputBuffer() {
            if constexpr (std::is_same_v<Op, Read>) {
                return op.buffer;
            }
            if (!scratch) {
                scratch = std::make_unique<unsigned char[]>(kScratchBytes);
                scratchView = net::buffer(scratch.get(), kScratchBytes);
            }
            return scratchView;
        }

        // After a call and its flush: complete, call again, or read. Returns true to call
        // again at once.
        template <class Self> bool decide(Self& self) {
            if (ec || want == Want::nothing) {
                finish(self, ec, ec ? 0 : n);
                return false;
            }
            if (want == Want::retry) {
                return true;
            }
            state = State::read;
            stream.m_next.async_read_some(inputBuffer(), std::move(self));
            return false;
        }

        template <class Self>
        void finish(Self& self, boost::system::error_code result, std::size_t bytes) {
            if constexpr (kTransfers<Op>) {
                self.complete(result, bytes);
            } else {
                static_cast<void>(bytes);
                self.complete(result);
            }
        }

        template <class Self> void flush(Self& self) {
            if (stream.m_flushing) {
                state = State::parkedFlush;
                stream.m_parked.push_back(std::make_unique<ParkedOp<Self>>(std::move(self)));
                return;
            }
            if (stream.m_writeError) {
                // The socket is broken: what OpenSSL produced cannot be sent.
                std::vector<unsigned char>().swap(stream.m_out);
                state = State::parkedFlush;
                (*this)(self);
                return;
            }
            stream.m_flushing = true;
            flushNow(self);
        }

        template <class Self> void flushNow(Self& self) {
            state = State::writing;
            stream.m_sending.swap(stream.m_out);
            net::async_write(stream.m_next, net::buffer(stream.m_sending), std::move(self));
        }
    };

    template <class Op, class Token> auto async(Op op, Token& token) {
        if constexpr (kTransfers<Op>) {
            return net::async_compose<Token, void(boost::system::error_code, std::size_t)>(
                IoOp<Op>{*this, std::move(op)}, token, m_next);
        } else {
            return net::async_compose<Token, void(boost::system::error_code)>(
                IoOp<Op>{*this, std::move(op)}, token, m_next);
        }
    }

    friend struct TlsStreamBio;

    next_layer_type m_next;
    SSL* m_ssl = nullptr;
    // Ciphertext read and not yet consumed by OpenSSL; empty (and unallocated) when idle.
    std::vector<unsigned char> m_in;
    std::size_t m_inRead = 0;
    // Ciphertext produced by OpenSSL and not yet handed to the socket, and the part in flight.
    std::vector<unsigned char> m_out;
    std::vector<unsigned char> m_sending;
    bool m_flushing = false;
    boost::system::error_code m_writeError;
    std::vector<std::unique_ptr<Parked>> m_parked;
};

// WebSocket closing handshakes: close_notify both ways, then the TCP teardown (as Beast does
// for asio's ssl::stream).
struct TlsTeardownOp {
    TlsStream& stream;
    beast::role_type role;
    int step = 0;
    boost::system::error_code shutdown{};

    template <class Self> void operator()(Self& self, boost::system::error_code ec = {}) {
        switch (step) {
        case 0:
            step = 1;
            stream.async_shutdown(std::move(self));
            return;
        case 1: {
            shutdown = ec;
            step = 2;
            using beast::websocket::async_teardown;
            async_teardown(role, stream.next_layer(), std::move(self));
            return;
        }
        default:
            self.complete(shutdown ? shutdown : ec);
        }
    }
};

template <class TeardownHandler>
void async_teardown(beast::role_type role, TlsStream& stream, TeardownHandler&& handler) {
    net::async_compose<TeardownHandler, void(boost::system::error_code)>(
        TlsTeardownOp{stream, role}, handler, stream);
}

} // namespace tc::protocol::detail
