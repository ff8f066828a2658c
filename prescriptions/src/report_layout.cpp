// The consultation report's pages (A4), painted by the same code into a QPdfWriter (the signed
// PDF) and a QImage (the console's preview), with the ordonnance's fonts and helpers.
#include "page_painting.hpp"
#include "paris_time.hpp"
#include "tc/prescriptions/signed_report.hpp"

#include <QStringList>
#include <algorithm>

namespace tc::prescriptions {
namespace {

using detail::Fonts;
using detail::mm;
using detail::q;
using detail::Style;

constexpr double kMargin = mm(18);
// From the bottom of the last line to the top of the signature block, a rule in the middle.
constexpr double kSignatureGap = mm(2);
constexpr double kSectionGap = mm(3.5);

// One line of the body flow.
struct FlowLine {
    QString text;
    Style style = Style::body;
    double indent = 0;
    double gapBefore = 0;
    bool keepWithNext = false; // a heading stays with the line after it
    bool framed = false;       // boxed: the doctor's correction of the identity
};

struct Layout {
    QSizeF page{mm(210), mm(297)};
    double left = kMargin;
    double right = mm(210) - kMargin;
    std::vector<detail::Placed> header; // every page
    double headerRule = 0;
    std::vector<std::vector<detail::Placed>> pages;
    int signaturePage = 0;
    double signatureTop = 0;
    double footerBaseline = 0;
};

// What the pages say beside the layout: the doctor, the signing time (empty: draft), the id.
struct Signature {
    QString signer;
    QString when;
    QString id;
};

QString statusText(IdentityStatus status) {
    switch (status) {
    case IdentityStatus::qualified:
        return QStringLiteral("Identité qualifiée");
    case IdentityStatus::provisional:
        return QStringLiteral("Identité provisoire");
    case IdentityStatus::unverified:
        break;
    }
    return QStringLiteral("Identité non vérifiée");
}

// "1 70 02 75 056 123 45": sex, year, month, department, commune, order, key.
QString insText(const Ins& ins) {
    const auto& n = ins.number;
    if (n.size() != 13) {
        return q(ins.text());
    }
    const auto part = [&](std::size_t from, std::size_t count) {
        return q(n.substr(from, count));
    };
    const QString system = ins.system == InsSystem::nir       ? QStringLiteral("NIR")
                           : ins.system == InsSystem::nia     ? QStringLiteral("NIA")
                           : ins.system == InsSystem::testNir ? QStringLiteral("NIR de test")
                                                              : QStringLiteral("NIA de test");
    return QStringList{part(0, 1), part(1, 2),  part(3, 2), part(5, 2),
                       part(7, 3), part(10, 3), q(ins.key)}
               .join(u' ') +
           QStringLiteral(" (") + system + u')';
}

QString correctedFieldText(const std::string& field) {
    static const std::pair<const char*, const char*> kLabels[] = {
        {"birth_name", "nom de naissance"},
        {"used_name", "nom utilisé"},
        {"first_names", "prénoms"},
        {"used_first_name", "prénom utilisé"},
        {"birth_date", "date de naissance"},
        {"sex", "sexe"},
        {"birth_place_code", "lieu de naissance"}};
    for (const auto& [wire, label] : kLabels) {
        if (field == wire) {
            return QString::fromUtf8(label);
        }
    }
    return q(field);
}

// Paragraphs of `text` (one per line of the text), wrapped; the first line of each at `indent`,
// the others at `indent + hanging`.
void addText(std::vector<FlowLine>& out, const Fonts& fonts, double width, const QString& text,
             Style style = Style::body, double indent = 0, double hanging = 0) {
    for (QString paragraph : text.split(u'\n')) {
        paragraph.replace(u'\t', u' ');
        if (paragraph.trimmed().isEmpty()) {
            continue;
        }
        const auto wrapped = detail::wrap(fonts, style, paragraph, width - indent - hanging);
        for (std::size_t i = 0; i < wrapped.size(); ++i) {
            out.push_back({wrapped[i], style, i == 0 ? indent : indent + hanging});
        }
    }
}

void addHeading(std::vector<FlowLine>& out, const QString& title) {
    out.push_back({title, Style::bold, 0, kSectionGap, true});
}

std::vector<FlowLine> bodyLines(const ConsultationReport& r, const ReportContext& c,
                                const Fonts& fonts, double width) {
    std::vector<FlowLine> out;
    const auto& p = c.patient;
    const auto start = detail::parisTimeOfUnixMs(c.startMs);
    const auto end = detail::parisTimeOfUnixMs(c.endMs);
    out.push_back({QStringLiteral("Compte rendu de téléconsultation"), Style::name});

    const std::string& firstName = !p.usedFirstName.empty() ? p.usedFirstName
                                   : !p.firstNames.empty()  ? p.firstNames.front()
                                                            : p.usedFirstName;
    out.push_back(
        {QStringLiteral("Patient : ") + q(p.displayFamilyName()).toUpper() + u' ' + q(firstName),
         Style::bold, 0, mm(3)});
    QStringList firstNames;
    for (const auto& name : p.firstNames) {
        firstNames << q(name);
    }
    addText(out, fonts, width,
            QStringLiteral("Nom de naissance : ") + q(p.birthName).toUpper() +
                QStringLiteral(" — prénoms de naissance : ") +
                firstNames.join(QStringLiteral(", ")));
    QString birth = detail::sexAndBirthText(p.sex, p.birthDate, start.date);
    if (!p.birthPlaceCode.empty()) {
        birth += QStringLiteral(" — lieu de naissance (code INSEE) : ") + q(p.birthPlaceCode);
    }
    addText(out, fonts, width, birth);
    // The INS is shown, as it is transmitted, only for a qualified identity (RNIV, FR Core).
    addText(out, fonts, width,
            p.status == IdentityStatus::qualified && p.ins
                ? statusText(p.status) + QStringLiteral(" — matricule INS : ") + insText(*p.ins)
                : statusText(p.status) +
                      QStringLiteral(" — matricule INS non communiqué (identité non qualifiée)"));
    if (!p.correctedFields.empty()) {
        QStringList fields;
        for (const auto& field : p.correctedFields) {
            fields << correctedFieldText(field);
        }
        const auto wrapped = detail::wrap(fonts, Style::bold,
                                          QStringLiteral("Identité corrigée par le médecin : ") +
                                              fields.join(QStringLiteral(", ")),
                                          width - mm(4));
        for (std::size_t i = 0; i < wrapped.size(); ++i) {
            out.push_back({wrapped[i], Style::bold, mm(2), i == 0 ? mm(1.5) : 0, false, true});
        }
    }

    const auto minutes = (c.endMs - c.startMs + 30'000) / 60'000;
    addText(out, fonts, width,
            QStringLiteral("Téléconsultation assistée du ") + detail::longDate(start.date) +
                QStringLiteral(", de ") + q(detail::hourMinuteText(start)) + QStringLiteral(" à ") +
                q(detail::hourMinuteText(end)) + QStringLiteral(" (%1 min)").arg(minutes));
    out.back().gapBefore = mm(2.5);
    addText(out, fonts, width,
            QStringLiteral("Cabine : ") + q(c.site.name) + QStringLiteral(" (") + q(c.site.code) +
                u')');
    if (c.assistant) {
        addText(out, fonts, width,
                QStringLiteral("Avec l'assistance de ") + q(c.assistant->name) +
                    QStringLiteral(" (") + q(labelFr(c.assistant->role)) + u')');
    }

    const auto orNone = [](const std::string& text) {
        return text.empty() ? QStringLiteral("Non renseigné.") : q(text);
    };
    addHeading(out, QStringLiteral("Motif"));
    addText(out, fonts, width, orNone(r.motif));
    addHeading(out, QStringLiteral("Antécédents et histoire de la maladie"));
    addText(out, fonts, width, orNone(r.history));
    addHeading(out, QStringLiteral("Examen"));
    for (const auto& item : r.examination.items) {
        addText(out, fonts, width, QStringLiteral("• ") + q(item.text), Style::body, 0, mm(3.5));
    }
    if (!r.examination.text.empty() || r.examination.items.empty()) {
        addText(out, fonts, width, orNone(r.examination.text));
    }
    addHeading(out, QStringLiteral("Conclusion"));
    addText(out, fonts, width, orNone(r.conclusion));
    addHeading(out, QStringLiteral("Suite à donner"));
    addText(out, fonts, width, q(followUpTextFr(r.followUp.kind, r.followUp.specialty)));
    if (!r.freeText.empty()) {
        addHeading(out, QStringLiteral("Remarques"));
        addText(out, fonts, width, q(r.freeText));
    }
    if (!c.prescriptions.empty()) {
        addHeading(out, c.prescriptions.size() > 1 ? QStringLiteral("Ordonnances délivrées")
                                                   : QStringLiteral("Ordonnance délivrée"));
        for (const auto& prescription : c.prescriptions) {
            addText(out, fonts, width, QStringLiteral("Ordonnance n° ") + q(prescription.id));
        }
    }
    return out;
}

Layout layOut(const ConsultationReport& r, const ReportContext& c, const Fonts& fonts) {
    Layout layout;
    const double width = layout.right - layout.left;
    // Header: the doctor on the left, the cabin and the consultation's date on the right.
    const auto start = detail::parisTimeOfUnixMs(c.startMs);
    const auto end = detail::parisTimeOfUnixMs(c.endMs);
    double y = kMargin;
    const std::pair<QString, Style> left[] = {
        {detail::doctorDisplayName(c.author.givenName, c.author.familyName), Style::name},
        {QStringLiteral("Médecin — N° RPPS : ") + q(c.author.rpps), Style::body}};
    for (const auto& [text, style] : left) {
        layout.header.push_back({text, style, layout.left, y + fonts.ascent(style)});
        y += fonts.lineHeight(style);
    }
    double yRight = kMargin + fonts.ascent(Style::name) - fonts.ascent(Style::bold);
    const std::pair<QString, Style> right[] = {
        {QStringLiteral("Téléconsultation assistée"), Style::bold},
        {q(c.site.name), Style::body},
        {QStringLiteral("le ") + detail::shortDate(start.date) + QStringLiteral(", ") +
             q(detail::hourMinuteText(start)) + QStringLiteral("–") +
             q(detail::hourMinuteText(end)),
         Style::body}};
    for (const auto& [text, style] : right) {
        layout.header.push_back({text, style, layout.right, yRight + fonts.ascent(style), true});
        yRight += fonts.lineHeight(style);
    }
    layout.headerRule = std::max(y, yRight) + mm(2);
    const double bodyTop = layout.headerRule + mm(5);
    layout.footerBaseline = layout.page.height() - kMargin + fonts.ascent(Style::small);
    const double bodyBottom = layout.page.height() - kMargin - mm(2);
    const double signatureHeight =
        kSignatureGap + fonts.lineHeight(Style::bold) + 2 * fonts.lineHeight(Style::body);

    const auto lines = bodyLines(r, c, fonts, width);
    const auto newPage = [&] {
        layout.pages.emplace_back();
        y = bodyTop;
    };
    newPage();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        const double h = fonts.lineHeight(l.style);
        double needed = l.gapBefore + h;
        if (l.keepWithNext && i + 1 < lines.size()) {
            needed += lines[i + 1].gapBefore + fonts.lineHeight(lines[i + 1].style);
        }
        if (i + 1 == lines.size()) {
            needed += signatureHeight; // the block follows the last line, never alone
        }
        if (y + needed > bodyBottom && y > bodyTop) {
            newPage();
        } else {
            y += l.gapBefore;
        }
        layout.pages.back().push_back(
            {l.text, l.style, layout.left + l.indent, y + fonts.ascent(l.style), false, l.framed});
        y += h;
    }
    layout.signaturePage = static_cast<int>(layout.pages.size()) - 1;
    layout.signatureTop = y + kSignatureGap;
    return layout;
}

void paintPage(QPainter& painter, const Layout& layout, const Fonts& fonts, int index,
               const Signature& signature) {
    painter.setPen(Qt::black);
    detail::drawPlacedLines(painter, fonts, layout.header);
    painter.setPen(QPen(Qt::black, mm(0.25)));
    painter.drawLine(QPointF(layout.left, layout.headerRule),
                     QPointF(layout.right, layout.headerRule));
    detail::drawPlacedLines(painter, fonts, layout.pages[static_cast<std::size_t>(index)]);
    if (index == layout.signaturePage) {
        const double top = layout.signatureTop;
        painter.setPen(QPen(Qt::black, mm(0.25)));
        painter.drawLine(QPointF(layout.left, top - kSignatureGap / 2),
                         QPointF(layout.right, top - kSignatureGap / 2));
        double y = top + fonts.ascent(Style::bold);
        detail::drawPlaced(painter, fonts, {signature.signer, Style::bold, layout.left, y});
        y += fonts.lineHeight(Style::bold);
        if (signature.when.isEmpty()) {
            detail::drawPlaced(
                painter, fonts,
                {QStringLiteral("Non signé (brouillon)"), Style::body, layout.left, y});
        } else {
            detail::drawPlaced(
                painter, fonts,
                {QStringLiteral("Signé électroniquement (PAdES)"), Style::body, layout.left, y});
            detail::drawPlaced(
                painter, fonts,
                {signature.when, Style::body, layout.left, y + fonts.lineHeight(Style::body)});
        }
    }
    detail::drawPageFooter(painter, fonts, layout.page.width(), layout.footerBaseline,
                           QStringLiteral("Compte rendu"), signature.id, index,
                           layout.pages.size());
}

} // namespace

boost::system::result<std::vector<std::byte>>
renderReportPdf(const SealedReport& sealed, std::chrono::system_clock::time_point signingTime) {
    const Fonts fonts;
    const auto& context = sealed.context();
    const Layout layout = layOut(sealed.report(), context, fonts);
    const Signature signature{
        detail::doctorDisplayName(context.author.givenName, context.author.familyName),
        detail::signingTimeText(signingTime), detail::idText(sealed.report().id)};
    return detail::renderPdfPages(
        QPageSize::A4, QStringLiteral("Compte rendu ") + signature.id,
        static_cast<int>(layout.pages.size()),
        [&](QPainter& painter, int index) { paintPage(painter, layout, fonts, index, signature); });
}

int reportPageCount(const ConsultationReport& report, const ConsultationRecord& record) {
    const Fonts fonts;
    return static_cast<int>(layOut(report, reportContextOf(record), fonts).pages.size());
}

QImage renderReportPreview(const ConsultationReport& report, const ConsultationRecord& record,
                           int pageIndex, int dpi) {
    const Fonts fonts;
    const auto context = reportContextOf(record);
    const Layout layout = layOut(report, context, fonts);
    if (pageIndex < 0 || pageIndex >= static_cast<int>(layout.pages.size())) {
        return {};
    }
    const Signature signature{
        detail::doctorDisplayName(context.author.givenName, context.author.familyName),
        {},
        detail::idText(report.id)};
    return detail::renderPreviewImage(layout.page, dpi, fonts, [&](QPainter& painter) {
        paintPage(painter, layout, fonts, pageIndex, signature);
    });
}

} // namespace tc::prescriptions
