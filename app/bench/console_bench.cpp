// telecabine-bench join and video-latency: the console itself, its controllers and its QML
// screens in a 1280x800 window, against the demo's embedded rendezvous service and simulated
// cabin in this process, on loopback (TLS signalling, DTLS-SRTP media). What is timed is what
// the doctor gets: a stethoscope sample handed to the audio sink, a room-camera frame on screen
// (the window's buffer swap after the frame's texture was drawn).
#include "benchmarks.hpp"
#include "connection_controller.hpp"
#include "demo_environment.hpp"
#include "media_link.hpp"
#include "queue_model.hpp"
#include "session_controller.hpp"
#include "stethoscope_controller.hpp"
#include "video_controller.hpp"
#include "video_surface.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QVariantMap>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

Q_IMPORT_QML_PLUGIN(Telecabine_UiPlugin)

namespace tc::bench {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double msBetween(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::string cpuModel() {
    std::ifstream info("/proc/cpuinfo");
    for (std::string line; std::getline(info, line);) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    }
    return "unknown";
}

nlohmann::json machine() {
    return {{"cpu", cpuModel()},
            {"cores", std::thread::hardware_concurrency()},
            {"display", qEnvironmentVariable("DISPLAY").toStdString()},
            {"scene_graph", QQuickWindow::sceneGraphBackend().isEmpty()
                                ? std::string("default (RHI)")
                                : QQuickWindow::sceneGraphBackend().toStdString()}};
}

// Runs the event loop until `done` or the timeout; false on timeout.
bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
        if (Clock::now() > deadline) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

// One console, as `telecabine --demo` builds it, with probes on its audio and video outputs.
class Console {
public:
    struct Join {
        double firstAudioMs = -1;
        double firstVideoMs = -1;
    };

    ~Console() {
        m_engine.reset(); // the screens before the controllers they show
    }

