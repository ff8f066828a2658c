// telecabine-bench join and video-latency: the console itself, its controllers and its QML
// screens in a 1280x800 window, against the demo's embedded rendezvous service and simulated
// cabin in this process, on loopback (TLS signalling, DTLS-SRTP media). What is timed is what
// the doctor gets: a stethoscope sample handed to the audio sink, a room-camera frame on screen
// (the window's buffer swap after the frame's texture was drawn).
#include "benchmarks.hpp"
#include "connection_controller.hpp"
#include "console.hpp"
#include "demo_environment.hpp"
#include "machine_description.hpp"
#include "media_link.hpp"
#include "queue_model.hpp"
#include "scene_graph.hpp"
#include "session_controller.hpp"
#include "stethoscope_controller.hpp"
#include "tc/prescriptions/ordonnance.hpp"
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
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

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

// What the figures were measured on, with the scene graph the console drew with and why.
nlohmann::json machine(const app::SceneGraphDecision& sceneGraph) {
    auto description = machineDescription();
    description["display"] = qEnvironmentVariable("DISPLAY").toStdString();
    description["scene_graph"] = sceneGraph.software ? "software" : "gpu";
    description["scene_graph_reason"] = sceneGraph.reason.toStdString();
    return description;
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

    // With the demo (service and cabin) in this process.
    boost::system::error_code start(std::optional<media::VideoCodec> cabinCodec) {
        auto demo = app::DemoEnvironment::start(m_directory.path().toStdString(), {},
                                                demoOptions(cabinCodec));
        if (!demo) {
            return demo.error();
        }
        m_demo = std::move(*demo);
        return connect(m_demo->port(), m_demo->pki());
    }

    static app::DemoOptions demoOptions(std::optional<media::VideoCodec> cabinCodec) {
        app::DemoOptions options;
        options.cabinVideoCodec = cabinCodec;
        options.cleaningDelay = 300ms;
        return options;
    }

    // With a demo running elsewhere (another process) on `port`, its PKI in `pki`.
    boost::system::error_code connect(std::uint16_t port, const protocol::DevelopmentPki& pki) {
        m_session.stethoscope()->setRenderObserver([this](std::span<const std::int16_t> samples) {
            const bool sound = std::any_of(samples.begin(), samples.end(),
                                           [](std::int16_t s) { return std::abs(s) > 16; });
            std::lock_guard lock(m_mutex);
            if (sound && !m_firstAudio) {
                m_firstAudio = Clock::now();
            }
        });
        m_session.video()->setDecodeObserver([this](const QString& stream, std::uint64_t captureUs,
                                                    Clock::time_point decoded) {
            if (stream != QLatin1String("room") || captureUs == 0) {
                return;
            }
            std::lock_guard lock(m_mutex);
            if (m_collecting) {
                m_decoded.push_back(
                    msBetween(Clock::time_point(std::chrono::microseconds(captureUs)), decoded));
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

        if (m_console.showScreens(QStringLiteral("benchmark"), true, 1280, 800) == nullptr) {
            return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
        }
        m_connection.setCaPath(QString::fromStdString(pki.caCertificate().string()));
        m_connection.signIn(QString::fromStdString(pki.doctorBundle().string()),
                            QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase),
                            QStringLiteral("127.0.0.1"), port);
        if (!waitUntil([this] { return m_connection.state() == app::ConnectionState::Connected; },
                       15s)) {
            std::cerr << "sign-in: " << app::stateName(m_connection.state()).toStdString() << " "
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
                    return m_session.state() == app::SessionState::Idle && m_connection.onShift() &&
                           m_queue.count() > 0;
                },
                20s)) {
            std::cerr << "no patient waiting (session "
                      << app::stateName(m_session.state()).toStdString() << ")\n";
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
                      << " after 15 s (session " << app::stateName(m_session.state()).toStdString()
                      << ", " << m_session.errorString().toStdString() << ")\n";
            return std::nullopt;
        }
        out.firstAudioMs = msBetween(clicked, *m_firstAudio);
        out.firstVideoMs = msBetween(clicked, *m_firstVideo);
        return out;
    }

    bool end() {
        m_session.end(QStringLiteral("completed"), {});
        if (!waitUntil([this] { return m_session.state() == app::SessionState::Ended; }, 10s)) {
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
            m_decoded.clear();
            m_collecting = true;
        }
        waitUntil([] { return false; }, seconds);
        std::lock_guard lock(m_mutex);
        m_collecting = false;
        return m_latencies;
    }

    // Capture to decoded in the console, over the last collect().
    std::vector<double> decodedLatencies() {
        std::lock_guard lock(m_mutex);
        return m_decoded;
    }

    app::SessionController& session() { return m_session; }

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
    static app::ConsoleOptions consoleOptions(const QTemporaryDir& directory) {
        app::ConsoleOptions options;
        options.dataDirectory = directory.path();
        options.audioSink = "none"; // clock-synchronised, observable
        options.microphone = "synthetic";
        options.camera = "test"; // the doctor's camera encodes too, as it would
        return options;
    }

    QTemporaryDir m_directory;
    std::unique_ptr<app::DemoEnvironment> m_demo; // stops after the controllers (declared first)
    app::Console m_console{consoleOptions(m_directory)};
    app::ConnectionController& m_connection = m_console.connection();
    app::QueueModel& m_queue = m_console.queue();
    app::SessionController& m_session = m_console.session();

    std::mutex m_mutex; // the probes run on the audio sink's and the render thread
    std::optional<Clock::time_point> m_firstAudio;
    std::optional<Clock::time_point> m_firstVideo;
    bool m_collecting = false;
    std::vector<double> m_latencies;
    std::vector<double> m_decoded; // capture to decoded, same frames' stream, same window
};

