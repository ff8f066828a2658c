#include "tc/media/video_source.hpp"

#include "tc/errors/table_lookup.hpp"
#include "tc/media/video_frame_code.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace tc::media {
namespace {

struct Rgb {
    double r = 0;
    double g = 0;
    double b = 0;
};

struct Yuv {
    double y = 16;
    double u = 128;
    double v = 128;
};

constexpr Yuv kBlack{16, 128, 128};

// BT.709, limited range: what an HD camera delivers and what the caps say.
Yuv toYuv(Rgb c) {
    return {16 + (0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b) * 219.0 / 255.0,
            128 + (-0.1146 * c.r - 0.3854 * c.g + 0.5 * c.b) * 224.0 / 255.0,
            128 + (0.5 * c.r - 0.4542 * c.g - 0.0458 * c.b) * 224.0 / 255.0};
}

Rgb mix(Rgb a, Rgb b, double t) {
    return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

Rgb scaled(Rgb c, double k) {
    return {c.r * k, c.g * k, c.b * k};
}

std::uint8_t clampByte(double v) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

// clampByte without lround's cost, for the values a scene mixes (never exactly x.5 apart from
// chance, where the two may differ by one).
std::uint8_t toByte(double v) {
    return static_cast<std::uint8_t>(std::clamp(static_cast<int>(v + 0.5), 0, 255));
}

// splitmix64: the scene's parameters from the seed, the same on every machine.
class Random {
public:
    explicit Random(std::uint64_t seed)
        : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform(double low, double high) {
        return low + (high - low) * static_cast<double>(next() >> 11) / 9007199254740992.0;
    }

private:
    std::uint64_t m_state;
};

// Fixed per-pixel texture in [-1, 1] (skin pores, canal wall), from a hash of the position.
// Outside an instrument's circular field: the black around the image.
bool outside(const FieldOfView& field, double x, double y) {
    const double fx = x - field.centreX;
    const double fy = y - field.centreY;
    return fx * fx + fy * fy >= field.radius * field.radius;
}

double grain(int x, int y, std::uint64_t seed) {
    std::uint64_t h = seed ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) << 32) ^
                      static_cast<std::uint32_t>(y);
    h = (h ^ (h >> 33)) * 0xFF51AFD7ED558CCDULL;
    h = (h ^ (h >> 33)) * 0xC4CEB9FE1A85EC53ULL;
    return static_cast<double>((h >> 40) & 0xFFFF) / 32767.5 - 1.0;
}

// sin from a table: the skin's lines need one per pixel, std::sin costs a third of the frame.
double fastSin(double radians) {
    constexpr int kSize = 1024;
    static const auto table = [] {
        std::array<double, kSize> t{};
        for (int i = 0; i < kSize; ++i) {
            t[static_cast<std::size_t>(i)] = std::sin(2 * std::numbers::pi * i / kSize);
        }
        return t;
    }();
    const double turns = radians / (2 * std::numbers::pi);
    const auto index = static_cast<long>(std::floor((turns - std::floor(turns)) * kSize));
    return table[static_cast<std::size_t>(index) % kSize];
}

// 0 → 1 → 0 over each unit: positions that bounce between two walls.
double triangle(double v) {
    const double f = v - std::floor(v);
    return f < 0.5 ? 2 * f : 2 - 2 * f;
}

struct Shape {
    bool round = true;
    double size = 0; // diameter or side
    double phaseX = 0;
    double phaseY = 0;
    double speedX = 0; // wall-to-wall trips per second
    double speedY = 0;
    Rgb colour;
};

