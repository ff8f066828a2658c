#include "support/stethoscope_fidelity.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>

namespace tc::test {
namespace {

using Complex = std::complex<double>;

errors::Failure failure(FidelityErrc code, std::string detail = {}) {
    return errors::Failure{make_error_code(code), std::move(detail)};
}

// In-place iterative radix-2 FFT; `inverse` without the 1/n scaling.
void fft(std::vector<Complex>& a, bool inverse) {
    const std::size_t n = a.size();
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
                const Complex v = a[i + k + length / 2] * w;
                a[i + k] = u + v;
                a[i + k + length / 2] = u - v;
                w *= step;
            }
        }
    }
}

std::size_t nextPowerOfTwo(std::size_t n) {
    std::size_t p = 1;
    while (p < n) {
        p <<= 1;
    }
    return p;
}

double energy(std::span<const float> x) {
    return std::accumulate(x.begin(), x.end(), 0.0,
                           [](double sum, float v) { return sum + double(v) * v; });
}

// The coarse lags (multiples of `block`) whose envelope correlation is highest, best first:
// local maxima at least two blocks apart.
std::vector<std::size_t> coarseLags(std::span<const float> source, std::span<const float> recording,
                                    std::size_t block, std::size_t candidates) {
    const std::size_t length = source.size();
    // The source's envelope at every sample, circular: mean |s| over [p, p + block).
    std::vector<double> prefix(2 * length + 1, 0.0);
    for (std::size_t i = 0; i < 2 * length; ++i) {
        prefix[i + 1] = prefix[i] + std::abs(source[i % length]);
    }
    std::vector<double> sourceEnvelope(length);
    for (std::size_t p = 0; p < length; ++p) {
        sourceEnvelope[p] = (prefix[p + block] - prefix[p]) / static_cast<double>(block);
    }
    const double sourceMean = prefix[length] / static_cast<double>(length);
    // The recording's envelope, one value a block (at most a minute of it: enough to align).
    const std::size_t blocks = std::min(recording.size() / block, std::size_t(60'000));
    std::vector<double> recordingEnvelope(blocks);
    for (std::size_t j = 0; j < blocks; ++j) {
        double sum = 0;
        for (std::size_t i = 0; i < block; ++i) {
            sum += std::abs(recording[j * block + i]);
        }
        recordingEnvelope[j] = sum / static_cast<double>(block);
    }
    const double recordingMean =
        std::accumulate(recordingEnvelope.begin(), recordingEnvelope.end(), 0.0) /
        static_cast<double>(std::max<std::size_t>(blocks, 1));
    for (auto& v : recordingEnvelope) {
        v -= recordingMean;
    }
    const std::size_t lags = (length + block - 1) / block;
    std::vector<double> score(lags, 0.0);
    for (std::size_t c = 0; c < lags; ++c) {
        double sum = 0;
        std::size_t position = c * block;
        for (std::size_t j = 0; j < blocks; ++j) {
            sum += recordingEnvelope[j] * (sourceEnvelope[position] - sourceMean);
            position += block;
            if (position >= length) {
                position -= length;
            }
        }
        score[c] = sum;
    }
    std::vector<std::size_t> order(lags);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return score[a] > score[b]; });
    std::vector<std::size_t> picked;
    for (const auto c : order) {
        const bool near = std::any_of(picked.begin(), picked.end(), [&](std::size_t p) {
            const auto d = std::max(c, p) - std::min(c, p);
            return std::min(d, lags - d) <= 2;
        });
        if (!near) {
            picked.push_back(c);
            if (picked.size() == candidates) {
                break;
            }
        }
    }
    for (auto& c : picked) {
        c *= block;
    }
    return picked;
}

struct Fine {
    std::size_t lag = 0;
    double correlation = -2;
};

