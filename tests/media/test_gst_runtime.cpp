#include "tc/media/audio_outputs.hpp"
#include "tc/media/gst_runtime.hpp"

#include <catch2/catch.hpp>

using namespace tc::media;

TEST_CASE("GStreamer initialises and reports its version", "[media]") {
    REQUIRE_FALSE(initialise());
    REQUIRE_FALSE(initialise()); // idempotent
    CHECK_THAT(gstreamerVersion(), Catch::StartsWith("GStreamer 1.22"));
}

TEST_CASE("every element the console needs is installed", "[media]") {
    const auto missing = missingElements(consoleRequirements());
    for (const auto& m : missing) {
        UNSCOPED_INFO("missing " << m.factory << " from " << m.package);
    }
    CHECK(missing.empty());
}

TEST_CASE("a missing element is named with its package", "[media]") {
    const std::vector<ElementRequirement> wanted{{"audioconvert", "gstreamer1.0-plugins-base"},
                                                 {"no-such-element-xyz", "imaginary-package"}};
    const auto missing = missingElements(wanted);
    REQUIRE(missing.size() == 1);
    CHECK(missing.front().factory == "no-such-element-xyz");
    CHECK(missing.front().package == "imaginary-package");
}

TEST_CASE("audio outputs are listed with a usable sink description", "[gst]") {
    // A CI machine usually has none; whatever is there must be well formed.
    for (const auto& output : tc::media::listAudioOutputs()) {
        CHECK_FALSE(output.name.empty());
        CHECK(output.sink.find(" device=\"") != std::string::npos);
    }
}
