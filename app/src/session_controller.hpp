#pragma once
// One consultation from the doctor's side: claim, join (SDP offer, cabin's answer), end with a
// reason. An explicit state machine with one teardown path.

#include "camera_controller.hpp"
#include "controller.hpp"
#include "dossier_keeper.hpp"
#include "media_link.hpp"
#include "message_table.hpp"
#include "patient_identity_view.hpp"
#include "prescription_delivery.hpp"
#include "prescription_editor.hpp"
#include "replay_controller.hpp"
#include "report_editor.hpp"
#include "session_summary.hpp"
#include "session_workspace.hpp"
#include "states.hpp"
#include "stethoscope_controller.hpp"
#include "tc/protocol/media_tracks.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/sdp_transport.hpp"
#include "video_controller.hpp"
#include "visit_details.hpp"
#include "vitals_controller.hpp"
#include "voice_controller.hpp"

#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>

namespace tc::app {

class ServiceLink;
class QueueModel;

class SessionController : public Controller {
    Q_OBJECT
    Q_PROPERTY(tc::app::SessionState::Value state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool cabinConnected READ cabinConnected NOTIFY cabinConnectedChanged)
    // The patient's identity from the cabin, from the claim on.
    Q_PROPERTY(tc::app::PatientIdentityView* patient READ patient CONSTANT)
    // Its duration, and how it ended.
    Q_PROPERTY(tc::app::SessionSummary* summary READ summary CONSTANT)
    // The patient and visit, from the queue entry that was claimed.
    Q_PROPERTY(tc::app::VisitDetails* visit READ visit CONSTANT)
    // The media transport (its state a MediaState) and what arrives.
    Q_PROPERTY(tc::app::MediaLink* media READ media CONSTANT)
    Q_PROPERTY(tc::app::StethoscopeController* stethoscope READ stethoscope CONSTANT)
    Q_PROPERTY(tc::app::ReplayController* replay READ replay CONSTANT)
    Q_PROPERTY(tc::app::VoiceController* voice READ voice CONSTANT)
    Q_PROPERTY(tc::app::CameraController* camera READ camera CONSTANT)
    Q_PROPERTY(tc::app::VideoController* video READ video CONSTANT)
    Q_PROPERTY(tc::app::VitalsController* vitals READ vitals CONSTANT)
    Q_PROPERTY(tc::app::PrescriptionEditor* prescription READ prescription CONSTANT)
    // The compte rendu (F4), written against the consultation's record.
    Q_PROPERTY(tc::app::ReportEditor* report READ report CONSTANT)
    // The doctor's working tab beside the video, and the instrument cameras asked for.
    Q_PROPERTY(tc::app::SessionWorkspace* workspace READ workspace CONSTANT)

public:
    explicit SessionController(QObject* parent = nullptr);
    // Closes the media transport and waits for the protocol thread to have closed it, so that no
    // callback of it can queue a call to this object once it is gone.
    ~SessionController() override;

    void attach(ServiceLink* connection, QueueModel* queue);

    SessionState::Value state() const { return m_state; }
    QString sessionId() const { return QString::fromStdString(m_sessionId); }
    bool cabinConnected() const { return m_cabinConnected; }
    SessionSummary* summary() { return &m_summary; }
    PatientIdentityView* patient() { return &m_patient; }
    VisitDetails* visit() { return &m_visit; }
    MediaLink* media() { return &m_media; }
    StethoscopeController* stethoscope() { return &m_stethoscope; }
    // What the offer asks of the cabin's stethoscope first: L16 at 48000 (default) or 16000 Hz,
    // or Opus (48 kHz, at least 128 kbit/s).
    void setStethoscopeFormat(const media::StethoscopeFormat& format) {
        m_stethoscopeFormat = format;
    }
    ReplayController* replay() { return &m_replay; }
    VoiceController* voice() { return &m_voice; }
    CameraController* camera() { return &m_camera; }
    VideoController* video() { return &m_video; }
    VitalsController* vitals() { return &m_vitals; }
    PrescriptionEditor* prescription() { return &m_prescription; }
    ReportEditor* report() { return &m_report; }
    SessionWorkspace* workspace() { return &m_workspace; }
    PrescriptionDeliveryController* delivery() { return &m_delivery; }
    // The consultation's dossier, kept from the claim to the end, then handed to `archive`.
    DossierKeeper* dossier() { return &m_dossier; }
    void setArchive(ArchiveUploads* archive) { m_dossier.setArchive(archive); }
    // Consultation snapshots go to <root>/<session id>/.
    void setSnapshotRoot(const QString& root) { m_snapshotRoot = root; }

    Q_INVOKABLE void claim(const QString& visitId);
    // `reason` is an end-reason wire name ("completed", "referred_in_person", ...).
    Q_INVOKABLE void end(const QString& reason, const QString& note);
    // After "ended": back to the queue.
    Q_INVOKABLE void dismiss();
    Q_INVOKABLE void clearError();

    // Feeds one service event (public for tests).
    void handleEvent(const protocol::Envelope& event);

signals:
    void stateChanged();
    void cabinConnectedChanged();

private:
    void buildMessageTables();
    void onAnswer(const nlohmann::json& body);
    // Tells the cabin why its media is refused (media.refused), then ends the session: a
    // consultation without the stethoscope the cabin advertised is not one to hold.
    void refuseMedia(const protocol::MediaRefusal& refusal);
    void setState(SessionState::Value state);
    void sendOffer();
    bool sendSessionMessage(const std::string& kind, nlohmann::json payload);
    PrescriptionEditor::PrescriberIdentity prescriberIdentity() const;
    void attachVideo(const QString& name);
    void finish(const protocol::SessionEnded& ended);
    // The record as far as the session knows it (session_record.hpp), to the report.
    void updateReportRecord();

    ServiceLink* m_connection = nullptr;
    QueueModel* m_queue = nullptr;
    SessionState::Value m_state = SessionState::Idle;
    std::string m_sessionId;
    QString m_snapshotRoot;
    VisitDetails m_visit;
    MessageTable m_events;   // service events by type (protocol::type::*)
    MessageTable m_messages; // this session's messages by kind (protocol::kind::*)
    bool m_cabinConnected = true;
    SessionSummary m_summary;
    PatientIdentityView m_patient;
    SessionWorkspace m_workspace;
    VideoController m_video;   // before the link: its callbacks push into it until shutdown()
    VitalsController m_vitals; // before the link too: the stethoscope's envelope tap posts to it
    PrescriptionEditor m_prescription;
    ReportEditor m_report;
    MediaLink m_media; // opened for the offer, keyed by the answer, closed with the session
    StethoscopeController m_stethoscope; // declared after m_media: detached before it closes
    ReplayController m_replay{&m_stethoscope};
    VoiceController m_voice;   // the cabin's voice, on the stethoscope panel's headset
    CameraController m_camera; // the doctor's, to the cabin
    media::StethoscopeFormat m_stethoscopeFormat;
    PrescriptionDeliveryController m_delivery;
    DossierKeeper m_dossier; // last: it listens to the parts above
};

// The doctor's SDP offer (RFC 8866): what the console wants to receive from the cabin, before
// the media link adds its transport (candidates, ICE credentials, DTLS fingerprint).
std::string buildConsoleOffer(const media::StethoscopeFormat& stethoscope = {});
// Why a cabin's SDP answer cannot be used (a transport that cannot be reached or keyed, no
// stethoscope stream), or nothing.
std::optional<protocol::MediaRefusal> refusalOfAnswer(std::string_view sdp);

} // namespace tc::app
