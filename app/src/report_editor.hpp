#pragma once
// The compte rendu being written, on the doctor's side: motif, history, examination (an item per
// act of the consultation, each naming its source, and the doctor's own text), conclusion,
// follow-up and free text, checked against the consultation's record after every edit
// (`validation`). The session hands it the record whenever the record changes: new acts come in
// as items, items whose act is gone leave, and the text of an item the doctor edited is kept.
//
// Autosave: every edit is written to the consultation's directory 300 ms after the last one
// (and at once on saveNow(), which the screen calls when the doctor leaves the tab), durably;
// given the same consultation's record again, a new editor (a console restarted after a crash)
// takes the draft back from there, signed or not.
//
// Signing is the ordonnance's (prescription_signing.hpp: the same identities, a prescriber's
// only, naming the record's doctor), on a worker thread; once signed the report no longer
// changes (amend() starts a new version under a new id).

#include "controller.hpp"
#include "prescription_delivery.hpp"
#include "prescription_signing.hpp"
#include "report_files.hpp"
#include "report_validation.hpp"
#include "signing_choices.hpp"
#include "states.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/signed_report.hpp"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVariantList>
#include <optional>
#include <thread>

namespace tc::app {

class VideoSurface;

class ReportEditor : public Controller {
    Q_OBJECT
    Q_PROPERTY(bool open READ open NOTIFY changed)
    Q_PROPERTY(QString idText READ idText NOTIFY changed)
    // Counts every change: QML fields bind to it to re-read value(section).
    Q_PROPERTY(int revision READ revision NOTIFY changed)
    // The templates for common motifs: [{wire, label}].
    Q_PROPERTY(QVariantList templates READ templates CONSTANT)
    // The examination's items: [{index, text, kind ("measurement", "recording", "still"),
    // sourceId, edited (the doctor changed the text written from the act)}].
    Q_PROPERTY(QVariantList items READ items NOTIFY changed)
    Q_PROPERTY(
        tc::app::ReportFollowUp::Value followUp READ followUp WRITE setFollowUp NOTIFY changed)
    Q_PROPERTY(tc::app::ReportValidation* validation READ validation CONSTANT)
    // What the doctor can sign with: the ordonnance's choices (signing_choices.hpp).
    Q_PROPERTY(tc::app::SigningChoices* signing READ signing CONSTANT)
    Q_PROPERTY(tc::app::SigningState::Value signingState READ signingState NOTIFY changed)
    Q_PROPERTY(QString signText READ signText NOTIFY changed)
    // A copy for the patient goes to the cabin's printer with the ordonnance, and how it went.
    Q_PROPERTY(bool patientCopy READ patientCopy WRITE setPatientCopy NOTIFY changed)
    Q_PROPERTY(tc::app::PrescriptionDeliveryController* copyDelivery READ copyDelivery CONSTANT)

public:
    explicit ReportEditor(QObject* parent = nullptr);
    // Saves what is pending; a signature under way is waited for and dropped.
    ~ReportEditor() override;

    // Where the draft and the signed files go; set before the consultation's first record.
    void setOutputDirectory(const QString& directory) { m_outputDirectory = directory; }
    QString outputDirectory() const { return m_outputDirectory; }
    void setBundlePath(const QString& path) { m_signing.setBundlePath(path); }
    // The consultation's record, whenever it changes. The first one of a consultation opens a
    // draft: the one autosaved for it in the output directory, else a new one.
    void setRecord(const prescriptions::ConsultationRecord& record);
    // The consultation is over, or another begins: saves, then forgets the draft.
    void close();

