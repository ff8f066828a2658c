// The ordonnance's page layout, painted by the same code into a QPdfWriter (the issued PDF) and
// a QImage (the editor's preview). Coordinates are dots at 300 dpi; the preview scales them.
#include "page_painting.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/prescription_text.hpp"
#include "tc/prescriptions/qr_code.hpp"

#include <QFontMetricsF>
#include <QPageSize>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace tc::prescriptions {
namespace {

using detail::Fonts;
using detail::mm;
using detail::q;
using detail::Style;

// From the bottom of the last line's text to the top of the signature block's text, a rule in
// the middle.
constexpr double kSignatureGap = mm(1.6);

struct TextLine {
    QString text;
    Style style = Style::body;
    double indent = 0;
};

struct Layout {
    QSizeF page;
    double left = 0, right = 0;
    std::vector<detail::Placed> header; // every page: prescriber, date, patient
    double ruleY[2] = {0, 0};           // the rules under the prescriber and the patient
    std::vector<std::vector<detail::Placed>> pages;
    std::vector<double> bodyEnd; // per page: the bottom of its last body line
    double strikeBottom = 0;     // where the stroke through a page's unused foot ends
    int signaturePage = 0;
    double signatureTop = 0;
    double footerBaseline = 0;
};

QString countryName(const std::string& code) {
    static const std::pair<const char*, const char*> kNames[] = {
        {"FR", "France"},      {"BE", "Belgique"},  {"CH", "Suisse"},  {"LU", "Luxembourg"},
        {"MC", "Monaco"},      {"DE", "Allemagne"}, {"ES", "Espagne"}, {"IT", "Italie"},
        {"GB", "Royaume-Uni"}, {"AD", "Andorre"}};
    for (const auto& [c, name] : kNames) {
        if (code == c) {
            return QString::fromUtf8(name);
        }
    }
    return q(code);
}

// "+33123456789" as "+33 1 23 45 67 89"; other numbers as typed.
QString phoneText(const std::string& e164) {
    if (e164.size() == 12 && e164.starts_with("+33")) {
        QString out = QStringLiteral("+33 ") + QChar(e164[3]);
        for (std::size_t i = 4; i < 12; i += 2) {
            out += u' ' + q(std::string_view(e164).substr(i, 2));
        }
        return out;
    }
    return q(e164);
}

QString doctorName(const Prescriber& p) {
    return detail::doctorDisplayName(p.givenName, p.familyName);
}

std::vector<TextLine> headerLines(const Prescription& p) {
    const auto& d = p.prescriber;
    std::vector<TextLine> lines{{doctorName(d), Style::name}};
    lines.push_back({q(d.qualification)});
    lines.push_back({QStringLiteral("N° RPPS : ") + q(d.rpps)});
    for (const auto& l : d.address.lines) {
        lines.push_back({q(l)});
    }
    lines.push_back({(q(d.address.postalCode) + u' ' + q(d.address.city)).trimmed()});
    lines.push_back({countryName(d.address.country)});
    lines.push_back({QStringLiteral("Tél. : ") + phoneText(d.telephone)});
    lines.push_back({QStringLiteral("Courriel : ") + q(d.email)});
    return lines;
}

std::vector<TextLine> patientLines(const Prescription& p) {
    const auto& pt = p.patient;
    QString name = QStringLiteral("Patient : ") + q(pt.familyName).toUpper();
    if (!pt.givenName.empty()) {
        name += u' ' + q(pt.givenName);
    }
    std::vector<TextLine> lines{{name, Style::bold}};
    lines.push_back({detail::sexAndBirthText(pt.sex, pt.birthDate, p.date)});
    QStringList measures;
    if (pt.weightKg) {
        measures << QStringLiteral("Poids : ") + q(frenchNumber(*pt.weightKg)) +
                        QStringLiteral(" kg");
    }
    if (pt.heightCm) {
        measures << QStringLiteral("Taille : ") + q(frenchNumber(*pt.heightCm)) +
                        QStringLiteral(" cm");
    }
    if (!measures.isEmpty()) {
        lines.push_back({measures.join(QStringLiteral(" — "))});
    }
    return lines;
}

// One printed item per line of the prescription, wrapped to `width`.
std::vector<TextLine> itemLines(const Fonts& fonts, const Line& line, int number, double width) {
    std::vector<std::pair<QString, Style>> parts;
    if (const auto* m = std::get_if<MedicationLine>(&line)) {
        parts.emplace_back(QString::number(number) + QStringLiteral(". ") + q(medicationTextFr(*m)),
                           Style::bold);
        QString dosage = q(dosageTextFr(m->dosage));
        if (m->route) {
            dosage += QStringLiteral(", ") + q(labelFr(*m->route));
        }
        parts.emplace_back(dosage, Style::body);
        if (m->dispense.quantity) {
            parts.emplace_back(
                QStringLiteral("Quantité à délivrer : ") +
                    q(strengthTextFr(Strength{{*m->dispense.quantity}, std::nullopt})),
                Style::body);
        }
        if (m->dispense.packs) {
            const int n = *m->dispense.packs;
            parts.emplace_back(
                QStringLiteral("Quantité à délivrer : %1 %2")
                    .arg(n)
                    .arg(n >= 2 ? QStringLiteral("boîtes") : QStringLiteral("boîte")),
                Style::body);
        }
        parts.emplace_back(q(renewalTextFr(m->renewals)), Style::body);
        if (m->nonSubstitutable) {
            parts.emplace_back(
                QStringLiteral("non substituable") +
                    (m->nonSubstitutionReason
                         ? QStringLiteral(" (") + q(wireName(*m->nonSubstitutionReason)) + u')'
                         : QString()),
                Style::bold);
        }
        if (!m->instructions.empty()) {
            parts.emplace_back(q(m->instructions), Style::body);
        }
    } else {
        const auto& n = std::get<NonDrugLine>(line);
        QString kind = q(labelFr(n.kind));
        kind[0] = kind[0].toUpper();
        if (n.kind == NonDrugKind::referral && !n.specialty.empty()) {
            kind += QStringLiteral(" (") + q(n.specialty) + u')';
        }
        parts.emplace_back(QString::number(number) + QStringLiteral(". ") + kind +
                               QStringLiteral(" : ") + q(n.text),
                           Style::bold);
    }
    const double indent = mm(5);
    std::vector<TextLine> out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        // The first part is the heading; its continuation lines and the details are indented.
        const auto wrapped = detail::wrap(fonts, parts[i].second, parts[i].first, width - indent);
        for (std::size_t j = 0; j < wrapped.size(); ++j) {
            out.push_back({wrapped[j], parts[i].second, i == 0 && j == 0 ? 0 : indent});
        }
    }
    return out;
}

