#include "connection_controller.hpp"

#include "error_text.hpp"
#include "tc/protocol/identity.hpp"
#include "tc/protocol/pki.hpp"
#include "ui_dispatch.hpp"

namespace tc::app {

// Receives client callbacks on the protocol thread and queues them to the controller.
class ConnectionController::Bridge final : public protocol::ClientListener {
public:
    explicit Bridge(ConnectionController* owner)
        : m_owner(owner) {}
    void onConnectionState(protocol::ConnectionState state,
                           boost::system::error_code reason) override {
        postToUi(m_owner, [owner = m_owner, state, reason] { owner->applyState(state, reason); });
    }
    void onWelcome(const protocol::Welcome&, bool resumed) override {
        postToUi(m_owner, [owner = m_owner, resumed] {
            if (owner->m_onShift) {
                // A fresh session on the service side forgets presence; restore it.
                owner->request(std::string(protocol::type::presenceSet),
                               protocol::toJson(protocol::PresenceSet{protocol::Presence::onShift}),
                               nullptr);
            }
            emit owner->welcomed(resumed);
        });
    }
    void onEvent(const protocol::Envelope& event) override {
        postToUi(m_owner, [owner = m_owner, event] { emit owner->eventReceived(event); });
    }

private:
    ConnectionController* m_owner; // only dereferenced on the UI thread, while it lives
};

ConnectionController::ConnectionController(QObject* parent)
    : ServiceLink(parent)
    , m_io(std::make_unique<protocol::IoThread>("tc-console-io")) {
    connect(this, &ConnectionController::stateChanged, this, &ServiceLink::linkChanged);
}

ConnectionController::~ConnectionController() {
    if (m_client) {
        m_client->stop();
    }
    m_io->stop(); // no callback can reach this object after the thread is joined
}

QString ConnectionController::statusText() const {
    if (m_state == ConnectionState::Connected) {
        return tr("Connecté");
    }
    if (m_state == ConnectionState::Connecting) {
        return tr("Connexion…");
    }
    if (m_state == ConnectionState::Reconnecting) {
        return tr("Reconnexion…");
    }
    return tr("Déconnecté");
}

void ConnectionController::setBundlePath(const QString& path) {
    m_bundlePath = path;
    emit defaultsChanged();
}
void ConnectionController::setCaPath(const QString& path) {
    m_caPath = path;
    emit defaultsChanged();
}
void ConnectionController::setHost(const QString& host) {
    m_host = host;
    emit defaultsChanged();
}
void ConnectionController::setPort(int port) {
    m_port = port;
    emit defaultsChanged();
}

void ConnectionController::signIn(const QString& bundlePath, const QString& passphrase,
                                  const QString& host, int port) {
    if (m_client || m_reviewer) {
        return;
    }
    if (port <= 0 || port > 65535 || host.trimmed().isEmpty()) {
        setError(tr("Adresse du service invalide."));
        return;
    }
    const auto bundle = protocol::readFile(bundlePath.toStdString());
    if (!bundle) {
        setError(tr("Fichier d'identité introuvable : %1").arg(bundlePath));
        return;
    }
    const auto ca = protocol::readFile(m_caPath.toStdString());
    if (!ca) {
        setError(tr("Certificat de l'autorité introuvable : %1").arg(m_caPath));
        return;
    }
    auto credentials = protocol::fromPkcs12(*bundle, passphrase.toStdString());
    if (!credentials) {
        setError(describeError(credentials.error()));
        return;
    }
    const auto identity = protocol::identityFromCertificatePem(credentials->certificatePem);
    if (!identity || (identity->role != protocol::Role::doctor &&
                      identity->role != protocol::Role::coordinator)) {
        setError(tr("Ce fichier n'est pas une identité de médecin ni de coordinateur de CPTS."));
        return;
    }
    m_role = identity->role == protocol::Role::coordinator ? SignedInRole::Coordinator
                                                           : SignedInRole::Doctor;
    m_identityName = QString::fromStdString(identity->displayName);
    m_rpps = QString::fromStdString(identity->identifier);
    setError({});

    protocol::ClientConfig config;
    config.host = host.trimmed().toStdString();
    config.port = static_cast<std::uint16_t>(port);
    config.otherNodes = m_otherNodes;
    config.tls = {std::move(*credentials), *ca};
    m_archiveConfig = protocol::ArchiveClientConfig{};
    m_archiveConfig->host = config.host;
    m_archiveConfig->port = config.port;
    m_archiveConfig->tls = config.tls;
    if (m_role == SignedInRole::Coordinator) {
        // Coordinators review: the queue and the consultations are the doctors' (the service
        // routes every rendezvous request by role and answers a coordinator forbidden_role).
        m_reviewer = true;
        emit identityChanged();
        emit stateChanged();
        return;
    }
    emit identityChanged();
    m_client = protocol::RendezvousClient::create(m_io->executor(), config,
                                                  std::make_shared<Bridge>(this));
    m_client->start();
    emit stateChanged();
}

void ConnectionController::signOut() {
    if (!m_client && !m_reviewer) {
        return;
    }
    if (m_client) {
        m_client->stop();
        m_client.reset();
    }
    m_reviewer = false;
    m_role = SignedInRole::Doctor;
    m_archiveConfig.reset();
    m_identityName.clear(); // a signed-out console shows nobody's name
    m_rpps.clear();
    emit identityChanged();
    m_onShift = false;
    emit onShiftChanged();
    m_state = ConnectionState::Disconnected;
    emit stateChanged();
}

void ConnectionController::setOnShift(bool onShift) {
    const protocol::PresenceSet presence{onShift ? protocol::Presence::onShift
                                                 : protocol::Presence::paused};
    request(std::string(protocol::type::presenceSet), protocol::toJson(presence),
            [this, onShift](const protocol::Reply& reply) {
                if (reply.code) {
                    setError(describeError(reply.code));
                    return;
                }
                m_onShift = onShift;
                emit onShiftChanged();
            });
}

void ConnectionController::request(const std::string& type, nlohmann::json body,
                                   ReplyCallback callback) {
    if (!m_client) {
        if (callback) {
            callback(protocol::Reply{make_error_code(protocol::Errc::notConnected), {}, {}});
        }
        return;
    }
    // `this` outlives every callback: the destructor joins the protocol thread first.
    m_client->request(
        type, std::move(body), [this, callback = std::move(callback)](protocol::Reply reply) {
            if (callback) {
                postToUi(this, [callback, reply = std::move(reply)] { callback(reply); });
            }
        });
}

void ConnectionController::applyState(protocol::ConnectionState state,
                                      boost::system::error_code reason) {
    switch (state) {
    case protocol::ConnectionState::connected:
        m_state = ConnectionState::Connected;
        setError({});
        break;
    case protocol::ConnectionState::connecting:
        m_state = ConnectionState::Connecting;
        break;
    case protocol::ConnectionState::reconnecting:
        m_state = ConnectionState::Reconnecting;
        if (reason) {
            setError(describeError(reason));
        }
        break;
    case protocol::ConnectionState::disconnected:
    case protocol::ConnectionState::stopped:
        m_state = ConnectionState::Disconnected;
        if (reason) {
            setError(describeError(reason));
            // A refused certificate will not get better by retrying: back to sign-in.
            m_client.reset();
        }
        break;
    }
    emit stateChanged();
}

} // namespace tc::app
