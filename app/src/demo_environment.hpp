#pragma once
// `telecabine --demo`: an embedded rendezvous service and one simulated cabin on loopback, with
// a development PKI created on first run. No Qt: the console only reads the paths and port.

#include "tc/media/video_codec.hpp"
#include "tc/protocol/errors.hpp"
#include "tc/protocol/pki.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tc::app {

struct DemoOptions {
    std::optional<media::VideoCodec> cabinVideoCodec; // the cabin's preference when offered
    std::chrono::milliseconds cleaningDelay{8'000};   // between two patients
};

class DemoEnvironment {
public:
    using Log = std::function<void(const std::string&)>;

    // Starts everything; the service and the cabin run on their own thread.
    static protocol::Result<std::unique_ptr<DemoEnvironment>>
    start(const std::filesystem::path& directory, Log log, DemoOptions options = {});
    ~DemoEnvironment();

    const protocol::DevelopmentPki& pki() const { return m_pki; }
    std::uint16_t port() const { return m_port; }

    // $XDG_DATA_HOME/telecabine (or ~/.local/share/telecabine).
    static std::filesystem::path defaultDirectory();

private:
    struct Runtime;
    DemoEnvironment() = default;
    protocol::DevelopmentPki m_pki;
    std::uint16_t m_port = 0;
    std::unique_ptr<Runtime> m_runtime;
};

} // namespace tc::app
