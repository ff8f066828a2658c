#pragma once
// A FLAC file decoded by GStreamer's own flacparse ! flacdec, independently of our pipeline: its
// 16-bit little-endian samples, as bytes (test_stethoscope_stream.cpp, test_stethoscope_wire.cpp).

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace tc::test {

// `raw` is where gst-launch-1.0 writes the samples.
inline std::string decodeFlacIndependently(const std::filesystem::path& flac,
                                           const std::filesystem::path& raw) {
    const std::string command = "gst-launch-1.0 -q filesrc location=" + flac.string() +
                                " ! flacparse ! flacdec ! audio/x-raw,format=S16LE ! filesink "
                                "location=" +
                                raw.string() + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    std::ifstream in(raw, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

} // namespace tc::test
