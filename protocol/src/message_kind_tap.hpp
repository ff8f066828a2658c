#pragma once
// A stream layer between TLS and the service's WebSocket layer that lets the service judge
// text frames itself.
//
// Beast validates the UTF-8 of every text message and, on invalid UTF-8, closes with 1007 at
// once, before the service could send the `error` frame the protocol promises
// (protocol/README.md, sections 2 and 5). So once the HTTP upgrade request has been read, this
// layer watches the client's frame headers as they arrive: the first frame of each data
// message is relabelled from text (opcode 1) to binary (opcode 2) for the WebSocket layer, and
// the message's real kind is queued for the service, which checks the UTF-8 itself
// (detail::isValidUtf8) and answers `malformed_json` before closing with 1007.
//
// Only headers are read: payloads (masked) pass through untouched, and control frames and
// continuations keep their opcodes. The service does not negotiate permessage-deflate, so the
// payload is the message.

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

namespace tc::protocol::detail {

enum class MessageKind { text, binary };

template <class NextLayer> class MessageKindTap {
public:
    using next_layer_type = NextLayer;
    using executor_type = typename NextLayer::executor_type;

    template <class... Args>
    explicit MessageKindTap(Args&&... args)
        : m_next(std::forward<Args>(args)...) {}

    next_layer_type& next_layer() noexcept { return m_next; }
    const next_layer_type& next_layer() const noexcept { return m_next; }
    executor_type get_executor() noexcept { return m_next.get_executor(); }

    // Call once the bytes of the HTTP upgrade request have all been read: from here on the
    // stream carries WebSocket frames.
    void watchFrames() noexcept { m_watching = true; }

    // The kind of the oldest message whose first frame has arrived and not been taken yet.
    std::optional<MessageKind> takeMessageKind() {
        if (m_kinds.empty()) {
            return std::nullopt;
        }
        const auto kind = m_kinds.front();
        m_kinds.pop_front();
        return kind;
    }

    template <class MutableBufferSequence, class ReadToken>
    auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
        return boost::asio::async_compose<ReadToken,
                                          void(boost::system::error_code, std::size_t)>(
            ReadOp<MutableBufferSequence>{this, buffers}, token, m_next);
    }

    template <class ConstBufferSequence, class WriteToken>
    auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
        return m_next.async_write_some(buffers, std::forward<WriteToken>(token));
    }

private:
    template <class MutableBufferSequence> struct ReadOp {
        MessageKindTap* tap;
        MutableBufferSequence buffers;
        bool started = false;

        template <class Self>
        void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
            if (!started) {
                started = true;
                tap->m_next.async_read_some(buffers, std::move(self));
                return;
            }
            if (tap->m_watching) {
                tap->scan(buffers, n);
            }
            self.complete(ec, n);
        }
    };

    template <class MutableBufferSequence>
    void scan(const MutableBufferSequence& buffers, std::size_t n) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             n > 0 && it != boost::asio::buffer_sequence_end(buffers); ++it) {
            const boost::asio::mutable_buffer buffer = *it;
            const std::size_t size = std::min(n, buffer.size());
            scanBytes(static_cast<unsigned char*>(buffer.data()), size);
            n -= size;
        }
    }

    void scanBytes(unsigned char* bytes, std::size_t size) {
        std::size_t i = 0;
        while (i < size) {
            if (m_payloadLeft > 0) {
                const auto skip = static_cast<std::size_t>(
                    std::min<std::uint64_t>(m_payloadLeft, static_cast<std::uint64_t>(size - i)));
                m_payloadLeft -= skip;
                i += skip;
                continue;
            }
            unsigned char& byte = bytes[i++];
            if (m_headerRead == 0) {
                const unsigned opcode = byte & 0x0Fu;
                if (opcode == 0x1u) {
                    m_kinds.push_back(MessageKind::text);
                    byte = static_cast<unsigned char>((byte & 0xF0u) | 0x2u);
                } else if (opcode == 0x2u) {
                    m_kinds.push_back(MessageKind::binary);
                }
                m_headerRead = 1;
                continue;
            }
            if (m_headerRead == 1) {
                const unsigned length = byte & 0x7Fu;
                m_lengthBytes = length == 126u ? 2u : length == 127u ? 8u : 0u;
                m_headerSize = 2u + m_lengthBytes + ((byte & 0x80u) != 0 ? 4u : 0u);
                m_length = m_lengthBytes == 0 ? length : 0u;
            } else if (m_headerRead < 2u + m_lengthBytes) {
                m_length = (m_length << 8) | byte;
            }
            ++m_headerRead;
            if (m_headerRead == m_headerSize) {
                m_payloadLeft = m_length;
                m_headerRead = 0;
            }
        }
    }

    NextLayer m_next;
    bool m_watching = false;
    std::deque<MessageKind> m_kinds;
    // Header of the frame being read.
    unsigned m_headerRead = 0;
    unsigned m_headerSize = 2;
    unsigned m_lengthBytes = 0;
    std::uint64_t m_length = 0;
    std::uint64_t m_payloadLeft = 0;
};

// WebSocket closing handshakes tear down the layer below.
template <class NextLayer>
void teardown(boost::beast::role_type role, MessageKindTap<NextLayer>& stream,
              boost::system::error_code& ec) {
    using boost::beast::websocket::teardown;
    teardown(role, stream.next_layer(), ec);
}

template <class NextLayer, class TeardownHandler>
void async_teardown(boost::beast::role_type role, MessageKindTap<NextLayer>& stream,
                    TeardownHandler&& handler) {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

} // namespace tc::protocol::detail
