// The console's choice of scene graph: CPU rasterisers are recognised by their OpenGL renderer
// string (and nothing else is), the option's words are read strictly, and on this test machine
// (Xvfb, Mesa) the automatic choice says what it found.
#include "scene_graph.hpp"

#include <catch2/catch.hpp>

using namespace tc;

TEST_CASE("scene graph: CPU rasterisers are told from GPUs by their renderer string", "[app]") {
    for (const char* software :
         {"llvmpipe (LLVM 15.0.6, 256 bits)", "softpipe", "Software Rasterizer", "SWR (LLVM 12)",
          "Mesa llvmpipe", "GDI Generic", "swrast"}) {
        CAPTURE(software);
        CHECK(app::isSoftwareRasteriser(QString::fromLatin1(software)));
    }
    for (const char* gpu :
         {"Mesa Intel(R) UHD Graphics 620 (KBL GT2)",
          "AMD Radeon RX 6600 (navi23, LLVM 15.0.6, DRM "
          "3.49, 6.1.0-13-amd64)",
          "NVIDIA GeForce GTX 1650/PCIe/SSE2", "virgl", "Apple M1", "SWRenderer-free GPU", ""}) {
        CAPTURE(gpu);
        CHECK_FALSE(app::isSoftwareRasteriser(QString::fromLatin1(gpu)));
    }
}

TEST_CASE("scene graph: --scene-graph takes auto, gpu or software", "[app]") {
    CHECK(app::parseSceneGraphChoice(u"auto") == app::SceneGraphChoice::automatic);
    CHECK(app::parseSceneGraphChoice(u"gpu") == app::SceneGraphChoice::gpu);
    CHECK(app::parseSceneGraphChoice(u"software") == app::SceneGraphChoice::software);
    CHECK_FALSE(app::parseSceneGraphChoice(u"Software"));
    CHECK_FALSE(app::parseSceneGraphChoice(u"opengl"));
    CHECK_FALSE(app::parseSceneGraphChoice(u""));
}
