#include "cluster_replica.hpp"

#include <openssl/evp.h>

namespace tc::protocol::detail {

namespace {
constexpr std::int64_t kEventsPerCommand = 65536;
} // namespace

std::string ClusterReplica::Environment::randomHex(std::size_t bytes) {
    // SHA-256(seed | counter): unpredictable without the seed, the same on every node.
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    while (out.size() < bytes * 2) {
        const std::string input = seed + ":" + std::to_string(counter++);
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
        for (unsigned int i = 0; i < length && out.size() < bytes * 2; ++i) {
            out.push_back(kHex[digest[i] >> 4]);
            out.push_back(kHex[digest[i] & 0x0f]);
        }
    }
    return out;
}

std::string replicaSettings(const StateConfig& config, std::chrono::milliseconds nodeLossTimeout) {
    std::string text = "grace_ms=" + std::to_string(config.gracePeriod.count()) +
                       " heartbeat_ms=" + std::to_string(config.heartbeatInterval.count()) +
                       " frame_bytes=" + std::to_string(config.maxFrameBytes) +
                       " rate=" + std::to_string(config.maxMessagesPerSecond) +
                       " node_loss_ms=" + std::to_string(nodeLossTimeout.count()) +
                       " turn_lifetime_s=" + std::to_string(config.ice.credentialLifetime.count());
    for (const auto* list : {&config.ice.stun, &config.ice.turn}) {
        for (const auto& uri : *list) {
            text += " " + toString(uri);
        }
    }
    if (!config.ice.turnSecret.empty()) {
        // Enough of a digest to tell two secrets apart, never the secret.
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_Digest(config.ice.turnSecret.data(), config.ice.turnSecret.size(), digest, &length,
                   EVP_sha256(), nullptr);
        static constexpr char kHex[] = "0123456789abcdef";
        text += " turn_secret_sha256=";
        for (unsigned int i = 0; i < 6; ++i) {
            text.push_back(kHex[digest[i] >> 4]);
            text.push_back(kHex[digest[i] & 0x0f]);
        }
    }
    return text;
}

ClusterReplica::ClusterReplica(StateConfig config)
    : m_state(config, &m_collector, &m_environment) {}

void ClusterReplica::apply(const ClusterCommand& command, Effects& effects,
                           std::vector<SequencedEvent>& events) {
    if (command.seq <= m_appliedSeq) {
        return;
    }
    m_appliedSeq = command.seq;
    m_environment.atMs = std::max(m_environment.atMs, command.atMs);
    m_environment.seed = command.seed;
    m_environment.counter = 0;
    m_collector.events.clear();
    const auto connection = static_cast<ConnectionId>(command.connection);
    const bool fromLostNode = m_lostNodes.contains(command.node);
    if (command.kind == "expire") {
        m_state.expire(logTime(m_environment.atMs), effects);
    } else if (command.kind == "node_lost") {
        const auto node = std::strtoll(command.body.c_str(), nullptr, 10);
        if (m_lostNodes.insert(node).second) {
            for (const auto id : m_state.connections()) {
                if (nodeOfConnection(id) == node) {
                    m_state.disconnect(id, effects);
                }
            }
        }
    } else if (fromLostNode || nodeOfConnection(connection) != command.node) {
        // Written by a node after it was declared lost (it has closed those connections), or
        // naming another node's connection: neither may change the state.
    } else if (command.kind == "connect") {
        const auto identity =
            fromJson<Identity>(nlohmann::json::parse(command.body, nullptr, false));
        if (identity) {
            m_state.connect(connection, *identity, effects);
        } else {
            ++m_unreadable;
        }
    } else if (command.kind == "request") {
        const auto envelope = parseEnvelope(command.body);
        if (envelope) {
            m_state.handle(connection, *envelope, effects);
        } else {
            ++m_unreadable;
        }
    } else if (command.kind == "disconnect") {
        m_state.disconnect(connection, effects);
    } else {
        ++m_unreadable;
    }
    std::int64_t rank = 0;
    for (auto& event : m_collector.events) {
        if (rank < kEventsPerCommand) {
            events.push_back({command.seq * kEventsPerCommand + rank++, std::move(event)});
        }
    }
    m_collector.events.clear();
}

} // namespace tc::protocol::detail