class SyntheticSource final : public VideoSource {
public:
    explicit SyntheticSource(const VideoSourceConfig& config)
        : m_config(config) {
        Random random(config.seed * 0x2545F4914F6CDD1DULL +
                      static_cast<std::uint64_t>(config.kind));
        const double side = std::min(config.width, config.height);
        for (auto& shape : m_shapes) {
            shape.round = random.next() % 2 == 0;
            shape.size = random.uniform(0.12, 0.25) * side;
            shape.phaseX = random.uniform(0, 1);
            shape.phaseY = random.uniform(0, 1);
            shape.speedX = random.uniform(0.08, 0.3);
            shape.speedY = random.uniform(0.08, 0.3);
            shape.colour = {random.uniform(40, 250), random.uniform(40, 250),
                            random.uniform(40, 250)};
        }
        m_backgroundA = {random.uniform(60, 120), random.uniform(80, 140),
                         random.uniform(120, 200)};
        m_backgroundB = {random.uniform(180, 230), random.uniform(160, 210),
                         random.uniform(120, 170)};
        m_phase = random.uniform(0, 2 * std::numbers::pi);
        m_field = fieldOfView(config.kind, config.width, config.height);
    }

    int width() const noexcept override { return m_config.width; }
    int height() const noexcept override { return m_config.height; }
    int fps() const noexcept override { return m_config.fps; }

    boost::system::result<VideoFrame> next(std::uint64_t captureUs) override {
        VideoFrame frame(m_config.width, m_config.height);
        const double t = static_cast<double>(m_counter) / m_config.fps;
        switch (m_config.kind) {
        case SceneKind::roomCamera: {
            renderRoom(frame.span(), roomAt(t));
            break;
        }
        case SceneKind::otoscope: {
            const Ear ear = earAt(t);
            render(frame.span(),
                   [&](double x, double y, int px, int py) { return ear.at(x, y, px, py); });
            break;
        }
        case SceneKind::dermatoscope: {
            const Skin skin = skinAt(t);
            render(frame.span(),
                   [&](double x, double y, int px, int py) { return skin.at(x, y, px, py); });
            break;
        }
        }
        static constexpr std::array<std::string_view, 3> prefixes{"ROOM", "OTO", "DERM"};
        if (const auto ec = stampFrame(frame.span(), {m_counter, captureUs},
                                       prefixes[static_cast<std::size_t>(m_config.kind)])) {
            return ec;
        }
        frame.captureUs = captureUs;
        ++m_counter;
        return frame;
    }

private:
    // Luma from the scene at each pixel's centre, chroma at the centre of each 2×2 block.
    template <typename Shade> void render(I420Span f, Shade shade) {
        for (int y = 0; y < f.height; ++y) {
            std::uint8_t* row = f.planes[0] + static_cast<std::ptrdiff_t>(y) * f.strides[0];
            for (int x = 0; x < f.width; ++x) {
                row[x] = clampByte(shade(x + 0.5, y + 0.5, x, y).y);
            }
        }
        for (int y = 0; y < f.chromaHeight(); ++y) {
            std::uint8_t* u = f.planes[1] + static_cast<std::ptrdiff_t>(y) * f.strides[1];
            std::uint8_t* v = f.planes[2] + static_cast<std::ptrdiff_t>(y) * f.strides[2];
            for (int x = 0; x < f.chromaWidth(); ++x) {
                const Yuv c = shade(2.0 * x + 1.0, 2.0 * y + 1.0, 2 * x, 2 * y);
                u[x] = clampByte(c.u);
                v[x] = clampByte(c.v);
            }
        }
    }

    // Each scene at time t: what moves is worked out once per frame, so that a pixel costs a
    // few multiplications (a 720p frame renders in milliseconds).
    struct Placed {
        bool round;
        double cx;
        double cy;
        double half;
        Yuv colour;
    };

    struct Room {
        double gx;
        double gy;
        double offset;
        Yuv a;
        Yuv b;
        std::array<Placed, 4> shapes;

        // A pixel centred at (x, y) takes the colour of the last shape covering it, else the
        // gradient's: a + (b - a) * triangle(gx * x + gy * y + offset), per channel.
    };

