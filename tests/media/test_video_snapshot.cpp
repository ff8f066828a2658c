// Snapshots: the last decoded frame written as PNG at full resolution, decoded again by
// GStreamer's own pngdec in a separate gst-launch-1.0 process, where its stamp still reads;
// the capture time is in the file's tEXt chunks; bad paths, empty frames and broken files give
// typed errors.
#include "tc/media/video_snapshot.hpp"
#include "test_video_support.hpp"

#include <iterator>

using namespace tc::test;
using namespace tc::media;

namespace {

std::vector<std::uint8_t> fileBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t bigEndian(const std::vector<std::uint8_t>& b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
           (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

bool contains(const std::vector<std::uint8_t>& bytes, const std::string& text) {
    return std::search(bytes.begin(), bytes.end(), text.begin(), text.end()) != bytes.end();
}

// 2024-03-05 14:03:07 UTC.
const auto kWallTime = std::chrono::system_clock::time_point(std::chrono::seconds(1709647387));

} // namespace

TEST_CASE("video snapshot: the last decoded frame as a full-resolution PNG that an independent "
          "decoder reads the stamp from",
          "[video][gst]") {
    TempDir dir;
    VideoLoop loop({.codec = VideoCodec::vp8});
    auto source = VideoSource::synthetic({SceneKind::dermatoscope, 1280, 720, 30, 4});
    REQUIRE(source.has_value());
    for (std::uint32_t n = 0; n < 30; ++n) {
        REQUIRE_FALSE(loop.sender().push(*(*source)->next(captureUs(n))));
    }
    loop.finish();
    const auto last = loop.receiver().lastFrame();
    REQUIRE(last.has_value());
    REQUIRE(last->stamp);
    CHECK(last->stamp->counter == 29);
    CHECK(last->frame.width() == 1280);
    CHECK(last->frame.height() == 720);

    const auto png = dir.path() / "dermatoscope.png";
    REQUIRE_FALSE(writeSnapshotPng(
        last->frame, png,
        {last->stamp->captureUs, last->stamp->counter, kWallTime, "dermatoscope"}));
    CHECK_FALSE(std::filesystem::exists(png.string() + ".part"));

    // The file itself: signature, IHDR at full size, RGB 8 bits, the text chunks.
    const auto bytes = fileBytes(png);
    REQUIRE(bytes.size() > 33);
    const std::vector<std::uint8_t> signature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    CHECK(std::equal(signature.begin(), signature.end(), bytes.begin()));
    CHECK(bigEndian(bytes, 16) == 1280);
    CHECK(bigEndian(bytes, 20) == 720);
    CHECK(bytes[24] == 8);
    CHECK(bytes[25] == 2);
    CHECK(contains(bytes, std::string("tEXtCreation Time\0Tue, 05 Mar 2024 14:03:07 GMT", 47)));
    CHECK(contains(bytes,
                   std::string("tEXttelecabine:capture-us\0", 26) + std::to_string(captureUs(29))));
    const auto texts = readPngText(png);
    REQUIRE(texts.has_value());
    using Text = std::pair<std::string, std::string>;
    CHECK(std::find(texts->begin(), texts->end(), Text{"telecabine:frame", "29"}) != texts->end());
    CHECK(std::find(texts->begin(), texts->end(), Text{"telecabine:source", "dermatoscope"}) !=
          texts->end());

    // GStreamer's pngdec, in another process, back to I420: the stamp and the picture survive.
    const auto raw = dir.path() / "decoded.yuv";
    REQUIRE(run("gst-launch-1.0 -q filesrc location=" + png.string() +
                " ! pngdec ! videoconvert ! video/x-raw,format=I420,colorimetry=bt709 ! filesink "
                "location=" +
                raw.string()) == 0);
    const auto decoded = readRawI420(raw, 1280, 720);
    REQUIRE(decoded.size() == 1);
    const auto stamp = readFrameCode(decoded.front().view());
    REQUIRE(stamp);
    CHECK(*stamp == *last->stamp);
    const auto& a = decoded.front().bytes();
    const auto& b = last->frame.bytes();
    double difference = 0;
    for (std::size_t i = 0; i < 1280u * 720u; ++i) {
        difference += std::abs(int{a[i]} - int{b[i]});
    }
    CHECK(difference / (1280.0 * 720.0) < 2.0); // rounding only: RGB in 8 bits and back
}

TEST_CASE("video snapshot: typed errors for empty frames, unwritable paths and broken files",
          "[video]") {
    TempDir dir;
    CHECK(writeSnapshotPng(VideoFrame(), dir.path() / "x.png", {}) ==
          make_error_code(VideoErrc::badFrame));
    VideoFrame frame(320, 240);
    CHECK(writeSnapshotPng(frame, dir.path() / "missing" / "x.png", {}) ==
          make_error_code(VideoErrc::writeFailed));
    const auto good = dir.path() / "good.png";
    REQUIRE_FALSE(writeSnapshotPng(frame, good, {1, std::nullopt, kWallTime, ""}));
    CHECK(readPngText(good).has_value());
    CHECK(readPngText(dir.path() / "none.png").error() == make_error_code(VideoErrc::openFailed));
    CHECK(readPngText(dir.write("junk.png", "not a png")).error() ==
          make_error_code(VideoErrc::openFailed));
    auto bytes = fileBytes(good);
    const std::string whole(bytes.begin(), bytes.end());
    CHECK(readPngText(dir.write("cut.png", whole.substr(0, whole.size() - 20))).error() ==
          make_error_code(VideoErrc::openFailed));
    std::string corrupt = whole;
    corrupt[40] = static_cast<char>(corrupt[40] ^ 0x20); // inside the first tEXt chunk
    CHECK(readPngText(dir.write("crc.png", corrupt)).error() ==
          make_error_code(VideoErrc::openFailed));
    std::string hostile = whole;
    hostile[33] = '\x7F'; // the first text chunk claims ~2 GB
    CHECK(readPngText(dir.write("long.png", hostile)).error() ==
          make_error_code(VideoErrc::openFailed));
    CHECK(rfc1123(kWallTime) == "Tue, 05 Mar 2024 14:03:07 GMT");
}
