#version 440
// The video surface's I420 picture (i420_node.hpp): texture coordinates over the picture, to
// the padded luma plane and to the chroma planes with their siting.
layout(location = 0) in vec4 vertexCoord;
layout(location = 1) in vec2 textureCoord;
layout(location = 0) out vec2 lumaCoord;
layout(location = 1) out vec2 chromaCoord;

layout(std140, binding = 0) uniform buf {
    mat4 matrix;
    float opacity;
    vec2 lumaScale;
    vec2 chromaScale;
    vec2 chromaOffset;
} ubuf;

out gl_PerVertex { vec4 gl_Position; };

void main() {
    lumaCoord = textureCoord * ubuf.lumaScale;
    chromaCoord = textureCoord * ubuf.chromaScale + ubuf.chromaOffset;
    gl_Position = ubuf.matrix * vertexCoord;
}
