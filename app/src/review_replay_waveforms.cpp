// loadReplayWaveforms (review_replay_documents.hpp): WaveformLog::describe's files read back.
#include "review_replay_documents.hpp"
#include "tc/protocol/pki.hpp"

#include <QCoreApplication>
#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace tc::app {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::uintmax_t kMaxJson = 4 * 1024 * 1024;
// Hours of a channel at up to 1 kHz; a bigger file is not one the console wrote.
constexpr std::uintmax_t kMaxSamplesFile = 256ull * 1024 * 1024;

struct Segment {
    std::int64_t firstTick = 0;
    std::int64_t startUs = -1;
    std::size_t offset = 0;
    std::size_t samples = 0;
};
struct Channel {
    std::string name;
    int rateHz = 0;
    std::string file;
    std::vector<Segment> segments;
};
struct Described {
    std::int64_t clockRate = 1000;
    std::vector<Channel> channels;
    std::vector<std::pair<std::int64_t, std::int64_t>> gaps; // first tick, ticks
};

std::optional<json> readJson(const fs::path& path) {
    std::error_code ec;
    if (fs::file_size(path, ec) > kMaxJson || ec) {
        return std::nullopt;
    }
    auto text = protocol::readFile(path);
    if (!text) {
        return std::nullopt;
    }
    auto value = json::parse(*text, nullptr, false);
    return value.is_discarded() ? std::nullopt : std::optional<json>(std::move(value));
}

template <class T> bool integer(const json& object, const char* key, T& out, T low, T high) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number_integer()) {
        return false;
    }
    const auto value = it->get<std::int64_t>();
    if (value < static_cast<std::int64_t>(low) || value > static_cast<std::int64_t>(high)) {
        return false;
    }
    out = static_cast<T>(value);
    return true;
}

// The description, checked: known channels, plain file names, segments inside their samples.
std::optional<Described> describedOf(const json& value) {
    constexpr auto kMaxInt = std::numeric_limits<std::int64_t>::max() / 4;
    Described out;
    if (!value.is_object() || value.value("format", "") != "telecabine.waveforms/1" ||
        !integer<std::int64_t>(value, "clock_rate_hz", out.clockRate, 1, 1'000'000) ||
        !value.contains("channels") || !value["channels"].is_array()) {
        return std::nullopt;
    }
    for (const auto& c : value["channels"]) {
        Channel channel;
        std::size_t samples = 0;
        if (!c.is_object() || !c.contains("channel") || !c["channel"].is_string() ||
            !c.contains("file") || !c["file"].is_string() || !c.contains("segments") ||
            !c["segments"].is_array() ||
            !integer(c, "sample_rate_hz", channel.rateHz, 1, 100'000) ||
            !integer<std::size_t>(c, "samples", samples, 0, kMaxSamplesFile / 2)) {
            return std::nullopt;
        }
        channel.name = c["channel"].get<std::string>();
        channel.file = c["file"].get<std::string>();
        if (channel.file != channel.name + ".s16le" ||
            channel.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
            return std::nullopt; // never a path out of the dossier
        }
        for (const auto& s : c["segments"]) {
            Segment segment;
            if (!s.is_object() ||
                !integer<std::int64_t>(s, "first_tick", segment.firstTick, 0, kMaxInt) ||
                !integer<std::int64_t>(s, "start_us", segment.startUs, -1, kMaxInt) ||
                !integer<std::size_t>(s, "offset", segment.offset, 0, samples) ||
                !integer<std::size_t>(s, "samples", segment.samples, 0, samples - segment.offset)) {
                return std::nullopt;
            }
            channel.segments.push_back(segment);
        }
        out.channels.push_back(std::move(channel));
    }
    if (value.contains("gaps") && value["gaps"].is_array()) {
        for (const auto& g : value["gaps"]) {
            std::int64_t first = 0;
            std::int64_t ticks = 0;
            if (!g.is_object() || !integer<std::int64_t>(g, "first_tick", first, 0, kMaxInt) ||
                !integer<std::int64_t>(g, "ticks", ticks, 1, kMaxInt)) {
                return std::nullopt;
            }
            out.gaps.emplace_back(first, ticks);
        }
    }
    return out;
}

std::optional<std::vector<std::int16_t>> readSamples(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > kMaxSamplesFile || size % 2 != 0) {
        return std::nullopt;
    }
    auto bytes = protocol::readFile(path);
    if (!bytes) {
        return std::nullopt;
    }
    std::vector<std::int16_t> out(bytes->size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) { // little-endian whatever the host
        const auto low = static_cast<std::uint8_t>((*bytes)[2 * i]);
        const auto high = static_cast<std::uint8_t>((*bytes)[2 * i + 1]);
        out[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(low | (high << 8)));
    }
    return out;
}

