// libFuzzer target: datagrams from the network through the RFC 7983 demultiplexer and the RTP,
// RTCP and STUN parsers, as the media transport sees them; RTCP messages as the RTP session
// reads them; RTP headers through a receive stream's sequence and loss bookkeeping.
#include "rtp_streams.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/rtcp.hpp"

#include <cstddef>
#include <cstdint>

using namespace tc::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes datagram(data, size);
    switch (classify(datagram)) {
    case PacketKind::rtp:
        if (const auto header = parseRtp(datagram)) {
            // The payload must lie inside the datagram: touch its first and last byte.
            if (header->payloadSize > 0) {
                volatile std::uint8_t first = data[header->payloadOffset];
                volatile std::uint8_t last = data[header->payloadOffset + header->payloadSize - 1];
                static_cast<void>(first);
                static_cast<void>(last);
            }
        }
        break;
    case PacketKind::rtcp:
        if (const auto packets = parseRtcpCompound(datagram)) {
            for (const auto& p : *packets) {
                volatile std::uint8_t last = data[p.offset + p.size - 1];
                static_cast<void>(last);
            }
        }
        if (const auto messages = parseRtcpMessages(datagram)) {
            // What we parsed must write back out without tripping any bound.
            RtcpWriter writer;
            for (const auto& m : *messages) {
                if (const auto* nack = std::get_if<GenericNack>(&m)) {
                    writer.nack(nack->senderSsrc, nack->mediaSsrc, nack->sequences);
                } else if (const auto* sr = std::get_if<SenderReport>(&m)) {
                    writer.senderReport(*sr);
                } else if (const auto* xr = std::get_if<ExtendedReport>(&m)) {
                    writer.extendedReport(*xr);
                }
            }
            static_cast<void>(parseRtcpMessages(writer.take()));
        }
        break;
    case PacketKind::stun:
        if (const auto message = parseStun(datagram)) {
            static_cast<void>(verifyStunIntegrity(datagram, *message, "password"));
        }
        break;
    case PacketKind::dtls:
    case PacketKind::unknown:
        break;
    }
    // A run of RTP headers carved from the input through one receive stream: arbitrary jumps,
    // wraps and repeats of sequence numbers.
    {
        static const RtpStreamConfig config{"fuzz", 96, 48000, 97, false};
        static const RtpSessionConfig session{};
        detail::ReceiveStream stream(config, 1);
        auto now = detail::Clock::time_point{};
        for (std::size_t at = 0; at + 12 <= size; at += 12) {
            if (const auto header = parseRtp(Bytes(data + at, 12))) {
                now += std::chrono::milliseconds(data[at + 4]);
                static_cast<void>(stream.onPacket(*header, 0, now, (data[at] & 1) != 0));
                static_cast<void>(stream.due(now, std::chrono::milliseconds(30), session));
                static_cast<void>(stream.reportBlock(now));
            }
        }
    }
    // Every parser must also survive input meant for another.
    static_cast<void>(parseRtp(datagram));
    static_cast<void>(parseRtcpCompound(datagram));
    static_cast<void>(parseStun(datagram));
    return 0;
}
