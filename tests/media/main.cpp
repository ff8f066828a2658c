#define CATCH_CONFIG_RUNNER
#include "tc/media/recording_drill.hpp"

#include <catch2/catch.hpp>
#include <string_view>

int main(int argc, char** argv) {
    // The kill -9 drill (test_recording_crash.cpp) runs this binary again as its recording
    // child, reporting on descriptor 3.
    if (argc == 3 && std::string_view(argv[1]) == "--recording-drill-child") {
        return tc::media::runRecordingDrillChild(argv[2], 3, 60.0);
    }
    return Catch::Session().run(argc, argv);
}
