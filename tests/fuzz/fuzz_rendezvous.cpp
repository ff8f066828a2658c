// libFuzzer target: bytes from a hostile peer through the envelope parser, every message body
// parser, and the service's state machine with a cabin, a doctor and a coordinator connected.
#include "tc/protocol/envelope.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/rendezvous_state.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace tc::protocol;

namespace {

template <class... Ts> void parseAll(const nlohmann::json& body) {
    (static_cast<void>(fromJson<Ts>(body)), ...);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    // First byte picks the sender; the rest is the frame, split at NUL into several frames so
    // that sequences (check-in, claim, offer, end...) are explored.
    const ConnectionId sender = 1 + data[0] % 4;
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

    EventLog* noLog = nullptr;
    RendezvousState state(
        StateConfig{std::chrono::milliseconds(0), std::chrono::seconds(10), 65536, 20}, noLog);
    Effects effects;
    state.connect(1, Identity{Role::cabin, "FR-FUZZ-01", "Cabine"}, effects);
    state.connect(2, Identity{Role::doctor, "10101234567", "Dr Fuzz"}, effects);
    state.connect(3, Identity{Role::coordinator, "10101234567", "Coord"}, effects);
    state.connect(4, Identity{Role::doctor, "10101234575", "Dr Two"}, effects);

    while (!rest.empty()) {
        const auto cut = rest.find('\0');
        const auto frame = rest.substr(0, cut);
        rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
        auto envelope = parseEnvelope(frame);
        if (!envelope) {
            continue;
        }
        parseAll<Identity, Visit, QueueEntry, Welcome, ResumeRequest, PresenceSet, QueueSnapshot,
                 QueueUpdate, VisitRef, VisitCancel, ClaimResult, VisitClaimed, SessionDescription,
                 SessionMessage, SessionEnd, SessionEnded, PeerStatus>(envelope->body);
        static_cast<void>(parseErrorBody(envelope->body));
        state.handle(sender, *envelope, effects);
        // Alternate senders so a doctor's claim can be followed by the cabin's answer.
        state.handle(1 + (sender % 4), *envelope, effects);
    }
    state.disconnect(2, effects);
    state.expire(std::chrono::steady_clock::now(), effects);
    return 0;
}
