#pragma once
// Helpers for the video tests: a sender and a receiver joined in process (with a packet filter
// to simulate loss), stamps for frame n, raw I420 files as independent tools write them, and
// child processes for gst-launch-1.0 peers.

#include "support/tls_test_peer.hpp"
#include "tc/media/video_receiver.hpp"
#include "tc/media/video_sender.hpp"
#include "tc/media/video_source.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <mutex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace tc::test {

using namespace tc::media;

// Capture time of frame n: an arbitrary session start plus n frame periods at 30 fps.
inline std::uint64_t captureUs(std::uint32_t n) {
    return 7'000'000 + std::uint64_t{n} * 33'333;
}

inline std::string codecLabel(VideoCodec codec) {
    return std::string(encodingName(codec));
}

// A sender of `codec` that never drops a frame, its packets appended to `packets` under `mutex`.
inline auto startCollectingSender(VideoCodec codec, std::mutex& mutex,
                                  std::vector<std::vector<std::uint8_t>>& packets) {
    return VideoSender::start(
        {.codec = codec, .dropWhenBehind = false, .onPacket = [&](std::vector<std::uint8_t> p) {
             std::lock_guard lock(mutex);
             packets.push_back(std::move(p));
         }});
}

struct ReceivedInfo {
    std::optional<FrameStamp> stamp;
    int width = 0;
    int height = 0;
    bool keyframe = false;
};

// cabin encoder → (filter) → console decoder, all in this process; every callback records.
class VideoLoop {
public:
    struct Options {
        VideoCodec codec = VideoCodec::vp8;
        int width = 1280;
        int height = 720;
        int bitrate = 2'500'000;
        std::chrono::milliseconds jitterLatency{50};
        // Per decoded frame, on the decoder's thread (pixel checks).
        std::function<void(const DecodedFrame&)> inspect;
        // False drops the packet; `frame` counts marker bits (the frame it belongs to).
        std::function<bool(const std::vector<std::uint8_t>&, std::uint32_t frame)> keep;
    };

    explicit VideoLoop(Options options)
        : m_options(std::move(options)) {
        VideoReceiverConfig rc;
        rc.codec = m_options.codec;
        rc.jitterLatency = m_options.jitterLatency;
        rc.onFrame = [this](const DecodedFrame& f) {
            if (m_options.inspect) {
                m_options.inspect(f);
            }
            std::lock_guard lock(m_mutex);
            m_frames.push_back({readFrameCode(f.image), f.image.width, f.image.height, f.keyframe});
        };
        rc.onKeyframeNeeded = [this](KeyframeReason reason) {
            ++keyframeNeeded;
            if (reason == KeyframeReason::packetLoss) {
                ++lossReports;
            }
        };
        auto receiver = VideoReceiver::start(std::move(rc));
        REQUIRE(receiver.has_value());
        m_receiver = std::move(*receiver);

        VideoSenderConfig sc;
        sc.codec = m_options.codec;
        sc.width = m_options.width;
        sc.height = m_options.height;
        sc.bitrateBps = m_options.bitrate;
        sc.dropWhenBehind = false; // every frame, for the counters
        sc.onPacket = [this](std::vector<std::uint8_t> packet) {
            const bool marker = packet.size() > 1 && (packet[1] & 0x80) != 0;
            const std::uint32_t frame = m_packetFrame;
            if (marker) {
                ++m_packetFrame;
            }
            {
                std::lock_guard lock(m_mutex);
                if (m_bytesPerFrame.size() <= frame) {
                    m_bytesPerFrame.resize(frame + 1, 0);
                }
                m_bytesPerFrame[frame] += packet.size();
                // An H.264 keyframe starts several packets (SPS, each IDR slice): one frame.
                if (rtpStartsKeyframe(packet, m_options.codec) &&
                    (m_keyframeStarts.empty() || m_keyframeStarts.back() != frame)) {
                    m_keyframeStarts.push_back(frame);
                }
            }
            if (!m_options.keep || m_options.keep(packet, frame)) {
                CHECK_FALSE(m_receiver->pushPacket(packet));
            }
        };
        auto sender = VideoSender::start(std::move(sc));
        REQUIRE(sender.has_value());
        m_sender = std::move(*sender);
    }

    ~VideoLoop() {
        m_sender.reset(); // no packet arrives at a receiver that has gone
        m_receiver.reset();
    }

    VideoSender& sender() { return *m_sender; }
    VideoReceiver& receiver() { return *m_receiver; }

    // Both ends drained: every packet sent has been decoded.
    void finish() {
        REQUIRE_FALSE(m_sender->finish());
        REQUIRE_FALSE(m_receiver->finish());
    }

    std::vector<ReceivedInfo> frames() const {
        std::lock_guard lock(m_mutex);
        return m_frames;
    }
    std::vector<std::uint64_t> bytesPerFrame() const {
        std::lock_guard lock(m_mutex);
        return m_bytesPerFrame;
    }
    std::vector<std::uint32_t> keyframeStarts() const {
        std::lock_guard lock(m_mutex);
        return m_keyframeStarts;
    }

    std::atomic<int> keyframeNeeded{0};
    std::atomic<int> lossReports{0};

private:
    Options m_options;
    mutable std::mutex m_mutex;
    std::vector<ReceivedInfo> m_frames;
    std::vector<std::uint64_t> m_bytesPerFrame;
    std::vector<std::uint32_t> m_keyframeStarts;
    std::uint32_t m_packetFrame = 0; // the sender's streaming thread only
    std::unique_ptr<VideoReceiver> m_receiver;
    std::unique_ptr<VideoSender> m_sender;
};

// Frames of raw I420 as gst-launch's filesink writes them (no padding at these sizes).
inline std::vector<VideoFrame> readRawI420(const std::filesystem::path& path, int width,
                                           int height) {
    std::ifstream in(path, std::ios::binary);
    const int cw = (width + 1) / 2;
    const int ch = (height + 1) / 2;
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(width * height + 2 * cw * ch));
    std::vector<VideoFrame> frames;
    while (in.read(reinterpret_cast<char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()))) {
        const std::uint8_t* y = bytes.data();
        const std::uint8_t* u = y + width * height;
        const std::uint8_t* v = u + cw * ch;
        frames.push_back(VideoFrame::copyOf({width, height, {y, u, v}, {width, cw, cw}}));
    }
    return frames;
}

// A shell command in a child process (an independent peer), killed if still running when
// this goes.
class ChildProcess {
public:
    explicit ChildProcess(const std::string& command) {
        m_pid = fork();
        if (m_pid == 0) {
            setpgid(0, 0);
            execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~ChildProcess() {
        if (m_pid > 0 && !m_exited) {
            kill(-m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
        }
    }
    // The exit status, or -1 when it has not ended within `timeout`.
    int wait(std::chrono::milliseconds timeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_exited = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
            }
            if (std::chrono::steady_clock::now() >= until) {
                return -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

private:
    pid_t m_pid = -1;
    bool m_exited = false;
};

} // namespace tc::test
