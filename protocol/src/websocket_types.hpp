#pragma once
// The WebSocket-over-TLS stream both the service and the client speak, and the non-throwing
// completion token they use with coroutines.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace tc::protocol::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using WsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
// Errors come back as values: exceptions never leave a coroutine.
inline constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

} // namespace tc::protocol::detail
