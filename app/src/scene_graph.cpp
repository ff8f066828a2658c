#include "scene_graph.hpp"

#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <array>

namespace tc::app {

std::optional<SceneGraphChoice> parseSceneGraphChoice(QStringView text) {
    if (text == u"auto") {
        return SceneGraphChoice::automatic;
    }
    if (text == u"gpu") {
        return SceneGraphChoice::gpu;
    }
    if (text == u"software") {
        return SceneGraphChoice::software;
    }
    return std::nullopt;
}

bool isSoftwareRasteriser(QStringView glRenderer) {
    static constexpr std::array kSoftware = {u"llvmpipe", u"softpipe", u"software rasterizer",
                                             u"swrast",   u"swr",      u"gdi generic"};
    const QString lower = glRenderer.toString().toLower();
    for (const auto* name : kSoftware) {
        const QString word = QString::fromUtf16(name);
        // A whole word: "swr" must not match inside another name.
        for (qsizetype at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
            const auto end = at + word.size();
            const bool startsWord = at == 0 || !lower.at(at - 1).isLetterOrNumber();
            const bool endsWord = end == lower.size() || !lower.at(end).isLetterOrNumber();
            if (startsWord && endsWord) {
                return true;
            }
        }
    }
    return false;
}

namespace {

// The OpenGL renderer string, from a context made for the question; empty without OpenGL.
QString openGlRenderer() {
    QOpenGLContext context;
    if (!context.create()) {
        return {};
    }
    QOffscreenSurface surface;
    surface.setFormat(context.format());
    surface.create();
    if (!surface.isValid() || !context.makeCurrent(&surface)) {
        return {};
    }
    const auto* text = reinterpret_cast<const char*>(context.functions()->glGetString(GL_RENDERER));
    QString renderer = text != nullptr ? QString::fromLatin1(text) : QString();
    context.doneCurrent();
    return renderer;
}

} // namespace

SceneGraphDecision applySceneGraphChoice(SceneGraphChoice choice) {
    const QString forced = qEnvironmentVariable("QT_QUICK_BACKEND");
    if (!forced.isEmpty()) {
        return {forced == QLatin1String("software"),
                QStringLiteral("QT_QUICK_BACKEND=%1 (the environment decides)").arg(forced)};
    }
    SceneGraphDecision decision;
    if (choice == SceneGraphChoice::gpu) {
        decision.reason = QStringLiteral("the GPU scene graph, as asked");
    } else if (choice == SceneGraphChoice::software) {
        decision.software = true;
        decision.reason = QStringLiteral("the software scene graph, as asked");
    } else {
        const QString renderer = openGlRenderer();
        if (renderer.isEmpty()) {
            decision.software = true;
            decision.reason = QStringLiteral("no OpenGL: the software scene graph");
        } else if (isSoftwareRasteriser(renderer)) {
            decision.software = true;
            decision.reason = QStringLiteral("OpenGL is \"%1\", a CPU rasteriser: the software "
                                             "scene graph (--scene-graph gpu to override)")
                                  .arg(renderer);
        } else {
            decision.reason = QStringLiteral("OpenGL is \"%1\": the GPU scene graph").arg(renderer);
        }
    }
    if (decision.software) {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    }
    return decision;
}

QString sceneGraphDescription(const QQuickWindow& window) {
    const auto* renderer = window.rendererInterface();
    if (renderer == nullptr) {
        return QStringLiteral("not yet known");
    }
    switch (renderer->graphicsApi()) {
    case QSGRendererInterface::Software:
        return QStringLiteral("software (Qt Quick 2D renderer)");
    case QSGRendererInterface::OpenGL:
        return QStringLiteral("RHI (OpenGL)");
    case QSGRendererInterface::Vulkan:
        return QStringLiteral("RHI (Vulkan)");
    default:
        return QStringLiteral("RHI");
    }
}

} // namespace tc::app
