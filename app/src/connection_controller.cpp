#include "connection_controller.hpp"

#include "error_text.hpp"
#include "tc/protocol/identity.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"
#include "ui_dispatch.hpp"

#include <QPointer>
#include <future>

namespace tc::app {

// Receives the client's callbacks on the protocol thread and queues each one to the controller.
// Callbacks of a client that has since been replaced carry an old generation and are ignored.
class ConnectionController::Bridge final : public protocol::ClientListener {
public:
    Bridge(ConnectionController* owner, std::uint64_t generation)
        : m_owner(owner)
        , m_generation(generation)
        , m_stoppedFuture(m_stopped.get_future()) {}

    void onConnectionState(protocol::ConnectionState state,
                           boost::system::error_code reason) override {
        if (state == protocol::ConnectionState::stopped && !m_stoppedSet) {
            m_stoppedSet = true; // only ever touched on the protocol thread
            m_stopped.set_value();
        }
        postToUi(m_owner, [owner = m_owner, generation = m_generation, state, reason] {
            owner->applyState(generation, state, reason);
        });
    }
    void onWelcome(const protocol::Welcome&, bool resumed) override {
        postToUi(m_owner, [owner = m_owner, generation = m_generation, resumed] {
            owner->applyWelcome(generation, resumed);
        });
    }
    void onEvent(const protocol::Envelope& event) override {
        postToUi(m_owner, [owner = m_owner, generation = m_generation, event] {
            if (generation == owner->m_generation) {
                emit owner->eventReceived(event);
            }
        });
    }

