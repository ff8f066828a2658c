#pragma once
// Which Qt Quick scene graph draws the console. On a GPU the default (RHI, OpenGL here) is
// right. Where the only OpenGL is a CPU rasteriser (Mesa's llvmpipe or softpipe: a virtual
// machine, a remote desktop, a workstation without a driver), every frame of a 1280×800
// window goes through an emulated GPU pipeline, which costs more time per frame than the
// video itself (25–30 ms a swap on two cores, measured) and puts the cabin's picture 100 ms
// and more behind. Qt Quick's software renderer paints only what changed, with QPainter, and
// is the better choice there: `automatic` takes it when the OpenGL renderer is a known
// software one. QT_QUICK_BACKEND, when set, wins over everything (Qt's own override).

#include <QString>
#include <QStringView>
#include <optional>

class QQuickWindow;

namespace tc::app {

enum class SceneGraphChoice { automatic, gpu, software };

// "auto", "gpu" or "software"; nullopt for anything else.
std::optional<SceneGraphChoice> parseSceneGraphChoice(QStringView text);

// True for the renderer strings of CPU rasterisers ("llvmpipe (LLVM 15.0.6, 256 bits)",
// "softpipe", "Software Rasterizer", "SWR", Windows' "GDI Generic").
bool isSoftwareRasteriser(QStringView glRenderer);

struct SceneGraphDecision {
    bool software = false;
    QString reason; // for the log: what was found, and why this scene graph
};

// Call after the QGuiApplication exists and before any QQuickWindow: sets the graphics API
// for every window to come. `automatic` reads the OpenGL renderer string from a throwaway
// offscreen context (no OpenGL at all: software, as Qt Quick could not start otherwise).
SceneGraphDecision applySceneGraphChoice(SceneGraphChoice choice);

// What a window is drawn with, for logs and benchmark reports: "software (Qt Quick 2D
// renderer)" or "RHI (OpenGL: <renderer>)".
QString sceneGraphDescription(const QQuickWindow& window);

} // namespace tc::app
