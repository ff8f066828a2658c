#pragma once
// The composition root: builds and owns the console's controllers (the rendezvous connection,
// the queue, the consultation with its sub-controllers), wires them once, and shows them in the
// QML screens. `telecabine`'s main, `telecabine-bench` and the tests all build the console
// through it, so that they run the same wiring (app/README.md, "Who owns what").

#include "archive_uploads.hpp"
#include "connection_controller.hpp"
#include "queue_model.hpp"
#include "review_session.hpp"
#include "session_controller.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/protocol/host_addresses.hpp"
#include "tc/protocol/media_negotiation.hpp"

#include <QString>
#include <memory>
#include <optional>

class QQmlApplicationEngine;
class QQuickWindow;

namespace tc::app {

struct ConsoleOptions {
    // Where snapshots/ and recordings/ of the consultations go (the workstation's data).
    QString dataDirectory;
    // GStreamer names, as on the command line: the stethoscope's sink ("" the system's,
    // "none" a clock-synchronised one that plays nothing), the doctor's microphone and camera.
    std::string audioSink;
    std::string microphone;
    std::string camera;
    media::StethoscopeFormat stethoscope;
    protocol::KeyingMode keying = protocol::KeyingMode::dtls;
    protocol::HostAddressPolicy mediaAddresses;
    // The PKCS#11 module of the doctor's card; empty: the identity file only. Unset: the
    // system's default module.
    std::optional<QString> pkcs11Module;
};

class Console {
public:
    explicit Console(const ConsoleOptions& options);
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;
    ~Console();

    ConnectionController& connection() { return m_connection; }
    QueueModel& queue() { return m_queue; }
    SessionController& session() { return m_session; }
    ArchiveUploads& archive() { return m_archive; }
    // Review mode (issue 17): started when a coordinator signs in, stopped at sign-out.
    ReviewSession& review() { return *m_review; }

    // Loads Main.qml with the controllers (QML types and fonts registered first) into a window
    // of that size; nullptr if QML failed to load (the engine's warnings say why).
    QQuickWindow* showScreens(const QString& mediaStatus, bool demoMode, int width = 0,
                              int height = 0);

private:
    // Declared in wiring order and destroyed in reverse: the screens go first, then the
    // consultation (which closes its media), the queue, and the connection's protocol thread.
    ConnectionController m_connection;
    QueueModel m_queue;
    ArchiveUploads m_archive; // outlives the consultation, which hands it its dossiers
    SessionController m_session;
    QString m_dataDirectory;
    // After the consultation: its replay plays on the consultation's live stethoscope.
    std::unique_ptr<ReviewSession> m_review;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

} // namespace tc::app
