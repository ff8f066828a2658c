#include "support/stethoscope_fidelity.hpp"

#include "tc/media/spectrum.hpp"

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

// A plain product (media::fftInPlace says why).
Complex times(Complex a, Complex b) {
    return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

void fft(std::vector<Complex>& a, bool inverse) {
    media::fftInPlace(a, inverse);
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

struct WindowMatch {
    std::size_t lag = 0;
    bool known = false; // one clear peak: the window fixes its lag
};

// The lag within `radius` of `around` at which recording[p, p + w) best matches the (circular)
// source: normalised cross-correlation of the window against the source stretch, by FFT. A
// window fixes its lag only when its best peak is clear and stands out from every other local
// peak: a quiet window (noise, or the source's tone alone, whose peaks repeat every period)
// does not.
WindowMatch windowLag(std::span<const float> recording, std::size_t p, std::size_t w,
                      std::span<const float> source, std::size_t around, std::size_t radius) {
    const std::size_t length = source.size();
    const std::size_t stretch = w + 2 * radius;
    const std::size_t n = nextPowerOfTwo(stretch);
    std::vector<Complex> a(n);
    std::vector<Complex> b(n);
    double windowEnergy = 0;
    for (std::size_t i = 0; i < w; ++i) {
        a[i] = recording[p + i];
        windowEnergy += double(recording[p + i]) * recording[p + i];
    }
    const std::size_t start = (p + around + length - radius % length) % length;
    std::vector<double> prefix(stretch + 1, 0.0);
    for (std::size_t j = 0; j < stretch; ++j) {
        const double s = source[(start + j) % length];
        b[j] = s;
        prefix[j + 1] = prefix[j] + s * s;
    }
    fft(a, false);
    fft(b, false);
    for (std::size_t k = 0; k < n; ++k) {
        a[k] = times(std::conj(a[k]), b[k]);
    }
    fft(a, true); // a[k] = n * sum_i recording[p + i] * stretch[i + k]
    std::vector<double> score(2 * radius + 1, 0.0);
    for (std::size_t k = 0; k < score.size(); ++k) {
        const double norm = std::sqrt(windowEnergy * (prefix[k + w] - prefix[k]));
        score[k] = norm > 0 ? a[k].real() / static_cast<double>(n) / norm : 0.0;
    }
    double best = -2;
    double second = -2;
    std::size_t bestK = radius;
    for (std::size_t k = 0; k < score.size(); ++k) {
        const bool peak = (k == 0 || score[k] >= score[k - 1]) &&
                          (k + 1 == score.size() || score[k] > score[k + 1]);
        if (!peak) {
            continue;
        }
        if (score[k] > best) {
            second = best;
            best = score[k];
            bestK = k;
        } else if (score[k] > second) {
            second = score[k];
        }
    }
    constexpr double kClear = 0.5;
    constexpr double kMargin = 0.05;
    return {(around + length - radius % length + bestK) % length,
            best >= kClear && second < best - kMargin};
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

namespace {

// `expected` moved by a fraction of a sample, window by window, to where it best matches
// `recorded`. A browser's capture is resampled (Chromium's devices run at 44.1 kHz): its samples
// fall between the source's, and half a sample off caps the SNR near 24 dB at 1 kHz. Linear
// interpolation is exact enough here: both are band-passed to 1 kHz, 48 times oversampled.
std::vector<float> subSampleAligned(std::span<const float> recorded,
                                    std::span<const float> expected, std::size_t window) {
    std::vector<float> out(expected.begin(), expected.end());
    const auto at = [&](std::size_t n, double shift) {
        // expected[n + shift], shift in [-1, 1]
        const auto other = shift >= 0 ? std::min(n + 1, expected.size() - 1) : (n == 0 ? 0 : n - 1);
        const double f = std::abs(shift);
        return (1 - f) * expected[n] + f * expected[other];
    };
    for (std::size_t p = 0; p < expected.size(); p += window) {
        const auto end = std::min(expected.size(), p + window);
        double bestScore = -1;
        double bestShift = 0;
        for (int step = -20; step <= 20; ++step) {
            const double shift = step / 20.0;
            double rs = 0;
            double ss = 0;
            for (std::size_t n = p; n < end; ++n) {
                const double e = at(n, shift);
                rs += recorded[n] * e;
                ss += e * e;
            }
            const double score = ss > 0 ? rs * rs / ss : 0; // scale-free: the gain comes later
            if (score > bestScore) {
                bestScore = score;
                bestShift = shift;
            }
        }
        for (std::size_t n = p; n < end; ++n) {
            out[n] = static_cast<float>(at(n, bestShift));
        }
    }
    return out;
}

} // namespace

FidelityOutcome<FidelityReport> measureStethoscopeFidelity(std::span<const float> source,
                                                           std::span<const float> recording,
                                                           const FidelityOptions& options) {
    if (options.referenceDcRejectHz > 0) {
        // libopus's dc_reject (float build): y = x - m, m <- c x + (1 - c) m, c = 6.3 fc / Fs.
        // The source loops: a first pass over it settles the filter's state.
        const double c = 6.3 * options.referenceDcRejectHz / options.sampleRate;
        std::vector<float> filtered(source.size());
        double m = 0;
        for (int pass = 0; pass < 2; ++pass) {
            for (std::size_t i = 0; i < source.size(); ++i) {
                const double x = source[i];
                filtered[i] = static_cast<float>(x - m);
                m = c * x + (1 - c) * m;
            }
        }
        auto plain = options;
        plain.referenceDcRejectHz = 0;
        return measureStethoscopeFidelity(std::span<const float>(filtered), recording, plain);
    }
    // The samples as they are (no mean removed): "silence, then the source" holds exactly for
    // a recording that is a copy; the band-passed copies below carry no DC.
    const double rate = options.sampleRate;
    const auto block = static_cast<std::size_t>(std::max(1.0, std::round(rate / 1000)));
    if (source.size() < 4 * block || recording.size() < 4 * block || energy(source) == 0 ||
        energy(recording) == 0) {
        return failure(FidelityErrc::silent);
    }
    const std::size_t length = source.size();
    const std::size_t total = recording.size();

    // The lag: coarse on envelopes, exact on waveforms over up to 4 s in the recording's middle.
    const auto span = std::min(total, static_cast<std::size_t>(4 * rate));
    const std::size_t from = (total - span) / 2;
    Fine best;
    for (const auto coarse : coarseLags(source, recording, block, 4)) {
        const auto fine = fineLag(source, recording, coarse, 2 * block, from, from + span);
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

    // Band-passed copies: the source's is circular (filtered as three loops, the middle kept).
    const auto bandRecording =
        bandPass(recording, options.sampleRate, options.bandLowHz, options.bandHighHz);
    std::vector<float> tiled(3 * length);
    for (std::size_t i = 0; i < tiled.size(); ++i) {
        tiled[i] = source[i % length];
    }
    const auto bandTiled =
        bandPass(tiled, options.sampleRate, options.bandLowHz, options.bandHighHz);
    const std::span<const float> bandSource(bandTiled.data() + length, length);

    // The lag of each window of the recording, near the global one: a receiver's jitter buffer
    // may stretch or drop a few milliseconds (WebRTC's NetEq does), and what follows is then
    // compared at its own lag.
    const auto windowSamples = static_cast<std::size_t>(options.windowSeconds * rate);
    const auto radius = static_cast<std::size_t>(options.maxSlipSeconds * rate);
    if (windowSamples == 0) {
        return failure(FidelityErrc::tooShort, "empty window");
    }
    const auto trackSamples = static_cast<std::size_t>(options.trackSeconds * rate);
    if (trackSamples == 0) {
        return failure(FidelityErrc::tooShort, "empty track window");
    }
    // Followed outward from the middle, where the global lag was found, each window searched
    // around the last lag a window fixed: leading or trailing silence (or noise alone) is
    // reached last and cannot lead the track astray, and skips that add up (one at each loop of
    // a file) are followed however far they go.
    const std::size_t count = (total + trackSamples - 1) / trackSamples;
    std::vector<WindowMatch> matches(count);
    const auto follow = [&](std::size_t i, std::size_t around) {
        const std::size_t p = i * trackSamples;
        const auto w = std::min(trackSamples, total - p);
        // A short remainder is too little to correlate: it fixes nothing.
        matches[i] = 2 * w >= trackSamples
                         ? windowLag(bandRecording, p, w, bandSource, around, radius)
                         : WindowMatch{around, false};
        // A peak moved by a few samples is noise on a short window, not a skip: the lag stays.
        constexpr std::size_t kJitter = 8;
        const auto moved = std::min((matches[i].lag + length - around) % length,
                                    (around + length - matches[i].lag) % length);
        if (moved <= kJitter) {
            matches[i].lag = around;
        }
        return matches[i].known ? matches[i].lag : around;
    };
    const std::size_t middle = std::min(count - 1, (from + span / 2) / trackSamples);
    for (std::size_t i = middle, around = report.lag; i < count; ++i) {
        around = follow(i, around);
    }
    for (std::size_t i = middle, around = matches[middle].known ? matches[middle].lag : report.lag;
         i-- > 0;) {
        around = follow(i, around);
    }
    // The windows that fixed a lag; the others take their neighbours' (before the first and
    // after the last: theirs; between two of the same lag: it).
    std::vector<std::size_t> known;
    for (std::size_t i = 0; i < count; ++i) {
        if (matches[i].known) {
            known.push_back(i);
        }
    }
    if (known.empty()) {
        matches[middle] = {report.lag, true};
        known.push_back(middle);
    }
    std::vector<std::size_t> track(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto next = std::lower_bound(known.begin(), known.end(), i);
        track[i] = next == known.end() ? matches[known.back()].lag : matches[*next].lag;
    }
    // Each run of windows at one lag, its lag made exact over the whole run (a window next to
    // a change or in noise may peak a few samples off).
    for (std::size_t i0 = 0; i0 < count;) {
        std::size_t i1 = i0 + 1;
        while (i1 < count && track[i1] == track[i0]) {
            ++i1;
        }
        const std::size_t lag = track[i0];
        const std::size_t end = std::min(total, i1 * trackSamples);
        double bestCross = -1;
        std::size_t exact = lag;
        for (std::size_t d = 0; d <= 16; ++d) {
            const std::size_t candidate = (lag + length + d - 8) % length;
            double cross = 0;
            for (std::size_t n = i0 * trackSamples; n < end; ++n) {
                cross += double(recording[n]) * source[(n + candidate) % length];
            }
            if (cross > bestCross) {
                bestCross = cross;
                exact = candidate;
            }
        }
        for (std::size_t i = i0; i < i1; ++i) {
            track[i] = exact;
            if (matches[i].known) {
                matches[i].lag = exact;
            }
        }
        i0 = i1;
    }
    std::vector<std::size_t> lagOf(total);
    for (std::size_t n = 0; n < total; ++n) {
        lagOf[n] = track[n / trackSamples];
    }
    const auto lagAt = [&](std::size_t n) {
        return lagOf[n];
    };

    // The delay and the end: least squared error for "nothing, then g * source, then nothing",
    // with g fitted over the correlation span.
    double cross = 0;
    double power = 0;
    for (std::size_t n = from; n < from + span; ++n) {
        const double s = source[(n + lagAt(n)) % length];
        cross += double(recording[n]) * s;
        power += s * s;
    }
    const double g = power > 0 ? cross / power : 0;
    // Between two windows that fixed different lags, the sample where the lag changes: least
    // squared error for "the first lag before, the second after", from the start of the one to
    // the end of the other.
    for (std::size_t k = 0; k + 1 < known.size(); ++k) {
        const std::size_t before = matches[known[k]].lag;
        const std::size_t after = matches[known[k + 1]].lag;
        if (before == after) {
            continue;
        }
        const std::size_t begin = known[k] * trackSamples;
        const std::size_t stop = std::min(total, (known[k + 1] + 1) * trackSamples);
        double sum = 0;
        double bestSum = 0;
        std::size_t change = begin;
        for (std::size_t n = begin; n < stop; ++n) {
            const double r = recording[n];
            const double eBefore = r - g * source[(n + before) % length];
            const double eAfter = r - g * source[(n + after) % length];
            sum += eBefore * eBefore - eAfter * eAfter;
            if (sum < bestSum) {
                bestSum = sum;
                change = n + 1;
            }
        }
        for (std::size_t n = begin; n < stop; ++n) {
            lagOf[n] = n < change ? before : after;
        }
    }
    const auto saving = [&](std::size_t n) {
        const double r = recording[n];
        const double e = r - g * source[(n + lagAt(n)) % length];
        return r * r - e * e; // what calling sample n "nothing" saves over calling it source
    };
    const auto maxDelay = std::min(total, static_cast<std::size_t>(options.maxDelaySeconds * rate));
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
    report.end = total;
    for (std::size_t e = total; e > report.delay + 1; --e) {
        sum += saving(e - 1);
        if (sum < bestSum) {
            bestSum = sum;
            report.end = e - 1;
        }
    }
    report.lag = lagAt(report.delay);
    report.offset = (report.lag + report.delay) % length;

    // (a) and (b) over the stretch, edges trimmed, window by window at each window's own lag.
    const auto edge = static_cast<std::size_t>(options.edgeSeconds * rate);
    if (report.end - report.delay <
        2 * edge + static_cast<std::size_t>(options.minAlignedSeconds * rate)) {
        return failure(FidelityErrc::tooShort,
                       std::to_string(static_cast<double>(report.end - report.delay) / rate) +
                           " s aligned, edges included");
    }
    const std::size_t first = report.delay + edge;
    const std::size_t last = report.end - edge;
    report.alignedSeconds = static_cast<double>(last - first) / rate;
    // The expected signal at each window's lag, raw, then both band-passed alike (for a copy,
    // the two stretches are the same samples and the error is exactly nothing).
    std::vector<float> recorded(recording.begin() + static_cast<std::ptrdiff_t>(report.delay),
                                recording.begin() + static_cast<std::ptrdiff_t>(report.end));
    std::vector<float> expected(recorded.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const std::size_t n = report.delay + i;
        expected[i] = source[(n + lagOf[n]) % length];
    }
    const auto bandRecorded =
        bandPass(recorded, options.sampleRate, options.bandLowHz, options.bandHighHz);
    const auto bandExpected = subSampleAligned(
        bandRecorded, bandPass(expected, options.sampleRate, options.bandLowHz, options.bandHighHz),
        trackSamples);
    struct Window {
        double rs = 0, ss = 0, rr = 0;
    };
    std::vector<Window> windows;
    double rs = 0;
    double ss = 0;
    for (std::size_t p = first; p < last; p += windowSamples) {
        const auto w = std::min(windowSamples, last - p);
        Window window;
        for (std::size_t n = p - report.delay; n < p + w - report.delay; ++n) {
            const double r = bandRecorded[n];
            const double s = bandExpected[n];
            window.rs += r * s;
            window.ss += s * s;
            window.rr += r * r;
        }
        rs += window.rs;
        ss += window.ss;
        if (w == windowSamples) { // steadiness over whole windows only
            windows.push_back(window);
        }
    }
    for (std::size_t i = first / trackSamples; i < count && i * trackSamples < last; ++i) {
        auto slip = static_cast<long>(track[i]) - static_cast<long>(report.lag);
        slip = slip > static_cast<long>(length / 2)    ? slip - static_cast<long>(length)
               : slip < -static_cast<long>(length / 2) ? slip + static_cast<long>(length)
                                                       : slip;
        report.windowSlip.push_back(slip);
    }
    if (ss == 0) {
        return failure(FidelityErrc::silent, "no source in the band");
    }
    report.gain = rs / ss;
    double errorPower = 0;
    for (std::size_t n = first - report.delay; n < last - report.delay; ++n) {
        const double e = bandRecorded[n] - report.gain * bandExpected[n];
        errorPower += e * e;
    }
    const double signalPower = report.gain * report.gain * ss;
    report.snrDb = 10 * std::log10(signalPower / std::max(errorPower, signalPower * 1e-30));
    for (const auto& window : windows) {
        if (window.ss > 0 && window.rr > 0) {
            report.windowGainDb.push_back(10 * std::log10(window.rr / window.ss));
        }
    }
    if (report.windowGainDb.empty()) {
        return failure(FidelityErrc::silent, "no window with sound in the band");
    }
    const auto [low, high] =
        std::minmax_element(report.windowGainDb.begin(), report.windowGainDb.end());
    report.gainDeviationDb = *high - *low;
    const auto [fewest, most] =
        std::minmax_element(report.windowSlip.begin(), report.windowSlip.end());
    report.maxSlipMs = static_cast<double>(std::max(-*fewest, *most)) * 1000.0 / rate;
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
