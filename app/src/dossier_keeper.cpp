#include "dossier_keeper.hpp"

#include "media_link.hpp"
#include "prescription_editor.hpp"
#include "stethoscope_controller.hpp"
#include "video_controller.hpp"
#include "vitals_controller.hpp"
#include "voice_controller.hpp"

#include "ui_dispatch.hpp"

#include <QDateTime>
#include <QFileInfo>

namespace tc::app {

namespace {

prescriptions::UnixMs nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

prescriptions::AssistantRole assistantRoleOf(protocol::OperatorRole role) {
    switch (role) {
    case protocol::OperatorRole::nurse:
        return prescriptions::AssistantRole::nurse;
    case protocol::OperatorRole::pharmacist:
        return prescriptions::AssistantRole::pharmacist;
    case protocol::OperatorRole::doctorAssistant:
        return prescriptions::AssistantRole::medicalAssistant;
    case protocol::OperatorRole::none:
        break;
    }
    return prescriptions::AssistantRole::other;
}

} // namespace

prescriptions::ConsultationRecord recordBaseOf(const DossierStart& start) {
    prescriptions::ConsultationRecord record;
    record.consultationId = start.sessionId;
    if (start.patient) {
        record.patient = *start.patient;
    }
    record.doctor = start.doctor;
    const auto& visit = start.entry.visit;
    record.site = {visit.site.code, visit.site.name};
    if (visit.operatorPresence.present) {
        record.assistant = prescriptions::RecordAssistant{
            assistantRoleOf(visit.operatorPresence.role),
            visit.operatorPresence.name.empty() ? std::string("non communiqué")
                                                : visit.operatorPresence.name};
    }
    // The service's clock says when the patient checked in, ours when the doctor claimed: a
    // check-in "after" the claim is clock skew, not a time machine.
    record.times.claimMs = start.claimMs;
    record.times.checkInMs =
        start.entry.checkedInAtMs > 0 ? std::min(start.entry.checkedInAtMs, start.claimMs)
                                      : start.claimMs;
    record.consent = {visit.consent.recorded, visit.consent.qualityReview};
    return record;
}

DossierKeeper::DossierKeeper(QObject* parent)
    : QObject(parent) {
    m_hasher.setMaxThreadCount(1);
}

DossierKeeper::~DossierKeeper() {
    m_hasher.waitForDone();
}

void DossierKeeper::attach(const DossierParts& parts) {
    m_parts = parts;
    connect(parts.stethoscope->recorder(), &StethoscopeRecording::finished, this,
            &DossierKeeper::onRecordingFinished);
    parts.vitals->setMeasurementObserver([this](const protocol::Measurement& measurement) {
        if (m_dossier.open()) {
            m_dossier.addMeasurement(measurement, nowMs());
            emit actsChanged();
        }
    });
    parts.vitals->setWaveformObserver([this](const media::WaveformSpan& span) {
        if (m_dossier.open()) {
            m_dossier.addWaveforms(span);
        }
    });
    connect(parts.video, &VideoController::snapshotTaken, this, [this](const QString& path) {
        if (!m_dossier.open()) {
            return;
        }
        // The file is named "<camera>-<time>[-f<frame>].png" (video_controller.cpp).
        const QString camera = QFileInfo(path).fileName().section(QLatin1Char('-'), 0, 0);
        hash(m_dossier.addStill(path.toStdString(), camera.toStdString(), nowMs()),
             path.toStdString());
    });
    connect(parts.video, &VideoController::frozenChanged, this,
            [this](const QString& name, bool frozen) {
                if (m_dossier.open()) {
                    m_dossier.incidents().videoFrozen(nowMs(), name.toStdString(), frozen);
                }
            });
    connect(parts.prescription, &PrescriptionEditor::signFinished, this,
            &DossierKeeper::onPrescriptionSigned);
    // Audio devices: the stethoscope's output and the doctor's microphone failing.
    connect(parts.stethoscope, &StethoscopeController::availableChanged, this, [this] {
        const QString text = m_parts.stethoscope->outputText();
        if (m_dossier.open() && !text.isEmpty() && text != m_lastOutputText) {
            m_dossier.incidents().audioDeviceError(nowMs(), "sortie du stéthoscope",
                                                   "aucune sortie audio utilisable");
        }
        m_lastOutputText = text;
    });
    connect(parts.voice, &Controller::errorStringChanged, this, [this] {
        if (m_dossier.open() && !m_parts.voice->errorString().isEmpty()) {
            m_dossier.incidents().audioDeviceError(nowMs(), "micro du médecin",
                                                   "micro inutilisable");
        }
    });
    parts.media->setIncidentTimeline(&m_dossier.incidents());
}

void DossierKeeper::begin(const DossierStart& start) {
    m_dossier.begin(recordBaseOf(start));
    m_consent = {start.entry.visit.consent.recorded, start.entry.visit.consent.qualityReview};
    m_lastOutputText.clear();
    emit actsChanged();
}

void DossierKeeper::mediaStarted() {
    m_dossier.mediaStarted(nowMs());
}

void DossierKeeper::setPatient(const prescriptions::PatientIdentity& patient) {
    if (m_dossier.open()) {
        m_dossier.setPatient(patient);
    }
}

void DossierKeeper::setReport(prescriptions::ReportReference reference,
                              const std::vector<std::filesystem::path>& files) {
    if (m_dossier.open()) {
        m_dossier.setReport(std::move(reference), files);
    }
}

void DossierKeeper::onRecordingFinished(const QString& file, qint64 startedMs,
                                        qint64 durationMs) {
    if (!m_dossier.open() || file.isEmpty()) {
        return;
    }
    hash(m_dossier.addAuscultation(m_parts.stethoscope->site().toStdString(), file.toStdString(),
                                   startedMs, durationMs),
         file.toStdString());
}

void DossierKeeper::onPrescriptionSigned(bool signedOk) {
    const auto& signedDocument = m_parts.prescription->signedDocument();
    if (!signedOk || !m_dossier.open() || !signedDocument) {
        return;
    }
    std::vector<std::filesystem::path> files;
    if (const QString pdf = m_parts.prescription->signedPdfPath(); !pdf.isEmpty()) {
        // Written beside it: .json, .json.p7s, .fhir.json (prescription_editor.cpp).
        const std::string base = pdf.chopped(4).toStdString();
        files = {base + ".pdf", base + ".json", base + ".json.p7s", base + ".fhir.json"};
    }
    const auto& sealed = signedDocument->sealed;
    m_dossier.addPrescription(sealed.id().toString(), sealed.sha256(), files);
    emit actsChanged();
}

void DossierKeeper::hash(const std::string& archivedName, const std::filesystem::path& file) {
    const std::string consultation = m_dossier.consultationId();
    QPointer<DossierKeeper> self(this);
    m_hasher.start([self, archivedName, file, consultation] {
        const auto digest = sha256OfFile(file); // a long recording: off the UI thread
        if (self) {
            postToUi(self.data(), [self, archivedName, digest, consultation] {
                if (self && self->m_dossier.open() &&
                    self->m_dossier.consultationId() == consultation) {
                    self->m_dossier.setDigest(archivedName, digest);
                    emit self->actsChanged();
                }
            });
        }
    });
}

prescriptions::ConsultationRecord DossierKeeper::current() const {
    return m_dossier.current(nowMs());
}

void DossierKeeper::finish(const std::string& endReason) {
    if (!m_dossier.open()) {
        return;
    }
    auto content = m_dossier.close(endReason, nowMs());
    if (m_archive) {
        m_archive->submit(std::move(content), m_consent);
    }
}

} // namespace tc::app
