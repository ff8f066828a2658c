// telecabine-cabin: a simulated connected cabin that checks in scripted patients.
#include "../cli/command_line.hpp"
#include "cabin_printer.hpp"
#include "cabin_simulator.hpp"
#include "cabin_web_server.hpp"
#include "cabin_web_tickets.hpp"
#include "ipp_printer_process.hpp"
#include "print_ledger.hpp"
#include "tc/media/pcm.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"

#include <algorithm>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <iostream>

namespace {

constexpr const char* kUsage = R"(usage: telecabine-cabin [options]
  --host HOST              rendezvous service host (127.0.0.1)
  --other-nodes LIST       the service's other nodes (a cluster), comma-separated host:port:
                           tried in turn when the connection is lost
  --port PORT              rendezvous service port (required)
  --ca FILE                deployment CA certificate, PEM (required)
  --bundle FILE            the cabin's PKCS#12 identity (required)
  --passphrase TEXT        bundle passphrase (or $TELECABINE_PASSPHRASE)
  --script FILE            JSON script of patients (see app/cabin/README.md);
                           default: the built-in French demo patients
  --site-name TEXT         site name for the demo script
  --opening-hours TEXT     opening hours for the demo script
  --waiting N              patients waiting at once (2)
  --cleaning-delay-ms MS   disinfection time after each session (5000)
  --seed N                 demo script seed (1)
  --once                   do not loop over the script
browser cabin (see app/cabin/README.md, "The browser cabin"):
  --web PORT               serve the browser cabin page to this cabin's kiosk browser on
                           http://127.0.0.1:PORT/ instead of simulating a cabin: the page
                           checks the script's patients in and sends the browser's camera,
                           microphone and stethoscope; GET /config hands it a fresh browser
                           cabin token from the service (0: any free port, logged)
  --web-bind ADDR          the address it listens on (127.0.0.1)
stethoscope (its own stream, negotiated with the console):
  --stethoscope-codec C    l16 or opus: sent when the console offers it (default: the
                           console's first choice)
  --stethoscope-file FILE  a WAV recording (PCM 16/24-bit), looped and converted to the
                           negotiated rate; without it, a synthetic patient:
  --heart-rate BPM         (72)      --respiratory-rate PER_MIN   (16)
  --murmur  --split-s2  --s3         heart findings
  --wheezes  --crackles              lung findings
  --stethoscope-seed N     the synthetic patient's seed (1)
video:
  --video-codec C          vp8 or h264: sent when the console offers it (default: the
                           console's first choice)
  --video-file FILE        the room camera plays this clip (looped, stamped); without
                           it, a synthetic room scene
  --video-size WxH         camera size (1280x720); --video-fps N (30)
  --doctor-screen SINK     show the doctor's camera in a GStreamer video sink
                           ("autovideosink"); by default frames are only counted
vital signs (the patient's physiology and the cabin's instruments):
  --scenario NAME|FILE     normal_adult (default), fever_tachycardia,
                           atrial_fibrillation, hypoxaemia, or a scenario JSON file;
                           drives the ECG and pleth stream, the measurements and the
                           stethoscope's heartbeat (--heart-rate, if given, overrides it)
  --measure-time-scale X   instrument times × X (1; 0.05 makes the cuff's 35 s 1.75 s)
  --manual LIST            the operator's entries, sent as manual measurements once the
                           doctor joins: comma-separated KIND:VALUE, e.g.
                           "temperature:38.4,blood_pressure:135/85,weight:72.5"
printing (prescriptions the doctor sends; see app/cabin/README.md):
  --printer URI            an IPP printer, ipp://host:port/ipp/print; without it every
                           prescription is reported "failed: no_printer"
  --local-printer DIR      start a real IPP printer on loopback (CUPS' ippeveprinter,
                           from cups-ipp-utils) spooling in DIR, and print there
  --state-dir DIR          the cabin's durable state: its print ledger, so that no
                           prescription prints twice, even across restarts
                           ($XDG_STATE_HOME/telecabine-cabin/SITE, else
                           ~/.local/state/telecabine-cabin/SITE)
media addresses (host candidates; by default every usable address of this machine, without
link-local ones, loopback only when it is all there is):
  --media-interface LIST   only these interfaces (comma-separated names, e.g. eth0)
  --media-address LIST     only these addresses (comma-separated, IPv4 or IPv6)
  --impair SPEC            impairs the media the cabin sends, for demos and tests, e.g.
                           loss=10%,delay=40ms,jitter=20ms,reorder=2% (also burst=N,
                           duplicate=P%, seed=N); from=Ns,for=Ns make it an episode:
                           loss=30%,from=20s,for=3s is a 3 s loss burst 20 s in
voice (the cabin's microphone, Opus, its own stream):
  --voice-file FILE        a WAV recording (PCM 16/24-bit), looped; without it, a
                           synthetic talker
)";

// Where the print ledger lives unless --state-dir says: the XDG state directory, per site.
std::filesystem::path defaultStateDirectory(const std::string& siteCode) {
    if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/') {
        return std::filesystem::path(state) / "telecabine-cabin" / siteCode;
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
        return std::filesystem::path(home) / ".local/state/telecabine-cabin" / siteCode;
    }
    return std::filesystem::path("telecabine-cabin-state") / siteCode;
}

void logLine(const std::string& line);

// --web: the browser cabin's page and its tokens; the simulated cabin does not run.
int serveWeb(tc::cli::CommandLine& args, tc::protocol::ClientConfig client,
             const tc::cabin::CabinScript& script) {
    using namespace tc;
    const auto port = args.number("web", -1);
    if (port < 0 || port > 65535) {
        std::cerr << "telecabine-cabin: --web takes a port, 0 to 65535\n";
        return 2;
    }
    protocol::IoThread io("tc-cabin");
    protocol::ArchiveClientConfig service;
    service.host = client.host;
    service.port = client.port;
    service.tls = std::move(client.tls);
    auto tokens = protocol::BrowserTokenClient::create(io.executor(), std::move(service));
    if (!tokens) {
        std::cerr << "telecabine-cabin: cannot use the identity for tokens: "
                  << tokens.error().message() << "\n";
        return 1;
    }
    cabin::CabinWebConfig web;
    web.bindAddress = args.value("web-bind", "127.0.0.1");
    web.port = static_cast<std::uint16_t>(port);
    web.serviceHost = client.host;
    for (auto checkIn : script.patients) {
        checkIn.visit.site = script.site;
        web.patients.push_back(protocol::toJson(checkIn));
    }
    web.tickets = cabin::serviceTickets(*tokens);
    web.log = logLine;
    auto server = cabin::CabinWebServer::start(io.executor(), std::move(web));
    if (!server) {
        std::cerr << "telecabine-cabin: --web: cannot listen on "
                  << args.value("web-bind", "127.0.0.1") << ":" << port << ": "
                  << server.error().message() << "\n";
        return 1;
    }
    logLine("web: the browser cabin page on http://" + args.value("web-bind", "127.0.0.1") + ":" +
            std::to_string((*server)->port()) + "/ (tokens from " + client.host + ":" +
            std::to_string(client.port) + ")");
    std::promise<void> stopRequested;
    boost::asio::signal_set signals(io.context(), SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) { stopRequested.set_value(); });
    stopRequested.get_future().wait();
    (*server)->stop();
    tokens->stop();
    io.stop();
    logLine("web: stopped");
    return 0;
}

void logLine(const std::string& line) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%H:%M:%S", std::localtime(&now));
    std::printf("%s cabin: %s\n", stamp, line.c_str());
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    using namespace tc;
    cli::CommandLine args(argc, argv,
                          {"once", "help", "murmur", "split-s2", "s3", "wheezes", "crackles"});
    if (args.flag("help")) {
        std::cout << kUsage;
        return 0;
    }
    const auto port = args.number("port", 0);
    const auto waiting = args.number("waiting", 2);
    const auto cleaningMs = args.number("cleaning-delay-ms", 5000);
    const auto seed = args.number("seed", 1);
    if (!args.errors().empty() || port <= 0 || port > 65535 || !args.value("ca") ||
        !args.value("bundle") || waiting < 1 || cleaningMs < 0) {
        for (const auto& e : args.errors()) {
            std::cerr << "telecabine-cabin: " << e << "\n";
        }
        std::cerr << kUsage;
        return 2;
    }
    const char* envPass = std::getenv("TELECABINE_PASSPHRASE");
    const std::string passphrase = args.value("passphrase", envPass ? envPass : "");

    auto ca = protocol::readFile(*args.value("ca"));
    auto bundle = protocol::readFile(*args.value("bundle"));
    if (!ca || !bundle) {
        std::cerr << "telecabine-cabin: cannot read "
                  << (!ca ? *args.value("ca") : *args.value("bundle")) << ": "
                  << (!ca ? ca.error() : bundle.error()).message() << "\n";
        return 1;
    }
    auto credentials = protocol::fromPkcs12(*bundle, passphrase);
    if (!credentials) {
        std::cerr << "telecabine-cabin: cannot open the identity bundle (wrong passphrase?): "
                  << credentials.error().message() << "\n";
        return 1;
    }
    auto identity = protocol::identityFromCertificatePem(credentials->certificatePem);
    if (!identity || identity->role != protocol::Role::cabin) {
        std::cerr << "telecabine-cabin: the bundle is not a cabin identity"
                  << (identity ? "" : ": " + identity.error().message()) << "\n";
        return 1;
    }

    cabin::CabinScript script;
    if (const auto path = args.value("script")) {
        auto loaded = cabin::loadScript(*path);
        if (!loaded) {
            std::cerr << "telecabine-cabin: invalid script " << *path << ": "
                      << loaded.error().message() << "\n";
            return 1;
        }
        script = std::move(*loaded);
    } else {
        protocol::Site site{identity->identifier, args.value("site-name", identity->displayName),
                            args.value("opening-hours", "Mo-Sa 08:00-20:00")};
        script = cabin::demoScript(site, static_cast<std::uint32_t>(seed));
    }
    // Command-line values override the script's; without a script they are the settings.
    const bool scripted = args.value("script").has_value();
    if (!scripted || args.value("waiting")) {
        script.waitingAtOnce = static_cast<std::size_t>(waiting);
    }
    if (!scripted || args.value("cleaning-delay-ms")) {
        script.cleaningDelay = std::chrono::milliseconds(cleaningMs);
    }
    if (args.flag("once")) {
        script.loop = false;
    }
    auto& stethoscope = script.stethoscope;
    stethoscope.model.heartRate = static_cast<int>(args.number("heart-rate", 72));
    stethoscope.model.respiratoryRate = static_cast<int>(args.number("respiratory-rate", 16));
    stethoscope.model.seed = static_cast<std::uint32_t>(args.number("stethoscope-seed", 1));
    stethoscope.model.systolicMurmur = args.flag("murmur");
    stethoscope.model.splitS2 = args.flag("split-s2");
    stethoscope.model.s3 = args.flag("s3");
    stethoscope.model.wheezes = args.flag("wheezes");
    stethoscope.model.crackles = args.flag("crackles");
    if (!args.errors().empty() || stethoscope.model.heartRate < 30 ||
        stethoscope.model.heartRate > 200 || stethoscope.model.respiratoryRate < 6 ||
        stethoscope.model.respiratoryRate > 40) {
        std::cerr << "telecabine-cabin: --heart-rate 30..200, --respiratory-rate 6..40\n";
        return 2;
    }
    if (const auto codec = args.value("stethoscope-codec")) {
        if (*codec != "l16" && *codec != "opus") {
            std::cerr << "telecabine-cabin: --stethoscope-codec takes l16 or opus\n";
            return 2;
        }
        stethoscope.codec =
            *codec == "opus" ? media::AudioEncoding::opus : media::AudioEncoding::l16;
    }
    script.relayTrustAnchors = std::filesystem::path(*args.value("ca"));
    if (const auto spec = args.value("impair")) {
        auto impairment = protocol::parseImpairment(*spec);
        if (!impairment) {
            std::cerr << "telecabine-cabin: --impair " << *spec << ": "
                      << impairment.error().message() << "\n";
            return 2;
        }
        script.mediaImpairment = *impairment;
    }
    script.mediaAddresses.interfaces = args.list("media-interface");
    script.mediaAddresses.addresses = args.list("media-address");
    if (auto chosen = protocol::hostAddresses(script.mediaAddresses); !chosen) {
        std::cerr << "telecabine-cabin: --media-interface/--media-address: "
                  << chosen.error().message() << "\n";
        return 2;
    }
    if (const auto codec = args.value("video-codec")) {
        const auto parsed = media::codecFromEncodingName(*codec);
        if (!parsed) {
            std::cerr << "telecabine-cabin: --video-codec takes vp8 or h264\n";
            return 2;
        }
        script.videoCodec = *parsed;
    }
    if (const auto size = args.value("video-size")) {
        int w = 0;
        int h = 0;
        if (std::sscanf(size->c_str(), "%dx%d", &w, &h) != 2 || w < 160 || h < 120 || w > 1920 ||
            h > 1080 || w % 16 != 0 || h % 8 != 0) {
            std::cerr << "telecabine-cabin: --video-size WxH, 160x120 to 1920x1080, W a multiple "
                         "of 16 and H of 8\n";
            return 2;
        }
        script.cameras.width = w;
        script.cameras.height = h;
    }
    script.cameras.fps = static_cast<int>(args.number("video-fps", 30));
    if (script.cameras.fps < 1 || script.cameras.fps > 60) {
        std::cerr << "telecabine-cabin: --video-fps 1..60\n";
        return 2;
    }
    if (const auto clip = args.value("video-file")) {
        if (!std::filesystem::exists(*clip)) {
            std::cerr << "telecabine-cabin: no such video file: " << *clip << "\n";
            return 1;
        }
        script.cameras.file = *clip;
    }
    if (const auto sink = args.value("doctor-screen")) {
        script.doctorScreenSink = *sink;
    }
    if (const auto printer = args.value("printer")) {
        if (!cabin::parsePrinterUri(*printer)) {
            std::cerr << "telecabine-cabin: --printer takes ipp://host[:port]/path, got \""
                      << *printer << "\"\n";
            return 2;
        }
        script.printerUri = *printer;
    }
    std::unique_ptr<cabin::IppPrinterProcess> localPrinter; // lives as long as the cabin
    if (const auto directory = args.value("local-printer")) {
        if (args.value("printer")) {
            std::cerr << "telecabine-cabin: --printer and --local-printer exclude each other\n";
            return 2;
        }
        auto started = cabin::IppPrinterProcess::start({.directory = *directory});
        if (!started) {
            std::cerr << "telecabine-cabin: the local printer did not start: "
                      << started.error().message() << "\n";
            return 1;
        }
        localPrinter = std::move(*started);
        script.printerUri = localPrinter->uri();
        logLine("printer: " + localPrinter->uri() + " (ippeveprinter), spooling in " +
                localPrinter->spoolDirectory().string());
    }
    if (const auto file = args.value("voice-file")) {
        if (const auto audio = media::readWav(*file); !audio) {
            std::cerr << "telecabine-cabin: cannot use " << *file << ": " << audio.error().message()
                      << "\n";
            return 1;
        }
        script.voice.file = *file;
    }
    if (const auto file = args.value("stethoscope-file")) {
        // Checked now, so that a bad file is reported at start, not in the middle of a session.
        if (const auto audio = media::readWav(*file); !audio) {
            std::cerr << "telecabine-cabin: cannot use " << *file << ": " << audio.error().message()
                      << "\n";
            return 1;
        }
        stethoscope.file = *file;
    }
    if (const auto name = args.value("scenario")) {
        auto scenario = cabin::resolveScenario(*name);
        if (!scenario) {
            std::cerr << "telecabine-cabin: invalid scenario " << *name << ": "
                      << (scenario.error().field.empty() ? "" : scenario.error().field + ": ")
                      << scenario.error().reason << "\n";
            return 1;
        }
        script.vitals.scenario = std::move(*scenario);
    }
    if (args.value("heart-rate")) {
        script.vitals.scenario.cardiac.heartRate = stethoscope.model.heartRate;
    }
    if (const auto scale = args.value("measure-time-scale")) {
        char* end = nullptr;
        script.vitals.measureTimeScale = std::strtod(scale->c_str(), &end);
        if (end == scale->c_str() || *end != '\0' || !(script.vitals.measureTimeScale >= 0) ||
            script.vitals.measureTimeScale > 10) {
            std::cerr << "telecabine-cabin: --measure-time-scale takes a number from 0 to 10\n";
            return 2;
        }
    }
    if (const auto entries = args.value("manual")) {
        std::size_t start = 0;
        while (start <= entries->size()) {
            const auto comma = std::min(entries->find(',', start), entries->size());
            auto entry = cabin::parseManualEntry(entries->substr(start, comma - start));
            if (!entry) {
                std::cerr << "telecabine-cabin: --manual: " << entry.error().field << ": "
                          << entry.error().reason << "\n";
                return 2;
            }
            script.vitals.manualEntries.push_back(std::move(*entry));
            start = comma + 1;
        }
    }
    if (script.site.code != identity->identifier) {
        std::cerr << "telecabine-cabin: the script's site code " << script.site.code
                  << " is not this cabin's (" << identity->identifier << ")\n";
        return 1;
    }

    protocol::ClientConfig client;
    client.host = args.value("host", "127.0.0.1");
    client.port = static_cast<std::uint16_t>(port);
    const std::string otherNodes = args.value("other-nodes", "");
    for (std::string_view rest = otherNodes; !rest.empty();) {
        const auto comma = rest.find(',');
        const auto item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (item.empty()) {
            continue;
        }
        const auto node = protocol::parseServiceNode(item, 8443);
        if (!node) {
            std::cerr << "telecabine-cabin: --other-nodes: \"" << item << "\" is not host:port\n";
            return 2;
        }
        client.otherNodes.push_back(*node);
    }
    client.tls = protocol::TlsConfig{std::move(*credentials), std::move(*ca)};
    if (args.value("web")) {
        return serveWeb(args, std::move(client), script);
    }

    // The print ledger is checked now (created if need be, readable, not in use by another
    // cabin), so that a cabin that could print a prescription twice does not start.
    script.stateDirectory = args.value("state-dir")
                                ? std::filesystem::path(*args.value("state-dir"))
                                : defaultStateDirectory(script.site.code);
    if (auto ledger = cabin::PrintLedger::open(script.stateDirectory); !ledger) {
        std::cerr << "telecabine-cabin: cannot use the print ledger in "
                  << script.stateDirectory.string() << ": " << ledger.error().message() << "\n";
        return 1;
    }

    protocol::IoThread io("tc-cabin");
    auto simulator = cabin::CabinSimulator::create(
        io.executor(), client, std::move(script), [](const cabin::CabinEvent& event) {
            logLine("[" + std::string(cabin::toString(event.phase)) + "] " + event.detail);
        });
    simulator->start();

    std::promise<void> stopRequested;
    boost::asio::signal_set signals(io.context(), SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) { stopRequested.set_value(); });
    stopRequested.get_future().wait();
    simulator->stop();
    io.stop(); // returns once the close handshake is out (bounded)
    return 0;
}
