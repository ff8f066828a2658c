#pragma once
// The ordonnance being written, on the doctor's side. The draft is kept in the prescription's
// JSON form (prescription_json.hpp), so that every field has a path ("/patient/weightKg",
// "/lines/0/dosage/duration/value") and every validation issue, located by the same kind of
// path (validation.hpp), lands at its field. Each edit re-reads the draft and validates it
// against the shipped DCI table: the editor never holds a state the model cannot express, and
// what the doctor sees is what would be signed. The prescriber's practice details (address,
// telephone, e-mail, qualification) are kept in the workstation's settings between
// consultations; the patient's come from the visit and what the operator says. The editor owns
// the validation summary of its draft (`validation`) and the fields' choices (`vocabulary`).

#include "controller.hpp"
#include "prescription_signing.hpp"
#include "prescription_validation.hpp"
#include "prescription_vocabulary.hpp"
#include "signing_choices.hpp"
#include "states.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/patient_identity.hpp"
#include "tc/prescriptions/prescription.hpp"
#include "tc/prescriptions/sealed_prescription.hpp"
#include "tc/prescriptions/validation.hpp"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QVariant>
#include <QVariantList>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

namespace tc::app {

class PrescriptionDeliveryController;
class VideoSurface;

class PrescriptionEditor : public Controller {
    Q_MOC_INCLUDE("prescription_delivery.hpp")
    Q_OBJECT
    // [{index, kind ("medication", "laboratory", "imaging", "referral"), text: the line as the
    // ordonnance will word it ("" while it cannot be read), hasError}]
    // The signed ordonnance on its way to the cabin's printer (set by the session).
    Q_PROPERTY(tc::app::PrescriptionDeliveryController* delivery READ delivery NOTIFY changed)
    Q_PROPERTY(QVariantList lines READ lines NOTIFY changed)
    // The issues, their counts, and whether the draft can be signed (prescription_validation.hpp).
    Q_PROPERTY(tc::app::PrescriptionValidation* validation READ validation CONSTANT)
    Q_PROPERTY(bool open READ open NOTIFY changed)
    Q_PROPERTY(QString idText READ idText NOTIFY changed)
    // Counts every edit: QML fields bind to it to re-read value(path) and issueAt(path).
    Q_PROPERTY(int revision READ revision NOTIFY changed)
    // Signing: between sign() and signFinished(), the draft cannot change meanwhile. Signed: the
    // ordonnance cannot change any more; an amendment is a new version that cancels it.
    Q_PROPERTY(tc::app::SigningState::Value signingState READ signingState NOTIFY changed)
    Q_PROPERTY(QString signText READ signText NOTIFY changed)
    Q_PROPERTY(QString signedPdfPath READ signedPdfPath NOTIFY changed)
    // Choices for the fields: [{code, label}] (prescription_vocabulary.hpp).
    Q_PROPERTY(tc::app::PrescriptionVocabulary* vocabulary READ vocabulary CONSTANT)
    // What the doctor can sign with: the identity file, the cards (signing_choices.hpp).
    Q_PROPERTY(tc::app::SigningChoices* signing READ signing CONSTANT)

public:
    struct PrescriberIdentity {
        std::string familyName;
        std::string givenName;
        std::string rpps;
    };

    explicit PrescriptionEditor(QObject* parent = nullptr);

    // A new ordonnance for this consultation: the prescriber from the doctor's certificate and
    // the workstation's settings, the patient's sex and (approximate) age from the visit.
    void begin(const PrescriberIdentity& prescriber, prescriptions::Sex sex);
    void close();
    // The patient's traits from the cabin's identity; a qualified identity's are then locked.
    void setPatientIdentity(const prescriptions::PatientIdentity& identity);
    bool patientLocked() const { return m_patientLocked; }

    // The value at `path` in the JSON form (numbers, strings, booleans; null when unset).
    Q_INVOKABLE QVariant value(const QString& path) const;
    // Sets it: "" for an optional number or choice clears it. Prescriber practice details are
    // remembered for the next consultation.
    Q_INVOKABLE void setValue(const QString& path, const QVariant& value);
    // The first issue at `path` or inside it, in words; "" when none (validation()'s).
    Q_INVOKABLE QString issueAt(const QString& path) const { return m_validation.issueAt(path); }
    // DCI autocompletion from the shipped table: [{dci, forms: [label], strengths: [text]}].
    Q_INVOKABLE QVariantList searchDci(const QString& prefix) const;
    // A medication line for `dci`, its form and usual dose unit filled from the table.
    Q_INVOKABLE void addMedication(const QString& dci);
    // "laboratory", "imaging" or "referral".
    Q_INVOKABLE void addNonDrug(const QString& kind);
    Q_INVOKABLE void removeLine(int index);