    boost::system::error_code start(std::optional<media::VideoCodec> cabinCodec) {
        app::DemoOptions options;
        options.cabinVideoCodec = cabinCodec;
        options.cleaningDelay = 300ms;
        auto demo = app::DemoEnvironment::start(m_directory.path().toStdString(), {}, options);
        if (!demo) {
            return demo.error();
        }
        m_demo = std::move(*demo);
        m_queue.attach(&m_connection);
        m_session.attach(&m_connection, &m_queue);
        m_session.stethoscope()->setAudioSink("none"); // clock-synchronised, observable
        m_session.stethoscope()->setRecordingDirectory(m_directory.filePath("recordings"));
        m_session.setSnapshotRoot(m_directory.filePath("snapshots"));
        m_session.voice()->setConfiguredMicrophone("synthetic");
        m_session.camera()->setSource("test"); // the doctor's camera encodes too, as it would
        m_session.stethoscope()->setRenderObserver([this](std::span<const std::int16_t> samples) {
            const bool sound = std::any_of(samples.begin(), samples.end(),
                                           [](std::int16_t s) { return std::abs(s) > 16; });
            std::lock_guard lock(m_mutex);
            if (sound && !m_firstAudio) {
                m_firstAudio = Clock::now();
            }
        });
        m_session.video()->setRenderObserver([this](const app::RenderedFrame& frame) {
            if (frame.stream != QLatin1String("room")) {
                return;
            }
            std::lock_guard lock(m_mutex);
            if (!m_firstVideo) {
                m_firstVideo = frame.swapped;
            }
            if (m_collecting && frame.captureUs > 0) {
                const auto captured = Clock::time_point(std::chrono::microseconds(frame.captureUs));
                m_latencies.push_back(msBetween(captured, frame.swapped));
            }
        });

        app::registerMediaTypes();
        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_engine->addImportPath(QStringLiteral("qrc:/"));
        m_engine->setInitialProperties(
            {{QStringLiteral("connection"), QVariant::fromValue(&m_connection)},
             {QStringLiteral("queueModel"), QVariant::fromValue(&m_queue)},
             {QStringLiteral("session"), QVariant::fromValue(&m_session)},
             {QStringLiteral("mediaStatus"), QStringLiteral("benchmark")},
             {QStringLiteral("demoMode"), true}});
        m_engine->load(QUrl(QStringLiteral("qrc:/Telecabine/Ui/Main.qml")));
        if (m_engine->rootObjects().isEmpty()) {
            return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
        }
        if (auto* window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().constFirst())) {
            window->resize(1280, 800);
        }
        const auto& pki = m_demo->pki();
        m_connection.setCaPath(QString::fromStdString(pki.caCertificate().string()));
        m_connection.signIn(QString::fromStdString(pki.doctorBundle().string()),
                            QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase),
                            QStringLiteral("127.0.0.1"), m_demo->port());
        if (!waitUntil([this] { return m_connection.state() == QLatin1String("connected"); },
                       15s)) {
            std::cerr << "sign-in: " << m_connection.state().toStdString() << " "
                      << m_connection.errorString().toStdString() << "\n";
            return boost::system::errc::make_error_code(boost::system::errc::timed_out);
        }
        m_connection.setOnShift(true);
        return {};
    }

    // From the doctor's click on the first waiting patient (claim and join are one gesture) to
    // the first stethoscope sample played and the first room-camera frame on screen.
    std::optional<Join> join() {
        if (!waitUntil(
                [this] {
                    return m_session.state() == QLatin1String("idle") && m_connection.onShift() &&
                           m_queue.count() > 0;
                },
                20s)) {
            std::cerr << "no patient waiting (session " << m_session.state().toStdString() << ")\n";
            return std::nullopt;
        }
        {
            std::lock_guard lock(m_mutex);
            m_firstAudio.reset();
            m_firstVideo.reset();
        }
        const auto clicked = Clock::now();
        m_session.claim(m_queue.visitIdAt(0));
        Join out;
        const bool both = waitUntil(
            [&] {
                std::lock_guard lock(m_mutex);
                return m_firstAudio && m_firstVideo;
            },
            15s);
        std::lock_guard lock(m_mutex);
        if (!both) {
            std::cerr << "join: no " << (m_firstAudio ? "video" : "audio")
                      << " after 15 s (session " << m_session.state().toStdString() << ", "
                      << m_session.errorString().toStdString() << ")\n";
            return std::nullopt;
        }
        out.firstAudioMs = msBetween(clicked, *m_firstAudio);
        out.firstVideoMs = msBetween(clicked, *m_firstVideo);
        return out;
    }

    bool end() {
        m_session.end(QStringLiteral("completed"), {});
        if (!waitUntil([this] { return m_session.state() == QLatin1String("ended"); }, 10s)) {
            return false;
        }
        m_session.dismiss();
        return true;
    }

    // Glass to glass for `seconds` of the session under way.
    std::vector<double> collect(std::chrono::seconds seconds) {
        {
            std::lock_guard lock(m_mutex);
            m_latencies.clear();
            m_collecting = true;
        }
        waitUntil([] { return false; }, seconds);
        std::lock_guard lock(m_mutex);
        m_collecting = false;
        return m_latencies;
    }

    // The room camera's payload type as received (100 VP8, 104 H.264), -1 if none.
    int roomPayloadType() {
        for (const auto& stream : m_session.media()->streams()) {
            const auto fields = stream.toMap();
            if (!fields.value(QStringLiteral("outbound")).toBool() &&
                fields.value(QStringLiteral("name")).toString().startsWith(QStringLiteral("Cam"))) {
                return fields.value(QStringLiteral("payloadType")).toInt();
            }
        }
        return -1;
    }

private:
    QTemporaryDir m_directory;
    std::unique_ptr<app::DemoEnvironment> m_demo; // stops after the controllers (declared first)
    app::ConnectionController m_connection;
    app::QueueModel m_queue;
    app::SessionController m_session;
    std::unique_ptr<QQmlApplicationEngine> m_engine;

    std::mutex m_mutex; // the probes run on the audio sink's and the render thread
    std::optional<Clock::time_point> m_firstAudio;
    std::optional<Clock::time_point> m_firstVideo;
    bool m_collecting = false;
    std::vector<double> m_latencies;
};

// The console needs a display (Xvfb in CI) and a GUI application object.
std::unique_ptr<QGuiApplication> guiApplication(const char* benchmark) {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::cerr << benchmark
                  << ": the console needs a display; run it under xvfb-run -a -s \"-screen 0 "
                     "1280x800x24\"\n";
        return nullptr;
    }
    static int argc = 1;
    static char name[] = "telecabine-bench";
    static char* argv[] = {name, nullptr};
    auto app = std::make_unique<QGuiApplication>(argc, argv);
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    return app;
}

} // namespace

