// telecabine: the physician's console.
#include "autopilot.hpp"
#include "connection_controller.hpp"
#include "console.hpp"
#include "demo_card.hpp"
#include "demo_environment.hpp"
#include "prescription_editor.hpp"
#include "queue_model.hpp"
#include "scene_graph.hpp"
#include "session_controller.hpp"
#include "tc/media/gst_runtime.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "ui_language.hpp"
#include "video_surface.hpp"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <cstdio>

Q_IMPORT_QML_PLUGIN(Telecabine_UiPlugin)

namespace {

QString mediaStatus() {
    if (tc::media::initialise()) {
        return QCoreApplication::translate("main", "GStreamer indisponible");
    }
    const auto missing = tc::media::missingElements(tc::media::consoleRequirements());
    if (missing.empty()) {
        return QCoreApplication::translate("main", "%1 · chaîne média complète")
            .arg(QString::fromStdString(tc::media::gstreamerVersion()));
    }
    QStringList packages;
    for (const auto& m : missing) {
        const auto package =
            QString::fromUtf8(m.package.data(), static_cast<int>(m.package.size()));
        if (!packages.contains(package)) {
            packages << package;
        }
    }
    return QCoreApplication::translate("main", "Éléments média manquants : installez %1")
        .arg(packages.join(QStringLiteral(", ")));
}

} // namespace

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("telecabine"));
    QGuiApplication::setOrganizationName(QStringLiteral("telecabine"));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Console médecin de téléconsultation assistée"));
    parser.addHelpOption();
    // Each option once: its name, help, value name (none: a flag) and default, in the order
    // --help lists them.
    const auto option = [&parser](const char* name, const char* help, const char* valueName = "",
                                  const char* defaultValue = "") {
        QCommandLineOption added(QString::fromUtf8(name), QString::fromUtf8(help),
                                 QString::fromUtf8(valueName), QString::fromUtf8(defaultValue));
        parser.addOption(added);
        return added;
    };
    const auto sceneGraph = option("scene-graph",
                                   "auto (the software scene graph where OpenGL is a CPU "
                                   "rasteriser such as llvmpipe), gpu or software.",
                                   "kind", "auto");
    const auto windowSize = option(
        "window-size",
        "The window's size in pixels, WxH (default 1280x800): screenshots at a given size.", "WxH");
    const auto pkcs11Module =
        option("pkcs11-module",
               "PKCS#11 module of the CPS card's middleware (default: $TC_PKCS11_MODULE, else "
               "p11-kit's proxy); \"none\" signs with the identity file only.",
               "so");
    const auto demo = option("demo", "Embedded rendezvous service and simulated cabin.");
    const auto dataDir = option(
        "data-dir", "Data directory (demo PKI and event log, consultations, settings).", "dir");
    const auto ca = option("ca", "Deployment CA (PEM).", "file");
    const auto bundle = option("bundle", "Your identity (PKCS#12).", "file");
    const auto host = option("host", "Service host.", "host", "127.0.0.1");
    const auto port = option("port", "Service port.", "port", "8443");
    const auto otherNodes = option("other-nodes",
                                   "The service's other nodes (a cluster), comma-separated "
                                   "host:port: tried in turn when the connection is lost.",
                                   "nodes");
    const auto autopilot =
        option("autopilot", "Sign in ($TELECABINE_PASSPHRASE), take the first patient, examine, "
                            "prescribe (with a card if $TELECABINE_CARD_PIN), end (tests).");
    const auto autopilotTimeout =
        option("autopilot-timeout", "Seconds before giving up.", "s", "60");
    const auto autopilotAuscultation =
        option("autopilot-auscultation",
               "Autopilot: once the media flows, record the stethoscope for this many seconds "
               "before examining further (0, the default: no recording).",
               "s", "0");
    const auto autopilotArchiveOnly = option(
        "autopilot-archive-only",
        "Autopilot: only sign in and wait until the dossiers left by an earlier run are archived.");
    const auto screenshot = option("screenshot", "Autopilot: save the session screen.", "png");
    const auto lang = option("lang", "fr or en.", "lang");
    const auto mediaKeying =
        option("media-keying",
               "dtls (default: DTLS-SRTP, keys never leave the two ends) or sdes (keys in the SDP "
               "over the TLS signalling, for SIP-style carts).",
               "mode", "dtls");
    const auto mediaInterface =
        option("media-interface",
               "Media only on these network interfaces (comma-separated names); by default every "
               "usable address (no link-local, loopback only when alone).",
               "names");
    const auto mediaAddress =
        option("media-address", "Media only on these addresses of this machine (comma-separated).",
               "addresses");
    const auto audioSink = option("audio-sink",
                                  "Stethoscope output: a GStreamer sink (\"pulsesink "
                                  "device=...\"), empty for the system default, or none.",
                                  "sink");
    const auto stethoscopeRate = option(
        "stethoscope-rate", "L16 rate asked of the cabin's stethoscope: 48000 (default) or 16000.",
        "hz", "48000");
    const auto stethoscopeCodec =
        option("stethoscope-codec",
               "Stethoscope codec asked of the cabin first: l16 (default, lossless) or opus (CELT "
               "fullband, constant bitrate, for thin links).",
               "codec", "l16");
    const auto stethoscopeBitrate =
        option("stethoscope-bitrate",
               "Opus stethoscope bitrate in bit/s: 128000 (default) to 510000.", "bps", "128000");
    const auto microphone =
        option("microphone",
               "The doctor's microphone: a GStreamer source (\"pulsesrc device=...\"), empty for "
               "the system default, synthetic (a labelled test voice), or none.",
               "source");
    const auto camera =
        option("camera",
               "The doctor's camera: a GStreamer source (\"v4l2src device=/dev/video2\"), empty "
               "for the first webcam (a labelled test pattern without one), test, or none.",
               "source");
    parser.process(app);
    // Before any window: the scene graph is chosen once for the process (scene_graph.hpp).
    const auto sceneGraphChoice = tc::app::parseSceneGraphChoice(parser.value(sceneGraph));
    if (!sceneGraphChoice) {
        std::fprintf(stderr, "telecabine: --scene-graph is auto, gpu or software, not \"%s\"\n",
                     qPrintable(parser.value(sceneGraph)));
        return 2;
    }
    const auto sceneGraphDecision = tc::app::applySceneGraphChoice(*sceneGraphChoice);
    std::fprintf(stderr, "telecabine: scene graph: %s\n", qPrintable(sceneGraphDecision.reason));
    // The workstation's settings (the practice's details on the ordonnance) stay in the data
    // directory of a demo or a test run, so that it leaves the doctor's own settings alone.
    if (parser.isSet(dataDir) || parser.isSet(demo)) {
        const QString directory =
            parser.isSet(dataDir)
                ? parser.value(dataDir)
                : QString::fromStdString(tc::app::DemoEnvironment::defaultDirectory().string());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           directory + QStringLiteral("/settings"));
    }

    // French first: the source text is French; everyone else gets English (ui_language.hpp).
    const tc::app::UiLanguage language(tc::app::UiLanguage::choose(
        parser.isSet(lang) ? parser.value(lang) : QString(), QLocale::system().name()));

    tc::app::ConsoleOptions options;
    // The consultation data (snapshots, recordings) stays on this workstation.
    options.dataDirectory = parser.isSet(dataDir)
                                ? parser.value(dataDir)
                                : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    options.audioSink = parser.value(audioSink).toStdString();
    options.microphone = parser.value(microphone).toStdString();
    options.camera = parser.value(camera).toStdString();
    if (parser.value(stethoscopeRate) != QLatin1String("48000") &&
        parser.value(stethoscopeRate) != QLatin1String("16000")) {
        std::fprintf(stderr, "telecabine: --stethoscope-rate takes 48000 or 16000\n");
        return 2;
    }
    options.stethoscope.sampleRate = parser.value(stethoscopeRate).toInt();
    if (parser.value(stethoscopeCodec) == QLatin1String("opus")) {
        bool ok = false;
        const int bitrate = parser.value(stethoscopeBitrate).toInt(&ok);
        if (!ok || bitrate < tc::media::kMinStethoscopeOpusBitrate || bitrate > 510000) {
            std::fprintf(stderr, "telecabine: --stethoscope-bitrate takes 128000 to 510000\n");
            return 2;
        }
        options.stethoscope.encoding = tc::media::AudioEncoding::opus;
        options.stethoscope.sampleRate = 48000;
        options.stethoscope.opusBitrate = bitrate;
    } else if (parser.value(stethoscopeCodec) != QLatin1String("l16")) {
        std::fprintf(stderr, "telecabine: --stethoscope-codec takes l16 or opus\n");
        return 2;
    }
    if (parser.value(mediaKeying) == QLatin1String("sdes")) {
        options.keying = tc::protocol::KeyingMode::sdes;
    } else if (parser.value(mediaKeying) != QLatin1String("dtls")) {
        std::fprintf(stderr, "telecabine: --media-keying takes dtls or sdes\n");
        return 2;
    }
    for (const auto& name : parser.value(mediaInterface).split(u',', Qt::SkipEmptyParts)) {
        options.mediaAddresses.interfaces.push_back(name.trimmed().toStdString());
    }
    for (const auto& address : parser.value(mediaAddress).split(u',', Qt::SkipEmptyParts)) {
        options.mediaAddresses.addresses.push_back(address.trimmed().toStdString());
    }
    if (const auto chosen = tc::protocol::hostAddresses(options.mediaAddresses); !chosen) {
        std::fprintf(stderr, "telecabine: --media-interface/--media-address: %s\n",
                     chosen.error().message().c_str());
        return 2;
    }

    std::unique_ptr<tc::app::DemoEnvironment> demoEnvironment;
    QString demoCardModule;
    QString passphrase = qEnvironmentVariable("TELECABINE_PASSPHRASE");
    std::filesystem::path demoDirectory;
    if (parser.isSet(demo)) {
        demoDirectory = parser.isSet(dataDir)
                            ? std::filesystem::path(parser.value(dataDir).toStdString())
                            : tc::app::DemoEnvironment::defaultDirectory();
        // The demo doctor's CPS card (a SoftHSM2 token), when softhsm2 is installed.
        if (const auto pki = tc::protocol::ensureDevelopmentPki(demoDirectory / "dev-pki")) {
            if (const auto card = tc::app::ensureDemoCard(*pki, demoDirectory)) {
                qputenv("SOFTHSM2_CONF", QByteArray::fromStdString(card->softHsmConfig.string()));
                demoCardModule = QString::fromStdString(card->module.string());
                std::fprintf(stderr, "demo: CPS card \"%s\" (SoftHSM2), PIN %s\n",
                             tc::app::DemoCard::kTokenLabel, tc::app::DemoCard::kPin);
            } else {
                std::fprintf(stderr, "demo: no CPS card (%s); signing with the identity file\n",
                             card.error().message().c_str());
            }
        }
    }
    // The cards the ordonnance can be signed with, beside the identity file.
    if (parser.isSet(pkcs11Module)) {
        options.pkcs11Module = parser.value(pkcs11Module) == QLatin1String("none")
                                   ? QString()
                                   : parser.value(pkcs11Module);
    } else if (!demoCardModule.isEmpty()) {
        options.pkcs11Module = demoCardModule;
    }

    tc::app::Console console(options);
    auto& connection = console.connection();
    auto& session = console.session();
    // Recordings a crash (kill -9, power cut) interrupted: repaired and offered for replay.
    session.replay()->recoverInterrupted();
    connection.setHost(parser.value(host));
    connection.setPort(parser.value(port).toInt());
    if (parser.isSet(otherNodes)) {
        std::vector<tc::protocol::ServiceNode> nodes;
        for (const auto& text : parser.value(otherNodes).split(u',', Qt::SkipEmptyParts)) {
            const auto parsed = tc::protocol::parseServiceNode(text.trimmed().toStdString(), 8443);
            if (!parsed) {
                std::fprintf(stderr, "telecabine: --other-nodes: \"%s\" is not host:port\n",
                             qPrintable(text));
                return 2;
            }
            nodes.push_back(*parsed);
        }
        connection.setOtherNodes(std::move(nodes));
    }
    if (parser.isSet(ca)) {
        connection.setCaPath(parser.value(ca));
    }
    if (parser.isSet(bundle)) {
        connection.setBundlePath(parser.value(bundle));
    }

    if (parser.isSet(demo)) {
        auto started = tc::app::DemoEnvironment::start(demoDirectory, [](const std::string& line) {
            std::fprintf(stderr, "demo: %s\n", line.c_str());
        });
        if (!started) {
            std::fprintf(stderr, "telecabine: the demo could not start: %s\n",
                         started.error().message().c_str());
            return 1;
        }
        demoEnvironment = std::move(*started);
        const auto& pki = demoEnvironment->pki();
        connection.setCaPath(QString::fromStdString(pki.caCertificate().string()));
        connection.setBundlePath(QString::fromStdString(pki.doctorBundle().string()));
        connection.setHost(QStringLiteral("127.0.0.1"));
        connection.setPort(demoEnvironment->port());
        passphrase = QString::fromLatin1(tc::protocol::DevelopmentPki::kDevelopmentPassphrase);
    }

    // The status line says when the screen is drawn without a GPU: what support asks first
    // when video looks late or the machine runs hot.
    QString status = mediaStatus();
    if (sceneGraphDecision.software) {
        status += QCoreApplication::translate("main", " · affichage sans accélération graphique");
    }
    auto* window = console.showScreens(status, parser.isSet(demo));
    if (window == nullptr) {
        return 1;
    }
    if (parser.isSet(windowSize)) {
        const auto parts = parser.value(windowSize).split(u'x');
        bool widthOk = false;
        bool heightOk = false;
        const int width = parts.size() == 2 ? parts[0].toInt(&widthOk) : 0;
        const int height = parts.size() == 2 ? parts[1].toInt(&heightOk) : 0;
        if (!widthOk || !heightOk || width < 640 || height < 480 || width > 7680 || height > 4320) {
            std::fprintf(stderr,
                         "telecabine: --window-size takes WxH, from 640x480 to 7680x4320\n");
            return 2;
        }
        window->resize(width, height);
    }

    std::unique_ptr<tc::console::Autopilot> pilot;
    if (parser.isSet(autopilot)) {
        pilot = std::make_unique<tc::console::Autopilot>(&connection, &console.queue(), &session,
                                                         parser.value(screenshot), passphrase,
                                                         parser.value(autopilotTimeout).toInt());
        pilot->setWindow(window);
        pilot->setArchive(&console.archive());
        pilot->setArchiveOnly(parser.isSet(autopilotArchiveOnly));
        bool auscultationValid = false;
        const int auscultationSeconds =
            parser.value(autopilotAuscultation).toInt(&auscultationValid);
        if (!auscultationValid || auscultationSeconds < 0 || auscultationSeconds > 3600) {
            std::fprintf(stderr, "telecabine: --autopilot-auscultation takes 0 to 3600 s\n");
            return 2;
        }
        pilot->setAuscultationSeconds(auscultationSeconds);
        pilot->setCardPin(!demoCardModule.isEmpty() ? QString::fromLatin1(tc::app::DemoCard::kPin)
                                                    : qEnvironmentVariable("TELECABINE_CARD_PIN"));
    }
    if (parser.isSet(demo) || parser.isSet(autopilot)) {
        connection.signIn(connection.bundlePath(), passphrase, connection.host(),
                          connection.port());
    }
    const int code = QGuiApplication::exec();
    // Controllers stop their threads in their destructors; the demo stops last.
    return code;
}
