// The doctor's microphone chosen from the panel, mid-consultation: the capture restarts on the
// new choice and the cabin keeps hearing one RTP stream.
#include "voice_controller.hpp"

#include <QCoreApplication>
#include <QTest>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>

namespace {

struct RtpHeader {
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
};

RtpHeader headerOf(const std::vector<std::uint8_t>& packet) {
    REQUIRE(packet.size() >= 12);
    const auto word = [&](std::size_t at) {
        return static_cast<std::uint32_t>(packet[at]) << 24 |
               static_cast<std::uint32_t>(packet[at + 1]) << 16 |
               static_cast<std::uint32_t>(packet[at + 2]) << 8 | packet[at + 3];
    };
    return {static_cast<std::uint16_t>(packet[2] << 8 | packet[3]), word(4), word(8)};
}

struct Uplink {
    std::mutex mutex;
    std::vector<RtpHeader> packets;
    std::size_t count() {
        std::lock_guard lock(mutex);
        return packets.size();
    }
};

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        QCoreApplication::processEvents();
        QTest::qWait(10);
    }
    return true;
}

} // namespace

TEST_CASE("voice controller: the microphone changes mid-consultation, the stream carries on",
          "[app][voice]") {
    tc::app::VoiceController voice;
    voice.setConfiguredMicrophone("synthetic");
    auto receiver = tc::media::VoiceReceiver::create(tc::media::VoiceFormat{});
    REQUIRE(receiver);
    auto uplink = std::make_shared<Uplink>();
    voice.attach(*receiver, "none", tc::media::VoiceFormat{},
                 [uplink](std::vector<std::uint8_t> packet) {
                     const auto header = headerOf(packet);
                     std::lock_guard lock(uplink->mutex);
                     uplink->packets.push_back(header);
                 });
    REQUIRE(voice.microphoneOn());

    // The workstation's setting first, "none" last; the machine's microphones (none in CI) between.
    const QStringList choices = voice.microphones();
    REQUIRE(choices.size() >= 2);
    CHECK(choices.first() == QStringLiteral("Micro de test (voix de synthèse)"));
    CHECK(choices.last().startsWith(QStringLiteral("Aucun")));
    CHECK(voice.microphone() == 0);
    CHECK(voice.selectedSource() == "synthetic");

    REQUIRE(waitUntil([&] { return uplink->count() >= 10; }, std::chrono::seconds(5)));

    // No microphone: the capture stops, nothing more goes out.
    voice.setMicrophone(static_cast<int>(choices.size()) - 1);
    CHECK(voice.selectedSource() == "none");
    CHECK_FALSE(voice.microphoneOn());
    CHECK(voice.microphoneText() == QStringLiteral("Micro désactivé sur ce poste"));
    const std::size_t whileOff = uplink->count();
    QTest::qWait(300);
    CHECK(uplink->count() == whileOff);

    // Back to the test talker: packets resume on the same stream.
    voice.setMicrophone(0);
    CHECK(voice.microphoneOn());
    REQUIRE(waitUntil([&] { return uplink->count() >= whileOff + 10; }, std::chrono::seconds(5)));
    voice.detach();

    std::lock_guard lock(uplink->mutex);
    for (std::size_t i = 1; i < uplink->packets.size(); ++i) {
        const auto& before = uplink->packets[i - 1];
        const auto& after = uplink->packets[i];
        INFO("packet " << i);
        CHECK(after.ssrc == before.ssrc);
        CHECK(after.sequence == static_cast<std::uint16_t>(before.sequence + 1));
        CHECK(after.timestamp == before.timestamp + 960); // 20 ms at 48 kHz, gapless in RTP time
    }

    // Out-of-range choices are ignored.
    voice.setMicrophone(-1);
    voice.setMicrophone(1000);
    CHECK(voice.microphone() == 0);
}
