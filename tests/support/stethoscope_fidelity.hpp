#pragma once
// How faithfully a stethoscope recording (what a console recorded from a browser cabin, say)
// reproduces its known source (the WAV the cabin's fake microphone looped): pure C++, no Qt.
//
// Alignment. The recording starts at an unknown point of the looped source and may begin late
// (silence, then the source). Modelled as recording[n] = g * source[(n + lag) mod L] for
// delay <= n < end, and nothing else: the lag is found coarse on decimated envelopes (mean |x|
// over 1 ms blocks, every block lag of the loop tried), then sample-exact by cross-correlating
// the waveforms around the best coarse candidates. A recorder may drop or repeat a few
// milliseconds (a jitter buffer; Chromium's fake microphone skips 8 ms each time it loops its
// file), so the lag is then followed in 100 ms windows outward from the middle, each searched
// within maxSlipSeconds of the last lag a window fixed (band-passed cross-correlation). Only a
// window with one clear peak fixes a lag: a quiet one, or the source's tone alone (its peaks
// repeat every period), takes its neighbours'. Each run at one lag is then made exact over the
// run, and where the lag changes, the sample where it does is found (least squares between the
// two lags): windowSlip reports the lags. A receiver that time-stretches continuously (WebRTC's
// NetEq) is beyond this model: its SNR reads low.
// The delay (and the end) is where the squared error of "silence before, source after" is
// least. offset = (lag + delay) mod L: the source sample heard first.
// (a) SNR in the 20-1000 Hz band over the aligned stretch: both band-passed (FFT, bins outside
// the band zeroed), the edges trimmed, one least-squares gain g: power of g*source over power
// of recording - g*source, each window at its own lag.
// (b) Gain steadiness: 20 log10(rms recording / rms source), band-passed, in consecutive 1 s
// windows over at least 10 s; the deviation is the largest minus the smallest.

#include "tc/errors/outcome.hpp"
#include "tc/test/errc/fidelity_errc.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tc::test {

struct FidelityOptions {
    int sampleRate = 48000; // of both signals
    double bandLowHz = 20;
    double bandHighHz = 1000;
    double windowSeconds = 1.0;      // gain steadiness windows
    double minAlignedSeconds = 10.0; // too_short below this (after the edges are trimmed)
    double edgeSeconds = 0.25;       // trimmed from each end of the band-passed stretch
    double maxDelaySeconds = 10.0;   // how late in the recording the source may start
    double trackSeconds = 0.1;       // the lag is followed window by window of this length
    double maxSlipSeconds = 0.03;    // how far a window's lag may stray from its neighbour's
    double minCorrelation = 0.2;     // no_match below this (normalised, at the lag found)
    // When > 0, the source is compared as an Opus encoder sees it: libopus runs every input
    // through a one-pole DC-rejection high-pass at 3 Hz (dc_reject, in all its application
    // modes) before coding. Its magnitude is flat above 20 Hz (-0.1 dB at 20 Hz) but its phase
    // turns by 8.5 degrees at 20 Hz and 4.3 at 40 Hz, which alone caps a sample-by-sample SNR
    // near 25 dB on heart sounds; the codec's fidelity is measured past it. 0: the source as is.
    double referenceDcRejectHz = 0;
};

struct FidelityReport {
    std::size_t lag = 0;       // recording[n] ~ source[(n + lag) mod source length]
    std::size_t delay = 0;     // recording samples before the source starts
    std::size_t end = 0;       // one past the recording's last sample of the source
    std::size_t offset = 0;    // the source sample at recording[delay]
    double correlation = 0;    // normalised cross-correlation at the lag (-1..1)
    double alignedSeconds = 0; // the stretch measured, edges trimmed
    double gain = 0;           // least-squares recording / source, in band
    double snrDb = 0;          // in band; capped at 300 dB (identical signals)
    std::vector<double> windowGainDb;
    double gainDeviationDb = 0; // max - min of windowGainDb
    // Each track window's lag less the lag at the delay, in samples (0 throughout for a
    // recorder that neither drops nor stretches), and the largest magnitude, in ms.
    std::vector<long> windowSlip;
    double maxSlipMs = 0;
};

template <class T> using FidelityOutcome = errors::Outcome<T, errors::Failure>;

FidelityOutcome<FidelityReport> measureStethoscopeFidelity(std::span<const float> source,
                                                           std::span<const float> recording,
                                                           const FidelityOptions& options = {});
// int16 samples, read as sample / 32768.
FidelityOutcome<FidelityReport> measureStethoscopeFidelity(std::span<const std::int16_t> source,
                                                           std::span<const std::int16_t> recording,
                                                           const FidelityOptions& options = {});

// `samples` band-passed to [lowHz, highHz] by one FFT of the zero-padded block (bins outside
// the band zeroed, no window): for whole stretches whose edges the caller trims.
std::vector<float> bandPass(std::span<const float> samples, int sampleRate, double lowHz,
                            double highHz);

} // namespace tc::test