Layout layOut(const Prescription& p, const OrdonnanceOptions& options, const Fonts& fonts) {
    Layout layout;
    const bool a4 = options.paper == PaperSize::a4;
    layout.page = a4 ? QSizeF(mm(210), mm(297)) : QSizeF(mm(148), mm(210));
    const double margin = mm(a4 ? 18 : 12);
    layout.left = margin;
    layout.right = layout.page.width() - margin;
    const double width = layout.right - layout.left;

    // Prescriber (left) and the place and date (right).
    double y = margin;
    for (const auto& line : headerLines(p)) {
        layout.header.push_back({line.text, line.style, layout.left, y + fonts.ascent(line.style)});
        y += fonts.lineHeight(line.style);
    }
    const QString place =
        p.prescriber.address.city.empty()
            ? QStringLiteral("Le ") + detail::longDate(p.date)
            : q(p.prescriber.address.city) + QStringLiteral(", le ") + detail::longDate(p.date);
    layout.header.push_back(
        {place, Style::body, layout.right, margin + fonts.ascent(Style::name), true});
    y += mm(2);
    layout.ruleY[0] = y;
    y += mm(2.5);
    for (const auto& line : patientLines(p)) {
        layout.header.push_back({line.text, line.style, layout.left, y + fonts.ascent(line.style)});
        y += fonts.lineHeight(line.style);
    }
    y += mm(1.5);
    layout.ruleY[1] = y;
    const double bodyTop = y + mm(4);
    layout.footerBaseline = layout.page.height() - margin + fonts.ascent(Style::small);
    const double bodyBottom = layout.page.height() - margin - mm(2);

    // Medication lines first, in order, then the non-drug lines.
    std::vector<const Line*> ordered;
    for (const auto& line : p.lines) {
        if (std::holds_alternative<MedicationLine>(line)) {
            ordered.push_back(&line);
        }
    }
    for (const auto& line : p.lines) {
        if (std::holds_alternative<NonDrugLine>(line)) {
            ordered.push_back(&line);
        }
    }
    // R5132-4: the signature block starts right under the last line (its text box), with no room
    // for a line between them.
    const double signatureGap = kSignatureGap;
    const double sigText = fonts.lineHeight(Style::bold) + 2 * fonts.lineHeight(Style::body);
    const double qrSide = mm(35);
    const double signatureHeight =
        signatureGap + std::max(sigText, qrSide + mm(1) + fonts.lineHeight(Style::small));
    layout.strikeBottom = layout.page.height() - margin - mm(1);

    const auto newPage = [&] {
        layout.pages.emplace_back();
        layout.bodyEnd.push_back(bodyTop);
        y = bodyTop;
    };
    newPage();
    const double itemGap = mm(2.5);
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        const auto lines = itemLines(fonts, *ordered[i], static_cast<int>(i) + 1, width);
        double height = 0;
        for (const auto& l : lines) {
            height += fonts.lineHeight(l.style);
        }
        const bool last = i + 1 == ordered.size();
        if (i > 0) {
            y += itemGap;
        }
        const double needed = height + (last ? signatureHeight : 0);
        const bool fitsAlone = bodyTop + needed <= bodyBottom;
        // Keep an item on one page, and the last item with the signature block (R5132-4).
        if (y + needed > bodyBottom && y > bodyTop && fitsAlone) {
            newPage();
        }
        for (std::size_t k = 0; k < lines.size(); ++k) {
            const auto& l = lines[k];
            const double h = fonts.lineHeight(l.style);
            // An item taller than a page is cut; its last line still goes with the block, never
            // the block alone at the top of a page.
            const bool withBlock = last && k + 1 == lines.size();
            if (y > bodyTop && y + h + (withBlock ? signatureHeight : 0) > bodyBottom) {
                newPage();
            }
            layout.pages.back().push_back(
                {l.text, l.style, layout.left + l.indent, y + fonts.ascent(l.style)});
            y += h;
            layout.bodyEnd.back() = y;
        }
    }
    if (y + signatureHeight > bodyBottom && y > bodyTop) {
        newPage(); // not reached: the last line is kept with the block
    }
    layout.signaturePage = static_cast<int>(layout.pages.size()) - 1;
    layout.signatureTop = y + signatureGap;
    return layout;
}

