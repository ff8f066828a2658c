// The simulated cabin's vital-sign instruments, against the real service, watched by a real
// doctor client: acknowledgements, instrument times (scaled), measurements that validate, their
// session times, refusals, manual entries, the scenarios; and with a real media transport, the
// ECG and pleth stream it sends once the media are up.
#include "cabin_simulator.hpp"
#include "sdp_answer.hpp"
#include "support/catch_result.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"
#include "support/transport_pair.hpp"
#include "tc/media/session_clock.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/media/waveform_stream.hpp"
#include "tc/protocol/host_addresses.hpp"
#include "tc/protocol/media_negotiation.hpp"
#include "tc/protocol/rtp_session.hpp"
#include "tc/protocol/sdp_transport.hpp"
#include "tc/protocol/vitals_messages.hpp"
#include "tc/protocol/vitals_ranges.hpp"

using namespace tc;
using namespace tc::test;
using namespace std::chrono_literals;
namespace type = protocol::type;
using nlohmann::json;

namespace {

constexpr std::string_view kSite = "FR-VIT-01";

// A cabin in session with a doctor: the claim made, an offer answered.
struct InSession {
    TestPki pki;
    TestService service{pki};
    protocol::IoThread io{"test-cabin-vitals"};
    std::shared_ptr<cabin::CabinSimulator> simulator;
    std::optional<SyncClient> doctor;
    std::string session;
    std::string answer;
    std::mutex mutex;
    std::vector<std::string> log;

    explicit InSession(cabin::VitalsSettings vitals, const std::string& offer) {
        protocol::ClientConfig client;
        client.port = service.port();
        client.tls = {pki.cabin(std::string(kSite)), pki.ca.certificatePem()};
        auto script = cabin::demoScript({std::string(kSite), "Cabine", "Mo-Su 00:00-24:00"}, 3);
        script.waitingAtOnce = 1;
        script.vitals = std::move(vitals);
        simulator = cabin::CabinSimulator::create(io.executor(), client, script,
                                                  [this](const cabin::CabinEvent& e) {
                                                      std::lock_guard lock(mutex);
                                                      log.push_back(e.detail);
                                                  });
        simulator->start();
        doctor.emplace(pki, pki.doctor(), service.port());
        REQUIRE(doctor->waitWelcome());
        REQUIRE_FALSE(doctor->request(type::presenceSet, {{"status", "on_shift"}}).code);
        const auto snapshot = doctor->request(type::queueSubscribe);
        std::string visit;
        if (!snapshot.body["entries"].empty()) {
            visit = snapshot.body["entries"][0]["visit"]["visit_id"].get<std::string>();
        } else {
            const auto added = doctor->nextEvent(type::queueUpdate);
            REQUIRE(added);
            visit = added->body["visit_id"].get<std::string>();
        }
        const auto claim = doctor->request(type::visitClaim, {{"visit_id", visit}});
        REQUIRE_FALSE(claim.code);
        session = claim.body["session_id"].get<std::string>();
        REQUIRE_FALSE(
            doctor
                ->request(type::sessionOffer,
                          {{"session_id", session}, {"sdp_type", "offer"}, {"sdp", offer}})
                .code);
        const auto answered = doctor->nextEvent(type::sessionAnswer);
        REQUIRE(answered);
        answer = answered->body["sdp"].get<std::string>();
    }
    ~InSession() {
        simulator->stop();
        std::this_thread::sleep_for(50ms);
    }

    void ask(const json& payload) {
        REQUIRE_FALSE(doctor
                          ->request(type::sessionMessage, {{"session_id", session},
                                                           {"kind", "vitals.measure_request"},
                                                           {"payload", payload}})
                          .code);
    }
    // The next session message of `kind`.
    std::optional<json> next(std::string_view kind, std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto event = doctor->nextEvent(type::sessionMessage, 100ms);
            if (event && event->body["kind"] == kind) {
                return event->body["payload"];
            }
        }
        return std::nullopt;
    }
};

cabin::VitalsSettings settings(const std::string& scenario, double scale = 0.02) {
    cabin::VitalsSettings s;
    s.scenario = cabin::resolveScenario(scenario).value();
    s.measureTimeScale = scale;
    return s;
}