// Session clock (the cabin's, µs) to the replay's (µs from record.times.startMs): the earliest
// arrival of a measurement minus its acquisition is the clocks' offset plus the least delay.
std::optional<std::int64_t> shiftFromMeasurements(const fs::path& dossier,
                                                  const prescriptions::ConsultationRecord& record) {
    const auto measurements = readJson(dossier / "vitals" / "measurements.json");
    if (!measurements || !measurements->is_array()) {
        return std::nullopt;
    }
    std::optional<std::int64_t> shift;
    for (const auto& m : *measurements) {
        std::int64_t received = 0;
        std::int64_t acquired = 0;
        if (m.is_object() && m.contains("report") && m["report"].is_object() &&
            integer<std::int64_t>(m, "received_unix_ms", received, 0, std::int64_t{1} << 50) &&
            integer<std::int64_t>(m["report"], "acquired_at_us", acquired, 0,
                                  std::int64_t{1} << 60)) {
            const auto candidate = (received - record.times.startMs) * 1000 - acquired;
            shift = std::min(shift.value_or(candidate), candidate);
        }
    }
    return shift;
}

} // namespace

ReplayWaveforms loadReplayWaveforms(const fs::path& dossier,
                                    const prescriptions::ConsultationRecord& record,
                                    WaveformTrace& ecg, WaveformTrace& pleth) {
    ecg.clear();
    pleth.clear();
    ReplayWaveforms out;
    const auto path = dossier / "vitals" / "waveforms.json";
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return out;
    }
    const auto unreadable = [&out](const QString& name) {
        out.problem = QCoreApplication::translate("ReplayDocuments",
                                                  "Tracés ECG et pléthysmogramme illisibles (%1)")
                          .arg(name);
        return out;
    };
    const auto value = readJson(path);
    const auto described = value ? describedOf(*value) : std::nullopt;
    if (!described) {
        return unreadable(QStringLiteral("waveforms.json"));
    }
    // The tick clock to the session clock, from any segment that knows its session time.
    std::optional<std::pair<std::int64_t, std::int64_t>> reference; // tick, µs
    for (const auto& channel : described->channels) {
        for (const auto& s : channel.segments) {
            if (!reference && s.startUs >= 0) {
                reference = {s.firstTick, s.startUs};
            }
        }
    }
    if (!reference) {
        return unreadable(QStringLiteral("waveforms.json"));
    }
    const auto usOfTick = [&](std::int64_t tick) {
        return reference->second + (tick - reference->first) * 1'000'000 / described->clockRate;
    };
    const auto shift = shiftFromMeasurements(dossier, record).value_or(-reference->second);

    const auto has = [&](const char* name) {
        return std::any_of(described->channels.begin(), described->channels.end(),
                           [&](const Channel& c) { return c.name == name; });
    };
    const std::string ecgName = has("ecg_ii") ? "ecg_ii" : "ecg_i";
    for (const auto& channel : described->channels) {
        const bool isEcg = channel.name == ecgName;
        if (!isEcg && channel.name != "pleth") {
            continue;
        }
        const auto samples = readSamples(dossier / "vitals" / channel.file);
        if (!samples) {
            return unreadable(QString::fromStdString(channel.file));
        }
        auto& trace = isEcg ? ecg : pleth;
        std::vector<float> values;
        for (const auto& s : channel.segments) {
            if (s.offset + s.samples > samples->size()) {
                return unreadable(QString::fromStdString(channel.file));
            }
            // µV to mV for the ECG, thousandths of full scale to a fraction for the pleth.
            values.resize(s.samples);
            std::transform(samples->begin() + static_cast<std::ptrdiff_t>(s.offset),
                           samples->begin() + static_cast<std::ptrdiff_t>(s.offset + s.samples),
                           values.begin(),
                           [](std::int16_t v) { return static_cast<float>(v) / 1000.0f; });
            const auto startUs = s.startUs >= 0 ? s.startUs : usOfTick(s.firstTick);
            trace.append(startUs + shift, channel.rateHz, values);
            out.present = true;
        }
    }
    for (const auto& [first, ticks] : described->gaps) {
        const auto startUs = usOfTick(first) + shift;
        const auto durationUs = ticks * 1'000'000 / described->clockRate;
        ecg.appendGap(startUs, durationUs);
        pleth.appendGap(startUs, durationUs);
    }
    return out;
}

} // namespace tc::app
