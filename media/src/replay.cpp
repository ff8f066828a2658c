#include "tc/media/replay.hpp"

#include "tc/media/gst_runtime.hpp"
#include "tc/media/pcm.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <nlohmann/json.hpp>
#include <numbers>

namespace tc::media {

boost::system::result<Recording> loadRecording(const std::filesystem::path& flacPath) {
    if (const auto ec = initialise()) {
        return ec;
    }
    if (!std::filesystem::exists(flacPath)) {
        return make_error_code(PcmErrc::unreadable);
    }
    GError* error = nullptr;
    GstElement* pipeline =
        gst_parse_launch("filesrc name=file ! flacparse ! flacdec ! audioconvert ! "
                         "audio/x-raw,format=S16LE,channels=1 ! appsink name=out sync=false",
                         &error);
    if (error != nullptr) {
        g_error_free(error);
        return make_error_code(MediaErrc::missingElements);
    }
    GstElement* file = gst_bin_get_by_name(GST_BIN(pipeline), "file");
    g_object_set(file, "location", flacPath.c_str(), nullptr);
    gst_object_unref(file);
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    Recording recording;
    bool failed = false;
    while (GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
        if (recording.samples.empty()) {
            const GstStructure* caps = gst_caps_get_structure(gst_sample_get_caps(sample), 0);
            gst_structure_get_int(caps, "rate", &recording.sampleRate);
        }
        GstBuffer* buffer = gst_sample_get_buffer(sample);
        GstMapInfo map;
        if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
            const auto* begin = reinterpret_cast<const std::int16_t*>(map.data);
            recording.samples.insert(recording.samples.end(), begin, begin + map.size / 2);
            gst_buffer_unmap(buffer, &map);
        }
        gst_sample_unref(sample);
    }
    // The appsink returns nothing at EOS and on error; tell them apart on the bus.
    GstBus* bus = gst_element_get_bus(pipeline);
    if (GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
        failed = true;
        gst_message_unref(message);
    }
    gst_object_unref(bus);
    gst_object_unref(sink);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
    if (failed || recording.samples.empty()) {
        return make_error_code(PcmErrc::unsupportedFormat);
    }
    std::ifstream manifest(std::filesystem::path(flacPath).replace_extension(".json"));
    const auto document = nlohmann::json::parse(manifest, nullptr, false);
    if (!document.is_discarded() && document.contains("segments") &&
        document["segments"].is_array()) {
        for (const auto& segment : document["segments"]) {
            const auto site = segment.value("site", std::string());
            const auto start = segment.value("start_sample", std::uint64_t{0});
            if (const auto parsed = siteFromString(site)) {
                recording.segments.push_back({start, *parsed});
            }
        }
    }
    return recording;
}

// ---- WSOLA ---------------------------------------------------------------------------------

TimeStretcher::TimeStretcher(int sampleRate)
    : m_grain(static_cast<std::size_t>(sampleRate / 50)) // 20 ms
    , m_hop(m_grain / 2)
    , m_search(static_cast<std::size_t>(sampleRate / 200)) // +-5 ms
    , m_window(m_grain)
    , m_overlap(m_hop, 0.0f) {
    // Periodic Hann: two windows half a grain apart sum to exactly one.
    for (std::size_t i = 0; i < m_grain; ++i) {
        m_window[i] =
            static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) /
                                                    static_cast<double>(m_grain)));
    }
}

void TimeStretcher::setSpeed(double speed) noexcept {
    m_speed = std::clamp(speed, 0.25, 2.0);
}

void TimeStretcher::reset() noexcept {
    std::fill(m_overlap.begin(), m_overlap.end(), 0.0f);
    m_ready.clear();
    m_readyAt = 0;
    m_lastStart.reset();
}

void TimeStretcher::nextGrain(std::span<const std::int16_t> source, double& position) {
    const std::size_t limit = source.size() > m_grain ? source.size() - m_grain : 0;
    std::size_t start = std::min(static_cast<std::size_t>(position), limit);
    if (m_lastStart) {
        // The grain that best continues the last one's second half (waveform similarity).
        const std::size_t natural = std::min(*m_lastStart + m_hop, limit);
        const std::size_t from = start > m_search ? start - m_search : 0;
        const std::size_t to = std::min(start + m_search, limit);
        double best = -1e300;
        for (std::size_t candidate = from; candidate <= to; candidate += 2) {
            double correlation = 0;
            for (std::size_t i = 0; i < m_hop; i += 2) {
                correlation += static_cast<double>(source[natural + i]) * source[candidate + i];
            }
            if (correlation > best) {
                best = correlation;
                start = candidate;
            }
        }
    }
    m_ready.assign(m_hop, 0);
    for (std::size_t i = 0; i < m_hop; ++i) {
        const float first = m_window[i] * static_cast<float>(source[start + i]) + m_overlap[i];
        m_ready[i] = static_cast<std::int16_t>(std::clamp(std::lround(first), -32768L, 32767L));
        m_overlap[i] = m_window[m_hop + i] * static_cast<float>(source[start + m_hop + i]);
    }
    m_readyAt = 0;
    m_lastStart = start;
    position += static_cast<double>(m_hop) * m_speed;
}

void TimeStretcher::render(std::span<const std::int16_t> source, double& position,
                           std::span<std::int16_t> out) {
    if (m_speed == 1.0 || source.size() <= m_grain) {
        // Real time: the samples themselves, bit for bit.
        for (auto& sample : out) {
            const auto at = static_cast<std::size_t>(position);
            sample = at < source.size() ? source[at] : 0;
            position += 1;
        }
        return;
    }
    for (auto& sample : out) {
        if (m_readyAt >= m_ready.size()) {
            nextGrain(source, position);
        }
        sample = m_ready[m_readyAt++];
    }
}