const std::string kPlainOffer = "v=0\r\nm=audio 9 RTP/AVP 96\r\na=mid:steth\r\na=recvonly\r\n";

} // namespace

TEST_CASE("cabin scenarios: the built-in ones load and differ as their names say",
          "[cabin][vitals]") {
    const auto names = cabin::builtinScenarioNames();
    REQUIRE(names.size() == 4);
    for (const auto& name : names) {
        const auto scenario = cabin::resolveScenario(name);
        REQUIRE(scenario);
        CHECK(scenario->name == name);
    }
    CHECK(cabin::resolveScenario("atrial_fibrillation")->cardiac.rhythm ==
          media::CardiacRhythm::atrialFibrillation);
    CHECK(cabin::resolveScenario("fever_tachycardia")->temperature >= 38.5);
    CHECK(cabin::resolveScenario("hypoxaemia")->spo2 < 90);
    CHECK_FALSE(cabin::resolveScenario("no_such_scenario_or_file"));
}

TEST_CASE("the SDP answer sends the vitals section back, or rejects what it cannot send",
          "[cabin][vitals][sdp]") {
    const std::string session = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n";
    const auto answer = cabin::answerFor(session + media::vitalsOfferSection());
    CHECK(answer.find("m=application 9 UDP/TLS/RTP/SAVPF 116 117\r\n") != std::string::npos);
    CHECK(answer.find("a=sendonly\r\n") != std::string::npos);
    CHECK(answer.find("a=extmap:2 urn:telecabine:params:rtp-hdrext:capture-time\r\n") !=
          std::string::npos);
    const auto format = media::waveformFormatOf(answer);
    REQUIRE(format);
    CHECK(format->payloadType == 116);
    CHECK(protocol::rtpStreamsOf(answer).at(0).rtxPayloadType == 117);
    // A waveform format this cabin does not know: the section is rejected (port 0).
    const auto unknown =
        cabin::answerFor(session + "m=application 9 UDP/TLS/RTP/SAVPF 118\r\n"
                                   "a=mid:vitals\r\na=recvonly\r\na=rtpmap:118 x-other/1000\r\n");
    CHECK(unknown.find("m=application 0 UDP/TLS/RTP/SAVPF 118\r\n") != std::string::npos);
    CHECK_FALSE(media::waveformFormatOf(unknown));
}

TEST_CASE("cabin manual entries are parsed and validated", "[cabin][vitals]") {
    const auto bp = cabin::parseManualEntry("blood_pressure:135/85");
    REQUIRE(bp);
    CHECK(bp->source == protocol::MeasurementSource::manual);
    CHECK(bp->find(protocol::VitalQuantity::diastolic)->value == 85);
    CHECK(cabin::parseManualEntry("temperature:37.2:axillary")->site ==
          protocol::TemperatureSite::axillary);
    CHECK(cabin::parseManualEntry("blood_pressure:85/135").error().code ==
          protocol::VitalsErrc::inconsistent);
    CHECK(cabin::parseManualEntry("temperature:50").error().code ==
          protocol::VitalsErrc::outOfRange);
    CHECK(cabin::parseManualEntry("xray:1").error().field == "manual");
    CHECK_FALSE(cabin::parseManualEntry("weight:heavy"));
}