// The console needs a display (Xvfb in CI) and a GUI application object, and draws with the
// scene graph the console itself would choose (--scene-graph auto|gpu|software, scene_graph.hpp).
struct GuiApplication {
    std::unique_ptr<QGuiApplication> app;
    app::SceneGraphDecision sceneGraph;
    explicit operator bool() const { return app != nullptr; }
};

GuiApplication guiApplication(const char* benchmark, const cli::CommandLine& args) {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::cerr << benchmark
                  << ": the console needs a display; run it under xvfb-run -a -s \"-screen 0 "
                     "1280x800x24\"\n";
        return {};
    }
    const auto choice =
        app::parseSceneGraphChoice(QString::fromStdString(args.value("scene-graph", "auto")));
    if (!choice) {
        std::cerr << benchmark << ": --scene-graph auto, gpu or software\n";
        return {};
    }
    static int argc = 1;
    static char name[] = "telecabine-bench";
    static char* argv[] = {name, nullptr};
    GuiApplication out;
    out.app = std::make_unique<QGuiApplication>(argc, argv);
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    out.sceneGraph = app::applySceneGraphChoice(*choice);
    return out;
}

// The demo (service and cabin) in a child process, forked before this process has any thread,
// so that the console's CPU is measured alone. The child stops when the parent closes its pipe.
class ForkedDemo {
public:
    ~ForkedDemo() {
        if (m_control >= 0) {
            ::close(m_control);
        }
        if (m_child > 0) {
            int status = 0;
            ::waitpid(m_child, &status, 0);
        }
        std::error_code ignored;
        std::filesystem::remove_all(m_directory, ignored);
    }

    bool start() {
        char pattern[] = "/tmp/tc-bench-demo-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) {
            return false;
        }
        m_directory = pattern;
        int ready[2];
        int control[2];
        if (::pipe(ready) != 0 || ::pipe(control) != 0) {
            return false;
        }
        m_child = ::fork();
        if (m_child < 0) {
            return false;
        }
        if (m_child == 0) {
            ::close(ready[0]);
            ::close(control[1]);
            auto demo = app::DemoEnvironment::start(m_directory, {}, Console::demoOptions({}));
            const std::uint16_t port = demo ? (*demo)->port() : 0;
            static_cast<void>(::write(ready[1], &port, sizeof port));
            char byte = 0;
            static_cast<void>(::read(control[0], &byte, 1)); // until the parent goes
            if (demo) {
                demo->reset(); // stops the service and the cabin
            }
            ::_exit(0);
        }
        ::close(ready[1]);
        ::close(control[0]);
        m_control = control[1];
        std::uint16_t port = 0;
        const bool got = ::read(ready[0], &port, sizeof port) == sizeof port && port != 0;
        ::close(ready[0]);
        m_port = port;
        return got;
    }

    std::uint16_t port() const { return m_port; }
    std::filesystem::path pkiDirectory() const { return m_directory / "dev-pki"; }
    pid_t pid() const { return m_child; }

private:
    std::filesystem::path m_directory;
    pid_t m_child = -1;
    int m_control = -1;
    std::uint16_t m_port = 0;
};

} // namespace

int runJoin(cli::CommandLine& args) {
    const auto runs = rangedOption(args, "join", "runs", 5, 1, 50);
    if (!runs) {
        return 2;
    }
    auto gui = guiApplication("join", args);
    if (!gui) {
        return 2;
    }
    Console console;
    if (const auto error = console.start(std::nullopt)) {
        std::cerr << "join: the console did not start: " << error.message() << "\n";
        return 1;
    }
    std::vector<double> audio;
    std::vector<double> video;
    for (int i = 0; i < *runs; ++i) {
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
        {"runs", *runs},
        {"first_audio_ms", percentile(audio, 0.5)},
        {"first_video_ms", percentile(video, 0.5)},
        {"first_audio_ms_max", *std::max_element(audio.begin(), audio.end())},
        {"first_video_ms_max", *std::max_element(video.begin(), video.end())},
        {"first_audio_ms_runs", audio},
        {"first_video_ms_runs", video},
        {"target_ms", 500},
        {"machine", machine(gui.sceneGraph)}};
    std::cout << out.dump(args.flag("json") ? -1 : 2) << "\n";
    return 0;
}