// The sample lag within `radius` of `around` that correlates best over recording[from, to).
Fine fineLag(std::span<const float> source, std::span<const float> recording, std::size_t around,
             std::size_t radius, std::size_t from, std::size_t to) {
    const std::size_t length = source.size();
    double recordingEnergy = 0;
    for (std::size_t n = from; n < to; ++n) {
        recordingEnergy += double(recording[n]) * recording[n];
    }
    Fine best;
    for (std::size_t step = 0; step <= 2 * radius; ++step) {
        const std::size_t lag = (around + length - radius % length + step) % length;
        double cross = 0;
        double sourceEnergy = 0;
        std::size_t position = (from + lag) % length;
        for (std::size_t n = from; n < to; ++n) {
            const double s = source[position];
            cross += recording[n] * s;
            sourceEnergy += s * s;
            if (++position == length) {
                position = 0;
            }
        }
        const double norm = std::sqrt(recordingEnergy * sourceEnergy);
        const double correlation = norm > 0 ? cross / norm : 0;
        if (correlation > best.correlation) {
            best = {lag, correlation};
        }
    }
    return best;
}

} // namespace

std::vector<float> bandPass(std::span<const float> samples, int sampleRate, double lowHz,
                            double highHz) {
    if (samples.empty()) {
        return {};
    }
    const std::size_t n = nextPowerOfTwo(samples.size());
    std::vector<Complex> spectrum(n);
    std::copy(samples.begin(), samples.end(), spectrum.begin());
    fft(spectrum, false);
    const double binHz = static_cast<double>(sampleRate) / static_cast<double>(n);
    for (std::size_t k = 0; k < n; ++k) {
        const double hz = static_cast<double>(std::min(k, n - k)) * binHz;
        if (hz < lowHz || hz > highHz) {
            spectrum[k] = 0;
        }
    }
    fft(spectrum, true);
    std::vector<float> out(samples.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<float>(spectrum[i].real() / static_cast<double>(n));
    }
    return out;
}

