#pragma once
// What the signed documents' pages share (the ordonnance, the consultation report): coordinates
// in dots at 300 dpi, the embedded DejaVu Sans faces in five styles, text drawn word by word
// without space glyphs, word wrap, French dates, the signing time in French civil time, and the
// QPdfWriter set-up that turns painted pages into PDF bytes. QtGui only.

#include "tc/prescriptions/prescription_id.hpp"
#include "tc/prescriptions/vocabulary.hpp"

#include <QFont>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QString>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace tc::prescriptions::detail {

inline constexpr double kDpi = 300;
constexpr double mm(double v) {
    return v * kDpi / 25.4;
}

enum class Style { body, bold, small, name, watermark };

struct Fonts {
    Fonts();
    QFont faces[5];
    const QFont& operator[](Style s) const { return faces[static_cast<int>(s)]; }
    double lineHeight(Style s) const;
    double ascent(Style s) const;
    double descent(Style s) const;
    double width(Style s, const QString& t) const;
};

// Text drawn word by word, the spaces left out. QPdfWriter's ToUnicode map gives the space glyph
// the first code point that the font engine maps to it, and Qt's FreeType engine maps U+0009
// (which DejaVu Sans lacks) to the space glyph: a drawn space reads back as a tab in every
// extractor that trusts the map (copy and paste, screen readers). Without a space glyph, readers
// infer the spaces from the gaps between words, as they do for any positioned text.
void drawWords(QPainter& painter, const QFont& font, QPointF origin, const QString& text);

QString q(std::string_view s);

// One line of text at its place on a page: x is its left edge, or its right edge when
// rightAligned. A framed line is boxed: the doctor's correction of the identity on a report.
struct Placed {
    QString text;
    Style style = Style::body;
    double x = 0;
    double baseline = 0;
    bool rightAligned = false;
    bool framed = false;
};

// `placed` drawn word by word (drawWords), in its style, with its frame if it has one.
void drawPlaced(QPainter& painter, const Fonts& fonts, const Placed& placed);
// Each of `lines` (drawPlaced): a page's header or body.
void drawPlacedLines(QPainter& painter, const Fonts& fonts, const std::vector<Placed>& lines);

// Greedy word wrap; a word wider than the line is cut between characters.
std::vector<QString> wrap(const Fonts& fonts, Style style, const QString& text, double width);

QString longDate(std::chrono::year_month_day d);  // "3 mai 2024", "1er juin 2024"
QString shortDate(std::chrono::year_month_day d); // "03/05/2024"
// " (54 ans)", " (8 mois)" under two years; empty when unknown or negative.
QString ageText(std::chrono::year_month_day birth, std::chrono::year_month_day on);
// "le 03/05/2024 à 11:14 (heure de Paris)" (paris_time.hpp).
QString signingTimeText(std::chrono::system_clock::time_point t);

// The page painted by `paint` (in dots) into a white ARGB32 image at `dpi` (clamped to 24..600),
// then the diagonal "BROUILLON — non signé" watermark over it: the editors' previews. A null
// image when the painter cannot start.
QImage renderPreviewImage(QSizeF page, int dpi, const Fonts& fonts,
                          const std::function<void(QPainter&)>& paint);

// A document's number as printed: "(non attribué)" before it has one.
QString idText(const PrescriptionId& id);
// "Dr Claire MARTIN".
QString doctorDisplayName(std::string_view givenName, std::string_view familyName);
// "Homme, né le 14/02/1970 (54 ans)", "Femme, née le ...", "Sexe : autre, né le ...".
QString sexAndBirthText(Sex sex, std::chrono::year_month_day birth, std::chrono::year_month_day on);

// The footer of a signed document's page `index` (from 0) of `count`: "<document> n° <id> —
// page 2/3", in the small style, centred on a page `pageWidth` wide at `baseline`.
void drawPageFooter(QPainter& painter, const Fonts& fonts, double pageWidth, double baseline,
                    const QString& document, const QString& id, int index, std::size_t count);

// A PDF of `pages` pages of `size` at kDpi, no margins, each painted by `paint(painter, index)`.
// SignatureErrc::renderFailed when the painter cannot start or finish.
boost::system::result<std::vector<std::byte>>
renderPdfPages(QPageSize::PageSizeId size, const QString& title, int pages,
               const std::function<void(QPainter&, int)>& paint);

} // namespace tc::prescriptions::detail
