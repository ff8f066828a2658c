#pragma once
// `telecabine --demo`: an embedded rendezvous service and one simulated cabin with waiting
// patients, on loopback, with a development PKI created on first run. The service and the cabin
// share their own protocol thread. No Qt: the console only reads the PKI paths and the port.

#include "tc/protocol/errors.hpp"
#include "tc/protocol/pki.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace tc::app {

class DemoEnvironment {
public:
    // Diagnostics, one line at a time, called on the demo's protocol thread.
    using Log = std::function<void(const std::string&)>;

    // Creates (or reuses) the PKI in `pkiDirectory`, keeps the event log next to it
    // (<pkiDirectory>/../demo-events.sqlite), starts the service on 127.0.0.1 (any free port) and
    // the cabin "Cabine gare de Nevers" with three patients waiting.
    static protocol::Result<std::unique_ptr<DemoEnvironment>>
    start(const std::filesystem::path& pkiDirectory, Log log = {});

    DemoEnvironment(const DemoEnvironment&) = delete;
    DemoEnvironment& operator=(const DemoEnvironment&) = delete;
    // Stops the cabin, then the service, then their thread.
    ~DemoEnvironment();

    const protocol::DevelopmentPki& pki() const { return m_pki; }
    std::uint16_t port() const { return m_port; }

    // $XDG_DATA_HOME/telecabine/dev-pki, or ~/.local/share/telecabine/dev-pki.
    static std::filesystem::path defaultPkiDirectory();

private:
    struct Runtime;
    DemoEnvironment();

    protocol::DevelopmentPki m_pki;
    std::uint16_t m_port = 0;
    std::unique_ptr<Runtime> m_runtime;
};

} // namespace tc::app