struct Signature {
    QString signer;
    QString when; // empty: draft
    const QrMatrix* qr = nullptr;
    QString id;
};

void paintPage(QPainter& painter, const Layout& layout, const Fonts& fonts, int index,
               const Signature& signature) {
    painter.setPen(Qt::black);
    detail::drawPlacedLines(painter, fonts, layout.header);
    painter.setPen(QPen(Qt::black, mm(0.25)));
    for (const double r : layout.ruleY) {
        painter.drawLine(QPointF(layout.left, r), QPointF(layout.right, r));
    }
    detail::drawPlacedLines(painter, fonts, layout.pages[static_cast<std::size_t>(index)]);
    if (index != layout.signaturePage) {
        // The page continues on the next one: its unused foot is hatched, 45° strokes 5 mm
        // apart, so that nothing can be added before the signature (R5132-4).
        const double from = layout.bodyEnd[static_cast<std::size_t>(index)] + mm(1);
        const double to = layout.strikeBottom;
        if (to - from > mm(2)) {
            painter.save();
            painter.setClipRect(QRectF(QPointF(layout.left, from), QPointF(layout.right, to)));
            painter.setPen(QPen(Qt::black, mm(0.2)));
            for (double x = layout.left - (to - from); x < layout.right; x += mm(5)) {
                painter.drawLine(QPointF(x, to), QPointF(x + (to - from), from));
            }
            painter.restore();
        }
    }
    if (index == layout.signaturePage) {
        const double top = layout.signatureTop;
        const double side = mm(35);
        const QRectF qrRect(layout.right - side, top, side, side);
        // A rule closes the list: the block is not read as one more line.
        painter.setPen(QPen(Qt::black, mm(0.25)));
        painter.drawLine(QPointF(layout.left, top - kSignatureGap / 2),
                         QPointF(layout.right, top - kSignatureGap / 2));
        double y = top;
        detail::drawPlaced(
            painter, fonts,
            {signature.signer, Style::bold, layout.left, y + fonts.ascent(Style::bold)});
        y += fonts.lineHeight(Style::bold);
        if (signature.when.isEmpty()) {
            detail::drawPlaced(painter, fonts,
                               {QStringLiteral("Non signé (brouillon)"), Style::body, layout.left,
                                y + fonts.ascent(Style::body)});
        } else {
            detail::drawPlaced(painter, fonts,
                               {QStringLiteral("Signé électroniquement (PAdES)"), Style::body,
                                layout.left, y + fonts.ascent(Style::body)});
            y += fonts.lineHeight(Style::body);
            detail::drawPlaced(
                painter, fonts,
                {signature.when, Style::body, layout.left, y + fonts.ascent(Style::body)});
        }
        if (signature.qr != nullptr) {
            paintQrCode(painter, qrRect, *signature.qr);
        } else {
            painter.save();
            painter.setPen(QPen(Qt::gray, mm(0.3), Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(qrRect.adjusted(mm(3), mm(3), -mm(3), -mm(3)));
            painter.setFont(fonts[Style::small]);
            painter.drawText(qrRect, Qt::AlignCenter, QStringLiteral("brouillon"));
            painter.restore();
        }
        detail::drawPlaced(painter, fonts,
                           {QStringLiteral("N° ") + signature.id, Style::small, layout.right,
                            top + side + mm(1) + fonts.ascent(Style::small), true});
    }
    detail::drawPageFooter(painter, fonts, layout.page.width(), layout.footerBaseline,
                           QStringLiteral("Ordonnance"), signature.id, index, layout.pages.size());
}

} // namespace

int ordonnancePageCount(const Prescription& prescription, const OrdonnanceOptions& options) {
    const Fonts fonts;
    return static_cast<int>(layOut(prescription, options, fonts).pages.size());
}

boost::system::result<std::vector<std::byte>>
renderOrdonnancePdf(const SealedPrescription& sealed,
                    std::chrono::system_clock::time_point signingTime,
                    const OrdonnanceOptions& options) {
    const auto& p = sealed.prescription();
    const auto& canonical = sealed.canonicalJson();
    const auto payload = makeQrPayload(
        p.id.toString(),
        std::span(reinterpret_cast<const std::byte*>(canonical.data()), canonical.size()));
    auto text = formatQrPayload(payload);
    if (!text) {
        return text.error();
    }
    auto qr = encodeQr(*text);
    if (!qr) {
        return qr.error();
    }
    const Fonts fonts;
    const Layout layout = layOut(p, options, fonts);
    const Signature signature{doctorName(p.prescriber), detail::signingTimeText(signingTime), &*qr,
                              detail::idText(p.id)};

    return detail::renderPdfPages(
        options.paper == PaperSize::a4 ? QPageSize::A4 : QPageSize::A5,
        QStringLiteral("Ordonnance ") + signature.id, static_cast<int>(layout.pages.size()),
        [&](QPainter& painter, int index) { paintPage(painter, layout, fonts, index, signature); });
}

QImage renderOrdonnancePreview(const Prescription& prescription, int pageIndex, int dpi,
                               const OrdonnanceOptions& options) {
    const Fonts fonts;
    const Layout layout = layOut(prescription, options, fonts);
    if (pageIndex < 0 || pageIndex >= static_cast<int>(layout.pages.size())) {
        return {};
    }
    const Signature signature{
        doctorName(prescription.prescriber), {}, nullptr, detail::idText(prescription.id)};
    return detail::renderPreviewImage(layout.page, dpi, fonts, [&](QPainter& painter) {
        paintPage(painter, layout, fonts, pageIndex, signature);
    });
}

} // namespace tc::prescriptions
