#include "tc/prescriptions/qr_code.hpp"

#include "openssl_handles.hpp"

#include <QPainter>
#include <QPainterPath>
#include <nlohmann/json.hpp>
#include <qrencode.h>

namespace tc::prescriptions {
namespace {

bool validId(std::string_view id) noexcept {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (const char c : id) {
        if (c < 0x21 || c > 0x7E || c == '|') {
            return false;
        }
    }
    return true;
}

bool validDigest(std::string_view hex) noexcept {
    if (hex.size() != 64) {
        return false;
    }
    for (const char c : hex) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

} // namespace

QrPayload makeQrPayload(std::string prescriptionId, std::span<const std::byte> canonicalContent) {
    return {std::move(prescriptionId), detail::toHex(detail::sha256(canonicalContent))};
}

boost::system::result<std::string> formatQrPayload(const QrPayload& payload) {
    if (!validId(payload.prescriptionId) || !validDigest(payload.contentSha256Hex)) {
        return SignatureErrc::malformedQrPayload;
    }
    return std::string(kQrPayloadPrefix) + "|" + payload.prescriptionId + "|" +
           payload.contentSha256Hex;
}

boost::system::result<QrPayload> parseQrPayload(std::string_view text) {
    const auto first = text.find('|');
    const auto last = text.rfind('|');
    if (first == std::string_view::npos || first == last ||
        text.substr(0, first) != kQrPayloadPrefix) {
        return SignatureErrc::malformedQrPayload;
    }
    QrPayload payload{std::string(text.substr(first + 1, last - first - 1)),
                      std::string(text.substr(last + 1))};
    if (!validId(payload.prescriptionId) || !validDigest(payload.contentSha256Hex)) {
        return SignatureErrc::malformedQrPayload;
    }
    return payload;
}

boost::system::result<void> checkQrAgainstContent(const QrPayload& payload,
                                                  std::span<const std::byte> canonicalContent) {
    if (detail::toHex(detail::sha256(canonicalContent)) != payload.contentSha256Hex) {
        return SignatureErrc::qrDigestMismatch;
    }
    const std::string_view text = detail::asChars(canonicalContent);
    const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("id") ||
        !json["id"].is_string()) {
        return SignatureErrc::missingSignedContent;
    }
    if (json["id"].get<std::string>() != payload.prescriptionId) {
        return SignatureErrc::qrIdMismatch;
    }
    return {};
}

boost::system::result<QrMatrix> encodeQr(std::string_view text) {
    if (text.empty() || text.size() > 2000) {
        return SignatureErrc::qrEncodingFailed;
    }
    QRcode* code =
        QRcode_encodeData(static_cast<int>(text.size()),
                          reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M);
    if (code == nullptr) {
        return SignatureErrc::qrEncodingFailed;
    }
    QrMatrix matrix;
    matrix.size = code->width;
    const auto count =
        static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width);
    matrix.modules.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        matrix.modules[i] = (code->data[i] & 1) != 0;
    }
    QRcode_free(code);
    return matrix;
}

void paintQrCode(QPainter& painter, const QRectF& target, const QrMatrix& matrix) {
    if (matrix.size <= 0) {
        return;
    }
    const qreal side = std::min(target.width(), target.height());
    const qreal module = side / (matrix.size + 2 * kQrQuietZone);
    const QPointF origin = target.topLeft() + QPointF(kQrQuietZone * module, kQrQuietZone * module);
    QPainterPath path;
    path.setFillRule(Qt::WindingFill);
    for (int y = 0; y < matrix.size; ++y) {
        for (int x = 0; x < matrix.size;) {
            if (!matrix.dark(x, y)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < matrix.size && matrix.dark(x + run, y)) {
                ++run;
            }
            path.addRect(
                QRectF(origin.x() + x * module, origin.y() + y * module, run * module, module));
            x += run;
        }
    }
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(QRectF(target.topLeft(), QSizeF(side, side)), Qt::white);
    painter.fillPath(path, Qt::black);
    painter.restore();
}

} // namespace tc::prescriptions
