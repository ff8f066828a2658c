#version 440
// I420 planes (single-channel textures) → RGB: BT.709, limited range (Y 16-235, U V 16-240),
// the same matrix as imageFromI420 on the CPU (i420_image.cpp).
layout(location = 0) in vec2 lumaCoord;
layout(location = 1) in vec2 chromaCoord;
layout(location = 0) out vec4 fragColor;

layout(std140, binding = 0) uniform buf {
    mat4 matrix;
    float opacity;
    vec2 lumaScale;
    vec2 chromaScale;
    vec2 chromaOffset;
} ubuf;

layout(binding = 1) uniform sampler2D yPlane;
layout(binding = 2) uniform sampler2D uPlane;
layout(binding = 3) uniform sampler2D vPlane;

void main() {
    float y = 1.164384 * (texture(yPlane, lumaCoord).r - 16.0 / 255.0);
    float u = texture(uPlane, chromaCoord).r - 128.0 / 255.0;
    float v = texture(vPlane, chromaCoord).r - 128.0 / 255.0;
    vec3 rgb = vec3(y + 1.792741 * v, y - 0.213249 * u - 0.532909 * v, y + 2.112402 * u);
    // Opaque; premultiplied by the item's opacity, as the scene graph blends.
    fragColor = vec4(clamp(rgb, 0.0, 1.0), 1.0) * ubuf.opacity;
}
