#pragma once
// The files a browser test feeds Chromium's fake capture devices, made at test time: a known
// stethoscope WAV (the source the fidelity measure compares a recording against) and a 720p30
// Y4M camera clip.

#include "support/chromium_session.hpp"
#include "tc/test/errc/asset_errc.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace tc::test {

// `seconds` of a patient's heart heard at the mitral focus (the media library's synthetic
// auscultation, its beats following a physiology with a varying RR interval, so no two beats
// line up alike) over a low-level rising tone (a chirp, 120 to 480 Hz at about -36 dBFS) that
// keeps the signal present between beats and makes every instant of the loop distinct.
// 48 kHz, mono; deterministic.
std::vector<std::int16_t> stethoscopeSource(double seconds = 12.0);

// The samples as a 48 kHz mono 16-bit PCM WAV (unwritable on failure).
BrowserOutcome<void> writeStethoscopeWav(const std::filesystem::path& path,
                                         const std::vector<std::int16_t>& samples);

// A Y4M clip from GStreamer's videotestsrc (the SMPTE bars and a moving ball pattern):
// `gst-launch-1.0 videotestsrc num-buffers=N pattern=... ! video/x-raw,width=W,height=H,
// framerate=F/1,format=I420 ! y4menc ! filesink`. tool_missing without gst-launch-1.0.
// 720p I420 is 1.4 MB a frame: two seconds (Chromium loops the file) is 83 MB.
BrowserOutcome<void> writeTestY4m(const std::filesystem::path& path, double seconds = 2.0,
                                  int width = 1280, int height = 720, int fps = 30);

} // namespace tc::test
