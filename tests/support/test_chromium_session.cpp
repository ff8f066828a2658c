// The Chromium driver proves itself: headless Chromium here captures from the files it is given,
// runs WebRTC (two peer connections in one page reach `connected` and negotiate Opus), and its
// failures arrive typed (a script that throws, a call that never answers, a page that does not
// load, a missing executable). Nothing is skipped: without chromium these tests fail.

#include "support/browser_assets.hpp"
#include "support/chromium_session.hpp"
#include "support/temp_dir.hpp"
#include "support/test_support.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;
using nlohmann::json;
using tc::test::ChromiumErrc;
using tc::test::ChromiumOptions;
using tc::test::ChromiumSession;

namespace {

// The key of a failed outcome ("timeout", "script_threw"), or "ok".
template <class Outcome> std::string keyOf(const Outcome& outcome) {
    if (outcome) {
        return "ok";
    }
    const auto& code = outcome.error().code;
    return code.category() == tc::test::chromiumCategory()
               ? std::string(wireName(static_cast<ChromiumErrc>(code.value())))
               : code.message();
}

// The value of an evaluation, or {"error": message}: comparable, and printed when it differs.
json valueOf(const tc::test::BrowserOutcome<json>& outcome) {
    return outcome ? *outcome : json{{"error", outcome.error().message()}};
}

std::unique_ptr<ChromiumSession> launchOrFail(ChromiumOptions options) {
    auto session = ChromiumSession::launch(std::move(options));
    if (!session) {
        FAIL("chromium did not start: " << session.error().message());
    }
    return std::move(*session);
}

// A page of our own on file:// (a secure context, unlike data: or about:blank, so that
// navigator.mediaDevices exists).
std::string writePage(const tc::test::TempDir& dir) {
    const auto page =
        dir.write("page.html", "<!doctype html><html><head><meta charset=\"utf-8\">"
                               "<title>driver</title></head><body>driver</body></html>");
    return "file://" + page.string();
}

// getUserMedia with the stethoscope's constraints (processing off), then a loopback call between
// two RTCPeerConnections in the page; what the test checks comes back as one JSON object.
constexpr const char* kLoopback = R"JS((async () => {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {echoCancellation: false, noiseSuppression: false, autoGainControl: false},
    video: true});
  const audio = stream.getAudioTracks(), video = stream.getVideoTracks();
  const a = new RTCPeerConnection(), b = new RTCPeerConnection();
  a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
  stream.getTracks().forEach(t => a.addTrack(t, stream));
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  await new Promise((resolve, reject) => {
    const check = () => {
      if (a.connectionState === 'connected' && b.connectionState === 'connected') resolve();
      else if (a.connectionState === 'failed') reject(new Error('loopback failed'));
    };
    a.onconnectionstatechange = b.onconnectionstatechange = check;
    check();
  });
  // Wait for audio packets to arrive (polled, never a fixed sleep).
  let codecs = [], audioPackets = 0;
  for (let i = 0; i < 100 && audioPackets === 0; ++i) {
    await new Promise(r => setTimeout(r, 100));
    const stats = await b.getStats();
    codecs = []; audioPackets = 0;
    stats.forEach(r => {
      if (r.type === 'codec') codecs.push(r.mimeType);
      if (r.type === 'inbound-rtp' && r.kind === 'audio') audioPackets = r.packetsReceived;
    });
  }
  console.log('loopback', a.connectionState);
  const settings = audio[0].getSettings();
  return {audio: audio.length, video: video.length, videoLabel: video[0].label,
          echoCancellation: settings.echoCancellation, autoGainControl: settings.autoGainControl,
          noiseSuppression: settings.noiseSuppression, state: a.connectionState,
          codecs, audioPackets};
})())JS";

} // namespace

