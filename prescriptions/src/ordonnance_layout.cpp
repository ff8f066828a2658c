// The ordonnance's page layout, painted by the same code into a QPdfWriter (the issued PDF) and
// a QImage (the editor's preview). Coordinates are dots at 300 dpi; the preview scales them.
#include "ordonnance_fonts.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/prescription_text.hpp"
#include "tc/prescriptions/qr_code.hpp"

#include <QBuffer>
#include <QDateTime>
#include <QFont>
#include <QFontMetricsF>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTimeZone>
#include <algorithm>
#include <cmath>

namespace tc::prescriptions {
namespace {

constexpr double kDpi = 300;
constexpr double mm(double v) {
    return v * kDpi / 25.4;
}
// From the bottom of the last line's text to the top of the signature block's text, a rule in
// the middle.
constexpr double kSignatureGap = mm(1.6);

enum class Style { body, bold, small, name, watermark };

QFont font(Style style) {
    const auto pixels = [](double points) {
        return static_cast<int>(std::lround(points * kDpi / 72));
    };
    QFont f(detail::ordonnanceFontFamily());
    f.setHintingPreference(QFont::PreferNoHinting);
    switch (style) {
    case Style::body:
        f.setPixelSize(pixels(9));
        break;
    case Style::bold:
        f.setPixelSize(pixels(9));
        f.setBold(true);
        break;
    case Style::small:
        f.setPixelSize(pixels(7));
        break;
    case Style::name:
        f.setPixelSize(pixels(11));
        f.setBold(true);
        break;
    case Style::watermark:
        f.setPixelSize(pixels(34));
        f.setBold(true);
        break;
    }
    return f;
}

struct Fonts {
    QFont faces[5] = {font(Style::body), font(Style::bold), font(Style::small), font(Style::name),
                      font(Style::watermark)};
    const QFont& operator[](Style s) const { return faces[static_cast<int>(s)]; }
    double lineHeight(Style s) const { return QFontMetricsF((*this)[s]).lineSpacing(); }
    double ascent(Style s) const { return QFontMetricsF((*this)[s]).ascent(); }
    double width(Style s, const QString& t) const {
        return QFontMetricsF((*this)[s]).horizontalAdvance(t);
    }
};

// One line of text at its place: x is the left edge, or the right edge when rightAligned.
struct Placed {
    QString text;
    Style style = Style::body;
    double x = 0;
    double baseline = 0;
    bool rightAligned = false;
};

struct TextLine {
    QString text;
    Style style = Style::body;
    double indent = 0;
};

struct Layout {
    QSizeF page;
    double left = 0, right = 0;
    std::vector<Placed> header; // every page: prescriber, date, patient
    double ruleY[2] = {0, 0};   // the rules under the prescriber and the patient
    std::vector<std::vector<Placed>> pages;
    std::vector<double> bodyEnd; // per page: the bottom of its last body line
    double strikeBottom = 0;     // where the stroke through a page's unused foot ends
    int signaturePage = 0;
    double signatureTop = 0;
    double footerBaseline = 0;
};

// Text drawn word by word, the spaces left out. QPdfWriter's ToUnicode map gives the space glyph
// the first code point that the font engine maps to it, and Qt's FreeType engine maps U+0009
// (which DejaVu Sans lacks) to the space glyph: a drawn space reads back as a tab in every
// extractor that trusts the map (copy and paste, screen readers). Without a space glyph, readers
// infer the spaces from the gaps between words, as they do for any positioned text.
void drawWords(QPainter& painter, const QFont& font, QPointF origin, const QString& text) {
    painter.setFont(font);
    const QFontMetricsF metrics(font);
    qsizetype start = 0;
    while (start < text.size()) {
        if (text[start].isSpace()) {
            ++start;
            continue;
        }
        qsizetype end = start;
        while (end < text.size() && !text[end].isSpace()) {
            ++end;
        }
        const double x = origin.x() + metrics.horizontalAdvance(text.left(start));
        painter.drawText(QPointF(x, origin.y()), text.mid(start, end - start));
        start = end;
    }
}

QString q(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// Greedy word wrap; a word wider than the line is cut between characters.
std::vector<QString> wrap(const Fonts& fonts, Style style, const QString& text, double width) {
    std::vector<QString> out;
    QString line;
    for (const QString& word : text.split(u' ', Qt::SkipEmptyParts)) {
        QString candidate = line.isEmpty() ? word : line + u' ' + word;
        if (fonts.width(style, candidate) <= width) {
            line = candidate;
            continue;
        }
        if (!line.isEmpty()) {
            out.push_back(line);
        }
        line = word;
        while (fonts.width(style, line) > width && line.size() > 1) {
            qsizetype cut = line.size() - 1;
            while (cut > 1 && fonts.width(style, line.left(cut)) > width) {
                --cut;
            }
            out.push_back(line.left(cut));
            line = line.mid(cut);
        }
    }
    if (!line.isEmpty() || out.empty()) {
        out.push_back(line);
    }
    return out;
}

const char* const kMonths[] = {"janvier",   "février", "mars",     "avril",
                               "mai",       "juin",    "juillet",  "août",
                               "septembre", "octobre", "novembre", "décembre"};

QString longDate(std::chrono::year_month_day d) {
    if (!d.ok()) {
        return QStringLiteral("(date à renseigner)");
    }
    const unsigned day = static_cast<unsigned>(d.day());
    return (day == 1 ? QStringLiteral("1er") : QString::number(day)) + u' ' +
           QString::fromUtf8(kMonths[static_cast<unsigned>(d.month()) - 1]) + u' ' +
           QString::number(static_cast<int>(d.year()));
}

QString shortDate(std::chrono::year_month_day d) {
    if (!d.ok()) {
        return QStringLiteral("—");
    }
    return QStringLiteral("%1/%2/%3")
        .arg(static_cast<unsigned>(d.day()), 2, 10, QLatin1Char('0'))
        .arg(static_cast<unsigned>(d.month()), 2, 10, QLatin1Char('0'))
        .arg(static_cast<int>(d.year()), 4, 10, QLatin1Char('0'));
}

QString ageText(std::chrono::year_month_day birth, std::chrono::year_month_day on) {
    if (!birth.ok() || !on.ok()) {
        return {};
    }
    const int years = ageInYears(birth, on);
    if (years < 0) {
        return {};
    }
    if (years >= 2) {
        return QStringLiteral(" (%1 ans)").arg(years);
    }
    int months = (static_cast<int>(on.year()) - static_cast<int>(birth.year())) * 12 +
                 static_cast<int>(static_cast<unsigned>(on.month())) -
                 static_cast<int>(static_cast<unsigned>(birth.month()));
    if (on.day() < birth.day()) {
        --months;
    }
    return QStringLiteral(" (%1 mois)").arg(std::max(months, 0));
}

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
    QString name = QStringLiteral("Dr");
    if (!p.givenName.empty()) {
        name += u' ' + q(p.givenName);
    }
    if (!p.familyName.empty()) {
        name += u' ' + q(p.familyName).toUpper();
    }
    return name;
}

QString idText(const PrescriptionId& id) {
    return id.isNil() ? QStringLiteral("(non attribué)") : q(id.toString());
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
    const bool female = pt.sex == Sex::female;
    const QString sex = pt.sex == Sex::female  ? QStringLiteral("Femme")
                        : pt.sex == Sex::male  ? QStringLiteral("Homme")
                        : pt.sex == Sex::other ? QStringLiteral("Sexe : autre")
                                               : QStringLiteral("Sexe : non renseigné");
    std::vector<TextLine> lines{{name, Style::bold}};
    lines.push_back({sex + QStringLiteral(", ") +
                     (female ? QStringLiteral("née le ") : QStringLiteral("né le ")) +
                     shortDate(pt.birthDate) + ageText(pt.birthDate, p.date)});
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
        const auto wrapped = wrap(fonts, parts[i].second, parts[i].first, width - indent);
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
            ? QStringLiteral("Le ") + longDate(p.date)
            : q(p.prescriber.address.city) + QStringLiteral(", le ") + longDate(p.date);
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
    const auto draw = [&](const Placed& t) {
        const double x = t.rightAligned ? t.x - fonts.width(t.style, t.text) : t.x;
        drawWords(painter, fonts[t.style], QPointF(x, t.baseline), t.text);
    };
    painter.setPen(Qt::black);
    for (const auto& t : layout.header) {
        draw(t);
    }
    painter.setPen(QPen(Qt::black, mm(0.25)));
    for (const double r : layout.ruleY) {
        painter.drawLine(QPointF(layout.left, r), QPointF(layout.right, r));
    }
    for (const auto& t : layout.pages[static_cast<std::size_t>(index)]) {
        draw(t);
    }
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
        draw({signature.signer, Style::bold, layout.left, y + fonts.ascent(Style::bold)});
        y += fonts.lineHeight(Style::bold);
        if (signature.when.isEmpty()) {
            draw({QStringLiteral("Non signé (brouillon)"), Style::body, layout.left,
                  y + fonts.ascent(Style::body)});
        } else {
            draw({QStringLiteral("Signé électroniquement (PAdES)"), Style::body, layout.left,
                  y + fonts.ascent(Style::body)});
            y += fonts.lineHeight(Style::body);
            draw({signature.when, Style::body, layout.left, y + fonts.ascent(Style::body)});
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
        draw({QStringLiteral("N° ") + signature.id, Style::small, layout.right,
              top + side + mm(1) + fonts.ascent(Style::small), true});
    }
    const QString footer = QStringLiteral("Ordonnance n° %1 — page %2/%3")
                               .arg(signature.id)
                               .arg(index + 1)
                               .arg(layout.pages.size());
    const double w = fonts.width(Style::small, footer);
    drawWords(painter, fonts[Style::small],
              QPointF((layout.page.width() - w) / 2, layout.footerBaseline), footer);
}

void paintWatermark(QPainter& painter, const Layout& layout, const Fonts& fonts) {
    painter.save();
    const QString text = QStringLiteral("BROUILLON — non signé");
    painter.translate(layout.page.width() / 2, layout.page.height() / 2);
    painter.rotate(-std::atan2(layout.page.height(), layout.page.width()) * 180 / M_PI);
    painter.setFont(fonts[Style::watermark]);
    painter.setPen(QColor(200, 30, 30, 70));
    const double w = fonts.width(Style::watermark, text);
    painter.drawText(QPointF(-w / 2, fonts.ascent(Style::watermark) / 2), text);
    painter.restore();
}

QString signingTimeText(std::chrono::system_clock::time_point t) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const QTimeZone paris("Europe/Paris");
    const QDateTime when = paris.isValid() ? QDateTime::fromMSecsSinceEpoch(ms, paris)
                                           : QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    return QStringLiteral("le ") + when.toString(QStringLiteral("dd/MM/yyyy 'à' HH:mm")) +
           (paris.isValid() ? QStringLiteral(" (heure de Paris)") : QStringLiteral(" (UTC)"));
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
    const Signature signature{doctorName(p.prescriber), signingTimeText(signingTime), &*qr,
                              idText(p.id)};

    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(
            QPageSize(options.paper == PaperSize::a4 ? QPageSize::A4 : QPageSize::A5));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setResolution(static_cast<int>(kDpi));
        writer.setTitle(QStringLiteral("Ordonnance ") + signature.id);
        writer.setCreator(QStringLiteral("telecabine"));
        QPainter painter;
        if (!painter.begin(&writer)) {
            return SignatureErrc::renderFailed;
        }
        for (int i = 0; i < static_cast<int>(layout.pages.size()); ++i) {
            if (i > 0 && !writer.newPage()) {
                return SignatureErrc::renderFailed;
            }
            paintPage(painter, layout, fonts, i, signature);
        }
        if (!painter.end()) {
            return SignatureErrc::renderFailed;
        }
    }
    const QByteArray& bytes = buffer.data();
    const auto* first = reinterpret_cast<const std::byte*>(bytes.constData());
    return std::vector<std::byte>(first, first + bytes.size());
}

QImage renderOrdonnancePreview(const Prescription& prescription, int pageIndex, int dpi,
                               const OrdonnanceOptions& options) {
    const Fonts fonts;
    const Layout layout = layOut(prescription, options, fonts);
    if (pageIndex < 0 || pageIndex >= static_cast<int>(layout.pages.size())) {
        return {};
    }
    const double scale = std::clamp(dpi, 24, 600) / kDpi;
    QImage image(static_cast<int>(std::ceil(layout.page.width() * scale)),
                 static_cast<int>(std::ceil(layout.page.height() * scale)), QImage::Format_ARGB32);
    if (image.isNull()) {
        return {};
    }
    image.fill(Qt::white);
    const int dotsPerMeter = static_cast<int>(std::lround(std::clamp(dpi, 24, 600) / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    QPainter painter;
    if (!painter.begin(&image)) {
        return {};
    }
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.scale(scale, scale);
    const Signature signature{
        doctorName(prescription.prescriber), {}, nullptr, idText(prescription.id)};
    paintPage(painter, layout, fonts, pageIndex, signature);
    paintWatermark(painter, layout, fonts);
    painter.end();
    return image;
}

} // namespace tc::prescriptions