    Room roomAt(double t) const {
        const double w = m_config.width;
        const double h = m_config.height;
        // A diagonal gradient sliding across the frame: every macroblock changes every frame.
        Room room{0.6 / (1.5 * w),      0.4 / (1.5 * w),      0.15 * t + m_phase,
                  toYuv(m_backgroundA), toYuv(m_backgroundB), {}};
        for (std::size_t i = 0; i < m_shapes.size(); ++i) {
            const Shape& s = m_shapes[i];
            room.shapes[i] = {s.round,
                              triangle(s.phaseX + s.speedX * t) * (w - s.size) + s.size / 2,
                              triangle(s.phaseY + s.speedY * t) * (h - s.size) + s.size / 2,
                              s.size / 2, toYuv(s.colour)};
        }
        return room;
    }

    // The room scene by spans: the gradient advances by one step per pixel along a row and each
    // shape covers one run of a row, so the camera that streams all consultation long costs a
    // few milliseconds a frame.
    static void renderRoomPlane(std::uint8_t* plane, int stride, int width, int height,
                                double scale, const Room& room, double Yuv::*channel) {
        const double base = room.a.*channel;
        const double span = room.b.*channel - base;
        for (int y = 0; y < height; ++y) {
            std::uint8_t* row = plane + static_cast<std::ptrdiff_t>(y) * stride;
            const double cy = scale * (y + 0.5);
            double g = room.gx * scale * 0.5 + room.gy * cy + room.offset;
            const double step = room.gx * scale;
            for (int x = 0; x < width; ++x, g += step) {
                row[x] = toByte(base + span * triangle(g));
            }
            for (const auto& s : room.shapes) {
                const double dy = cy - s.cy;
                double reach = 0; // |x - cx| must be under this, in frame pixels
                if (s.round) {
                    if (dy * dy >= s.half * s.half) {
                        continue;
                    }
                    reach = std::sqrt(s.half * s.half - dy * dy);
                } else {
                    if (std::abs(dy) >= s.half) {
                        continue;
                    }
                    reach = s.half;
                }
                // Centres scale * (x + 0.5) strictly inside (cx - reach, cx + reach).
                const int first =
                    std::max(0, static_cast<int>(std::floor((s.cx - reach) / scale - 0.5)) + 1);
                const int last = std::min(
                    width - 1, static_cast<int>(std::ceil((s.cx + reach) / scale - 0.5)) - 1);
                if (first <= last) {
                    std::fill(row + first, row + last + 1, toByte(s.colour.*channel));
                }
            }
        }
    }

    static void renderRoom(I420Span f, const Room& room) {
        renderRoomPlane(f.planes[0], f.strides[0], f.width, f.height, 1.0, room, &Yuv::y);
        renderRoomPlane(f.planes[1], f.strides[1], f.chromaWidth(), f.chromaHeight(), 2.0, room,
                        &Yuv::u);
        renderRoomPlane(f.planes[2], f.strides[2], f.chromaWidth(), f.chromaHeight(), 2.0, room,
                        &Yuv::v);
    }

    struct Ear {
        FieldOfView field;
        double cx;
        double cy;
        double light;
        std::uint64_t seed;