    // The live preview: page 1 as it will print, "BROUILLON" across it until signed. The
    // surface comes from QML; it is redrawn shortly after each edit.
    Q_INVOKABLE void setPreviewSurface(tc::app::VideoSurface* surface);
    // Signs with one of signing()'s choices ("file": the sign-in PKCS#12 bundle, its passphrase
    // as `secret`; a card: its URI and PIN), on a worker thread, so that the console keeps
    // showing the cabin while a card signs. False when there is nothing to sign (an unreadable
    // draft, signed already, a signature under way); otherwise signFinished() follows, and
    // signText says why a certificate past its end, or one naming another RPPS than the
    // prescriber's, was refused. A signature still under way when the draft is closed (or a
    // new one begun) is dropped, with no signFinished().
    Q_INVOKABLE bool sign(const QString& secret, const QString& choice = QStringLiteral("file"));
    // A new version of the signed ordonnance, which cancels it once signed.
    Q_INVOKABLE void amend();
    // Sends the signed PDF to the cabin's printer (the delivery controller shows the status).
    Q_INVOKABLE bool send();

    // Where the signing identity is and where signed files go.
    void setBundlePath(const QString& path) { m_signing.setBundlePath(path); }
    SigningChoices* signing() { return &m_signing; }
    void setOutputDirectory(const QString& directory) { m_outputDirectory = directory; }
    void setDelivery(PrescriptionDeliveryController* delivery);
    PrescriptionDeliveryController* delivery() const;

    QVariantList lines() const;
    PrescriptionValidation* validation() { return &m_validation; }
    PrescriptionVocabulary* vocabulary() { return &m_vocabulary; }
    bool open() const { return !m_draft.is_null(); }
    QString idText() const;
    int revision() const { return m_revision; }
    SigningState::Value signingState() const {
        return m_signed              ? SigningState::Signed
               : m_signingInProgress ? SigningState::Signing
                                     : SigningState::Unsigned;
    }
    bool signedOrdonnance() const { return m_signed.has_value(); }
    bool signingInProgress() const { return m_signingInProgress; }
    QString signText() const { return m_signText; }
    QString signedPdfPath() const { return m_signedPdfPath; }
    const std::optional<prescriptions::SignedOrdonnance>& signedDocument() const {
        return m_signed;
    }
    // Why a signature was refused, in the doctor's words (`prescriberRpps`: the one the document
    // names); the compte rendu says it the same way.
    static QString refusalText(const SigningRefusal& refusal, const QString& prescriberRpps);
    // The draft as the model reads it (nothing while it cannot be read).
    const std::optional<prescriptions::Prescription>& current() const { return m_parsed; }

signals:
    void changed();
    void signFinished(bool signedOk);
    // The signed ordonnance went to the cabin's printer (the report's patient copy follows it).
    void sent();

private:
    void forgetSigning();
    void finishSigning(std::uint64_t draft, SigningOutcome outcome);
    bool editable() const { return !m_draft.is_null() && !m_signed && !m_signingInProgress; }
    void revalidate();
    void renderPreview();
    static nlohmann::json emptyMedication();

    nlohmann::json m_draft; // null when closed
    std::optional<prescriptions::Prescription> m_parsed;
    std::optional<prescriptions::Prescription> m_previewModel; // the draft as far as it reads
    PrescriptionValidation m_validation;
    PrescriptionVocabulary m_vocabulary;
    int m_revision = 0;
    std::optional<prescriptions::SignedOrdonnance> m_signed;
    prescriptions::PrescriptionLedger m_ledger; // this consultation's signed versions
    QString m_signText;
    QString m_signedPdfPath;
    SigningChoices m_signing;
    QString m_outputDirectory;
    QPointer<PrescriptionDeliveryController> m_delivery;
    QPointer<VideoSurface> m_preview;
    QTimer m_previewTimer; // coalesces a burst of edits into one render
    bool m_signingInProgress = false;
    static bool isPatientIdentityPath(const QString& path);
    bool m_patientLocked = false;        // the patient's traits are a qualified identity's
    std::uint64_t m_draftGeneration = 0; // a new draft, or none: a signature under way is stale
    // Last: joined first when the editor goes, before anything its result would touch.
    std::jthread m_signer;
};

} // namespace tc::app
