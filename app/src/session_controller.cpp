#include "session_controller.hpp"

#include "error_text.hpp"
#include "labels.hpp"
#include "queue_model.hpp"
#include "service_link.hpp"
#include "tc/media/video_negotiation.hpp"
#include "tc/protocol/ice_messages.hpp"

#include <QDateTime>
#include <QDir>

namespace tc::app {

std::string buildConsoleOffer(const media::StethoscopeFormat& stethoscope) {
    const auto sessionVersion = QDateTime::currentSecsSinceEpoch();
    std::string sdp;
    sdp += "v=0\r\n";
    sdp += "o=telecabine-console " + std::to_string(sessionVersion) + " 1 IN IP4 127.0.0.1\r\n";
    sdp += "s=telecabine\r\n";
    sdp += "t=0 0\r\n";
    sdp += "a=group:BUNDLE steth voice video otoscope dermatoscope vitals\r\n";
    // Stethoscope: lossless L16 mono (48 kHz, or 16 kHz on thin links) or CELT-only Opus at 128
    // kbit/s or more, never processed (no AEC/NS/AGC). Losses are repaired by retransmission
    // (NACK + RTX), which a 10 ms stream affords.
    sdp += media::stethoscopeOfferSection(stethoscope);
    // Conversation: Opus both ways.
    sdp += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    sdp += "c=IN IP4 0.0.0.0\r\n";
    sdp += "a=mid:voice\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
    // The room camera (two-way: the doctor's camera goes back on it) and the instrument
    // cameras, VP8 first then H.264, each with NACK, PLI, FIR and RTX.
    sdp += media::videoOfferSections(media::VideoCodec::vp8);
    // The instruments' waveforms (ECG, plethysmogram) on the session clock.
    sdp += media::vitalsOfferSection();
    return sdp;
}

std::optional<protocol::MediaRefusal> refusalOfAnswer(std::string_view sdp) {
    if (const auto transport = protocol::parseTransport(sdp); !transport) {
        return protocol::MediaRefusal{protocol::MediaRefusalCode::malformedAnswer,
                                      transport.error().message()};
    }
    if (!media::stethoscopeFormatOf(sdp)) {
        return protocol::MediaRefusal{
            protocol::MediaRefusalCode::noStethoscope,
            "the answer sends no usable stethoscope stream in section \"steth\" (L16 48/16 kHz "
            "or Opus 48 kHz at 128 kbit/s or more)"};
    }
    return std::nullopt;
}

SessionController::SessionController(QObject* parent)
    : Controller(parent) {
    buildMessageTables();
    m_workspace.setSender([this](const std::string& kind, nlohmann::json payload) {
        return sendSessionMessage(kind, std::move(payload));
    });
    m_workspace.setShowInstrument([this](const QString& instrument, bool shown) {
        if (shown) {
            attachVideo(instrument);
        } else {
            m_video.detach(instrument);
        }
    });
    // A corrected identity (never a qualified one) reaches the ordonnance being written.
    connect(&m_patient, &PatientIdentityView::changed, this, [this] {
        if (const auto& identity = m_patient.identity();
            identity && m_state == SessionState::Active) {
            m_prescription.setPatientIdentity(*identity);
        }
        if (const auto& identity = m_patient.identity()) {
            m_dossier.setPatient(*identity); // the record names the patient as corrected
        }
        updateReportRecord();
    });
    m_dossier.attach({&m_stethoscope, &m_vitals, &m_video, &m_prescription, &m_media, &m_voice});
    connect(&m_dossier, &DossierKeeper::actsChanged, this, &SessionController::updateReportRecord);
    // The signed compte rendu goes into the dossier with its files.
    connect(&m_report, &ReportEditor::signedChanged, this, [this] {
        if (const auto& signedReport = m_report.signedReport();
            signedReport && !m_report.signedPdfPath().isEmpty()) {
            const std::string base = m_report.signedPdfPath().chopped(4).toStdString();
            m_dossier.setReport(signedReport->reference, {base + ".pdf", base + ".json",
                                                          base + ".p7s", base + ".fhir.json"});
        }
    });
    connect(&m_workspace, &SessionWorkspace::refused, this,
            [this](const QString& text) { setError(text); });
    // One headset for both: the voice follows the stethoscope panel's choice.
    connect(&m_stethoscope, &StethoscopeController::outputsChanged, this,
            [this] { m_voice.setSink(m_stethoscope.selectedSink()); });
}

SessionController::~SessionController() {
    // The link's handlers reach the camera and the receivers: none may run once they go.
    m_media.shutdown();
}

void SessionController::attach(ServiceLink* connection, QueueModel* queue) {
    m_connection = connection;
    m_queue = queue;
    m_media.setExecutor(connection->ioExecutor());
    m_media.setIceMessageSender([this](const std::string& kind, nlohmann::json payload) {
        sendSessionMessage(kind, std::move(payload));
    });
    // An ICE restart signalled while our link to the service was dead (the address that
    // changed was the link's too) is lost: sent again once we are back.
    connect(connection, &ServiceLink::welcomed, this, [this](bool resumed) {
        if (resumed && !m_sessionId.empty()) {
            m_media.resendIceSignals();
        }
    });
    m_media.setVideo(&m_video);
    m_media.setOutboundReportHandler([this](std::uint32_t ssrc, double lost) {
        if (ssrc == CameraController::kSsrc) {
            m_camera.onLossReport(lost);
        }
    });
    // The cabin asks for a keyframe of the doctor's camera after a loss (protocol thread).
    m_media.setKeyframeRequestHandler([camera = &m_camera](std::uint32_t ssrc) {
        if (ssrc == CameraController::kSsrc) {
            camera->requestKeyframe(); // thread-safe down to the encoder
        }
    });
    m_stethoscope.setMessageSender([this](const std::string& kind, const std::string& site) {
        if (m_sessionId.empty()) {
            return;
        }
        const protocol::SessionMessage message{m_sessionId, kind, {{"site", site}}};
        m_connection->request(std::string(protocol::type::sessionMessage),
                              protocol::toJson(message), [this](const protocol::Reply& reply) {
                                  if (reply.code) {
                                      setError(describeError(reply.code));
                                  }
                              });
    });
    connect(connection, &ServiceLink::eventReceived, this, &SessionController::handleEvent);
    // Prescriptions (and the report's patient copy) to the cabin's printer: document.* session
    // messages of this session.
    const auto sendDocument = [this](const std::string& kind, nlohmann::json payload) {
        if (m_sessionId.empty() || m_state == SessionState::Ended) {
            return false;
        }
        const protocol::SessionMessage message{m_sessionId, kind, std::move(payload)};
        // A refusal (the cabin reconnecting, our link down) is repaired by the resume.
        m_connection->request(std::string(protocol::type::sessionMessage),
                              protocol::toJson(message), {});
        return true;
    };
    m_delivery.setMessageSender(sendDocument);
    m_report.copyDelivery()->setMessageSender(sendDocument);
    connect(&m_prescription, &PrescriptionEditor::sent, &m_report, &ReportEditor::onOrdonnanceSent);
    connect(connection, &ServiceLink::welcomed, this, [this](bool resumed) {
        if (resumed) {
            m_delivery.resume();
            m_report.copyDelivery()->resume();
        }
    });
}

void SessionController::setState(SessionState::Value state) {
    if (m_state != state) {
        m_state = state;
        emit stateChanged();
    }
}

void SessionController::clearError() {
    setError({});
}

void SessionController::claim(const QString& visitId) {
    if (m_state != SessionState::Idle || m_connection == nullptr) {
        return;
    }
    if (const auto* entry = m_queue != nullptr ? m_queue->find(visitId) : nullptr) {
        m_visit.set(*entry);
    }
    setError({});
    setState(SessionState::Claiming);
    m_connection->request(
        std::string(protocol::type::visitClaim),
        protocol::toJson(protocol::VisitRef{visitId.toStdString()}),
        [this](const protocol::Reply& reply) {
            if (reply.code) {
                setError(describeError(reply.code));
                setState(SessionState::Idle);
                return;
            }
            const auto claimed = protocol::fromJson<protocol::ClaimResult>(reply.body);
            if (!claimed) {
                setError(tr("Réponse du service illisible."));
                setState(SessionState::Idle);
                return;
            }
            m_sessionId = claimed->sessionId;
            m_report.close(); // a new claim: the last consultation's report is not this one's
            m_visit.set(claimed->entry);
            m_patient.set(claimed->patient);
            const auto doctor = prescriberIdentity();
            m_dossier.begin({m_sessionId,
                             claimed->entry,
                             claimed->patient,
                             {doctor.rpps, doctor.familyName, doctor.givenName},
                             QDateTime::currentMSecsSinceEpoch()});
            m_media.setIceServers(claimed->iceServers);
            if (!m_connection->caPath().isEmpty()) {
                m_media.setRelayTrustAnchors(m_connection->caPath().toStdString());
            }
            m_cabinConnected = true;
            emit cabinConnectedChanged();
            setState(SessionState::Joining);
            sendOffer();
        });
}

void SessionController::sendOffer() {
    QString mediaError;
    auto sdp = m_media.offer(buildConsoleOffer(m_stethoscopeFormat), mediaError);
    if (!sdp) {
        setError(mediaError); // the consultation can go on without media
        sdp = buildConsoleOffer(m_stethoscopeFormat);
    }
    const protocol::SessionDescription offer{m_sessionId, protocol::SdpType::offer,
                                             std::move(*sdp)};
    m_connection->request(std::string(protocol::type::sessionOffer), protocol::toJson(offer),
                          [this](const protocol::Reply& reply) {
                              if (reply.code) {
                                  setError(describeError(reply.code));
                              }
                          });
}

void SessionController::end(const QString& reason, const QString& note) {
    const bool inSession = m_state == SessionState::Joining || m_state == SessionState::Active;
    if (!inSession) {
        return;
    }
    auto body = nlohmann::json{{"session_id", m_sessionId}, {"reason", reason.toStdString()}};
    if (!note.trimmed().isEmpty()) {
        body["note"] = note.trimmed().toStdString();
    }
    if (!protocol::fromJson<protocol::SessionEnd>(body)) {
        setError(tr("Motif de fin invalide."));
        return;
    }
    setState(SessionState::Ending);
    m_connection->request(std::string(protocol::type::sessionEnd), std::move(body),
                          [this](const protocol::Reply& reply) {
                              if (reply.code) {
                                  setError(describeError(reply.code));
                                  setState(SessionState::Active);
                              }
                              // Otherwise the session.ended event completes the teardown.
                          });
}

void SessionController::dismiss() {
    if (m_state != SessionState::Ended) {
        return;
    }
    m_sessionId.clear();
    m_delivery.reset();
    m_visit.clear();
    m_patient.clear();
    m_summary.clear();
    setState(SessionState::Idle);
}

void SessionController::finish(const protocol::SessionEnded& ended) {
    if (const auto receiver = m_media.stethoscope()) {
        receiver->setEnvelopeTap({});
    }
    m_stethoscope.recorder()->stop(); // a recording under way goes into the dossier
    m_vitals.end();
    m_prescription.close();
    m_report.close();
    m_video.detachAll();
    m_workspace.reset();
    m_camera.detach();
    m_voice.detach();
    m_stethoscope.detach();
    m_media.close();
    m_dossier.finish(std::string(protocol::toString(ended.reason)));
    m_summary.finish(ended);
    setState(SessionState::Ended);
}

// One row per service event and per session message this controller handles (message_table.hpp).
void SessionController::buildMessageTables() {
    namespace kind = protocol::kind;
    m_events.on(protocol::type::sessionAnswer,
                [this](std::string_view, const nlohmann::json& body) { onAnswer(body); });
    m_events.on(protocol::type::sessionEnded, [this](std::string_view, const nlohmann::json& body) {
        const auto ended = protocol::fromJson<protocol::SessionEnded>(body);
        if (ended && ended->sessionId == m_sessionId) {
            finish(*ended);
        }
    });
    m_events.on(protocol::type::sessionMessage,
                [this](std::string_view, const nlohmann::json& body) {
                    const auto message = protocol::fromJson<protocol::SessionMessage>(body);
                    if (message && message->sessionId == m_sessionId) {
                        m_messages.dispatch(message->kind, message->payload);
                    }
                });
    m_events.on(protocol::type::peerStatus, [this](std::string_view, const nlohmann::json& body) {
        const auto status = protocol::fromJson<protocol::PeerStatus>(body);
        if (status && status->sessionId == m_sessionId && status->connected != m_cabinConnected) {
            m_cabinConnected = status->connected;
            emit cabinConnectedChanged();
            if (m_cabinConnected) {
                m_delivery.resume();
                m_report.copyDelivery()->resume();
                m_media.resendIceSignals(); // what the cabin missed while away
            }
        }
    });

    m_messages.on(
        kind::stethoscopeSiteAck, [this](std::string_view, const nlohmann::json& payload) {
            const auto& request = payload.value("request", nlohmann::json::object());
            if (request.is_object() && request.value("site", nlohmann::json()).is_string()) {
                const auto accepted = payload.value("acknowledged", nlohmann::json());
                m_stethoscope.onSiteAcknowledged(
                    QString::fromStdString(request["site"].get<std::string>()),
                    !accepted.is_boolean() || accepted.get<bool>());
            }
        });
    m_messages.on(kind::mediaTracks, [this](std::string_view, const nlohmann::json& payload) {
        // The cabin names its stethoscope track; it must be the section our offer gave it.
        const auto tracks = protocol::mediaTracksFrom(payload);
        if (!tracks) {
            refuseMedia({protocol::MediaRefusalCode::tracksMismatch, tracks.error().detail});
        } else if (!tracks->stethoscope) {
            refuseMedia({protocol::MediaRefusalCode::noStethoscope,
                         "the cabin says it sends no stethoscope track"});
        } else if (tracks->stethoscope->mid != protocol::kStethoscopeMid) {
            refuseMedia({protocol::MediaRefusalCode::tracksMismatch,
                         "the stethoscope must be sent in section \"steth\", not \"" +
                             tracks->stethoscope->mid + "\""});
        }
    });
    m_messages.on(kind::instrumentAck, [this](std::string_view, const nlohmann::json& payload) {
        m_workspace.onAcknowledged(payload);
    });
    m_messages.on(kind::kIceKinds, [this](std::string_view kind, const nlohmann::json& payload) {
        m_media.applyIceMessage(std::string(kind), payload);
    });
    m_messages.on(kind::kVitalsKinds, [this](std::string_view kind, const nlohmann::json& payload) {
        m_vitals.handleMessage(std::string(kind), payload);
    });
    m_messages.on(kind::kDocumentKinds,
                  [this](std::string_view kind, const nlohmann::json& payload) {
                      // Each delivery takes the statuses of its own transfer only.
                      m_delivery.onSessionMessage(std::string(kind), payload);
                      m_report.copyDelivery()->onSessionMessage(std::string(kind), payload);
                  });
}

void SessionController::handleEvent(const protocol::Envelope& event) {
    if (!m_sessionId.empty()) {
        m_events.dispatch(event.type, event.body);
    }
}

void SessionController::onAnswer(const nlohmann::json& body) {
    const auto answer = protocol::fromJson<protocol::SessionDescription>(body);
    if (answer && answer->sessionId == m_sessionId && m_state == SessionState::Joining) {
        if (const auto refusal = refusalOfAnswer(answer->sdp)) {
            refuseMedia(*refusal);
            return;
        }
        if (const auto mediaError = m_media.answer(answer->sdp); !mediaError.isEmpty()) {
            setError(mediaError);
        }
        if (const auto receiver = m_media.stethoscope()) {
            m_stethoscope.attach(receiver, QString::fromStdString(m_sessionId));
            // The heart sounds under the ECG, on the same clock.
            receiver->setEnvelopeTap(
                [vitals = &m_vitals](std::int64_t startUs, int rate, std::vector<float> e) {
                    vitals->appendHeartSound(startUs, rate, std::move(e));
                });
        }
        m_vitals.begin(m_visit.entry().visit.age,
                       [this](const std::string& kind, nlohmann::json payload) {
                           sendSessionMessage(kind, std::move(payload));
                       });
        m_vitals.attachWaveforms(m_media.waveforms());
        m_prescription.setBundlePath(m_connection->bundlePath());
        m_prescription.setDelivery(&m_delivery);
        if (!m_snapshotRoot.isEmpty()) {
            // Signed ordonnances are kept with the consultation, beside its photos.
            m_prescription.setOutputDirectory(QDir::cleanPath(m_snapshotRoot +
                                                              QStringLiteral("/../prescriptions/") +
                                                              QString::fromStdString(m_sessionId)));
        }
        m_prescription.begin(
            prescriberIdentity(),
            m_visit.entry().visit.sex == protocol::Sex::female ? prescriptions::Sex::female
            : m_visit.entry().visit.sex == protocol::Sex::male ? prescriptions::Sex::male
                                                               : prescriptions::Sex::other);
        if (const auto& identity = m_patient.identity()) {
            m_prescription.setPatientIdentity(*identity); // the cabin's identity names the patient
        }
        m_report.setBundlePath(m_connection->bundlePath());
        if (!m_snapshotRoot.isEmpty()) {
            // The report's draft and signed files, beside the ordonnances: a restarted console
            // claiming the same session takes the draft back from there.
            m_report.setOutputDirectory(QDir::cleanPath(m_snapshotRoot +
                                                        QStringLiteral("/../reports/") +
                                                        QString::fromStdString(m_sessionId)));
        }
        if (const auto voice = m_media.voice()) {
            // Two-way in the cabin's answer: the cabin hears the doctor too.
            m_voice.attach(voice, m_stethoscope.selectedSink(),
                           voice->format().twoWay ? std::optional(voice->format()) : std::nullopt,
                           m_media.sender());
        }
        for (const auto& video : media::videoStreamsOf(answer->sdp)) {
            if (video.mid == "video" && video.twoWay) {
                m_camera.attach(video, m_media.sender());
            }
        }
        // The room camera shows at once; instrument cameras when the cabin starts them.
        if (!m_snapshotRoot.isEmpty()) {
            m_video.setSnapshotDirectory(m_snapshotRoot + QLatin1Char('/') +
                                         QString::fromStdString(m_sessionId));
        }
        attachVideo(QStringLiteral("room"));
        m_dossier.mediaStarted();
        m_summary.start();
        setState(SessionState::Active);
        updateReportRecord();
    }
}

void SessionController::refuseMedia(const protocol::MediaRefusal& refusal) {
    if (m_state != SessionState::Joining && m_state != SessionState::Active) {
        return; // refused already (the answer, then its media.tracks), or over
    }
    sendSessionMessage(std::string(protocol::kind::mediaRefused), protocol::toJson(refusal));
    const auto code = QString::fromLatin1(protocol::toString(refusal.code));
    setError(tr("Média de la cabine refusé (%1) : %2")
                 .arg(code, QString::fromStdString(refusal.detail)));
    end(QStringLiteral("technical_failure"), QStringLiteral("media refused: ") + code);
}

void SessionController::attachVideo(const QString& name) {
    for (const auto& video : m_media.inboundVideos()) {
        if (video.name == name) {
            if (const auto ec =
                    m_video.attach(name, {video.format.codec, video.format.payloadType,
                                          std::chrono::milliseconds(50), video.requestKeyframe})) {
                setError(tr("Vidéo de la cabine impossible à décoder : %1").arg(errorText(ec)));
            }
        }
    }
}

void SessionController::updateReportRecord() {
    if (m_sessionId.empty() || m_state != SessionState::Active || !m_dossier.open()) {
        return; // the report opens with the consultation
    }
    m_report.setRecord(m_dossier.current()); // its examination follows the acts
}

PrescriptionEditor::PrescriberIdentity SessionController::prescriberIdentity() const {
    // The certificate's display name, "Dr Claire Martin": the last word is the family name.
    QString name = m_connection != nullptr ? m_connection->identityName() : QString();
    if (name.startsWith(QLatin1String("Dr "))) {
        name = name.mid(3);
    }
    const auto space = name.lastIndexOf(QLatin1Char(' '));
    return {(space < 0 ? name : name.mid(space + 1)).toStdString(),
            (space < 0 ? QString() : name.left(space)).toStdString(),
            m_connection != nullptr ? m_connection->rpps().toStdString() : std::string()};
}

bool SessionController::sendSessionMessage(const std::string& kind, nlohmann::json payload) {
    if (m_sessionId.empty() || m_connection == nullptr) {
        return false;
    }
    const protocol::SessionMessage message{m_sessionId, kind, std::move(payload)};
    m_connection->request(std::string(protocol::type::sessionMessage), protocol::toJson(message),
                          {});
    return true;
}

} // namespace tc::app
