// ReportEditor's signature, its new versions and the patient's copy (report_editor.hpp): the
// ordonnance's signing path (prescription_signing.hpp) on a worker thread, the result back on the
// UI thread by one queued call, the signed files kept with the consultation.
#include "error_text.hpp"
#include "prescription_editor.hpp"
#include "report_editor.hpp"
#include "tc/prescriptions/ordonnance.hpp"

#include <QByteArray>
#include <algorithm>
#include <chrono>
#include <memory>

namespace tc::app {

namespace rx = tc::prescriptions;

namespace {

rx::UnixMs toUnixMs(std::chrono::system_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

} // namespace

bool ReportEditor::sign(const QString& secret, const QString& choice) {
    if (!editable() || !m_record) {
        return false;
    }
    saveNow();
    rx::registerOrdonnanceFonts(); // here, on the GUI thread, before the worker renders
    m_signingInProgress = true;
    m_signText = tr("Signature en cours…");
    emit changed();
    const auto now = std::chrono::system_clock::now();
    auto record = *m_record;
    if (record.endReason == "in_progress") {
        // A running consultation is reported on up to the signature.
        record.times.endMs = std::max(record.times.endMs, toUnixMs(now));
    }
    m_signer = std::jthread([this, open = m_signing.opener(choice, secret), report = *m_report,
                             record = std::move(record), now, draft = m_draftGeneration] {
        auto outcome = std::make_shared<ReportSigningOutcome>(
            signConsultationReport(open, report, record, now));
        // Dropped by Qt if the editor is gone by then (its destructor joins this thread first).
        QMetaObject::invokeMethod(
            this,
            [this, draft, outcome, at = toUnixMs(now)] {
                finishSigning(draft, std::move(*outcome), at);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void ReportEditor::finishSigning(std::uint64_t draft, ReportSigningOutcome outcome,
                                 rx::UnixMs signedAtMs) {
    if (draft != m_draftGeneration) {
        return; // for a draft since closed: nobody waits for it any more
    }
    m_signingInProgress = false;
    if (!outcome) {
        const auto& refusal = outcome.error();
        const bool contentIssue = refusal.reason == SigningRefusal::Reason::signature &&
                                  refusal.code == rx::Errc::validationFailed;
        m_signText = contentIssue
                         ? tr("Signature impossible : le compte rendu ou le dossier de la "
                              "consultation comporte des erreurs à corriger.")
                         : PrescriptionEditor::refusalText(
                               refusal, m_record ? QString::fromStdString(m_record->doctor.rpps)
                                                 : QString());
        setError(m_signText);
        ++m_revision;
        emit changed();
        emit signFinished(false);
        return;
    }
    m_signed = std::move(*outcome);
    m_signedAtMs = signedAtMs;
    m_signText = tr("Signé électroniquement (PAdES) · n° %1").arg(idText());
    setError({});
    if (!m_outputDirectory.isEmpty()) {
        if (const auto error =
                report_files::writeSigned(m_outputDirectory, *m_signed, m_signedPdfPath)) {
            m_signText += tr(" — mais l'enregistrement dans %1 a échoué (%2)")
                              .arg(m_outputDirectory, errorText(error));
        }
        save(); // the draft now says it is signed: a restart finds the signed files again
    }
    ++m_revision;
    emit changed();
    renderPreview();
    emit signedChanged();
    emit signFinished(true);
}

void ReportEditor::amend() {
    if (!m_signed || m_signingInProgress) {
        return;
    }
    auto id = rx::PrescriptionId::generate();
    if (!id) {
        setError(tr("Nouvelle version impossible : %1").arg(errorText(id.error())));
        return;
    }
    m_report->id = *id;
    m_signed.reset();
    m_signedAtMs.reset();
    m_signedPdfPath.clear();
    m_signText = tr("Nouvelle version du compte rendu : à signer de nouveau.");
    if (m_record) {
        mergeItems(); // acts since the signature come in now
    }
    edited();
    emit signedChanged();
}

bool ReportEditor::sendPatientCopy() {
    if (!m_signed) {
        return false;
    }
    const QByteArray pdf(reinterpret_cast<const char*>(m_signed->pdf.data()),
                         static_cast<qsizetype>(m_signed->pdf.size()));
    return m_copyDelivery.send(pdf, idText(), tr("Compte rendu %1 (copie patient)").arg(idText()));
}

void ReportEditor::onOrdonnanceSent() {
    if (m_patientCopy && m_signed) {
        sendPatientCopy();
    }
}

} // namespace tc::app
