#pragma once
// A UDP port of 127.0.0.1 that was free a moment ago, for a gst-launch-1.0 udpsrc to bind
// (the interop tests with GStreamer's own SRTP, DTLS and Opus elements).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>

namespace tc::test {

inline std::uint16_t freeUdpPort() {
    namespace net = boost::asio;
    net::io_context io;
    net::ip::udp::socket probe(io, net::ip::udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    return probe.local_endpoint().port();
}

} // namespace tc::test
