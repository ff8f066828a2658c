#pragma once
// The ordonnance's QR code: a short text naming the prescription and the SHA-256 of its
// canonical content, encoded with libqrencode and drawn with QPainter as vector modules.
//
// Payload text (version 1), all ASCII:
//     TCRX1|<prescription id>|<sha256 of the canonical JSON, 64 lowercase hex digits>
// The id is 1 to 128 printable ASCII characters (0x21..0x7E) other than '|'.

#include "tc/prescriptions/signature_errors.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

class QPainter;
class QRectF;

namespace tc::prescriptions {

struct QrPayload {
    std::string prescriptionId;
    std::string contentSha256Hex; // 64 lowercase hex digits
    bool operator==(const QrPayload&) const = default;
};

inline constexpr std::string_view kQrPayloadPrefix = "TCRX1";

// The payload for a prescription id and its canonical bytes.
QrPayload makeQrPayload(std::string prescriptionId, std::span<const std::byte> canonicalContent);
// Errors: malformedQrPayload (bad id or digest).
boost::system::result<std::string> formatQrPayload(const QrPayload& payload);
boost::system::result<QrPayload> parseQrPayload(std::string_view text);

// Check 3 of the verifier: the canonical content's SHA-256 is the payload's (qrDigestMismatch)
// and the content, a JSON object, has a string member "id" equal to the payload's id
// (qrIdMismatch; missingSignedContent when the content is not such an object).
boost::system::result<void> checkQrAgainstContent(const QrPayload& payload,
                                                  std::span<const std::byte> canonicalContent);

// A QR code symbol: size x size modules, row-major, true = dark.
struct QrMatrix {
    int size = 0;
    std::vector<bool> modules;
    bool dark(int x, int y) const { return modules[static_cast<std::size_t>(y * size + x)]; }
};

// 8-bit mode, error correction level M, smallest version that fits.
boost::system::result<QrMatrix> encodeQr(std::string_view text);

// Number of light modules around the symbol (ISO/IEC 18004 quiet zone).
inline constexpr int kQrQuietZone = 4;

// Paints `matrix` into the square of side min(width, height) at target's top-left, quiet zone
// included: a white square, then the dark modules as one filled path of axis-aligned
// rectangles (one per horizontal run), without antialiasing. Vector modules stay crisp at any
// printer or rasteriser resolution and cost a few hundred bytes in the PDF.
void paintQrCode(QPainter& painter, const QRectF& target, const QrMatrix& matrix);

} // namespace tc::prescriptions
