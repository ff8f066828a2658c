#pragma once
// Keeps the consultation's dossier (consultation_dossier.hpp) from what the session's parts do:
// the auscultations recorded, the measurements and waveforms received, the stills taken, the
// ordonnances signed, and the link's incidents (loss and jitter bursts, drops, consent loss, path
// changes; frozen video; audio device failures). At the end it hands the dossier to the archive
// uploads, which write and send it in the background.
//
// The session calls begin() at the claim, mediaStarted() when media flows, finish() when the
// service says the session ended. UI thread.

#include "archive_uploads.hpp"
#include "consultation_dossier.hpp"
#include "tc/protocol/messages.hpp"

#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <optional>

namespace tc::app {

class StethoscopeController;
class VitalsController;
class VideoController;
class PrescriptionEditor;
class MediaLink;
class VoiceController;

struct DossierParts {
    StethoscopeController* stethoscope = nullptr;
    VitalsController* vitals = nullptr;
    VideoController* video = nullptr;
    PrescriptionEditor* prescription = nullptr;
    MediaLink* media = nullptr;
    VoiceController* voice = nullptr;
};

// Who took part, as the claim tells it.
struct DossierStart {
    std::string sessionId;
    protocol::QueueEntry entry; // the visit, its site, check-in time, consent, operator
    std::optional<prescriptions::PatientIdentity> patient;
    prescriptions::RecordDoctor doctor;
    prescriptions::UnixMs claimMs = 0;
};

class DossierKeeper : public QObject {
    Q_OBJECT
public:
    explicit DossierKeeper(QObject* parent = nullptr);
    ~DossierKeeper() override;

    void attach(const DossierParts& parts);
    // Where finished dossiers go; none: kept nowhere (a console without an archive).
    void setArchive(ArchiveUploads* archive) { m_archive = archive; }

    void begin(const DossierStart& start);
    void mediaStarted();
    // The identity as corrected by the doctor, when it changes.
    void setPatient(const prescriptions::PatientIdentity& patient);
    // The signed compte rendu and its files.
    void setReport(prescriptions::ReportReference reference,
                   const std::vector<std::filesystem::path>& files);
    // `endReason` the session's end-reason wire name.
    void finish(const std::string& endReason);

    bool open() const { return m_dossier.open(); }
    // The record as it stands (what the compte rendu is drafted from).
    prescriptions::ConsultationRecord current() const;
    ConsultationDossier& dossier() { return m_dossier; }

signals:
    // An act was added (the compte rendu's examination follows).
    void actsChanged();

private:
    void onRecordingFinished(const QString& file, qint64 startedMs, qint64 durationMs);
    void onPrescriptionSigned(bool signedOk);
    // Hashes an act's file on a worker thread, then gives the dossier its digest.
    void hash(const std::string& archivedName, const std::filesystem::path& file);

    DossierParts m_parts;
    ConsultationDossier m_dossier;
    QPointer<ArchiveUploads> m_archive;
    protocol::ConsentScopes m_consent;
    QString m_lastOutputText; // the stethoscope's, to hear a new failure once
    QThreadPool m_hasher;     // one file at a time; waited for before the keeper goes
};

// The record's first lines from the claim: patient, doctor, cabin, assistant, times, consent.
prescriptions::ConsultationRecord recordBaseOf(const DossierStart& start);

} // namespace tc::app