// ---- Replay player -------------------------------------------------------------------------

ReplayPlayer::ReplayPlayer(Recording recording, std::shared_ptr<AudioJitterBuffer> buffer)
    : m_recording(std::move(recording))
    , m_buffer(std::move(buffer))
    , m_stretcher(m_recording.sampleRate) {}

ReplayPlayer::~ReplayPlayer() {
    m_running = false;
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

boost::system::result<std::unique_ptr<ReplayPlayer>> ReplayPlayer::open(Recording recording,
                                                                        PlayerConfig output) {
    const int rate = recording.sampleRate;
    output.sampleRate = rate;
    output.frameSamples = rate / 100;
    auto buffer = std::make_shared<AudioJitterBuffer>(JitterBufferConfig{
        rate, output.frameSamples, std::chrono::milliseconds(20), std::chrono::milliseconds(40)});
    auto player = StethoscopePlayer::start(buffer, std::move(output));
    if (!player) {
        return player.error();
    }
    std::unique_ptr<ReplayPlayer> replay(new ReplayPlayer(std::move(recording), buffer));
    replay->m_output = std::move(*player);
    replay->m_thread = std::jthread([raw = replay.get()] { raw->feed(); });
    return replay;
}

void ReplayPlayer::feed() {
    using Clock = std::chrono::steady_clock;
    const auto frameSamples = static_cast<std::size_t>(m_recording.sampleRate / 100);
    std::vector<std::int16_t> frame(frameSamples);
    auto next = Clock::now();
    while (m_running) {
        if (m_playing) {
            std::lock_guard lock(m_mutex);
            const auto size = static_cast<double>(m_recording.samples.size());
            m_stretcher.render(m_recording.samples, m_position, frame);
            if (m_loop && m_position >= m_loop->second) {
                m_position = m_loop->first;
                m_stretcher.reset();
            } else if (m_position >= size) {
                m_position = size;
                m_playing = false; // the end: stop there, ready to seek or replay
            }
            m_buffer->push(m_timestamp, frame, Clock::now());
            m_timestamp += static_cast<std::uint32_t>(frameSamples);
        }
        next += std::chrono::milliseconds(10);
        if (Clock::now() - next > std::chrono::milliseconds(100)) {
            next = Clock::now();
        }
        std::this_thread::sleep_until(next);
    }
}

void ReplayPlayer::play() {
    std::lock_guard lock(m_mutex);
    if (m_position >= static_cast<double>(m_recording.samples.size())) {
        m_position = 0;
    }
    m_playing = true;
}

void ReplayPlayer::pause() {
    m_playing = false;
}

void ReplayPlayer::seek(double seconds) {
    std::lock_guard lock(m_mutex);
    const double sample = std::round(seconds * m_recording.sampleRate);
    m_position = std::clamp(sample, 0.0, static_cast<double>(m_recording.samples.size()));
    m_stretcher.reset();
}

double ReplayPlayer::position() const {
    std::lock_guard lock(m_mutex);
    return m_position / m_recording.sampleRate;
}

double ReplayPlayer::duration() const {
    return static_cast<double>(m_recording.samples.size()) / m_recording.sampleRate;
}

void ReplayPlayer::setLoop(double fromSeconds, double toSeconds) {
    std::lock_guard lock(m_mutex);
    const double rate = m_recording.sampleRate;
    const double end = static_cast<double>(m_recording.samples.size());
    const double from = std::clamp(fromSeconds * rate, 0.0, end);
    const double to = std::clamp(toSeconds * rate, 0.0, end);
    if (to - from < rate / 10) {
        m_loop.reset(); // under 100 ms is not a loop anyone can listen to
        return;
    }
    m_loop = std::make_pair(from, to);
    if (m_position < from || m_position >= to) {
        m_position = from;
        m_stretcher.reset();
    }
}

void ReplayPlayer::clearLoop() {
    std::lock_guard lock(m_mutex);
    m_loop.reset();
}

void ReplayPlayer::setSpeed(double speed) {
    std::lock_guard lock(m_mutex);
    m_stretcher.setSpeed(speed);
    m_stretcher.reset();
}

void ReplayPlayer::jumpSegment(bool next) {
    std::lock_guard lock(m_mutex);
    const auto& segments = m_recording.segments;
    if (segments.empty()) {
        return;
    }
    const double here = m_position;
    const double rate = m_recording.sampleRate;
    std::optional<double> target;
    if (next) {
        for (const auto& s : segments) {
            if (static_cast<double>(s.startSample) > here + 1) {
                target = static_cast<double>(s.startSample);
                break;
            }
        }
    } else {
        for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
            const auto start = static_cast<double>(it->startSample);
            if (start < here - rate) { // more than a second in: back to this segment's start
                target = start;
                break;
            }
        }
        if (!target) {
            target = 0;
        }
    }
    if (target) {
        m_position = *target;
        m_stretcher.reset();
    }
}

AuscultationSite ReplayPlayer::siteAt(double seconds) const {
    const auto sample = static_cast<std::uint64_t>(std::max(0.0, seconds) * m_recording.sampleRate);
    AuscultationSite site =
        m_recording.segments.empty() ? AuscultationSite::mitral : m_recording.segments.front().site;
    for (const auto& s : m_recording.segments) {
        if (s.startSample <= sample) {
            site = s.site;
        }
    }
    return site;
}

} // namespace tc::media