FidelityOutcome<FidelityReport> measureStethoscopeFidelity(std::span<const float> source,
                                                           std::span<const float> recording,
                                                           const FidelityOptions& options) {
    // The samples as they are (no mean removed): "silence, then the source" holds exactly for
    // a recording that is a copy, and the band-pass removes any DC before the SNR.
    const double rate = options.sampleRate;
    const auto block = static_cast<std::size_t>(std::max(1.0, std::round(rate / 1000)));
    if (source.size() < 4 * block || recording.size() < 4 * block || energy(source) == 0 ||
        energy(recording) == 0) {
        return failure(FidelityErrc::silent);
    }
    const std::size_t length = source.size();

    // The lag: coarse on envelopes, exact on waveforms over up to 4 s in the recording's middle.
    const auto window = std::min(recording.size(), static_cast<std::size_t>(4 * rate));
    const std::size_t from = (recording.size() - window) / 2;
    Fine best;
    for (const auto coarse : coarseLags(source, recording, block, 4)) {
        const auto fine = fineLag(source, recording, coarse, 2 * block, from, from + window);
        if (fine.correlation > best.correlation) {
            best = fine;
        }
    }
    if (best.correlation < options.minCorrelation) {
        return failure(FidelityErrc::noMatch,
                       "best normalised correlation " + std::to_string(best.correlation));
    }
    FidelityReport report;
    report.lag = best.lag;
    report.correlation = best.correlation;
    const auto aligned = [&](std::size_t n) {
        return source[(n + best.lag) % length];
    };

    // The delay and the end: least squared error for "nothing, then g * source, then nothing",
    // with g fitted over the correlation window.
    double cross = 0;
    double power = 0;
    for (std::size_t n = from; n < from + window; ++n) {
        cross += double(recording[n]) * aligned(n);
        power += double(aligned(n)) * aligned(n);
    }
    const double g = power > 0 ? cross / power : 0;
    const auto saving = [&](std::size_t n) {
        const double r = recording[n];
        const double e = r - g * aligned(n);
        return r * r - e * e; // what calling sample n "nothing" saves over calling it source
    };
    const auto maxDelay =
        std::min(recording.size(), static_cast<std::size_t>(options.maxDelaySeconds * rate));
    double sum = 0;
    double bestSum = 0;
    for (std::size_t d = 1; d <= maxDelay; ++d) {
        sum += saving(d - 1);
        if (sum < bestSum) {
            bestSum = sum;
            report.delay = d;
        }
    }
    sum = 0;
    bestSum = 0;
    report.end = recording.size();
    for (std::size_t e = recording.size(); e > report.delay + 1; --e) {
        sum += saving(e - 1);
        if (sum < bestSum) {
            bestSum = sum;
            report.end = e - 1;
        }
    }
    report.offset = (report.lag + report.delay) % length;

    // (a) In-band SNR over the aligned stretch, edges trimmed.
    std::vector<float> recorded(recording.begin() + static_cast<std::ptrdiff_t>(report.delay),
                                recording.begin() + static_cast<std::ptrdiff_t>(report.end));
    std::vector<float> expected(recorded.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        expected[i] = aligned(report.delay + i);
    }
    const auto edge = static_cast<std::size_t>(options.edgeSeconds * rate);
    const auto windowSamples = static_cast<std::size_t>(options.windowSeconds * rate);
    if (recorded.size() < 2 * edge + static_cast<std::size_t>(options.minAlignedSeconds * rate) ||
        windowSamples == 0) {
        return failure(FidelityErrc::tooShort,
                       std::to_string(static_cast<double>(recorded.size()) / rate) +
                           " s aligned, edges included");
    }
    const auto bandRecorded =
        bandPass(recorded, options.sampleRate, options.bandLowHz, options.bandHighHz);
    const auto bandExpected =
        bandPass(expected, options.sampleRate, options.bandLowHz, options.bandHighHz);
    const std::span<const float> r(bandRecorded.data() + edge, bandRecorded.size() - 2 * edge);
    const std::span<const float> s(bandExpected.data() + edge, bandExpected.size() - 2 * edge);
    report.alignedSeconds = static_cast<double>(r.size()) / rate;
    double rs = 0;
    double ss = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        rs += double(r[i]) * s[i];
        ss += double(s[i]) * s[i];
    }
    if (ss == 0) {
        return failure(FidelityErrc::silent, "no source in the band");
    }
    report.gain = rs / ss;
    double errorPower = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const double e = r[i] - report.gain * s[i];
        errorPower += e * e;
    }
    const double signalPower = report.gain * report.gain * ss;
    report.snrDb = 10 * std::log10(signalPower / std::max(errorPower, signalPower * 1e-30));

    // (b) Gain steadiness: consecutive windows over the stretch.
    for (std::size_t start = 0; start + windowSamples <= r.size(); start += windowSamples) {
        const double recordedEnergy = energy(r.subspan(start, windowSamples));
        const double sourceEnergy = energy(s.subspan(start, windowSamples));
        if (sourceEnergy > 0 && recordedEnergy > 0) {
            report.windowGainDb.push_back(10 * std::log10(recordedEnergy / sourceEnergy));
        }
    }
    if (report.windowGainDb.empty()) {
        return failure(FidelityErrc::silent, "no window with sound in the band");
    }
    const auto [low, high] =
        std::minmax_element(report.windowGainDb.begin(), report.windowGainDb.end());
    report.gainDeviationDb = *high - *low;
    return report;
}

FidelityOutcome<FidelityReport> measureStethoscopeFidelity(std::span<const std::int16_t> source,
                                                           std::span<const std::int16_t> recording,
                                                           const FidelityOptions& options) {
    const auto toFloat = [](std::span<const std::int16_t> in) {
        std::vector<float> out(in.size());
        std::transform(in.begin(), in.end(), out.begin(),
                       [](std::int16_t v) { return static_cast<float>(v) / 32768.0f; });
        return out;
    };
    const auto s = toFloat(source);
    const auto r = toFloat(recording);
    return measureStethoscopeFidelity(std::span<const float>(s), std::span<const float>(r),
                                      options);
}

} // namespace tc::test
