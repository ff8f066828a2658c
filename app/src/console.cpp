#include "console.hpp"

#include "tc/prescriptions/ordonnance.hpp"
#include "video_surface.hpp"

#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QVariant>

namespace tc::app {

Console::Console(const ConsoleOptions& options)
    : m_dataDirectory(options.dataDirectory) {
    m_queue.attach(&m_connection);
    m_session.attach(&m_connection, &m_queue);
    // Dossiers go to the archive the rendezvous service holds, as the signed-in doctor: the
    // queue's journal is per doctor, and what an earlier run left resumes at sign-in.
    m_archive.setDossierRoot((options.dataDirectory + QStringLiteral("/dossiers")).toStdString());
    m_session.setArchive(&m_archive);
    m_review = std::make_unique<ReviewSession>(m_connection.ioExecutor(), options.dataDirectory,
                                               m_session.stethoscope());
    // A coordinator's console opens in review mode; a doctor keeps the consultation screens
    // (and uploads dossiers, which coordinators never do).
    QObject::connect(&m_connection, &ConnectionController::identityChanged, m_review.get(), [this] {
        const auto& config = m_connection.archiveClientConfig();
        if (config && m_connection.role() == SignedInRole::Coordinator) {
            m_review->start(*config);
        } else if (m_review->started()) {
            m_review->stop();
        }
    });
    QObject::connect(&m_connection, &ConnectionController::identityChanged, &m_archive, [this] {
        const auto& config = m_connection.archiveClientConfig();
        if (!config || m_dataDirectory.isEmpty() ||
            m_connection.role() == SignedInRole::Coordinator) {
            m_archive.close();
            return;
        }
        m_archive.open(m_connection.ioExecutor(),
                       (m_dataDirectory + QStringLiteral("/archive-queue/") + m_connection.rpps())
                           .toStdString(),
                       *config);
    });
    m_session.stethoscope()->setAudioSink(options.audioSink);
    m_session.voice()->setConfiguredMicrophone(options.microphone);
    m_session.camera()->setSource(options.camera);
    m_session.setStethoscopeFormat(options.stethoscope);
    m_session.media()->setKeyingMode(options.keying);
    m_session.media()->setHostAddressPolicy(options.mediaAddresses);
    // Snapshots and auscultation recordings stay on this workstation, with the consultation.
    m_session.setSnapshotRoot(options.dataDirectory + QStringLiteral("/snapshots"));
    m_session.stethoscope()->recorder()->setDirectory(options.dataDirectory +
                                                      QStringLiteral("/recordings"));
    m_session.prescription()->signing()->setPkcs11Module(
        options.pkcs11Module.value_or(SigningChoices::defaultPkcs11Module()));
    // The compte rendu signs with the same cards.
    m_session.report()->signing()->setPkcs11Module(
        m_session.prescription()->signing()->pkcs11Module());
}

Console::~Console() {
    m_engine.reset(); // the screens before the controllers they show
    m_review.reset(); // before the stethoscope its replay plays on
}

QQuickWindow* Console::showScreens(const QString& mediaStatus, bool demoMode, int width,
                                   int height) {
    registerQmlTypes();                       // VideoSurface, the states
    prescriptions::registerOrdonnanceFonts(); // before any text item exists (ordonnance.hpp)
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/"));
    m_engine->setInitialProperties(
        {{QStringLiteral("connection"), QVariant::fromValue(&m_connection)},
         {QStringLiteral("queueModel"), QVariant::fromValue(&m_queue)},
         {QStringLiteral("session"), QVariant::fromValue(&m_session)},
         {QStringLiteral("archive"), QVariant::fromValue(&m_archive)},
         {QStringLiteral("review"), QVariant::fromValue(m_review.get())},
         {QStringLiteral("mediaStatus"), mediaStatus},
         {QStringLiteral("demoMode"), demoMode}});
    m_engine->load(QUrl(QStringLiteral("qrc:/Telecabine/Ui/Main.qml")));
    if (m_engine->rootObjects().isEmpty()) {
        return nullptr;
    }
    auto* window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().constFirst());
    if (window != nullptr && width > 0 && height > 0) {
        window->resize(width, height);
    }
    return window;
}

} // namespace tc::app