TEST_CASE("Chromium captures the given WAV and Y4M and runs a WebRTC loopback headless",
          "[chromium]") {
    tc::test::TempDir dir;
    const auto wav = dir.path() / "stethoscope.wav";
    const auto y4m = dir.path() / "camera.y4m";
    REQUIRE(tc::test::writeStethoscopeWav(wav, tc::test::stethoscopeSource(12.0)));
    const auto clip = tc::test::writeTestY4m(y4m, 1.0);
    INFO((clip ? "" : clip.error().message()));
    REQUIRE(clip);
    ChromiumOptions options;
    options.fakeAudioWav = wav;
    options.fakeVideoY4m = y4m;
    auto chromium = launchOrFail(options);
    INFO(chromium->diagnostics());
    REQUIRE(chromium->openPage());
    REQUIRE(keyOf(chromium->navigate(writePage(dir))) == "ok");

    const auto result = chromium->evaluate(kLoopback, 30s);
    INFO((result ? result->dump() : result.error().message()) << "\n" << chromium->diagnostics());
    REQUIRE(result);
    CHECK((*result)["audio"] == 1);
    CHECK((*result)["video"] == 1);
    // The video device is the file given (Chromium labels it with its path).
    CHECK((*result)["videoLabel"].get<std::string>().find("camera.y4m") != std::string::npos);
    CHECK((*result)["echoCancellation"] == false);
    CHECK((*result)["autoGainControl"] == false);
    CHECK((*result)["noiseSuppression"] == false);
    CHECK((*result)["state"] == "connected");
    CHECK((*result)["codecs"].dump().find("audio/opus") != std::string::npos);
    CHECK((*result)["audioPackets"].get<long>() > 0);
    CHECK(chromium->consoleText().find("[log] loopback connected") != std::string::npos);

    // The browser's processes: the launcher itself, a renderer, a GPU or utility process...
    const auto pids = chromium->pids();
    CHECK(std::find(pids.begin(), pids.end(), chromium->pid()) != pids.end());
    CHECK(pids.size() >= 2);
    CHECK(chromium->cpuSeconds() > 0.0);
}

