#include "tc/prescriptions/sample_document.hpp"

#include "tc/prescriptions/qr_code.hpp"

#include <QBuffer>
#include <QFont>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

namespace tc::prescriptions {

boost::system::result<std::vector<std::byte>> renderSampleDocument(const SampleDocument& document) {
    std::optional<QrMatrix> qr;
    if (!document.qrText.empty()) {
        auto matrix = encodeQr(document.qrText);
        if (!matrix) {
            return matrix.error();
        }
        qr = std::move(*matrix);
    }
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        constexpr int kDpi = 300;
        const auto mm = [](double v) {
            return v * kDpi / 25.4;
        };
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A5));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setResolution(kDpi);
        writer.setTitle(QString::fromStdString(document.title));
        writer.setCreator(QStringLiteral("telecabine"));
        QPainter painter;
        if (!painter.begin(&writer)) {
            return SignatureErrc::renderFailed;
        }
        QFont title(QStringLiteral("DejaVu Sans"));
        title.setPointSizeF(16);
        title.setBold(true);
        painter.setFont(title);
        painter.drawText(QPointF(mm(15), mm(25)), QString::fromStdString(document.title));
        QFont body(QStringLiteral("DejaVu Sans"));
        body.setPointSizeF(10);
        painter.setFont(body);
        double y = 40;
        for (const auto& line : document.lines) {
            painter.drawText(QPointF(mm(15), mm(y)), QString::fromStdString(line));
            y += 7;
        }
        if (qr) {
            const double side = document.qrSideMm;
            paintQrCode(painter,
                        QRectF(mm(148 - 10 - side), mm(210 - 10 - side), mm(side), mm(side)), *qr);
        }
        if (!painter.end()) {
            return SignatureErrc::renderFailed;
        }
    }
    const QByteArray& bytes = buffer.data();
    const auto* first = reinterpret_cast<const std::byte*>(bytes.constData());
    return std::vector<std::byte>(first, first + bytes.size());
}

} // namespace tc::prescriptions
