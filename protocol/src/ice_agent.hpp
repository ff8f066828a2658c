#pragma once
// libnice, wrapped: one GLib main context on its own thread (GlibLoopThread), and one ICE agent
// per ICE generation on it (IceAgent: one stream, one component, UDP). Every libnice call that
// changes state runs on the loop thread, so that its signals are emitted there and nowhere
// else; IceAgentEvents are called on that thread and must only hand over (post) to the caller's
// executor. send() may be called from any thread (libnice locks the agent).

#include "tc/protocol/media_transport.hpp"

#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <boost/system/result.hpp>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

typedef struct _GMainContext GMainContext;
typedef struct _GMainLoop GMainLoop;
typedef struct _NiceAgent NiceAgent;

namespace tc::protocol::detail {

class GlibLoopThread {
public:
    GlibLoopThread();
    ~GlibLoopThread();
    GlibLoopThread(const GlibLoopThread&) = delete;
    GlibLoopThread& operator=(const GlibLoopThread&) = delete;

    GMainContext* context() const noexcept { return m_context; }
    bool onLoopThread() const noexcept { return std::this_thread::get_id() == m_threadId; }
    // Runs `work` on the loop thread and waits for it (at once when already there).
    void invoke(const std::function<void()>& work);
    // Agents closing asynchronously (their TURN allocations being released): the destructor
    // gives them a moment before the loop stops.
    void closing() noexcept { ++m_closing; }
    void closed() noexcept { --m_closing; }

private:
    GMainContext* m_context = nullptr;
    GMainLoop* m_loop = nullptr;
    std::thread m_thread;
    std::thread::id m_threadId;
    std::atomic<int> m_closing = 0;
};

enum class RelayType { udp, tcp }; // how libnice reaches the TURN server (TLS is tunnelled TCP)

struct RelaySetup {
    std::string host; // IP address or DNS name (libnice resolves)
    std::uint16_t port = 0;
    RelayType type = RelayType::udp;
    std::string username;
    std::string password;
};

struct IceAgentConfig {
    std::vector<boost::asio::ip::address> hostAddresses;
    bool controlling = false;
    IceCredentials local;
    std::optional<boost::asio::ip::udp::endpoint> stunServer;
    std::vector<RelaySetup> relays; // at most 8 (libnice's limit); their index is their id
    bool relayOnly = false;
};

// The TURN server (its index in IceAgentConfig::relays) a local relayed candidate came from:
// libnice writes the server's position into bits 6-8 of the candidate's local preference
// (RFC 8445 5.1.2.1).
inline std::size_t relayIndexOf(std::uint32_t priority) noexcept {
    const std::uint32_t localPreference = (priority >> 8) & 0xFFFFu;
    return (localPreference >> 6) & 0x7u;
}

enum class IceComponentState { gathering, connecting, connected, ready, failed, disconnected };

struct IceAgentEvents {
    std::function<void(Candidate)> localCandidate;
    std::function<void()> gatheringDone;
    // local, remote, and for a relayed local candidate the index of its RelaySetup.
    std::function<void(Candidate, Candidate, std::optional<std::size_t>)> selectedPair;
    std::function<void(IceComponentState)> state;
    std::function<void(std::vector<std::uint8_t>)> datagram;
};

class IceAgent {
public:
    // Creates the agent, its stream and starts gathering (host candidates are there on return).
    static boost::system::result<std::unique_ptr<IceAgent>>
    create(GlibLoopThread& loop, const IceAgentConfig& config, IceAgentEvents events);
    ~IceAgent();
    IceAgent(const IceAgent&) = delete;
    IceAgent& operator=(const IceAgent&) = delete;

    std::vector<Candidate> localCandidates() const;
    void setRemoteCredentials(const IceCredentials& remote);
    void addRemoteCandidates(const std::vector<Candidate>& candidates);
    void endOfRemoteCandidates();
    bool send(std::span<const std::uint8_t> packet);

private:
    IceAgent(GlibLoopThread& loop, IceAgentEvents events);
    static void onNewCandidate(NiceAgent*, void* candidate, void* self);
    static void onGatheringDone(NiceAgent*, unsigned stream, void* self);
    static void onStateChanged(NiceAgent*, unsigned stream, unsigned component, unsigned state,
                               void* self);
    static void onSelectedPair(NiceAgent*, unsigned stream, unsigned component, void* local,
                               void* remote, void* self);
    static void onReceive(NiceAgent*, unsigned stream, unsigned component, unsigned length,
                          char* data, void* self);

    GlibLoopThread& m_loop;
    IceAgentEvents m_events;
    NiceAgent* m_agent = nullptr;
    unsigned m_stream = 0;
    std::size_t m_relayCount = 0;
};

} // namespace tc::protocol::detail
