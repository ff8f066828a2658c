#pragma once
// 16-bit PCM audio in memory: WAV files in and out (RIFF PCM, as stethoscope recorders and
// sound editors write them), and sample-rate conversion for a recording made at another rate
// than the one negotiated.

#include "tc/media/errc/pcm_errc.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace tc::media {

struct PcmAudio {
    int sampleRate = 48000;
    std::vector<std::int16_t> samples; // mono
};

// PCM WAV (format 1 or EXTENSIBLE/PCM), 16 or 24 bits (24 rounded to 16), any channel count:
// the first channel is kept (a stethoscope is one microphone; other channels are not mixed in).
boost::system::result<PcmAudio> readWav(const std::filesystem::path& path);
boost::system::error_code writeWav(const std::filesystem::path& path, const PcmAudio& audio);

// Windowed-sinc conversion (Blackman window, 32 taps per side, cut-off below the lower Nyquist
// frequency). Returns the input unchanged when the rates are equal.
std::vector<std::int16_t> resample(std::span<const std::int16_t> in, int fromRate, int toRate);

} // namespace tc::media