TEST_CASE("the cabin acknowledges, measures in the instrument's time, and reports",
          "[cabin][vitals]") {
    InSession s(settings("fever_tachycardia"), kPlainOffer);
    const auto before = media::sessionNowUs();
    const auto asked = std::chrono::steady_clock::now();
    s.ask({{"request_id", "m-1"}, {"measurement", "blood_pressure"}});
    const auto ack = s.next("vitals.measure_ack");
    REQUIRE(ack);
    const auto parsedAck = protocol::parseMeasureAck(*ack);
    REQUIRE(parsedAck);
    CHECK(parsedAck->acknowledged);
    CHECK(parsedAck->expectedDurationMs == 700); // 35 s × 0.02
    CHECK(parsedAck->request["request_id"] == "m-1");

    // A second request for the busy cuff is refused.
    s.ask({{"request_id", "m-2"}, {"measurement", "blood_pressure"}});
    const auto busy = s.next("vitals.measure_ack");
    REQUIRE(busy);
    CHECK((*busy)["acknowledged"] == false);
    CHECK((*busy)["reason"] == "instrument_busy");

    const auto result = s.next("vitals.measurement");
    REQUIRE(result);
    const auto elapsed = std::chrono::steady_clock::now() - asked;
    CHECK(elapsed >= 650ms); // the cuff took its (scaled) time
    const auto report = protocol::parseMeasurementReport(*result);
    REQUIRE(report);
    CHECK(report->requestId == "m-1");
    const auto& m = report->measurement;
    CHECK(m.source == protocol::MeasurementSource::instrument);
    CHECK(m.instrumentId == "cuff-1");
    CHECK(m.acquiredAtUs >= before + 650'000);
    CHECK(m.acquiredAtUs <= media::sessionNowUs());
    const double sys = m.find(protocol::VitalQuantity::systolic)->value;
    CHECK(sys == Approx(108).margin(12)); // the scenario's 108/64
    // The cuff's pulse is the physiology's heart rate (112 /min): flagged high.
    const double hr = m.find(protocol::VitalQuantity::heartRate)->value;
    CHECK(hr == Approx(112).margin(8));
    CHECK(protocol::flagOf(protocol::VitalQuantity::heartRate, hr, 30) ==
          protocol::VitalFlag::high);

    s.ask({{"request_id", "t-1"}, {"measurement", "temperature"}, {"site", "tympanic"}});
    REQUIRE(s.next("vitals.measure_ack"));
    const auto temperature = protocol::parseMeasurementReport(*s.next("vitals.measurement"));
    REQUIRE(temperature);
    CHECK(temperature->measurement.site == protocol::TemperatureSite::tympanic);
    const double celsius = temperature->measurement.values[0].value;
    CHECK(celsius == Approx(39.4).margin(0.5));
    CHECK(protocol::flagOf(protocol::VitalQuantity::temperature, celsius, 30) ==
          protocol::VitalFlag::high);

    // The oximeter reads continuously: its value comes at once.
    s.ask({{"request_id", "o-1"}, {"measurement", "oximetry"}});
    REQUIRE(s.next("vitals.measure_ack")->at("expected_duration_ms") == 0);
    const auto oximetry = protocol::parseMeasurementReport(*s.next("vitals.measurement", 2s));
    REQUIRE(oximetry);
    CHECK(oximetry->measurement.find(protocol::VitalQuantity::spo2)->value == Approx(96).margin(2));
}

TEST_CASE("the cabin refuses what it cannot measure, with a reason", "[cabin][vitals]") {
    InSession s(settings("normal_adult"), kPlainOffer);
    s.ask({{"request_id", "x-1"}, {"measurement", "x_ray"}});
    const auto ack = s.next("vitals.measure_ack");
    REQUIRE(ack);
    CHECK((*ack)["acknowledged"] == false);
    CHECK((*ack)["reason"] == "unknown_measurement");
    CHECK((*ack)["request"]["measurement"] == "x_ray");
    s.ask({{"measurement", "oximetry"}}); // no request id
    const auto invalid = s.next("vitals.measure_ack");
    REQUIRE(invalid);
    CHECK((*invalid)["reason"] == "invalid_request");
    CHECK_FALSE(s.next("vitals.measurement", 500ms));
}

TEST_CASE("the operator's entries are sent as manual measurements", "[cabin][vitals]") {
    auto vitals = settings("normal_adult");
    vitals.manualEntries = {cabin::parseManualEntry("weight:72.5").value(),
                            cabin::parseManualEntry("blood_pressure:135/85").value()};
    InSession s(vitals, kPlainOffer);
    const auto first = protocol::parseMeasurementReport(*s.next("vitals.measurement"));
    REQUIRE(first);
    CHECK(first->measurement.source == protocol::MeasurementSource::manual);
    CHECK(first->measurement.instrumentId == "operator");
    CHECK_FALSE(first->requestId);
    CHECK(first->measurement.find(protocol::VitalQuantity::weight)->value == 72.5);
    const auto second = protocol::parseMeasurementReport(*s.next("vitals.measurement"));
    REQUIRE(second);
    CHECK(second->measurement.kind == protocol::MeasurementKind::bloodPressure);
    CHECK(second->measurement.source == protocol::MeasurementSource::manual);
}

TEST_CASE("the cabin streams ECG and pleth on the vitals section once the media are up",
          "[cabin][vitals][media]") {
    // The console's side: an offer with a real transport (SDES) for steth and vitals.
    protocol::IoThread consoleIo("test-console");
    auto keying = protocol::offerKeying(protocol::KeyingMode::sdes).value();
    protocol::MediaTransportConfig config;
    config.local = protocol::makeIceCredentials();
    config.controlling = true;
    // The addresses the console and the cabin both gather on (not loopback, which the cabin
    // leaves out when the machine has others).
    config.hostAddresses = protocol::hostAddresses().value();
    auto transport = protocol::MediaTransport::open(consoleIo.executor(), config).value();
    const std::string sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=t\r\nt=0 0\r\n"
                            "a=group:BUNDLE steth vitals\r\n" +
                            media::stethoscopeOfferSection({}) + media::vitalsOfferSection();
    const auto offer =
        protocol::withTransport(
            sdp, protocol::describeTransport(config.local, {transport->localCandidate()}, keying))
            .value();
    InSession s(settings("atrial_fibrillation"), offer);
    const auto format = media::waveformFormatOf(s.answer);
    REQUIRE(format);
    CHECK(s.answer.find("a=sendonly") != std::string::npos);
    media::WaveformReceiver waveforms(*format);
    std::atomic<int> stethoscopeWithTime{0};
    const auto steth = media::stethoscopeFormatOf(s.answer).value();
    CHECK(steth.captureExtensionId == 2);
    auto rtp = protocol::RtpSession::create(
        transport, {protocol::rtpStreamsOf(s.answer), "console"},
        [&](const protocol::RtpHeader& header, std::span<const std::uint8_t> packet, bool) {
            if (header.payloadType == format->payloadType) {
                waveforms.onPacket(packet);
            } else if (auto frame = media::depacketizeStethoscope(packet, steth);
                       frame && frame->captureUs) {
                ++stethoscopeWithTime;
            }
        });
    const auto remote = protocol::parseTransport(s.answer).value();
    Observer seen;
    REQUIRE_FALSE(transport->start(remote.candidates, remote.ice,
                                   protocol::keyingFromAnswer(keying, remote).value(),
                                   rtp->packetHandler(), rtp->stateHandler(seen.state())));
    REQUIRE(eventually([&] { return seen.last() == protocol::TransportState::connected; }));
    std::this_thread::sleep_for(2500ms);
    const auto spans = waveforms.take();
    rtp->stop();
    transport->close();
    std::this_thread::sleep_for(50ms);
    consoleIo.stop(); // no console handler runs after this: the session may go

    // About 2 s of three leads and pleth, 500 Hz and 100 Hz, on the session clock.
    std::size_t leadII = 0;
    std::size_t pleth = 0;
    for (const auto& span : spans) {
        REQUIRE(span.startUs);
        for (const auto& c : span.channels) {
            leadII += c.channel == media::WaveformChannel::ecgII ? c.samples.size() : 0;
            pleth += c.channel == media::WaveformChannel::pleth ? c.samples.size() : 0;
            if (c.channel == media::WaveformChannel::ecgIII) {
                CHECK(span.channels.size() == 4);
            }
        }
    }
    CHECK(leadII >= 500 * 3 / 2);
    CHECK(pleth * 5 == leadII);
    CHECK(waveforms.stats().invalid == 0);
    CHECK(stethoscopeWithTime > 100);
    const auto latencies = waveforms.latenciesUs();
    REQUIRE_FALSE(latencies.empty());
    CHECK(*std::max_element(latencies.begin(), latencies.end()) < 500'000);
    std::lock_guard lock(s.mutex);
    CHECK(std::find_if(s.log.begin(), s.log.end(), [](const std::string& line) {
              return line.rfind("vitals: streaming ECG", 0) == 0;
          }) != s.log.end());
}
