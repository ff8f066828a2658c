#include "cabin_simulator.hpp"

#include "cabin_cameras.hpp"
#include "cabin_documents.hpp"
#include "cabin_report_check.hpp"
#include "doctor_screen.hpp"
#include "sdp_answer.hpp"
#include "tc/media/session_clock.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/media/video_negotiation.hpp"
#include "tc/protocol/ice_messages.hpp"
#include "tc/protocol/media_negotiation.hpp"
#include "tc/protocol/media_transport.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cmath>
#include <deque>
#include <numbers>

namespace tc::cabin {
namespace {

namespace net = boost::asio;
using namespace tc::protocol;
using nlohmann::json;

std::string describe(const Reply& reply) {
    return std::string(wireName(static_cast<Errc>(reply.code.value()))) + ": " + reply.message;
}

class Simulator final : public CabinSimulator,
                        public ClientListener,
                        public std::enable_shared_from_this<Simulator> {
public:
    Simulator(net::any_io_executor executor, ClientConfig client, CabinScript script,
              EventSink sink)
        : m_strand(net::make_strand(executor))
        , m_clientConfig(std::move(client))
        , m_script(std::move(script))
        , m_sink(std::move(sink))
        , m_cleaningTimer(m_strand)
        , m_frameTimer(m_strand) {}

    void start() override {
        net::post(m_strand, [self = shared_from_this()] {
            // The client calls back on its own strand; we hop onto ours with a weak reference so
            // that a stopped simulator is not kept alive by its client.
            self->m_client = RendezvousClient::create(self->m_strand, self->m_clientConfig,
                                                      std::make_shared<Forwarder>(self));
            self->startDocuments();
            self->emit(CabinPhase::connecting, "connecting to " + self->m_clientConfig.host + ":" +
                                                   std::to_string(self->m_clientConfig.port));
            self->m_client->start();
        });
    }

    void stop() override {
        net::post(m_strand, [self = shared_from_this()] {
            self->m_stopped = true;
            self->m_cleaningTimer.cancel();
            self->closeMedia();
            if (self->m_client) {
                self->m_client->stop();
            }
            self->emit(CabinPhase::stopped, "stopped");
        });
    }

    void onConnectionState(ConnectionState state, boost::system::error_code reason) override {
        if (state == ConnectionState::disconnected && reason) {
            emit(CabinPhase::connecting, "cannot connect: " + reason.message());
        } else if (state == ConnectionState::reconnecting) {
            emit(CabinPhase::connecting,
                 "connection lost, reconnecting" + (reason ? " (" + reason.message() + ")" : ""));
        }
    }

    void onWelcome(const Welcome& welcome, bool resumed) override {
        emit(m_phase == CabinPhase::connecting ? CabinPhase::waitingForDoctor : m_phase,
             std::string(resumed ? "resumed as " : "signed in as ") + welcome.identity.displayName);
        if (resumed) {
            if (m_media) {
                m_media->resendSignals(); // ICE signals lost while the link was dead
            }
            return;
        }
        // A fresh start: whatever the service knew about us is gone.
        m_waiting.clear();
        m_sessionId.clear();
        m_client->request(std::string(type::cabinReady), json::object(),
                          [self = shared_from_this()](Reply reply) {
                              if (reply.code) {
                                  self->emit(self->m_phase, "ready refused: " + describe(reply));
                                  return;
                              }
                              self->emit(CabinPhase::waitingForDoctor, "cabin ready");
                              self->topUp();
                          });
    }

    void onEvent(const Envelope& event) override {
        if (event.type == type::visitClaimed) {
            if (auto claimed = fromJson<VisitClaimed>(event.body)) {
                m_sessionId = claimed->sessionId;
                m_sessionVisit = claimed->visitId;
                m_iceServers = claimed->iceServers;
                m_vitals.reset(); // a new patient
                emit(CabinPhase::inSession, "visit " + claimed->visitId + " taken by " +
                                                claimed->doctorName + " (RPPS " +
                                                claimed->doctorRpps + ")");
            }
        } else if (event.type == type::sessionOffer) {
            answer(event);
        } else if (event.type == type::sessionMessage) {
            acknowledge(event);
        } else if (event.type == type::sessionEnded) {
            if (auto ended = fromJson<SessionEnded>(event.body)) {
                std::erase(m_waiting, m_sessionVisit);
                m_sessionId.clear();
                closeMedia();
                m_vitals.reset();
                emit(CabinPhase::cleaning, "session ended (" +
                                               std::string(toString(ended->reason)) +
                                               "); cleaning the cabin");
                askSatisfaction(ended->sessionId);
                scheduleReady();
            }
        } else if (event.type == type::peerStatus) {
            if (auto status = fromJson<PeerStatus>(event.body)) {
                emit(m_phase, status->connected ? "doctor reconnected" : "doctor connection lost");
                if (status->connected && m_media) {
                    m_media->resendSignals(); // what the doctor missed while away
                }
            }
        }
    }

private:
    // Client callbacks arrive on the client's strand, which is ours.
    class Forwarder final : public ClientListener {
    public:
        explicit Forwarder(std::weak_ptr<Simulator> target)
            : m_target(std::move(target)) {}
        void onConnectionState(ConnectionState state, boost::system::error_code reason) override {
            if (auto t = m_target.lock()) {
                t->onConnectionState(state, reason);
            }
        }
        void onWelcome(const Welcome& welcome, bool resumed) override {
            if (auto t = m_target.lock()) {
                t->onWelcome(welcome, resumed);
            }
        }
        void onEvent(const Envelope& event) override {
            if (auto t = m_target.lock()) {
                t->onEvent(event);
            }
        }

    private:
        std::weak_ptr<Simulator> m_target;
    };

    // Prescriptions the doctor sends are received here and printed (cabin_documents.hpp).
    void startDocuments() {
        const auto weak = weak_from_this();
        m_documents = CabinDocuments::create(
            m_strand, parsePrinterUri(m_script.printerUri), m_script.stateDirectory,
            [weak](const std::string& sessionId, std::string_view kind, json payload) {
                if (const auto self = weak.lock(); self && self->m_client) {
                    const SessionMessage message{sessionId, std::string(kind), std::move(payload)};
                    self->m_client->request(std::string(type::sessionMessage), toJson(message),
                                            nullptr);
                }
            },
            [weak](const std::string& line) {
                if (const auto self = weak.lock()) {
                    self->emit(self->m_phase, line);
                }
            });
        // The patient's copy of a report is checked against the CA the cabin trusts for its
        // own connection: the deployment's.
        m_documents->setReportCheck(makeReportCheck(m_clientConfig.tls.trustedCaPem));
    }

    void emit(CabinPhase phase, std::string detail) {
        m_phase = phase;
        if (m_sink) {
            m_sink(CabinEvent{phase, std::move(detail)});
        }
    }

    protocol::CheckIn nextPatient() {
        protocol::CheckIn checkIn = m_script.patients[m_nextPatient % m_script.patients.size()];
        auto& visit = checkIn.visit;
        const std::size_t round = m_nextPatient / m_script.patients.size();
        ++m_nextPatient;
        if (round > 0) {
            visit.visitId += "-" + std::to_string(round);
        }
        visit.site = m_script.site;
        visit.consent.recordedAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
        return checkIn;
    }

    void topUp() {
        if (m_stopped || m_script.patients.empty()) {
            return;
        }
        while (m_waiting.size() < m_script.waitingAtOnce &&
               (m_script.loop || m_nextPatient < m_script.patients.size())) {
            const auto checkIn = nextPatient();
            m_waiting.push_back(checkIn.visit.visitId);
            m_client->request(std::string(type::visitCheckIn), toJson(checkIn),
                              [self = shared_from_this(), visit = checkIn.visit](Reply reply) {
                                  self->onCheckedIn(visit, reply);
                              });
        }
    }

    void onCheckedIn(const protocol::Visit& visit, const Reply& reply) {
        if (!reply.code) {
            emit(m_phase, "checked in " + visit.visitId + " (" + std::to_string(visit.age) +
                              " ans, " + visit.reason + ")");
            return;
        }
        std::erase(m_waiting, visit.visitId);
        emit(m_phase, "check-in of " + visit.visitId + " refused: " + describe(reply));
        const bool eligibilityRefusal =
            reply.code == Errc::underage || reply.code == Errc::guardianRequired ||
            reply.code == Errc::consentMissing || reply.code == Errc::invalidIdentity;
        if (eligibilityRefusal) {
            topUp(); // the operator directs this patient elsewhere and calls the next one
        }
    }

    void answer(const Envelope& event) {
        auto offer = fromJson<SessionDescription>(event.body);
        if (!offer) {
            emit(m_phase, "unreadable offer: " + offer.error().detail);
            return;
        }
        std::string sdp = answerFor(offer->sdp, answerPreferences());
        if (auto media = openMedia(offer->sdp)) {
            sdp = std::move(*media);
        }
        SessionDescription reply{offer->sessionId, SdpType::answer, std::move(sdp)};
        m_client->request(std::string(type::sessionAnswer), toJson(reply),
                          [self = shared_from_this()](Reply r) {
                              self->emit(self->m_phase, r.code ? "answer refused: " + describe(r)
                                                               : "doctor joined; answer sent");
                              if (!r.code) {
                                  self->vitals()->sendManualEntries();
                              }
                          });
    }

    AnswerPreferences answerPreferences() const {
        return {m_script.stethoscope.codec, m_script.videoCodec};
    }

    // When the offer carries a transport (ICE credentials, candidates, DTLS fingerprint or SDES
    // keys): open ours, start checks, and return the answer with our side of it. Without one, no
    // media.
    std::optional<std::string> openMedia(const std::string& offerSdp) {
        closeMedia();
        const auto remote = parseTransport(offerSdp);
        if (!remote) {
            emit(m_phase,
                 "offer without usable media transport (" + remote.error().message() + ")");
            return std::nullopt;
        }
        auto keying = answerKeying(*remote);
        if (!keying) {
            emit(m_phase, "cannot key the media: " + keying.error().message());
            return std::nullopt;
        }
        MediaTransportConfig config;
        config.local = makeIceCredentials();
        config.controlling = false; // the offerer controls
        auto addresses = hostAddresses(m_script.mediaAddresses);
        if (!addresses) {
            emit(m_phase, "no network address for the media: " + addresses.error().message());
            return std::nullopt;
        }
        config.hostAddresses = std::move(*addresses);
        config.followAddresses = m_script.mediaAddresses;
        config.iceServers = m_iceServers;
        config.relayTrustAnchors = m_script.relayTrustAnchors;
        config.egressImpairment = m_script.mediaImpairment;
        auto media = MediaTransport::open(m_strand, config);
        if (!media) {
            emit(m_phase, "cannot open the media port: " + media.error().message());
            return std::nullopt;
        }
        auto answer = withTransport(
            answerFor(offerSdp, answerPreferences()),
            describeTransport(config.local, (*media)->localCandidates(), keying->local));
        if (!answer) {
            return std::nullopt;
        }
        auto self = shared_from_this();
        // The streams the answer accepted, with NACK/RTX where the offer asked for it.
        RtpSessionConfig rtp;
        rtp.streams = rtpStreamsOf(*answer);
        rtp.cname = "cabin@" + m_script.site.code;
        m_stethoscope = media::stethoscopeFormatOf(*answer);
        m_voiceFormat = media::voiceFormatOf(*answer);
        m_waveformFormat = media::waveformFormatOf(*answer);
        // The doctor's voice comes back on a two-way voice stream.
        m_doctorVoice.reset();
        if (m_voiceFormat && m_voiceFormat->twoWay) {
            if (auto receiver = media::VoiceReceiver::create(*m_voiceFormat)) {
                m_doctorVoice = std::move(*receiver);
            }
        }
        // And the doctor's camera, on the two-way room camera section, for the cabin's screen.
        std::shared_ptr<DoctorScreen> screen;
        for (const auto& video : media::videoStreamsOf(*answer)) {
            if (video.mid == "video" && video.twoWay) {
                if (auto started = DoctorScreen::start(video, m_script.doctorScreenSink)) {
                    screen = std::move(*started);
                } else {
                    emit(m_phase,
                         "screen: cannot show the doctor (" + started.error().message() + ")");
                }
            }
        }
        RtpSession::MediaHandler onMedia = [doctor = m_doctorVoice,
                                            screen](const RtpHeader& header,
                                                    std::span<const std::uint8_t> packet, bool) {
            if (doctor && header.payloadType == doctor->format().payloadType) {
                doctor->onPacket(packet);
            } else if (screen && header.payloadType == screen->payloadType()) {
                screen->onPacket(header, packet);
            }
        };
        // The cabin's cameras, on the video sections the answer kept; keyframe requests come
        // on the transport's executor, which is this strand.
        m_cameras = std::make_unique<CabinCameras>(
            m_strand, media::videoStreamsOf(*answer), m_script.cameras,
            [weak = weak_from_this()](const std::string& line) {
                if (const auto cabin = weak.lock()) {
                    cabin->emit(cabin->m_phase, line);
                }
            });
        m_rtp = RtpSession::create(*media, rtp, std::move(onMedia),
                                   [weak = weak_from_this()](std::uint32_t ssrc) {
                                       const auto cabin = weak.lock();
                                       if (cabin && cabin->m_cameras) {
                                           cabin->m_cameras->keyframeRequested(ssrc);
                                       }
                                   });
        if (screen) {
            screen->attachSession(m_rtp);
        }
        m_doctorScreen = screen;
        const auto started = (*media)->start(
            remote->candidates, remote->ice, keying->transport, m_rtp->packetHandler(),
            m_rtp->stateHandler([self](TransportState state, boost::system::error_code error) {
                net::post(self->m_strand,
                          [self, state, error] { self->onMediaState(state, error); });
            }));
        if (started) {
            m_rtp.reset();
            emit(m_phase, "cannot key the media transport: " + started.message());
            return std::nullopt;
        }
        m_media = *media;
        // Trickle ICE: what the transport finds goes to the doctor once the answer is out (it
        // is sent right after this returns, on this strand, before these posts run).
        m_media->setSignalHandler([weak = weak_from_this()](IceSignal signal) {
            if (const auto cabin = weak.lock()) {
                net::post(cabin->m_strand,
                          [cabin, signal = std::move(signal)] { cabin->sendIceSignal(signal); });
            }
        });
        m_media->setPathHandler([weak = weak_from_this()](const MediaPath& path) {
            if (const auto cabin = weak.lock()) {
                net::post(cabin->m_strand, [cabin, path] {
                    cabin->emit(cabin->m_phase, "media path: " + describe(path) + ", " +
                                                    path.local.endpoint.address().to_string() +
                                                    " <-> " +
                                                    path.remote.endpoint.address().to_string());
                });
            }
        });
        emit(m_phase,
             "media: checking the path, keyed by " + std::string(toString(keying->local.mode)));
        return answer.value();
    }

    void onMediaState(TransportState state, boost::system::error_code error) {
        emit(m_phase, "media: " + std::string(toString(state)) +
                          (error ? " (" + error.message() + ")" : std::string()));
        if (state == TransportState::connected && m_rtp && m_waveformFormat) {
            vitals()->startStreaming(m_rtp, *m_waveformFormat); // ECG and pleth
        }
        if (state == TransportState::connected && !m_streaming && m_media && m_stethoscope) {
            startStethoscope();
        }
        if (state == TransportState::connected && !m_roomCamera && m_cameras) {
            m_roomCamera = true;
            m_cameras->startRoom(m_rtp);
            m_cameras->startRateControl(m_rtp);
        }
        if (state == TransportState::connected && !m_voice && m_media && m_voiceFormat) {
            auto voice =
                CabinVoice::start(m_strand, m_rtp, *m_voiceFormat, m_script.voice, m_doctorVoice);
            if (!voice) {
                emit(m_phase, "voice: cannot stream (" + voice.error().message() + ")");
            } else {
                m_voice = *voice;
                emit(m_phase, "voice: streaming " + m_voice->description());
            }
        }
    }

    // The stethoscope stream: the recording or the synthetic body, in 10 ms packets paced on
    // absolute deadlines (no drift), with the operator's current site.
    void startStethoscope() {
        const auto& settings = m_script.stethoscope;
        std::optional<media::StethoscopeSource> source;
        if (settings.file) {
            auto loaded =
                media::StethoscopeSource::fromWav(*settings.file, m_stethoscope->sampleRate);
            if (loaded) {
                source = std::move(*loaded);
            } else {
                emit(m_phase, "stethoscope file unusable (" + loaded.error().message() +
                                  "): synthetic sounds instead");
            }
        }
        if (!source) {
            source = media::StethoscopeSource::synthetic(settings.model, m_stethoscope->sampleRate);
        }
        auto packetizer =
            media::StethoscopePacketizer::create(*m_stethoscope, kStethoscopeSsrc, 1, 0);
        if (!packetizer) {
            emit(m_phase, "stethoscope: cannot encode " +
                              std::string(media::toString(m_stethoscope->encoding)) + " (" +
                              packetizer.error().message() + "); no stethoscope stream");
            return;
        }
        source->setSite(m_site);
        // The synthetic heart beats with the patient's physiology: S1 after each QRS. Every
        // packet says when its first sample was captured (when the console negotiated it).
        const auto now = media::sessionNowUs();
        const auto& patient = vitals();
        source->followBeats(patient->beats(), static_cast<double>(now - patient->originUs()) / 1e6,
                            patient->electromechanicalDelay());
        packetizer->setCaptureOrigin(now);
        m_source = std::move(source);
        m_packetizer.emplace(std::move(*packetizer));
        m_frame.assign(static_cast<std::size_t>(m_stethoscope->frameSamples()), 0);
        m_streaming = true;
        m_nextFrame = std::chrono::steady_clock::now();
        const std::string codec =
            m_stethoscope->encoding == media::AudioEncoding::opus
                ? "Opus/48000 at " + std::to_string(m_stethoscope->opusBitrate / 1000) + " kbit/s"
                : "L16/" + std::to_string(m_stethoscope->sampleRate);
        emit(m_phase, "stethoscope: streaming " + codec +
                          (settings.file ? " from " + settings.file->filename().string()
                                         : std::string(" (synthetic)")) +
                          " at the " + std::string(media::toString(m_site)) + " site");
        sendFrame();
    }

    void sendFrame() {
        if (!m_streaming || !m_rtp || !m_source) {
            m_streaming = false;
            return;
        }
        m_source->render(m_frame);
        if (auto packet = m_packetizer->packetize(m_frame, m_source->site())) {
            m_rtp->send(std::move(*packet));
        }
        const auto period = std::chrono::milliseconds(m_stethoscope->packetMs);
        m_nextFrame += period;
        if (std::chrono::steady_clock::now() - m_nextFrame > 10 * period) {
            m_nextFrame = std::chrono::steady_clock::now(); // after a stall, do not burst
        }
        m_frameTimer.expires_at(m_nextFrame);
        m_frameTimer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) {
                self->sendFrame();
            }
        });
    }

    void closeMedia() {
        m_cameras.reset(); // joins the capture threads
        if (m_vitals) {
            m_vitals->stopStreaming();
        }
        m_roomCamera = false;
        if (m_voice) {
            if (m_doctorVoice) {
                emit(m_phase, "voice: heard " + std::to_string(m_voice->doctorPackets()) +
                                  " packets of the doctor's voice");
            }
            m_voice->stop();
            m_voice.reset();
        }
        if (m_doctorScreen) {
            emit(m_phase, "screen: showed " + std::to_string(m_doctorScreen->frames()) +
                              " frames of the doctor's camera (" +
                              std::to_string(m_doctorScreen->width()) + "x" +
                              std::to_string(m_doctorScreen->height()) + ")");
        }
        m_streaming = false;
        m_frameTimer.cancel();
        m_source.reset();
        if (m_rtp) {
            m_rtp->stop();
            m_rtp.reset();
        }
        if (m_media) {
            m_media->close();
            m_media.reset();
        }
        m_doctorScreen.reset(); // after the session: its handler holds a reference too
    }

    void sendIceSignal(const IceSignal& signal) {
        if (m_sessionId.empty() || !m_media) {
            return;
        }
        if (std::holds_alternative<IceRestartSignal>(signal)) {
            emit(m_phase, "media: restarting ICE (path lost or addresses changed)");
        }
        auto [kind, payload] = toSessionMessage(signal);
        const SessionMessage message{m_sessionId, std::string(kind), std::move(payload)};
        m_client->request(std::string(type::sessionMessage), toJson(message), nullptr);
    }

    void acknowledge(const Envelope& event) {
        auto message = fromJson<SessionMessage>(event.body);
        if (!message) {
            return;
        }
        if (CabinDocuments::handles(message->kind)) {
            m_documents->onMessage(message->sessionId, message->kind, message->payload);
            return;
        }
        if (isIceMessageKind(message->kind)) {
            auto signal = iceSignalFrom(message->kind, message->payload);
            if (!signal) {
                emit(m_phase, "ICE message refused: " + signal.error().detail);
            } else if (m_media && message->sessionId == m_sessionId) {
                if (std::holds_alternative<IceRestartSignal>(*signal)) {
                    emit(m_phase, "the doctor restarts ICE");
                }
                m_media->applyRemoteSignal(std::move(*signal));
            }
            return;
        }
        // The operator reads the request on the cabin screen and confirms it.
        std::string ackKind;
        bool understood = true;
        std::string refusal = "unknown_site";
        if (message->kind == protocol::kind::stethoscopeSiteRequest) {
            ackKind = protocol::kind::stethoscopeSiteAck;
            // The operator moves the stethoscope: the stream carries the new site from now on.
            const auto* name = message->payload.is_object() && message->payload.contains("site")
                                   ? &message->payload["site"]
                                   : nullptr;
            const auto site = name != nullptr && name->is_string()
                                  ? media::siteFromString(name->get<std::string>())
                                  : std::nullopt;
            understood = site.has_value();
            if (site) {
                m_site = *site;
                if (m_source) {
                    m_source->setSite(*site);
                }
            }
        } else if (message->kind == protocol::kind::instrumentRequest) {
            // {"instrument": "otoscope" | "dermatoscope", "action": "start" | "stop"}: the
            // operator picks the instrument up (or puts it down) and its camera follows.
            ackKind = protocol::kind::instrumentAck;
            const auto instrument = message->payload.find("instrument");
            const auto action = message->payload.find("action");
            understood =
                instrument != message->payload.end() && instrument->is_string() &&
                action != message->payload.end() && action->is_string() &&
                (*action == "start" || *action == "stop") && m_cameras &&
                m_cameras->request(instrument->get<std::string>(), *action == "start", m_rtp);
            refusal = "unknown_instrument";
        }
        emit(m_phase, "doctor says (" + message->kind + "): " + message->payload.dump());
        if (message->kind == kind::vitalsMeasureRequest) {
            // The instrument acknowledges, measures, and reports (cabin_vitals.cpp).
            m_sessionId = m_sessionId.empty() ? message->sessionId : m_sessionId;
            vitals()->onRequest(message->payload);
            return;
        }
        if (ackKind.empty()) {
            return;
        }
        json body{{"request", message->payload}, {"acknowledged", understood}};
        if (!understood) {
            body["reason"] = refusal; // the operator cannot do what nobody can name
        }
        SessionMessage ack{message->sessionId, ackKind, std::move(body)};
        m_client->request(std::string(type::sessionMessage), toJson(ack), nullptr);
    }

    // This session's patient: physiology and instruments, made on first use.
    const std::shared_ptr<CabinVitals>& vitals() {
        if (!m_vitals) {
            const auto send = [weak = weak_from_this()](std::string_view kind, json payload) {
                if (const auto self = weak.lock(); self && self->m_client) {
                    SessionMessage message{self->m_sessionId, std::string(kind),
                                           std::move(payload)};
                    self->m_client->request(std::string(type::sessionMessage), toJson(message),
                                            nullptr);
                }
            };
            m_vitals = CabinVitals::create(m_strand, m_script.vitals, send,
                                           [weak = weak_from_this()](const std::string& line) {
                                               if (const auto self = weak.lock()) {
                                                   self->emit(self->m_phase, line);
                                               }
                                           });
        }
        return m_vitals;
    }

    // The cabin's screen asks the patient for a score; the simulated patient answers (or
    // declines) from the script's list, in turn.
    void askSatisfaction(const std::string& sessionId) {
        const auto& answers = m_script.satisfactionAnswers;
        if (answers.empty()) {
            return;
        }
        const auto answer = answers[m_surveysAsked++ % answers.size()];
        if (!answer) {
            emit(m_phase, "the patient declined the satisfaction survey");
            return;
        }
        m_client->request(std::string(type::surveyAnswer), toJson(SurveyAnswer{sessionId, *answer}),
                          [self = shared_from_this(), score = *answer](Reply reply) {
                              self->emit(self->m_phase,
                                         reply.code ? "satisfaction refused: " + describe(reply)
                                                    : "the patient rated the consultation " +
                                                          std::to_string(score) + "/5");
                          });
    }

    void scheduleReady() {
        m_cleaningTimer.expires_after(m_script.cleaningDelay);
        m_cleaningTimer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->m_stopped) {
                return;
            }
            self->m_client->request(
                std::string(type::cabinReady), json::object(), [self](Reply reply) {
                    if (reply.code) {
                        self->emit(self->m_phase, "ready refused: " + describe(reply));
                        return;
                    }
                    self->emit(CabinPhase::waitingForDoctor, "cleaning done; cabin ready");
                    self->topUp();
                });
        });
    }

    net::strand<net::any_io_executor> m_strand;
    ClientConfig m_clientConfig;
    CabinScript m_script;
    EventSink m_sink;
    std::shared_ptr<RendezvousClient> m_client;
    net::steady_timer m_cleaningTimer;
    std::size_t m_surveysAsked = 0;
    net::steady_timer m_frameTimer;
    std::shared_ptr<MediaTransport> m_media;
    std::shared_ptr<RtpSession> m_rtp;
    std::optional<media::StethoscopeFormat> m_stethoscope; // negotiated
    std::optional<media::StethoscopeSource> m_source;
    std::optional<media::StethoscopePacketizer> m_packetizer;
    std::optional<media::VoiceFormat> m_voiceFormat; // negotiated
    std::shared_ptr<CabinVoice> m_voice;
    std::shared_ptr<media::VoiceReceiver> m_doctorVoice;   // two-way voice only
    std::shared_ptr<DoctorScreen> m_doctorScreen;          // the doctor's camera
    std::shared_ptr<CabinVitals> m_vitals;                 // the patient, per session
    std::optional<media::WaveformFormat> m_waveformFormat; // negotiated
    std::unique_ptr<CabinCameras> m_cameras;               // ours, to the doctor
    std::shared_ptr<CabinDocuments> m_documents;           // prescriptions to print
    bool m_roomCamera = false;
    std::vector<std::int16_t> m_frame;
    std::chrono::steady_clock::time_point m_nextFrame;
    bool m_streaming = false;
    media::AuscultationSite m_site = media::AuscultationSite::mitral; // where the operator holds it
    static constexpr std::uint32_t kStethoscopeSsrc = 0x57E7A001;
    CabinPhase m_phase = CabinPhase::connecting;
    std::vector<std::string> m_waiting; // checked in, not yet ended
    std::string m_sessionId;
    std::string m_sessionVisit;
    std::vector<IceServer> m_iceServers; // this session's STUN and TURN servers
    std::size_t m_nextPatient = 0;
    bool m_stopped = false;
};

} // namespace

std::shared_ptr<CabinSimulator> CabinSimulator::create(net::any_io_executor executor,
                                                       ClientConfig client, CabinScript script,
                                                       EventSink sink) {
    return std::make_shared<Simulator>(std::move(executor), std::move(client), std::move(script),
                                       std::move(sink));
}

} // namespace tc::cabin
