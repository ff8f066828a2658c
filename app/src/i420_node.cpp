#include "i420_node.hpp"

#include <QQuickWindow>
#include <QSGMaterial>
#include <QSGMaterialShader>
#include <QSGTexture>
#include <QtGui/private/qrhi_p.h>
#include <array>
#include <cstring>
#include <functional>

namespace tc::app {

namespace {

struct RhiTextureDeleter {
    // The render thread may still draw with it this frame: released once the frame is done.
    void operator()(QRhiTexture* texture) const { texture->deleteLater(); }
};

// One plane as an R8 texture, uploaded from the node's planes when they change.
class PlaneTexture : public QSGTexture {
public:
    PlaneTexture() {
        setFiltering(QSGTexture::Linear);
        setHorizontalWrapMode(QSGTexture::ClampToEdge);
        setVerticalWrapMode(QSGTexture::ClampToEdge);
    }

    // `data` stays valid until the next call (the node keeps the planes).
    void setData(const std::uint8_t* data, int bytes, QSize size) {
        m_data = data;
        m_bytes = bytes;
        m_size = size;
        m_dirty = true;
    }

    qint64 comparisonKey() const override {
        return m_texture ? qint64(reinterpret_cast<quintptr>(m_texture.get()))
                         : qint64(reinterpret_cast<quintptr>(this));
    }
    QRhiTexture* rhiTexture() const override { return m_texture.get(); }
    QSize textureSize() const override { return m_size; }
    bool hasAlphaChannel() const override { return false; }
    bool hasMipmaps() const override { return false; }

    void commitTextureOperations(QRhi* rhi, QRhiResourceUpdateBatch* updates) override {
        if (!m_dirty || m_data == nullptr || m_size.isEmpty()) {
            return;
        }
        m_dirty = false;
        if (!m_texture || m_texture->pixelSize() != m_size) {
            m_texture.reset(rhi->newTexture(QRhiTexture::R8, m_size));
            if (!m_texture->create()) {
                m_texture.reset();
                return;
            }
        }
        // No copy: the upload is done by the end of this frame, before the node lets go.
        const QRhiTextureSubresourceUploadDescription plane(
            QByteArray::fromRawData(reinterpret_cast<const char*>(m_data), m_bytes));
        updates->uploadTexture(m_texture.get(), QRhiTextureUploadEntry(0, 0, plane));
    }

private:
    std::unique_ptr<QRhiTexture, RhiTextureDeleter> m_texture;
    const std::uint8_t* m_data = nullptr;
    int m_bytes = 0;
    QSize m_size;
    bool m_dirty = false;
};

// The uniform block of app/shaders/i420.vert and .frag (std140).
constexpr int kMatrixOffset = 0;
constexpr int kOpacityOffset = 64;
constexpr int kScalesOffset = 72; // lumaScale, chromaScale, chromaOffset: 3 vec2
constexpr int kUniformSize = 96;

} // namespace

class I420Material : public QSGMaterial {
public:
    QSGMaterialType* type() const override {
        static QSGMaterialType type;
        return &type;
    }
    QSGMaterialShader* createShader(QSGRendererInterface::RenderMode) const override;
    // Each picture is its own: never merged with another surface's.
    int compare(const QSGMaterial* other) const override {
        return std::less<const QSGMaterial*>()(this, other)   ? -1
               : std::less<const QSGMaterial*>()(other, this) ? 1
                                                              : 0;
    }