int runJoin(cli::CommandLine& args) {
    const auto runs = static_cast<int>(args.number("runs", 5));
    if (!args.errors().empty() || runs < 1 || runs > 50) {
        std::cerr << "join: --runs 1..50\n";
        return 2;
    }
    auto app = guiApplication("join");
    if (!app) {
        return 2;
    }
    Console console;
    if (const auto error = console.start(std::nullopt)) {
        std::cerr << "join: the console did not start: " << error.message() << "\n";
        return 1;
    }
    std::vector<double> audio;
    std::vector<double> video;
    for (int i = 0; i < runs; ++i) {
        const auto join = console.join();
        if (!join) {
            return 1;
        }
        audio.push_back(join->firstAudioMs);
        video.push_back(join->firstVideoMs);
        if (!console.end()) {
            std::cerr << "join: the consultation did not end\n";
            return 1;
        }
    }
    const nlohmann::json out = {
        {"benchmark", "join"},
        {"what", "doctor's claim of the first waiting patient to the first stethoscope sample "
                 "played and the first room-camera frame on screen, the real console against "
                 "the embedded demo service and cabin, loopback, DTLS-SRTP"},
        {"runs", runs},
        {"first_audio_ms", percentile(audio, 0.5)},
        {"first_video_ms", percentile(video, 0.5)},
        {"first_audio_ms_max", *std::max_element(audio.begin(), audio.end())},
        {"first_video_ms_max", *std::max_element(video.begin(), video.end())},
        {"first_audio_ms_runs", audio},
        {"first_video_ms_runs", video},
        {"target_ms", 500},
        {"machine", machine()}};
    std::cout << out.dump(args.flag("json") ? -1 : 2) << "\n";
    return 0;
}

int runVideoLatency(cli::CommandLine& args) {
    const auto seconds = static_cast<int>(args.number("seconds", 10));
    if (!args.errors().empty() || seconds < 2 || seconds > 120) {
        std::cerr << "video-latency: --seconds 2..120\n";
        return 2;
    }
    auto app = guiApplication("video-latency");
    if (!app) {
        return 2;
    }
    nlohmann::json out = {
        {"benchmark", "video-latency"},
        {"what", "glass to glass: the cabin's frame capture time (stamped in its pixels) to the "
                 "console window's buffer swap showing it; 1280x720 at 30 frames/s, the real "
                 "console and the embedded cabin in one process, loopback, DTLS-SRTP"},
        {"seconds", seconds},
        {"target_p95_ms", 100},
        {"machine", machine()}};
    for (const auto& [codec, name, payloadType] :
         {std::tuple{media::VideoCodec::vp8, "vp8", 100},
          std::tuple{media::VideoCodec::h264, "h264", 104}}) {
        Console console;
        if (const auto error = console.start(codec)) {
            std::cerr << "video-latency: the console did not start: " << error.message() << "\n";
            return 1;
        }
        if (!console.join()) {
            return 1;
        }
        console.collect(1s); // settle: decoders, jitter buffers and bitrate find their pace
        // The media panel's statistics (refreshed each second) say what the cabin sent.
        if (console.roomPayloadType() != payloadType) {
            std::cerr << "video-latency: the room camera came as payload type "
                      << console.roomPayloadType() << ", not " << name << "\n";
            return 1;
        }
        const auto latencies = console.collect(std::chrono::seconds(seconds));
        static_cast<void>(console.end());
        if (latencies.size() < static_cast<std::size_t>(seconds) * 10) {
            std::cerr << "video-latency: only " << latencies.size() << " frames on screen in "
                      << seconds << " s (" << name << ")\n";
            return 1;
        }
        out[name] = {{"p50_ms", percentile(latencies, 0.50)},
                     {"p95_ms", percentile(latencies, 0.95)},
                     {"max_ms", percentile(latencies, 1.0)},
                     {"frames_on_screen", latencies.size()},
                     {"fps_on_screen", static_cast<double>(latencies.size()) / seconds}};
    }
    std::cout << out.dump(args.flag("json") ? -1 : 2) << "\n";
    return 0;
}

} // namespace tc::bench
