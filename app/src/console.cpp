#include "console.hpp"

#include "tc/prescriptions/ordonnance.hpp"
#include "video_surface.hpp"

#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QVariant>

namespace tc::app {

Console::Console(const ConsoleOptions& options) {
    m_queue.attach(&m_connection);
    m_session.attach(&m_connection, &m_queue);
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