int runVideoLatency(cli::CommandLine& args) {
    const auto seconds = rangedOption(args, "video-latency", "seconds", 10, 2, 120);
    if (!seconds) {
        return 2;
    }
    auto gui = guiApplication("video-latency", args);
    if (!gui) {
        return 2;
    }
    nlohmann::json out = {
        {"benchmark", "video-latency"},
        {"what", "glass to glass: the cabin's frame capture time (stamped in its pixels) to the "
                 "console window's buffer swap showing it; 1280x720 at 30 frames/s, the real "
                 "console and the embedded cabin in one process, loopback, DTLS-SRTP"},
        {"seconds", *seconds},
        {"target_p95_ms", 100},
        {"machine", machine(gui.sceneGraph)}};
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
        const auto latencies = console.collect(std::chrono::seconds(*seconds));
        static_cast<void>(console.end());
        if (latencies.size() < static_cast<std::size_t>(*seconds) * 10) {
            std::cerr << "video-latency: only " << latencies.size() << " frames on screen in "
                      << *seconds << " s (" << name << ")\n";
            return 1;
        }
        const auto decoded = console.decodedLatencies();
        out[name] = {{"p50_ms", percentile(latencies, 0.50)},
                     {"p95_ms", percentile(latencies, 0.95)},
                     // Where the time goes: capture to the console's decoder output, the rest
                     // is the UI thread and the window's drawing and buffer swap.
                     {"decoded_p50_ms", decoded.empty() ? 0.0 : percentile(decoded, 0.50)},
                     {"decoded_p95_ms", decoded.empty() ? 0.0 : percentile(decoded, 0.95)},
                     {"max_ms", percentile(latencies, 1.0)},
                     {"frames_on_screen", latencies.size()},
                     {"fps_on_screen", static_cast<double>(latencies.size()) / *seconds}};
    }
    std::cout << out.dump(args.flag("json") ? -1 : 2) << "\n";
    return 0;
}

} // namespace tc::bench

namespace tc::bench {

int runVitals(cli::CommandLine& args) {
    const auto seconds = rangedOption(args, "vitals", "seconds", 10, 2, 120);
    if (!seconds) {
        return 2;
    }
    ForkedDemo demo; // first: no thread may exist when it forks
    if (!demo.start()) {
        std::cerr << "vitals: the demo did not start\n";
        return 1;
    }
    auto gui = guiApplication("vitals", args);
    if (!gui) {
        return 2;
    }
    const auto pki = protocol::ensureDevelopmentPki(demo.pkiDirectory());
    if (!pki) {
        std::cerr << "vitals: no demo PKI: " << pki.error().message() << "\n";
        return 1;
    }
    Console console;
    if (const auto error = console.connect(demo.port(), *pki)) {
        std::cerr << "vitals: the console did not start: " << error.message() << "\n";
        return 1;
    }
    if (!console.join()) {
        return 1;
    }
    auto& session = console.session();
    session.workspace()->setCurrent(app::Workspace::Vitals); // the ECG strip on screen, video still on
    auto* vitals = session.vitals();
    console.collect(1s); // settle
    const int framesBefore = vitals->ecgFramesDrawn();
    const double cpuBefore = processCpuSeconds();
    const auto wallBefore = Clock::now();
    console.collect(std::chrono::seconds(*seconds));
    const double wall = std::chrono::duration<double>(Clock::now() - wallBefore).count();
    const double cpu = processCpuSeconds() - cpuBefore;
    const int frames = vitals->ecgFramesDrawn() - framesBefore;
    std::vector<double> latencies;
    for (const auto us : vitals->modelLatenciesUs()) {
        latencies.push_back(static_cast<double>(us) / 1000.0);
    }
    static_cast<void>(console.end());
    if (latencies.empty() || frames <= 0) {
        std::cerr << "vitals: no waveform reached the console (" << latencies.size() << " spans, "
                  << frames << " strip frames)\n";
        return 1;
    }
    const nlohmann::json out = {
        {"benchmark", "vitals"},
        {"what", "the real console (controllers and QML, vitals tab shown, the cabin's video, "
                 "voice and stethoscope playing) against the demo service and cabin in a child "
                 "process, loopback, DTLS-SRTP; latency from a waveform span's newest sample "
                 "time at the cabin to its arrival in the console's traces (same machine, same "
                 "clock); the ECG strip's frames drawn by the scene graph per second; the "
                 "console process's CPU"},
        {"seconds", *seconds},
        {"waveform_latency_p50_ms", percentile(latencies, 0.50)},
        {"waveform_latency_p95_ms", percentile(latencies, 0.95)},
        {"ecg_strip_fps", frames / wall},
        {"cpu_pct_one_core", 100.0 * cpu / wall},
        {"targets", {{"waveform_latency_p95_ms", 50}, {"ecg_strip_fps", 30}}},
        {"machine", machine(gui.sceneGraph)}};
    std::cout << out.dump(args.flag("json") ? -1 : 2) << "\n";
    return 0;
}

} // namespace tc::bench
