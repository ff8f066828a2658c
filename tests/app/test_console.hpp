#pragma once
// A doctor's console for the controller tests, built by the composition root as main() builds
// it (app::Console), signed in to a service on 127.0.0.1 with a bundle written to disk. Its
// recordings and snapshots go to its own temporary directory; no audio is played.

#include "console.hpp"
#include "tc/protocol/pki.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"

namespace tc::test {

inline app::ConsoleOptions testConsoleOptions(const TempDir& dir) {
    app::ConsoleOptions options;
    options.dataDirectory = QString::fromStdString(dir.path().string());
    options.audioSink = "none";
    options.microphone = "synthetic";
    options.camera = "test";
    options.pkcs11Module = QString(); // the identity file only
    return options;
}

struct TestConsole {
    TempDir dir;
    app::Console console{testConsoleOptions(dir)};
    app::ConnectionController& connection = console.connection();
    app::QueueModel& queue = console.queue();
    app::SessionController& session = console.session();

    TestConsole(const TestPki& pki, std::uint16_t port, int doctor = 0) {
        const auto bundle = protocol::toPkcs12(pki.doctor(doctor), "pass", "Dr");
        connection.setCaPath(
            QString::fromStdString(dir.write("ca.pem", pki.ca.certificatePem()).string()));
        const auto bundlePath = dir.write("doctor.p12", *bundle);
        connection.signIn(QString::fromStdString(bundlePath.string()), QStringLiteral("pass"),
                          QStringLiteral("127.0.0.1"), port);
    }
};

} // namespace tc::test
