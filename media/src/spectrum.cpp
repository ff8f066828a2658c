#include "tc/media/spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

namespace tc::media {

void fftInPlace(std::span<std::complex<double>> a, bool inverse) {
    using Complex = std::complex<double>;
    const auto times = [](Complex x, Complex y) {
        return Complex{x.real() * y.real() - x.imag() * y.imag(),
                       x.real() * y.imag() + x.imag() * y.real()};
    };
    const std::size_t n = a.size();
    if (n < 2 || (n & (n - 1)) != 0) {
        return;
    }
    // Bit reversal, then butterflies.
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; (j & bit) != 0; bit >>= 1) {
            j ^= bit;
        }
        j ^= bit;
        if (i < j) {
            std::swap(a[i], a[j]);
        }
    }
    for (std::size_t length = 2; length <= n; length <<= 1) {
        const double angle =
            2 * std::numbers::pi / static_cast<double>(length) * (inverse ? 1 : -1);
        const Complex step(std::cos(angle), std::sin(angle));
        for (std::size_t i = 0; i < n; i += length) {
            Complex w(1);
            for (std::size_t k = 0; k < length / 2; ++k) {
                const Complex u = a[i + k];
                const Complex v = times(a[i + k + length / 2], w);
                a[i + k] = u + v;
                a[i + k + length / 2] = u - v;
                w = times(w, step);
            }
        }
    }
}

std::vector<float> spectrumDb(std::span<const float> samples, double sampleRate, int bands,
                              double maxHz) {
    const std::size_t n = samples.size();
    std::vector<float> out(static_cast<std::size_t>(std::max(bands, 0)), -120.0f);
    if (n < 2 || (n & (n - 1)) != 0 || bands <= 0) {
        return out;
    }
    std::vector<std::complex<double>> x(n);
    double windowSum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) /
                                              static_cast<double>(n));
        windowSum += w;
        x[i] = samples[i] * w;
    }
    fftInPlace(x);
    const double binHz = sampleRate / static_cast<double>(n);
    const double bandHz = maxHz / bands;
    for (std::size_t bin = 1; bin < n / 2; ++bin) {
        const double hz = static_cast<double>(bin) * binHz;
        if (hz >= maxHz) {
            break;
        }
        // Amplitude of a sine: 2|X| / sum(window).
        const double amplitude = 2 * std::abs(x[bin]) / windowSum;
        const auto band = static_cast<std::size_t>(hz / bandHz);
        const auto db = static_cast<float>(20 * std::log10(std::max(amplitude, 1e-6)));
        out[band] = std::max(out[band], db);
    }
    return out;
}

} // namespace tc::media