    // A section's text: "motif", "history", "examination" (the doctor's own findings),
    // "conclusion", "specialty" (of a specialist follow-up), "freeText". "" for another name.
    Q_INVOKABLE QString value(const QString& section) const;
    Q_INVOKABLE void setValue(const QString& section, const QString& text);
    Q_INVOKABLE void setItemText(int index, const QString& text);
    // Back to the text written from the act.
    Q_INVOKABLE void resetItemText(int index);
    // Fills the template's sections that are empty (and the follow-up the doctor has not chosen);
    // a section the doctor typed is overwritten only with `replaceTyped`. Returns the sections
    // kept as typed (by name, as value() takes them), for the screen to offer replacing them.
    Q_INVOKABLE QStringList applyTemplate(const QString& wire, bool replaceTyped = false);
    // Asks for the act behind item `index` to be shown (showSourceRequested).
    Q_INVOKABLE void showSource(int index);
    // The issue at `path` in words ("/motif", "/examination/items/0/text"); "" when none.
    Q_INVOKABLE QString issueAt(const QString& path) const { return m_validation.issueAt(path); }
    // Writes the draft now if an edit is waiting for the autosave.
    Q_INVOKABLE void saveNow();
    Q_INVOKABLE void setPreviewSurface(tc::app::VideoSurface* surface);
    // As PrescriptionEditor::sign: false when there is nothing to sign; else signFinished()
    // follows, and signText says why a refusal.
    Q_INVOKABLE bool sign(const QString& secret, const QString& choice = QStringLiteral("file"));
    // A new version of the signed report, under a new id.
    Q_INVOKABLE void amend();
    // Sends the signed report's PDF to the cabin's printer (copyDelivery shows the status);
    // false when it is not signed.
    Q_INVOKABLE bool sendPatientCopy();
    // The ordonnance went to the cabin: the copy goes with it if the doctor asked for one.
    void onOrdonnanceSent();

    bool open() const { return m_report.has_value(); }
    QString idText() const;
    int revision() const { return m_revision; }
    QVariantList templates() const;
    QVariantList items() const;
    ReportFollowUp::Value followUp() const;
    void setFollowUp(ReportFollowUp::Value kind);
    ReportValidation* validation() { return &m_validation; }
    SigningChoices* signing() { return &m_signing; }
    SigningState::Value signingState() const {
        return m_signed              ? SigningState::Signed
               : m_signingInProgress ? SigningState::Signing
                                     : SigningState::Unsigned;
    }
    QString signText() const { return m_signText; }
    QString signedPdfPath() const { return m_signedPdfPath; }
    bool patientCopy() const { return m_patientCopy; }
    void setPatientCopy(bool print);
    PrescriptionDeliveryController* copyDelivery() { return &m_copyDelivery; }

    // The draft as it stands, and the record it is written against.
    const std::optional<prescriptions::ConsultationReport>& current() const { return m_report; }
    const std::optional<prescriptions::ConsultationRecord>& record() const { return m_record; }
    // The signed report (its PDF, canonical JSON, CMS, FHIR document and the reference for the
    // record), from signing until amend() or close(); files under outputDirectory().
    const std::optional<prescriptions::SignedReport>& signedReport() const { return m_signed; }

signals:
    void changed();
    void signFinished(bool signedOk);
    // A signed report appeared (signing, or a draft restored signed) or went (amend, close).
    void signedChanged();
    // The doctor clicked an examination item: show the act `id` of `kind` ("measurement",
    // "recording", "still").
    void showSourceRequested(const QString& kind, const QString& id);

private:
    bool editable() const { return m_report && !m_signed && !m_signingInProgress; }
    void openDraft(const prescriptions::ConsultationRecord& record);
    void mergeItems();
    void edited();
    void revalidate();
    void save();
    void renderPreview();
    void finishSigning(std::uint64_t draft, ReportSigningOutcome outcome,
                       prescriptions::UnixMs signedAtMs);
    std::string* section(const QString& name);
    static QString templateLabel(prescriptions::ReportTemplate value);

    std::optional<prescriptions::ConsultationReport> m_report;
    std::optional<prescriptions::ConsultationRecord> m_record;
    std::optional<prescriptions::SignedReport> m_signed;
    ReportValidation m_validation;
    SigningChoices m_signing;
    QString m_outputDirectory;
    QString m_signText;
    QString m_signedPdfPath;
    int m_revision = 0;
    bool m_followUpChosen = false;
    bool m_patientCopy = false;
    bool m_signingInProgress = false;
    std::optional<prescriptions::UnixMs> m_signedAtMs;
    QTimer m_saveTimer;    // the autosave, 300 ms after the last edit
    QTimer m_previewTimer; // coalesces a burst of edits into one render
    QPointer<VideoSurface> m_preview;
    PrescriptionDeliveryController m_copyDelivery;
    std::uint64_t m_draftGeneration = 0; // a new draft, or none: a signature under way is stale
    // Last: joined first when the editor goes, before anything its result would touch.
    std::jthread m_signer;
};

} // namespace tc::app