        Yuv at(double x, double y, int px, int py) const {
            if (outside(field, x, y)) {
                return kBlack;
            }
            const double r = field.radius;
            const double d = std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) / r;
            // Canal wall: pink, darker deeper in the canal, lit from the speculum's rim.
            Rgb colour = scaled(Rgb{225, 120, 125}, 0.45 + 0.55 * std::min(1.0, d * 1.4));
            // Eardrum: a pearly ellipse at the bottom of the canal.
            const double ex = (x - cx) / (0.42 * r);
            const double ey = (y - cy) / (0.36 * r);
            const double drum = ex * ex + ey * ey;
            if (drum < 1) {
                colour = mix(Rgb{205, 175, 175}, Rgb{170, 120, 125}, drum);
                // The cone of light, antero-inferior.
                const double lx = (x - cx - 0.16 * r) / (0.12 * r);
                const double ly = (y - cy - 0.14 * r) / (0.05 * r);
                if (lx * lx + ly * ly < 1) {
                    colour = mix(colour, Rgb{255, 245, 235}, light);
                }
            }
            return toYuv(scaled(colour, 1.0 + 0.04 * grain(px, py, seed)));
        }
    };

    Ear earAt(double t) const {
        const FieldOfView& f = *m_field;
        // The speculum trembles in the operator's hand: a few pixels of slow drift, and the
        // light source pulses a little.
        return {f, f.centreX + 0.04 * f.radius * std::sin(1.3 * t + m_phase),
                f.centreY + 0.03 * f.radius * std::cos(0.9 * t + m_phase),
                0.75 + 0.2 * std::sin(4 * t), m_config.seed};
    }

    struct Skin {
        FieldOfView field;
        double lesionX;
        double lesionY;
        double turn;
        double phase;
        std::uint64_t seed;

        Yuv at(double x, double y, int px, int py) const {
            if (outside(field, x, y)) {
                return kBlack;
            }
            // Skin lines and pores.
            const double lines = 0.03 * fastSin((x + 0.6 * y) / 9.0 + phase);
            Rgb colour = scaled(Rgb{228, 178, 148}, 1.0 + lines + 0.05 * grain(px, py, seed));
            const double dx = x - lesionX;
            const double dy = y - lesionY;
            const double base = 0.28 * field.radius;
            const double d2 = dx * dx + dy * dy;
            if (d2 < 1.69 * base * base) {
                // An irregular border: the radius varies with the angle, slowly turning.
                const double angle = std::atan2(dy, dx);
                const double edge = base * (1 + 0.14 * std::sin(3 * angle + turn) +
                                            0.07 * std::sin(5 * angle + 2 * phase));
                const double d = std::sqrt(d2);
                if (d < edge) {
                    const double k = d / edge;
                    colour = mix(Rgb{95, 55, 40}, Rgb{160, 105, 80}, k * k);
                    colour = scaled(colour, 1.0 + 0.08 * grain(px / 3, py / 3, seed + 7));
                }
            }
            return toYuv(colour);
        }
    };

    Skin skinAt(double t) const {
        const FieldOfView& f = *m_field;
        return {f,
                f.centreX + 0.12 * f.radius * std::sin(0.5 * t + m_phase),
                f.centreY + 0.10 * f.radius * std::sin(0.37 * t),
                m_phase + 0.2 * t,
                m_phase,
                m_config.seed};
    }

    VideoSourceConfig m_config;
    std::uint32_t m_counter = 0;
    std::array<Shape, 4> m_shapes;
    Rgb m_backgroundA;
    Rgb m_backgroundB;
    double m_phase = 0;
    std::optional<FieldOfView> m_field;
};

} // namespace

std::string_view sceneName(SceneKind kind) noexcept {
    static constexpr errors::EnumNames<SceneKind::dermatoscope> names{
        {"room-camera", "otoscope", "dermatoscope"}};
    return names(kind, "unknown");
}

std::optional<FieldOfView> fieldOfView(SceneKind kind, int width, int height) {
    const double side = std::min(width, height);
    switch (kind) {
    case SceneKind::roomCamera:
        return std::nullopt;
    case SceneKind::otoscope:
        return FieldOfView{width / 2.0, height / 2.0, 0.45 * side};
    case SceneKind::dermatoscope:
        return FieldOfView{width / 2.0, height / 2.0, 0.47 * side};
    }
    return std::nullopt;
}

boost::system::result<std::unique_ptr<VideoSource>>
VideoSource::synthetic(const VideoSourceConfig& config) {
    if (config.width % 2 != 0 || config.height % 2 != 0 || config.fps <= 0 ||
        frameCodeRect(config.width, config.height).empty()) {
        return make_error_code(VideoErrc::badFrame);
    }
    return std::unique_ptr<VideoSource>(new SyntheticSource(config));
}

} // namespace tc::media