    void setPlanes(std::shared_ptr<const I420Planes> planes) {
        m_planes = std::move(planes);
        if (!m_planes) {
            return;
        }
        for (int p = 0; p < 3; ++p) {
            m_textures.at(static_cast<std::size_t>(p))
                .setData(m_planes->plane(p), m_planes->planeBytes(p), m_planes->planeSize(p));
        }
        // The picture's own samples inside the padded textures, and the chroma siting: chroma
        // sample i sits on luma column 2i, so luma position p (in pixels) reads chroma at p/2 +
        // 1/4 texel; vertically it sits between its two rows, at p/2.
        const auto width = static_cast<float>(m_planes->width());
        const auto height = static_cast<float>(m_planes->height());
        const QSize luma = m_planes->planeSize(0);
        const QSize chroma = m_planes->planeSize(1);
        m_scales = {width / static_cast<float>(luma.width()),
                    1.0f,
                    width / (2.0f * static_cast<float>(chroma.width())),
                    height / (2.0f * static_cast<float>(chroma.height())),
                    0.25f / static_cast<float>(chroma.width()),
                    0.0f};
    }

    PlaneTexture& texture(int plane) { return m_textures.at(static_cast<std::size_t>(plane)); }
    const std::array<float, 6>& scales() const { return m_scales; }

private:
    std::shared_ptr<const I420Planes> m_planes;
    std::array<PlaneTexture, 3> m_textures;
    std::array<float, 6> m_scales{1, 1, 1, 1, 0, 0};
};

namespace {

class I420Shader : public QSGMaterialShader {
public:
    I420Shader() {
        setShaderFileName(VertexStage, QStringLiteral(":/telecabine/shaders/i420.vert.qsb"));
        setShaderFileName(FragmentStage, QStringLiteral(":/telecabine/shaders/i420.frag.qsb"));
    }

    bool updateUniformData(RenderState& state, QSGMaterial* newMaterial, QSGMaterial*) override {
        QByteArray* buffer = state.uniformData();
        if (buffer->size() < kUniformSize) {
            return false;
        }
        char* data = buffer->data();
        if (state.isMatrixDirty()) {
            const QMatrix4x4 matrix = state.combinedMatrix();
            std::memcpy(data + kMatrixOffset, matrix.constData(), 64);
        }
        if (state.isOpacityDirty()) {
            const float opacity = state.opacity();
            std::memcpy(data + kOpacityOffset, &opacity, sizeof opacity);
        }
        const auto& scales = static_cast<I420Material*>(newMaterial)->scales();
        std::memcpy(data + kScalesOffset, scales.data(), sizeof(float) * scales.size());
        return true;
    }

    void updateSampledImage(RenderState& state, int binding, QSGTexture** texture,
                            QSGMaterial* newMaterial, QSGMaterial*) override {
        if (binding < 1 || binding > 3) {
            return;
        }
        PlaneTexture& plane = static_cast<I420Material*>(newMaterial)->texture(binding - 1);
        plane.commitTextureOperations(state.rhi(), state.resourceUpdateBatch());
        *texture = &plane;
    }
};

} // namespace

QSGMaterialShader* I420Material::createShader(QSGRendererInterface::RenderMode) const {
    return new I420Shader;
}

I420Node::I420Node()
    : m_geometry(QSGGeometry::defaultAttributes_TexturedPoint2D(), 4)
    , m_material(std::make_unique<I420Material>()) {
    setGeometry(&m_geometry);
    setMaterial(m_material.get());
}

I420Node::~I420Node() = default;

void I420Node::setPlanes(std::shared_ptr<const I420Planes> planes) {
    m_material->setPlanes(std::move(planes));
    markDirty(DirtyMaterial);
}

void I420Node::setRect(const QRectF& rect) {
    if (rect == m_rect) {
        return;
    }
    m_rect = rect;
    QSGGeometry::updateTexturedRectGeometry(&m_geometry, rect, QRectF(0, 0, 1, 1));
    markDirty(DirtyGeometry);
}

bool I420Node::supported(QQuickWindow& window) {
    auto* renderer = window.rendererInterface();
    if (renderer == nullptr || !QSGRendererInterface::isApiRhiBased(renderer->graphicsApi())) {
        return false;
    }
    auto* rhi =
        static_cast<QRhi*>(renderer->getResource(&window, QSGRendererInterface::RhiResource));
    return rhi != nullptr && rhi->isTextureFormatSupported(QRhiTexture::R8);
}

} // namespace tc::app