TEST_CASE("Chromium driver failures are typed: a throw, a rejection, a timeout, a page that "
          "does not load",
          "[chromium]") {
    tc::test::TempDir dir;
    auto chromium = launchOrFail({});
    INFO(chromium->diagnostics());
    CHECK(keyOf(chromium->evaluate("1")) == "no_page");
    REQUIRE(chromium->openPage());
    REQUIRE(keyOf(chromium->navigate(writePage(dir))) == "ok");

    CHECK(valueOf(chromium->evaluate("6 * 7")) == json(42));
    CHECK(valueOf(chromium->evaluate("({a: [1, 'x']})")) == json{{"a", json::array({1, "x"})}});
    CHECK(valueOf(chromium->evaluate("undefined")) == json(nullptr));

    const auto thrown = chromium->evaluate("throw new Error('stethoscope unplugged')");
    CHECK(keyOf(thrown) == "script_threw");
    CHECK(thrown.error().detail.find("stethoscope unplugged") != std::string::npos);
    const auto rejected =
        chromium->evaluate("new Promise((_, reject) => reject(new TypeError('no track')))");
    CHECK(keyOf(rejected) == "script_threw");
    CHECK(rejected.error().detail.find("no track") != std::string::npos);

    const auto started = std::chrono::steady_clock::now();
    const auto never = chromium->evaluate("new Promise(() => {})", 500ms);
    CHECK(keyOf(never) == "timeout");
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    // The session goes on after a timeout; the late answer, if any, is not taken for another.
    CHECK(valueOf(chromium->evaluate("'still here'")) == json("still here"));

    const auto protocol = chromium->call("No.suchMethod");
    CHECK(keyOf(protocol) == "protocol_error");

    // A port bound but not listening refuses the connection.
    const int closedPort = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(closedPort, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::getsockname(closedPort, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    const auto refused =
        chromium->navigate("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/");
    ::close(closedPort);
    CHECK(keyOf(refused) == "navigation_failed");
    INFO(refused.error().detail);
    CHECK(refused.error().detail.find("ERR_CONNECTION_REFUSED") != std::string::npos);

    // An uncaught error in the page lands in the console log.
    REQUIRE(chromium->navigate(writePage(dir)));
    CHECK(valueOf(chromium->evaluate("setTimeout(() => { throw new Error('late failure'); }, 0); "
                                     "console.warn('warned', 3); "
                                     "new Promise(r => setTimeout(r, 50))")) == json(nullptr));
    CHECK(chromium->consoleText().find("[warning] warned 3") != std::string::npos);
    CHECK(chromium->consoleText().find("late failure") != std::string::npos);
}

TEST_CASE("Chromium session teardown kills the browser's whole process group and removes its "
          "profile",
          "[chromium]") {
    std::vector<pid_t> pids;
    std::filesystem::path directory;
    {
        auto chromium = launchOrFail({});
        REQUIRE(chromium->openPage());
        pids = chromium->pids();
        REQUIRE(pids.size() >= 2);
        directory = chromium->directory();
        REQUIRE(std::filesystem::exists(directory / "profile"));
    }
    CHECK_FALSE(std::filesystem::exists(directory));
    for (const pid_t pid : pids) {
        // Gone, or a zombie waiting for init: no longer running.
        std::FILE* stat = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
        if (stat != nullptr) {
            char buffer[512] = {};
            const auto n = std::fread(buffer, 1, sizeof buffer - 1, stat);
            std::fclose(stat);
            const std::string line(buffer, n);
            const auto close = line.rfind(')');
            INFO(line);
            CHECK((close != std::string::npos && line.substr(close + 2, 1) == "Z"));
        }
    }
}

namespace {

std::string netNamespaceOf(pid_t pid) {
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/ns/net", ec).string();
}

// A network namespace of the test's own (loopback only), deleted with it.
struct ScratchNamespace {
    std::string name = "tc-chromium-" + std::to_string(::getpid());
    ScratchNamespace() {
        const auto command = "ip netns add " + name + " && ip -n " + name + " link set lo up";
        created = std::system(command.c_str()) == 0;
    }
    ~ScratchNamespace() {
        if (created) {
            static_cast<void>(std::system(("ip netns delete " + name).c_str()));
        }
    }
    bool created = false;
};

} // namespace

TEST_CASE("Chromium runs inside the network namespace it is given", "[chromium]") {
    ScratchNamespace ns;
    REQUIRE(ns.created);
    tc::test::TempDir dir;
    ChromiumOptions options;
    options.netns = ns.name;
    auto chromium = launchOrFail(options);
    INFO(chromium->diagnostics());
    REQUIRE(chromium->openPage());
    REQUIRE(keyOf(chromium->navigate(writePage(dir))) == "ok");
    CHECK(valueOf(chromium->evaluate("document.title")) == json("driver"));
    // The browser process and every helper it started are in that namespace, not in ours.
    const auto inside = netNamespaceOf(chromium->pid());
    REQUIRE_FALSE(inside.empty());
    CHECK(inside != netNamespaceOf(::getpid()));
    for (const pid_t pid : chromium->pids()) {
        const auto place = netNamespaceOf(pid);
        CHECK((place.empty() || place == inside)); // empty: it exited meanwhile
    }
}

TEST_CASE("Chromium missing is a typed failure, not a skip", "[chromium]") {
    ChromiumOptions options;
    options.binary = "/nonexistent/chromium";
    CHECK(keyOf(ChromiumSession::launch(options)) == "binary_missing");
    options.binary = "chromium-that-is-not-installed";
    CHECK(keyOf(ChromiumSession::launch(options)) == "binary_missing");
}

TEST_CASE("Chromium pin: the SPKI hash is the one openssl computes", "[chromium]") {
    const tc::test::TestPki pki;
    tc::test::TempDir dir;
    const auto pem = dir.write("service.pem", pki.service.certificatePem);
    const auto out = dir.path() / "spki.txt";
    const auto command = "openssl x509 -in " + pem.string() +
                         " -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst "
                         "-sha256 -binary | base64 > " +
                         out.string();
    REQUIRE(std::system(command.c_str()) == 0);
    auto expected = tc::test::readAll(out);
    while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) {
        expected.pop_back();
    }
    REQUIRE(expected.size() == 44);
    CHECK(tc::test::spkiSha256Base64(pki.service.certificatePem) == expected);
    CHECK(tc::test::spkiSha256Base64("not a certificate").empty());
}