    // Waits (from the UI thread) until the client has closed its connection.
    void waitUntilStopped(std::chrono::milliseconds timeout) { m_stoppedFuture.wait_for(timeout); }

private:
    // Only dereferenced on the UI thread. The controller joins the protocol thread before it
    // dies, so nothing can be posted to it afterwards.
    ConnectionController* m_owner;
    std::uint64_t m_generation;
    std::promise<void> m_stopped;
    std::future<void> m_stoppedFuture;
    bool m_stoppedSet = false;
};

ConnectionController::ConnectionController(QString caPath, QObject* parent)
    : QObject(parent)
    , m_io(std::make_unique<protocol::IoThread>("tc-console-io"))
    , m_caPath(std::move(caPath)) {}

ConnectionController::~ConnectionController() {
    if (m_client) {
        // Sign out properly, so that the service does not keep a ghost doctor in its grace
        // period; a service that does not answer is not waited for long.
        m_client->stop();
        m_bridge->waitUntilStopped(std::chrono::milliseconds(2500));
    }
    m_io->stop();
}

QString ConnectionController::statusText() const {
    switch (m_state) {
    case Connected:
        return tr("Connecté");
    case Connecting:
        return tr("Connexion…");
    case Reconnecting:
        return tr("Reconnexion…");
    case Disconnected:
        break;
    }
    return tr("Déconnecté");
}

void ConnectionController::setBundlePath(const QString& path) {
    if (m_bundlePath != path) {
        m_bundlePath = path;
        emit settingsChanged();
    }
}
void ConnectionController::setCaPath(const QString& path) {
    if (m_caPath != path) {
        m_caPath = path;
        emit settingsChanged();
    }
}
void ConnectionController::setHost(const QString& host) {
    if (m_host != host) {
        m_host = host;
        emit settingsChanged();
    }
}
void ConnectionController::setPort(int port) {
    if (m_port != port) {
        m_port = port;
        emit settingsChanged();
    }
}

void ConnectionController::setState(State state) {
    if (m_state != state) {
        m_state = state;
        emit stateChanged();
    }
}

void ConnectionController::setError(const QString& text) {
    if (m_errorString != text) {
        m_errorString = text;
        emit errorStringChanged();
    }
}

void ConnectionController::signIn(const QString& bundlePath, const QString& passphrase,
                                  const QString& host, int port) {
    if (m_client) {
        return;
    }
    const QString serviceHost = host.trimmed();
    if (serviceHost.isEmpty() || port <= 0 || port > 65535) {
        setError(tr("Adresse du service invalide : indiquez un nom d'hôte et un port entre 1 et "
                    "65535."));
        return;
    }
    if (bundlePath.trimmed().isEmpty()) {
        setError(tr("Choisissez votre fichier d'identité (.p12)."));
        return;
    }
    const auto bundle = protocol::readFile(bundlePath.trimmed().toStdString());
    if (!bundle) {
        setError(tr("Fichier d'identité introuvable ou illisible : %1. Vérifiez le chemin.")
                     .arg(bundlePath));
        return;
    }
    if (m_caPath.isEmpty()) {
        setError(tr("Aucune autorité de certification n'est configurée : relancez la console avec "
                    "--ca <fichier>."));
        return;
    }
    const auto ca = protocol::readFile(m_caPath.toStdString());
    if (!ca) {
        setError(tr("Certificat de l'autorité introuvable : %1. Vérifiez l'option --ca.")
                     .arg(m_caPath));
        return;
    }
    auto credentials = protocol::fromPkcs12(*bundle, passphrase.toStdString());
    if (!credentials) {
        setError(describeError(credentials.error()));
        return;
    }
    const auto identity = protocol::identityFromCertificatePem(credentials->certificatePem);
    if (!identity || identity->role != protocol::Role::doctor) {
        setError(tr("Ce fichier n'est pas une identité de médecin. Choisissez votre propre "
                    "certificat (.p12)."));
        return;
    }
    m_identityName = QString::fromStdString(identity->displayName);
    m_rpps = QString::fromStdString(identity->identifier);
    emit identityChanged();
    setError({});

    protocol::ClientConfig config;
    config.host = serviceHost.toStdString();
    config.port = static_cast<std::uint16_t>(port);
    config.tls = {std::move(*credentials), *ca};
    ++m_generation;
    m_bridge = std::make_shared<Bridge>(this, m_generation);
    m_client = protocol::RendezvousClient::create(m_io->executor(), config, m_bridge);
    setState(Connecting);
    emit signedInChanged();
    m_client->start();
}

void ConnectionController::signOut() {
    if (!m_client) {
        return;
    }
    m_client->stop();
    setError({});
    dropClient();
}

void ConnectionController::dropClient() {
    m_client.reset();
    m_bridge.reset();
    ++m_generation;
    setState(Disconnected);
    if (m_onShift || m_presencePending) {
        m_onShift = false;
        m_presencePending = false;
        emit onShiftChanged();
        emit presencePendingChanged();
    }
    emit signedInChanged();
    emit signedOut();
}

void ConnectionController::setOnShift(bool onShift) {
    if (!m_client || m_state != Connected) {
        setError(tr("Pas de connexion au service : attendez la reconnexion pour changer de "
                    "disponibilité."));
        emit onShiftChanged(); // lets a switch that was flipped go back
        return;
    }
    sendPresence(onShift);
}

void ConnectionController::sendPresence(bool onShift) {
    const protocol::PresenceSet presence{onShift ? protocol::Presence::onShift
                                                 : protocol::Presence::paused};
    m_presencePending = true;
    emit presencePendingChanged();
    request(protocol::type::presenceSet, protocol::toJson(presence), this,
            [this, onShift](const protocol::Reply& reply) {
                m_presencePending = false;
                emit presencePendingChanged();
                if (reply.code) {
                    setError(describeError(reply.code));
                    if (onShift) {
                        m_onShift = false; // the service does not see us on shift
                    }
                } else {
                    m_onShift = onShift;
                }
                emit onShiftChanged();
            });
}

void ConnectionController::request(std::string_view type, nlohmann::json body, QObject* context,
                                   ReplyCallback callback) {
    if (!m_client) {
        if (callback) {
            const protocol::Reply refused{make_error_code(protocol::Errc::notConnected),
                                          "not signed in", {}};
            postToUi(this, [guard = QPointer<QObject>(context), callback, refused] {
                if (guard) {
                    callback(refused);
                }
            });
        }
        return;
    }
    protocol::ReplyHandler handler;
    if (callback) {
        handler = [this, generation = m_generation, guard = QPointer<QObject>(context),
                   callback = std::move(callback)](protocol::Reply reply) {
            postToUi(this, [this, generation, guard, callback, reply = std::move(reply)]() mutable {
                if (!guard) {
                    return;
                }
                if (generation != m_generation) {
                    // Signed out (or in again) meanwhile: this reply belongs to a closed link.
                    reply = {make_error_code(protocol::Errc::connectionLost), "signed out", {}};
                }
                callback(reply);
            });
        };
    }
    m_client->request(std::string(type), std::move(body), std::move(handler));
}

void ConnectionController::applyWelcome(std::uint64_t generation, bool resumed) {
    if (generation != m_generation) {
        return;
    }
    if (!resumed && m_onShift) {
        // A fresh session on the service side: it forgot our presence; restore it.
        sendPresence(true);
    }
    emit welcomed(resumed);
}

void ConnectionController::applyState(std::uint64_t generation, protocol::ConnectionState state,
                                      boost::system::error_code reason) {
    if (generation != m_generation) {
        return;
    }
    switch (state) {
    case protocol::ConnectionState::connected:
        setError({});
        setState(Connected);
        break;
    case protocol::ConnectionState::connecting:
        if (reason) {
            setError(describeError(reason));
        }
        setState(Connecting);
        break;
    case protocol::ConnectionState::reconnecting:
        if (reason) {
            setError(describeError(reason));
        }
        setState(Reconnecting);
        break;
    case protocol::ConnectionState::disconnected:
        // The client gave up: a refused certificate will not get better by retrying. Back to
        // the sign-in screen, with the reason.
        if (reason) {
            setError(describeError(reason));
        }
        dropClient();
        break;
    case protocol::ConnectionState::stopped:
        setState(Disconnected);
        break;
    }
}

} // namespace tc::app
