#pragma once
// Outgoing WebSocket frames of one connection: a queue drained by a single writer coroutine (a
// WebSocket stream allows one write at a time), then an optional close handshake. Used by both
// the service and the client. Must be used from the stream's (single-threaded) executor.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <tuple>

namespace tc::protocol::detail {

template <class WsStream> class FrameQueue {
public:
    using Frame = std::shared_ptr<const std::string>;

    // `owner` keeps the object holding the queue and the stream alive while a write is in
    // flight. `afterClose` runs once the close handshake is over, with its outcome (empty: the
    // peer answered; an error: it failed or was never attempted): typically drops TCP.
    using AfterClose = std::function<void(boost::system::error_code)>;
    FrameQueue(WsStream& ws, std::size_t maxFrames, std::function<std::shared_ptr<void>()> owner,
               AfterClose afterClose)
        : m_ws(ws)
        , m_maxFrames(maxFrames)
        , m_owner(std::move(owner))
        , m_afterClose(std::move(afterClose)) {}

    // Returns false when the peer is not keeping up (queue full); the caller decides.
    bool push(Frame frame) {
        if (m_closing) {
            return true;
        }
        if (m_frames.size() >= m_maxFrames) {
            return false;
        }
        m_frames.push_back(std::move(frame));
        kick();
        return true;
    }

    void close(boost::beast::websocket::close_code code, std::string reason) {
        if (m_closing) {
            return;
        }
        m_closing = true;
        m_closeReason = boost::beast::websocket::close_reason(code, reason);
        kick();
    }

    bool closing() const noexcept { return m_closing; }
    std::size_t size() const noexcept { return m_frames.size(); }

private:
    void kick() {
        if (m_writing) {
            return;
        }
        m_writing = true;
        boost::asio::co_spawn(m_ws.get_executor(), drain(m_owner()), boost::asio::detached);
    }

    boost::asio::awaitable<void> drain(std::shared_ptr<void> keepAlive) {
        constexpr auto noThrow = boost::asio::as_tuple(boost::asio::use_awaitable);
        bool failed = false;
        while (!m_frames.empty()) {
            const Frame frame = m_frames.front();
            m_ws.text(true);
            auto [ec, n] = co_await m_ws.async_write(boost::asio::buffer(*frame), noThrow);
            m_frames.pop_front();
            if (ec) {
                m_frames.clear();
                failed = true;
            }
        }
        if (m_closing) {
            boost::system::error_code outcome = boost::asio::error::operation_aborted;
            if (!failed) {
                std::tie(outcome) = co_await m_ws.async_close(m_closeReason, noThrow);
            }
            if (m_afterClose) {
                m_afterClose(outcome);
            }
        }
        m_writing = false;
        (void)keepAlive;
    }

    WsStream& m_ws;
    std::size_t m_maxFrames;
    std::function<std::shared_ptr<void>()> m_owner;
    AfterClose m_afterClose;
    std::deque<Frame> m_frames;
    bool m_writing = false;
    bool m_closing = false;
    boost::beast::websocket::close_reason m_closeReason;
};

} // namespace tc::protocol::detail
