#include "support/browser_assets.hpp"

#include "tc/media/auscultation.hpp"
#include "tc/media/pcm.hpp"
#include "tc/media/physiology.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace tc::test {
namespace {

Failure failure(AssetErrc code, std::string detail = {}) {
    return Failure{make_error_code(code), std::move(detail)};
}

} // namespace

std::vector<std::int16_t> stethoscopeSource(double seconds) {
    constexpr int kRate = 48000;
    const auto count = static_cast<std::size_t>(seconds * kRate);
    media::CardiacModel cardiac;
    cardiac.heartRate = 68;
    cardiac.rrStdMs = 60;
    cardiac.seed = 18;
    media::AuscultationModel model;
    model.seed = 18;
    model.noiseLevel = 0.002;
    media::AuscultationSynth synth(model, kRate);
    synth.followBeats(std::make_shared<media::BeatTrain>(cardiac), 0.3, 0.05);
    synth.setSite(media::AuscultationSite::mitral);
    std::vector<std::int16_t> samples(count);
    synth.render(samples);
    // The chirp: phase of a frequency rising linearly from f0 to f1 over the clip.
    constexpr double kF0 = 120;
    constexpr double kF1 = 480;
    constexpr double kAmplitude = 500; // about -36 dBFS
    for (std::size_t i = 0; i < count; ++i) {
        const double t = static_cast<double>(i) / kRate;
        const double phase = 2 * std::numbers::pi * (kF0 * t + (kF1 - kF0) * t * t / (2 * seconds));
        const double v = samples[i] + kAmplitude * std::sin(phase);
        samples[i] = static_cast<std::int16_t>(std::clamp(std::lround(v), -32768L, 32767L));
    }
    return samples;
}

BrowserOutcome<void> writeStethoscopeWav(const std::filesystem::path& path,
                                         const std::vector<std::int16_t>& samples) {
    media::PcmAudio audio;
    audio.sampleRate = 48000;
    audio.samples = samples;
    if (const auto error = media::writeWav(path, audio)) {
        return failure(AssetErrc::unwritable, path.string() + ": " + error.message());
    }
    return {};
}

BrowserOutcome<void> writeTestY4m(const std::filesystem::path& path, double seconds, int width,
                                  int height, int fps) {
    const auto gst = findExecutable("gst-launch-1.0");
    if (gst.empty()) {
        return failure(AssetErrc::toolMissing,
                       "gst-launch-1.0 (Debian package gstreamer1.0-tools)");
    }
    std::vector<std::string> args{
        gst.string(),
        "-q",
        "videotestsrc",
        "num-buffers=" + std::to_string(std::max(1L, std::lround(seconds * fps))),
        "pattern=smpte",
        "horizontal-speed=4",
        "!",
        "video/x-raw,width=" + std::to_string(width) + ",height=" + std::to_string(height) +
            ",framerate=" + std::to_string(fps) + "/1,format=I420",
        "!",
        "y4menc",
        "!",
        "filesink",
        "location=" + path.string()};
    std::vector<char*> argv;
    for (auto& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    if (pid < 0) {
        return failure(AssetErrc::toolFailed, "fork failed");
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || ec || size == 0) {
        return failure(AssetErrc::toolFailed,
                       "gst-launch-1.0 videotestsrc ! y4menc: status " + std::to_string(status));
    }
    return {};
}

} // namespace tc::test
