// The painting helpers the ordonnance and the consultation report share (page_painting.hpp).
#include "page_painting.hpp"

#include "ordonnance_fonts.hpp"
#include "paris_time.hpp"
#include "tc/prescriptions/prescription.hpp"
#include "tc/prescriptions/signature_errors.hpp"

#include <QBuffer>
#include <QFontMetricsF>
#include <QPdfWriter>
#include <algorithm>
#include <cmath>

namespace tc::prescriptions::detail {
namespace {

QFont makeFont(Style style) {
    const auto pixels = [](double points) {
        return static_cast<int>(std::lround(points * kDpi / 72));
    };
    QFont f(ordonnanceFontFamily());
    f.setHintingPreference(QFont::PreferNoHinting);
    // No ligatures: DejaVu's "fi" glyph would copy, and read aloud, as U+FB01 ("qualiﬁée").
    f.setStyleStrategy(QFont::PreferNoShaping);
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

} // namespace

Fonts::Fonts()
    : faces{makeFont(Style::body), makeFont(Style::bold), makeFont(Style::small),
            makeFont(Style::name), makeFont(Style::watermark)} {}

double Fonts::lineHeight(Style s) const {
    return QFontMetricsF((*this)[s]).lineSpacing();
}
double Fonts::ascent(Style s) const {
    return QFontMetricsF((*this)[s]).ascent();
}
double Fonts::descent(Style s) const {
    return QFontMetricsF((*this)[s]).descent();
}
double Fonts::width(Style s, const QString& t) const {
    return QFontMetricsF((*this)[s]).horizontalAdvance(t);
}

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

void drawPlaced(QPainter& painter, const Fonts& fonts, const Placed& placed) {
    const double w = fonts.width(placed.style, placed.text);
    const double x = placed.rightAligned ? placed.x - w : placed.x;
    drawWords(painter, fonts[placed.style], QPointF(x, placed.baseline), placed.text);
    if (placed.framed) {
        painter.save();
        painter.setPen(QPen(Qt::black, mm(0.35)));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRectF(
            QPointF(x - mm(1.5), placed.baseline - fonts.ascent(placed.style) - mm(0.8)),
            QPointF(x + w + mm(1.5), placed.baseline + fonts.descent(placed.style) + mm(0.8))));
        painter.restore();
    }
}

void drawPlacedLines(QPainter& painter, const Fonts& fonts, const std::vector<Placed>& lines) {
    for (const auto& line : lines) {
        drawPlaced(painter, fonts, line);
    }
}

QString q(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

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

namespace {

const char* const kMonths[] = {"janvier",   "février", "mars",     "avril",
                               "mai",       "juin",    "juillet",  "août",
                               "septembre", "octobre", "novembre", "décembre"};

} // namespace

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

void drawPageFooter(QPainter& painter, const Fonts& fonts, double pageWidth, double baseline,
                    const QString& document, const QString& id, int index, std::size_t count) {
    const QString footer =
        QStringLiteral("%1 n° %2 — page %3/%4").arg(document, id).arg(index + 1).arg(count);
    const double w = fonts.width(Style::small, footer);
    drawWords(painter, fonts[Style::small], QPointF((pageWidth - w) / 2, baseline), footer);
}

QString idText(const PrescriptionId& id) {
    return id.isNil() ? QStringLiteral("(non attribué)") : q(id.toString());
}

QString doctorDisplayName(std::string_view givenName, std::string_view familyName) {
    QString name = QStringLiteral("Dr");
    if (!givenName.empty()) {
        name += u' ' + q(givenName);
    }
    if (!familyName.empty()) {
        name += u' ' + q(familyName).toUpper();
    }
    return name;
}

QString sexAndBirthText(Sex sex, std::chrono::year_month_day birth,
                        std::chrono::year_month_day on) {
    const QString text = sex == Sex::female  ? QStringLiteral("Femme")
                         : sex == Sex::male  ? QStringLiteral("Homme")
                         : sex == Sex::other ? QStringLiteral("Sexe : autre")
                                             : QStringLiteral("Sexe : non renseigné");
    return text + QStringLiteral(", ") +
           (sex == Sex::female ? QStringLiteral("née le ") : QStringLiteral("né le ")) +
           shortDate(birth) + ageText(birth, on);
}

QString signingTimeText(std::chrono::system_clock::time_point t) {
    const auto paris = parisTime(t);
    return QStringLiteral("le ") + q(shortDateText(paris)) + QStringLiteral(" à ") +
           q(hourMinuteText(paris)) + QStringLiteral(" (heure de Paris)");
}

QImage renderPreviewImage(QSizeF page, int dpi, const Fonts& fonts,
                          const std::function<void(QPainter&)>& paint) {
    const int clamped = std::clamp(dpi, 24, 600);
    const double scale = clamped / kDpi;
    QImage image(static_cast<int>(std::ceil(page.width() * scale)),
                 static_cast<int>(std::ceil(page.height() * scale)), QImage::Format_ARGB32);
    if (image.isNull()) {
        return {};
    }
    image.fill(Qt::white);
    const int dotsPerMeter = static_cast<int>(std::lround(clamped / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    QPainter painter;
    if (!painter.begin(&image)) {
        return {};
    }
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.scale(scale, scale);
    paint(painter);
    const QString text = QStringLiteral("BROUILLON — non signé");
    painter.translate(page.width() / 2, page.height() / 2);
    painter.rotate(-std::atan2(page.height(), page.width()) * 180 / M_PI);
    painter.setFont(fonts[Style::watermark]);
    painter.setPen(QColor(200, 30, 30, 70));
    const double w = fonts.width(Style::watermark, text);
    painter.drawText(QPointF(-w / 2, fonts.ascent(Style::watermark) / 2), text);
    painter.end();
    return image;
}

boost::system::result<std::vector<std::byte>>
renderPdfPages(QPageSize::PageSizeId size, const QString& title, int pages,
               const std::function<void(QPainter&, int)>& paint) {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(size));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setResolution(static_cast<int>(kDpi));
        writer.setTitle(title);
        writer.setCreator(QStringLiteral("telecabine"));
        QPainter painter;
        if (!painter.begin(&writer)) {
            return SignatureErrc::renderFailed;
        }
        for (int i = 0; i < pages; ++i) {
            if (i > 0 && !writer.newPage()) {
                return SignatureErrc::renderFailed;
            }
            paint(painter, i);
        }
        if (!painter.end()) {
            return SignatureErrc::renderFailed;
        }
    }
    const QByteArray& bytes = buffer.data();
    const auto* first = reinterpret_cast<const std::byte*>(bytes.constData());
    return std::vector<std::byte>(first, first + bytes.size());
}

} // namespace tc::prescriptions::detail
