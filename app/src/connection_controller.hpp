#pragma once
// The doctor's link to the rendezvous service: sign-in with a PKCS#12 identity checked against
// the deployment CA, connection state, presence (on shift / paused). Owns the protocol thread
// and the client; every callback from the client reaches this object through one queued call.

#include "service_link.hpp"
#include "tc/protocol/envelope.hpp"

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>
#include <cstdint>
#include <memory>

namespace tc::protocol {
class IoThread;
} // namespace tc::protocol

namespace tc::app {

class ConnectionController : public QObject, public ServiceLink {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application and passed to Main.qml")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    // True from sign-in until sign-out or a refusal that needs a new certificate.
    Q_PROPERTY(bool signedIn READ signedIn NOTIFY signedInChanged)
    Q_PROPERTY(QString identityName READ identityName NOTIFY identityChanged)
    Q_PROPERTY(QString rpps READ rpps NOTIFY identityChanged)
    Q_PROPERTY(bool onShift READ onShift NOTIFY onShiftChanged)
    // A presence change is on its way to the service.
    Q_PROPERTY(bool presencePending READ presencePending NOTIFY presencePendingChanged)
    // Sign-in form defaults (command line, demo) and the deployment CA.
    Q_PROPERTY(QString bundlePath READ bundlePath WRITE setBundlePath NOTIFY settingsChanged)
    Q_PROPERTY(QString caPath READ caPath WRITE setCaPath NOTIFY settingsChanged)
    Q_PROPERTY(QString host READ host WRITE setHost NOTIFY settingsChanged)
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY settingsChanged)

public:
    enum State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    // `caPath`: the deployment CA (PEM) that the service's certificate must chain to.
    explicit ConnectionController(QString caPath = {}, QObject* parent = nullptr);
    ~ConnectionController() override;

    State state() const { return m_state; }
    QString statusText() const;
    QString errorString() const { return m_errorString; }
    bool signedIn() const { return m_client != nullptr; }
    QString identityName() const { return m_identityName; }
    QString rpps() const { return m_rpps; }
    bool onShift() const { return m_onShift; }
    bool presencePending() const { return m_presencePending; }
    QString bundlePath() const { return m_bundlePath; }
    QString caPath() const { return m_caPath; }
    QString host() const { return m_host; }
    int port() const { return m_port; }
    void setBundlePath(const QString& path);
    void setCaPath(const QString& path);
    void setHost(const QString& host);
    void setPort(int port);

    Q_INVOKABLE void signIn(const QString& bundlePath, const QString& passphrase,
                            const QString& host, int port);
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void setOnShift(bool onShift);

    void request(std::string_view type, nlohmann::json body, QObject* context,
                 ReplyCallback callback) override;

signals:
    void stateChanged();
    void errorStringChanged();
    void signedInChanged();
    void identityChanged();
    void onShiftChanged();
    void presencePendingChanged();
    void settingsChanged();
    // After every (re)connection. `resumed` false: the service forgot this console's
    // subscriptions and sessions, which must be renewed or closed.
    void welcomed(bool resumed);
    // A service event (queue.update, session.*), on the UI thread.
    void eventReceived(const tc::protocol::Envelope& event);
    // The doctor signed out, or the service refused the certificate.
    void signedOut();

private:
    class Bridge;
    void applyState(std::uint64_t generation, protocol::ConnectionState state,
                    boost::system::error_code reason);
    void applyWelcome(std::uint64_t generation, bool resumed);
    void sendPresence(bool onShift);
    void dropClient();
    void setState(State state);
    void setError(const QString& text);

    std::unique_ptr<protocol::IoThread> m_io;
    std::shared_ptr<protocol::RendezvousClient> m_client;
    std::shared_ptr<Bridge> m_bridge;
    // Bumped at every sign-in and sign-out so that late callbacks of an old client are ignored.
    std::uint64_t m_generation = 0;
    State m_state = Disconnected;
    QString m_errorString;
    QString m_identityName;
    QString m_rpps;
    bool m_onShift = false;
    bool m_presencePending = false;
    QString m_bundlePath;
    QString m_caPath;
    QString m_host = QStringLiteral("127.0.0.1");
    int m_port = 8443;
};

} // namespace tc::app
