#include "report_editor.hpp"

#include "error_text.hpp"
#include "prescription_editor_io.hpp"
#include "tc/errors/table_lookup.hpp"
#include "video_surface.hpp"

#include <QDir>
#include <QVariantMap>
#include <algorithm>
#include <map>
#include <type_traits>
#include <utility>

namespace tc::app {

namespace rx = tc::prescriptions;

namespace {

QString fromView(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// The sections a template fills, by the names value() takes.
constexpr const char* kTemplateSections[] = {"motif", "history", "examination"};

// The follow-up as QML shows and sets it (states.hpp).
constexpr errors::EnumMap<rx::FollowUpKind::specialist, ReportFollowUp::Value> kFollowUps{
    {ReportFollowUp::None, ReportFollowUp::GpInPerson, ReportFollowUp::Emergency,
     ReportFollowUp::Specialist}};

} // namespace

ReportEditor::ReportEditor(QObject* parent)
    : Controller(parent) {
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(300);
    connect(&m_saveTimer, &QTimer::timeout, this, &ReportEditor::save);
    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(250);
    connect(&m_previewTimer, &QTimer::timeout, this, &ReportEditor::renderPreview);
    m_copyDelivery.setDocumentKind(protocol::DocumentKind::consultationReport);
}

ReportEditor::~ReportEditor() {
    saveNow();
    ++m_draftGeneration;
}

void ReportEditor::setRecord(const rx::ConsultationRecord& record) {
    if (m_report && m_report->consultationId != record.consultationId) {
        close(); // another consultation's: this one starts afresh
    }
    m_record = record;
    if (!m_report) {
        openDraft(record);
        return;
    }
    if (m_signed) {
        revalidate(); // what was signed stays as signed
        return;
    }
    mergeItems();
    edited();
}

void ReportEditor::openDraft(const rx::ConsultationRecord& record) {
    ++m_draftGeneration;
    m_signingInProgress = false;
    m_signed.reset();
    m_signedAtMs.reset();
    m_signedPdfPath.clear();
    m_signText.clear();
    setError({});
    std::optional<report_files::DraftState> saved;
    if (!m_outputDirectory.isEmpty()) {
        saved = report_files::loadDraft(m_outputDirectory, record.consultationId);
    }
    if (saved) {
        m_report = saved->report;
        m_followUpChosen = saved->followUpChosen;
        m_patientCopy = saved->patientCopy;
        if (auto restored = report_files::loadSigned(m_outputDirectory, *saved)) {
            m_signed = std::move(restored);
            m_signedAtMs = saved->signedAtMs;
            m_signedPdfPath =
                QDir(m_outputDirectory)
                    .filePath(report_files::fileStem(*m_report) + QStringLiteral(".pdf"));
            m_signText = tr("Signé électroniquement (PAdES) · n° %1").arg(idText());
            revalidate();
            emit signedChanged();
            return;
        }
        mergeItems();
    } else {
        auto draft = rx::draftReport(record);
        if (!draft) {
            setError(tr("Compte rendu impossible à ouvrir : %1").arg(errorText(draft.error())));
            emit changed();
            return;
        }
        m_report = std::move(*draft);
        m_followUpChosen = false;
        m_patientCopy = false;
    }
    edited();
}

void ReportEditor::mergeItems() {
    // The record's acts in its order; an item already there keeps its text (the doctor's, if
    // edited); an act gone from the record takes its item with it.
    std::vector<rx::ExaminationItem> next = rx::examinationItemsFrom(*m_record);
    for (auto& item : next) {
        const auto& held = m_report->examination.items;
        const auto found = std::find_if(held.begin(), held.end(),
                                        [&](const auto& h) { return h.source == item.source; });
        if (found != held.end()) {
            item.text = found->text;
        }
    }
    m_report->examination.items = std::move(next);
}

void ReportEditor::close() {
    saveNow();
    ++m_draftGeneration; // a signature under way is for a draft that goes
    const bool wasSigned = m_signed.has_value();
    m_report.reset();
    m_record.reset();
    m_signed.reset();
    m_signedAtMs.reset();
    m_signingInProgress = false;
    m_signText.clear();
    m_signedPdfPath.clear();
    m_followUpChosen = false;
    m_patientCopy = false;
    m_validation.clear();
    m_copyDelivery.reset();
    setError({});
    ++m_revision;
    emit changed();
    if (wasSigned) {
        emit signedChanged();
    }
}

namespace {

// The report's text behind a section's name (value() and setValue()), const or not.
template <class Report> auto* sectionOf(Report& r, const QString& name) {
    using Text = std::conditional_t<std::is_const_v<Report>, const std::string, std::string>;
    Text* text = nullptr;
    if (name == QLatin1String("motif")) {
        text = &r.motif;
    } else if (name == QLatin1String("history")) {
        text = &r.history;
    } else if (name == QLatin1String("examination")) {
        text = &r.examination.text;
    } else if (name == QLatin1String("conclusion")) {
        text = &r.conclusion;
    } else if (name == QLatin1String("specialty")) {
        text = &r.followUp.specialty;
    } else if (name == QLatin1String("freeText")) {
        text = &r.freeText;
    }
    return text;
}

} // namespace

std::string* ReportEditor::section(const QString& name) {
    return m_report ? sectionOf(*m_report, name) : nullptr;
}

QString ReportEditor::value(const QString& name) const {
    const auto* text = m_report ? sectionOf(std::as_const(*m_report), name) : nullptr;
    return text != nullptr ? QString::fromStdString(*text) : QString();
}

void ReportEditor::setValue(const QString& name, const QString& text) {
    auto* target = editable() ? section(name) : nullptr;
    if (target == nullptr || *target == text.toStdString()) {
        return;
    }
    *target = text.toStdString();
    edited();
}

void ReportEditor::setItemText(int index, const QString& text) {
    if (!editable() || index < 0 || index >= static_cast<int>(m_report->examination.items.size())) {
        return;
    }
    auto& item = m_report->examination.items[static_cast<std::size_t>(index)];
    if (item.text == text.toStdString()) {
        return;
    }
    item.text = text.toStdString();
    edited();
}

void ReportEditor::resetItemText(int index) {
    if (!editable() || !m_record || index < 0 ||
        index >= static_cast<int>(m_report->examination.items.size())) {
        return;
    }
    auto& item = m_report->examination.items[static_cast<std::size_t>(index)];
    for (const auto& generated : rx::examinationItemsFrom(*m_record)) {
        if (generated.source == item.source) {
            setItemText(index, QString::fromStdString(generated.text));
        }
    }
}

QStringList ReportEditor::applyTemplate(const QString& wire, bool replaceTyped) {
    const auto templ = rx::reportTemplateFromWire(wire.toStdString());
    if (!editable() || !templ) {
        return {};
    }
    const auto& info = rx::infoOf(*templ);
    const std::string_view texts[] = {info.motif, info.history, info.examination};
    QStringList kept;
    bool changedAny = false;
    for (std::size_t i = 0; i < std::size(kTemplateSections); ++i) {
        const QString name = QString::fromLatin1(kTemplateSections[i]);
        std::string* text = section(name);
        if (texts[i].empty() || *text == texts[i]) {
            continue;
        }
        // What the doctor typed stays unless they said to replace it; what another template
        // wrote counts as typed too (the doctor may have read and kept it).
        const bool typed = !QString::fromStdString(*text).trimmed().isEmpty();
        if (typed && !replaceTyped) {
            kept << name;
            continue;
        }
        *text = texts[i];
        changedAny = true;
    }
    if (!m_followUpChosen || replaceTyped) {
        if (m_report->followUp.kind != info.followUp) {
            m_report->followUp = rx::FollowUp{info.followUp, {}};
            changedAny = true;
        }
    } else if (m_report->followUp.kind != info.followUp) {
        kept << QStringLiteral("followUp");
    }
    if (changedAny) {
        edited();
    }
    return kept;
}

void ReportEditor::showSource(int index) {
    if (!m_report || index < 0 || index >= static_cast<int>(m_report->examination.items.size())) {
        return;
    }
    const auto& source = m_report->examination.items[static_cast<std::size_t>(index)].source;
    emit showSourceRequested(fromView(rx::wireName(source.kind)),
                             QString::fromStdString(source.id));
}

ReportFollowUp::Value ReportEditor::followUp() const {
    if (!m_report) {
        return ReportFollowUp::None;
    }
    return kFollowUps(m_report->followUp.kind, ReportFollowUp::None);
}

void ReportEditor::setFollowUp(ReportFollowUp::Value kind) {
    if (!editable()) {
        return;
    }
    const auto found = kFollowUps.find(kind);
    if (!found) {
        return; // not a follow-up (QML writes numbers)
    }
    const rx::FollowUpKind next = *found;
    m_followUpChosen = true;
    if (m_report->followUp.kind == next) {
        save(); // chosen, even if unchanged: a template no longer sets it
        return;
    }
    m_report->followUp.kind = next;
    if (next != rx::FollowUpKind::specialist) {
        m_report->followUp.specialty.clear(); // said only of a specialist
    }
    edited();
}

void ReportEditor::setPatientCopy(bool print) {
    if (m_patientCopy != print && m_report) {
        m_patientCopy = print;
        edited();
    }
}

void ReportEditor::edited() {
    revalidate();
    m_saveTimer.start();
}

void ReportEditor::revalidate() {
    if (!m_report) {
        m_validation.clear();
    } else {
        auto issues = rx::validateReport(*m_report, m_record ? &*m_record : nullptr);
        if (m_record) {
            // What the report cannot be signed without and the doctor may not see elsewhere (no
            // identity from the cabin): located under "/record".
            for (auto& issue : rx::validateRecord(*m_record)) {
                issue.path = "/record" + issue.path;
                issues.push_back(std::move(issue));
            }
        }
        m_validation.update(std::move(issues), true);
    }
    ++m_revision;
    emit changed();
    m_previewTimer.start();
}

void ReportEditor::saveNow() {
    if (m_saveTimer.isActive()) {
        m_saveTimer.stop();
        save();
    }
}

void ReportEditor::save() {
    if (!m_report || m_outputDirectory.isEmpty()) {
        return;
    }
    const auto error = report_files::saveDraft(
        m_outputDirectory, {*m_report, m_followUpChosen, m_patientCopy, m_signedAtMs});
    setError(
        error ? tr("Sauvegarde automatique du compte rendu impossible : %1").arg(errorText(error))
              : QString());
}

QString ReportEditor::idText() const {
    return m_report ? QString::fromStdString(m_report->id.toString()) : QString();
}

QString ReportEditor::templateLabel(rx::ReportTemplate value) {
    // The picker speaks the console's language; what a template writes is the report's French.
    static constexpr errors::EnumMap<rx::ReportTemplate::bloodPressure, const char*> labels{
        {QT_TRANSLATE_NOOP("tc::app::ReportEditor", "Fièvre, symptômes ORL"),
         QT_TRANSLATE_NOOP("tc::app::ReportEditor", "Toux, symptômes respiratoires"),
         QT_TRANSLATE_NOOP("tc::app::ReportEditor", "Symptômes urinaires"),
         QT_TRANSLATE_NOOP("tc::app::ReportEditor", "Lésion cutanée"),
         QT_TRANSLATE_NOOP("tc::app::ReportEditor",
                           "Renouvellement, suivi de traitement chronique"),
         QT_TRANSLATE_NOOP("tc::app::ReportEditor", "Contrôle tensionnel")}};
    const char* label = labels(value, nullptr);
    return label != nullptr ? tr(label) : fromView(rx::infoOf(value).labelFr);
}

QVariantList ReportEditor::templates() const {
    QVariantList out;
    for (const auto& info : rx::allReportTemplates()) {
        out.push_back(QVariantMap{{QStringLiteral("wire"), fromView(info.wire)},
                                  {QStringLiteral("label"), templateLabel(info.value)}});
    }
    return out;
}

QVariantList ReportEditor::items() const {
    QVariantList out;
    if (!m_report) {
        return out;
    }
    std::map<std::pair<rx::SourceKind, std::string>, std::string> generated;
    if (m_record) {
        for (const auto& item : rx::examinationItemsFrom(*m_record)) {
            generated[{item.source.kind, item.source.id}] = item.text;
        }
    }
    const auto& items = m_report->examination.items;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto found = generated.find({items[i].source.kind, items[i].source.id});
        out.push_back(QVariantMap{
            {QStringLiteral("index"), static_cast<int>(i)},
            {QStringLiteral("text"), QString::fromStdString(items[i].text)},
            {QStringLiteral("kind"), fromView(rx::wireName(items[i].source.kind))},
            {QStringLiteral("sourceId"), QString::fromStdString(items[i].source.id)},
            {QStringLiteral("edited"), found != generated.end() && found->second != items[i].text},
        });
    }
    return out;
}

void ReportEditor::setPreviewSurface(VideoSurface* surface) {
    m_preview = surface;
    renderPreview();
}

void ReportEditor::renderPreview() {
    if (!m_preview || !m_report || !m_record) {
        return;
    }
    // Signed: the signed PDF itself (what the patient's copy prints); a draft: the same layout
    // drawn directly, marked "BROUILLON".
    const QImage page = m_signed ? editor_io::renderSignedPage(m_signed->pdf)
                                 : rx::renderReportPreview(*m_report, *m_record, 0, 110);
    if (!page.isNull()) {
        m_preview->present(page, -1);
    }
}

} // namespace tc::app
