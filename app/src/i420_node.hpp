#pragma once
// The GPU path of the console's video: a decoded picture's three I420 planes go to the GPU as
// they are, as single-channel (R8) textures, 1.5 bytes a pixel where an RGB texture takes 4, and
// a fragment shader (app/shaders/i420.frag) converts them to RGB (BT.709 limited range, as
// imageFromI420 does) while it draws the item. Chroma is sampled where MPEG-2, VP8 and H.264
// put it: co-sited with the even luma columns, centred between luma rows.
//
// For the RHI scene graph (OpenGL, Vulkan, Metal, Direct3D) only: the software scene graph
// draws no custom material, and gets RGB images instead (VideoSurface picks). The node lives on
// the render thread, like every scene-graph node; it keeps the planes it was given until the
// next ones, so that the upload reads memory nobody writes.

#include "i420_image.hpp"

#include <QRectF>
#include <QSGGeometryNode>
#include <memory>

class QQuickWindow;

namespace tc::app {

class I420Material;

class I420Node : public QSGGeometryNode {
public:
    I420Node();
    ~I420Node() override;
    I420Node(const I420Node&) = delete;
    I420Node& operator=(const I420Node&) = delete;

    // The picture to draw from now on (uploaded at the next render).
    void setPlanes(std::shared_ptr<const I420Planes> planes);
    void setRect(const QRectF& rect);

    // Whether `window`'s scene graph can draw this node: RHI-based, with R8 textures. Render
    // thread (updatePaintNode), once the window's graphics are initialised.
    static bool supported(QQuickWindow& window);

private:
    QSGGeometry m_geometry;
    std::unique_ptr<I420Material> m_material;
    QRectF m_rect;
};

} // namespace tc::app
