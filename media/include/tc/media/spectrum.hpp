#pragma once
// Magnitude spectrum for the stethoscope's spectrogram: the last block of samples, Hann
// windowed, through a radix-2 FFT, folded into bands over the clinically useful 0-2 kHz.

#include <complex>
#include <span>
#include <vector>

namespace tc::media {

// `samples.size()` must be a power of two (1024 at 48 kHz: 21 ms, 47 Hz bins). Returns `bands`
// levels in dBFS (a full-scale sine reads 0) for equal-width bands from 0 to `maxHz`.
// In-place iterative radix-2 FFT of a power-of-two length (anything else is left as it is);
// `inverse` without the 1/n scaling. Products written out: std::complex's operator* checks for
// infinities and NaNs through a library call (C99 Annex G), several times slower here.
void fftInPlace(std::span<std::complex<double>> data, bool inverse = false);

std::vector<float> spectrumDb(std::span<const float> samples, double sampleRate, int bands,
                              double maxHz = 2000);

} // namespace tc::media
