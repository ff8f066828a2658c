#pragma once
// The doctor's link to the rendezvous service: sign-in with a PKCS#12 identity, connection
// state, presence. A CPTS coordinator's identity signs in too, for review only (no link). Owns the
// protocol thread and the client; hands events to the models on the UI thread.

#include "service_link.hpp"
#include "states.hpp"
#include "tc/protocol/archive_client.hpp"
#include "tc/protocol/envelope.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/rendezvous_client.hpp"

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

namespace tc::app {

class ConnectionController : public ServiceLink {
    Q_OBJECT
    Q_PROPERTY(tc::app::ConnectionState::Value state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY stateChanged)
    Q_PROPERTY(bool signedIn READ signedIn NOTIFY stateChanged)
    // A coordinator signs in for review only: no rendezvous link (state stays Disconnected),
    // the archive's HTTPS configuration as for a doctor.
    Q_PROPERTY(tc::app::SignedInRole::Value role READ role NOTIFY identityChanged)
    Q_PROPERTY(QString identityName READ identityName NOTIFY identityChanged)
    Q_PROPERTY(QString rpps READ rpps NOTIFY identityChanged)
    Q_PROPERTY(bool onShift READ onShift NOTIFY onShiftChanged)
    // Sign-in form defaults (from the command line or the demo).
    Q_PROPERTY(QString bundlePath READ bundlePath WRITE setBundlePath NOTIFY defaultsChanged)
    Q_PROPERTY(QString caPath READ caPath WRITE setCaPath NOTIFY defaultsChanged)
    Q_PROPERTY(QString host READ host WRITE setHost NOTIFY defaultsChanged)
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY defaultsChanged)

public:
    explicit ConnectionController(QObject* parent = nullptr);
    ~ConnectionController() override;

    ConnectionState::Value state() const { return m_state; }
    QString statusText() const;
    bool signedIn() const override { return m_client != nullptr || m_reviewer; }
    SignedInRole::Value role() const { return m_role; }
    QString identityName() const override { return m_identityName; }
    QString rpps() const override { return m_rpps; }
    bool onShift() const { return m_onShift; }
    QString bundlePath() const override { return m_bundlePath; }
    QString caPath() const override { return m_caPath; }
    QString host() const { return m_host; }
    int port() const { return m_port; }
    void setBundlePath(const QString& path);
    void setCaPath(const QString& path);
    void setHost(const QString& host);
    void setPort(int port);
    // The service's other nodes (a cluster): tried in turn when the connection is lost.
    void setOtherNodes(std::vector<protocol::ServiceNode> nodes) {
        m_otherNodes = std::move(nodes);
    }

    Q_INVOKABLE void signIn(const QString& bundlePath, const QString& passphrase,
                            const QString& host, int port);
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void setOnShift(bool onShift);

    boost::asio::any_io_executor ioExecutor() const override { return m_io->executor(); }
    // The archive's HTTPS client, as the signed-in doctor (same host, port, certificate and
    // deployment CA as the rendezvous link); nothing when signed out.
    const std::optional<protocol::ArchiveClientConfig>& archiveClientConfig() const {
        return m_archiveConfig;
    }
    void request(const std::string& type, nlohmann::json body, ReplyCallback callback) override;

signals:
    void stateChanged();
    void identityChanged();
    void onShiftChanged();
    void defaultsChanged();

private:
    class Bridge;
    void applyState(protocol::ConnectionState state, boost::system::error_code reason);

    std::unique_ptr<protocol::IoThread> m_io;
    std::shared_ptr<protocol::RendezvousClient> m_client;
    ConnectionState::Value m_state = ConnectionState::Disconnected;
    QString m_identityName;
    QString m_rpps;
    bool m_onShift = false;
    QString m_bundlePath;
    QString m_caPath;
    QString m_host = QStringLiteral("127.0.0.1");
    int m_port = 8443;
    std::optional<protocol::ArchiveClientConfig> m_archiveConfig;
    std::vector<protocol::ServiceNode> m_otherNodes;
    SignedInRole::Value m_role = SignedInRole::Doctor;
    bool m_reviewer = false; // a coordinator signed in (no rendezvous client)
};

} // namespace tc::app
