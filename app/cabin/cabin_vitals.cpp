#include "cabin_vitals.hpp"

#include "cabin_simulator.hpp"
#include "tc/errors/table_lookup.hpp"
#include "tc/media/session_clock.hpp"

#include <cmath>
#include <sstream>

namespace tc::cabin {
namespace detail {
extern const std::pair<std::string_view, std::string_view> kBuiltinScenarios[];
extern const std::size_t kBuiltinScenarioCount;
} // namespace detail
namespace {

namespace net = boost::asio;
using namespace tc::protocol;
using nlohmann::json;

struct Instrument {
    MeasurementKind kind;
    std::string_view id;
    int durationMs; // what the real instrument takes, before scaling
};
// A cuff inflates and deflates in 30-40 s; a tympanic thermometer reads in a few seconds; the
// oximeter reads continuously (its last value, at once); the scale settles; the glucometer
// needs the strip's reaction time.
constexpr Instrument kInstruments[] = {
    {MeasurementKind::bloodPressure, "cuff-1", 35'000},
    {MeasurementKind::temperature, "thermometer-1", 4'000},
    {MeasurementKind::oximetry, "oximeter-1", 0},
    {MeasurementKind::anthropometry, "scale-1", 5'000},
    {MeasurementKind::glucose, "glucometer-1", 8'000},
};

const Instrument& instrumentFor(MeasurementKind kind) {
    return errors::entryOrFirst(kInstruments, &Instrument::kind, kind);
}

net::steady_timer::time_point atSessionTime(std::int64_t us) {
    return net::steady_timer::time_point(std::chrono::microseconds(us));
}

double gaussian(std::mt19937& random) {
    double sum = 0;
    for (int i = 0; i < 4; ++i) {
        sum += static_cast<double>(random()) / 4294967296.0;
    }
    return (sum - 2.0) * 1.732;
}

double round1(double v) {
    return std::round(v * 10) / 10;
}

} // namespace

std::vector<std::string> builtinScenarioNames() {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < detail::kBuiltinScenarioCount; ++i) {
        names.emplace_back(detail::kBuiltinScenarios[i].first);
    }
    return names;
}

boost::system::result<media::Scenario, media::ScenarioError>
resolveScenario(const std::string& nameOrFile) {
    for (std::size_t i = 0; i < detail::kBuiltinScenarioCount; ++i) {
        if (detail::kBuiltinScenarios[i].first == nameOrFile) {
            return media::parseScenario(detail::kBuiltinScenarios[i].second);
        }
    }
    return media::loadScenarioFile(nameOrFile);
}

VitalsSettings CabinScript::defaultVitals() {
    VitalsSettings settings;
    if (auto scenario = resolveScenario("normal_adult")) {
        settings.scenario = std::move(*scenario);
    }
    return settings;
}

std::shared_ptr<CabinVitals> CabinVitals::create(Strand strand, const VitalsSettings& settings,
                                                 Send send, Log log) {
    return std::shared_ptr<CabinVitals>(
        new CabinVitals(std::move(strand), settings, std::move(send), std::move(log)));
}

CabinVitals::CabinVitals(Strand strand, const VitalsSettings& settings, Send send, Log log)
    : m_strand(std::move(strand))
    , m_settings(settings)
    , m_send(std::move(send))
    , m_log(std::move(log))
    , m_origin(media::sessionNowUs())
    , m_beats(std::make_shared<media::BeatTrain>(settings.scenario.cardiac))
    , m_random(settings.scenario.cardiac.seed ^ 0x5174A1u)
    , m_streamTimer(m_strand) {}

CabinVitals::~CabinVitals() = default;

double CabinVitals::electromechanicalDelay() const noexcept {
    return m_settings.scenario.electromechanicalDelayMs / 1000;
}

void CabinVitals::startStreaming(std::shared_ptr<RtpSession> rtp, media::WaveformFormat format) {
    if (m_streaming) {
        return;
    }
    const auto& scenario = m_settings.scenario;
    m_rtp = std::move(rtp);
    m_source.emplace(m_beats, scenario.ecg, scenario.pleth, m_origin);
    m_packetizer.emplace(format, kSsrc, 1);
    m_streaming = true;
    // The physiology has been running since the session began: start at the present.
    const auto now = media::sessionNowUs();
    while (m_source->nextCaptureUs() + 20'000 < now) {
        m_source->next();
    }
    m_log("vitals: streaming ECG (" +
          std::string(scenario.ecg.leads == media::EcgLeads::three ? "I, II, III" : "II") + " at " +
          std::to_string(scenario.ecg.sampleRate) + " Hz) and pleth (100 Hz), scenario " +
          scenario.name);
    sendBlock();
}

void CabinVitals::stopStreaming() {
    m_streaming = false;
    m_streamTimer.cancel();
    m_rtp.reset();
}

void CabinVitals::sendBlock() {
    if (!m_streaming || !m_rtp) {
        return;
    }
    auto block = m_source->next();
    const auto end = *block.captureUs + block.ticks() * 1000;
    // A packet leaves once its last sample is captured. After a long stall the missed stretch
    // is dropped (the console shows a gap), not sent in a burst.
    if (media::sessionNowUs() - end > 500'000) {
        while (m_source->nextCaptureUs() + 20'000 < media::sessionNowUs()) {
            m_source->next();
        }
        block = m_source->next();
    }
    m_streamTimer.expires_at(atSessionTime(*block.captureUs + block.ticks() * 1000));
    m_streamTimer.async_wait(
        [self = shared_from_this(), block = std::move(block)](boost::system::error_code ec) {
            if (ec || !self->m_streaming || !self->m_rtp) {
                return;
            }
            if (auto packet = self->m_packetizer->packetize(block)) {
                self->m_rtp->send(std::move(*packet));
            }
            self->sendBlock();
        });
}

double CabinVitals::currentHeartRate() {
    const double t = static_cast<double>(media::sessionNowUs() - m_origin) / 1e6;
    const auto k = m_beats->beatAt(t);
    const std::size_t from = k >= 8 ? k - 8 : 0;
    const std::size_t to = std::max<std::size_t>(from + 8, k);
    const double mean =
        (m_beats->rPeak(to) - m_beats->rPeak(from)) / static_cast<double>(to - from);
    return 60 / mean;
}

Measurement CabinVitals::measure(MeasurementKind kind, std::optional<TemperatureSite> site) {
    const auto& s = m_settings.scenario;
    Measurement m;
    m.kind = kind;
    m.instrumentId = std::string(instrumentFor(kind).id);
    m.acquiredAtUs = media::sessionNowUs();
    switch (kind) {
    case MeasurementKind::bloodPressure: {
        const double sys = std::round(s.systolic + 3 * gaussian(m_random));
        const double dia = std::min(std::round(s.diastolic + 2 * gaussian(m_random)), sys - 10);
        m.values = {{VitalQuantity::systolic, sys, "mm[Hg]"},
                    {VitalQuantity::diastolic, dia, "mm[Hg]"},
                    {VitalQuantity::meanPressure, std::round(dia + (sys - dia) / 3), "mm[Hg]"},
                    {VitalQuantity::heartRate, std::round(currentHeartRate()), "/min"}};
        break;
    }
    case MeasurementKind::oximetry: {
        const double spo2 = std::clamp(std::round(s.spo2 + 0.5 * gaussian(m_random)), 50.0, 100.0);
        m.values = {
            {VitalQuantity::spo2, spo2, "%"},
            {VitalQuantity::pulseRate, std::round(currentHeartRate()), "/min"},
            {VitalQuantity::perfusionIndex,
             std::max(0.1, round1(s.pleth.perfusionIndex * (1 + 0.05 * gaussian(m_random)))), "%"}};
        if (s.pleth.perfusionIndex < 0.4) {
            m.quality = MeasurementQuality::unreliable; // a weak pulse: the oximeter says so
        }
        break;
    }
    case MeasurementKind::temperature: {
        m.site = site.value_or(TemperatureSite::tympanic);
        const double offset = *m.site == TemperatureSite::axillary ? -0.4
                              : *m.site == TemperatureSite::rectal ? 0.3
                                                                   : 0.0;
        m.values = {{VitalQuantity::temperature,
                     round1(s.temperature + offset + 0.1 * gaussian(m_random)), "Cel"}};
        break;
    }
    case MeasurementKind::anthropometry:
        m.values = {{VitalQuantity::weight, round1(s.weightKg), "kg"},
                    {VitalQuantity::height, std::round(s.heightCm), "cm"}};
        break;
    case MeasurementKind::glucose:
        m.values = {
            {VitalQuantity::glucose, round1(s.glucoseMmolL + 0.2 * gaussian(m_random)), "mmol/L"}};
        break;
    }
    return m;
}

void CabinVitals::onRequest(const json& payload) {
    const auto request = parseMeasureRequest(payload);
    MeasureAck ack;
    ack.request = payload;
    if (!request) {
        ack.reason = request.error().field == "payload.measurement" &&
                             request.error().code == VitalsErrc::unknownEnumValue
                         ? MeasureRefusal::unknownMeasurement
                         : MeasureRefusal::invalidRequest;
        m_log("vitals: cannot measure (" + request.error().field + ": " + request.error().reason +
              ")");
        m_send(kind::vitalsMeasureAck, toJson(ack));
        return;
    }
    if (m_busy.contains(request->measurement)) {
        ack.reason = MeasureRefusal::instrumentBusy;
        m_send(kind::vitalsMeasureAck, toJson(ack));
        return;
    }
    const auto& instrument = instrumentFor(request->measurement);
    const auto duration = std::chrono::milliseconds(
        std::lround(instrument.durationMs * std::max(0.0, m_settings.measureTimeScale)));
    ack.acknowledged = true;
    ack.expectedDurationMs = duration.count();
    m_send(kind::vitalsMeasureAck, toJson(ack));
    m_log("vitals: measuring " + std::string(toString(request->measurement)) + " with " +
          std::string(instrument.id) + " (" + std::to_string(duration.count()) + " ms)");
    auto timer = std::make_unique<net::steady_timer>(m_strand, duration);
    timer->async_wait([weak = weak_from_this(), asked = *request](boost::system::error_code ec) {
        const auto self = weak.lock();
        if (ec || !self) {
            return;
        }
        self->m_busy.erase(asked.measurement);
        auto m = self->measure(asked.measurement, asked.site);
        if (auto valid = validateMeasurement(m); !valid) {
            self->m_log("vitals: instrument gave an invalid value (" + valid.error().field + ": " +
                        valid.error().reason + ")");
            return;
        }
        MeasurementReport report{asked.requestId, std::move(m)};
        self->m_send(kind::vitalsMeasurement, toJson(report));
    });
    m_busy.emplace(request->measurement, std::move(timer));
}

void CabinVitals::sendManualEntries() {
    if (m_manualSent) {
        return;
    }
    m_manualSent = true;
    for (auto m : m_settings.manualEntries) {
        m.source = MeasurementSource::manual;
        m.instrumentId = "operator";
        m.acquiredAtUs = media::sessionNowUs();
        m_log("vitals: the operator enters " + std::string(toString(m.kind)));
        m_send(kind::vitalsMeasurement, toJson(MeasurementReport{std::nullopt, std::move(m)}));
    }
}

VitalsResult<Measurement> parseManualEntry(const std::string& text) {
    const auto colon = text.find(':');
    const auto bad = [&](std::string reason) {
        return VitalsError{VitalsErrc::invalidField, "manual", "\"" + text + "\": " + reason};
    };
    if (colon == std::string::npos) {
        return bad("expected KIND:VALUE");
    }
    const auto name = text.substr(0, colon);
    auto value = text.substr(colon + 1);
    Measurement m;
    m.instrumentId = "operator";
    m.source = MeasurementSource::manual;
    const auto number = [&](const std::string& s) -> std::optional<double> {
        std::istringstream in(s);
        double v = 0;
        if (!(in >> v) || !in.eof()) {
            return std::nullopt;
        }
        return v;
    };
    if (name == "blood_pressure") {
        const auto slash = value.find('/');
        const auto sys = number(value.substr(0, slash));
        const auto dia =
            slash == std::string::npos ? std::nullopt : number(value.substr(slash + 1));
        if (!sys || !dia) {
            return bad("expected blood_pressure:SYS/DIA");
        }
        m.kind = MeasurementKind::bloodPressure;
        m.values = {{VitalQuantity::systolic, *sys, "mm[Hg]"},
                    {VitalQuantity::diastolic, *dia, "mm[Hg]"}};
    } else if (name == "temperature") {
        const auto second = value.find(':');
        if (second != std::string::npos) {
            m.site = temperatureSiteFromString(value.substr(second + 1));
            if (!m.site) {
                return bad("unknown temperature site");
            }
            value = value.substr(0, second);
        }
        m.kind = MeasurementKind::temperature;
        m.values = {{VitalQuantity::temperature, number(value).value_or(-1), "Cel"}};
    } else {
        const std::pair<std::string_view, std::pair<MeasurementKind, VitalQuantity>> kSingles[] = {
            {"weight", {MeasurementKind::anthropometry, VitalQuantity::weight}},
            {"height", {MeasurementKind::anthropometry, VitalQuantity::height}},
            {"spo2", {MeasurementKind::oximetry, VitalQuantity::spo2}},
            {"glucose", {MeasurementKind::glucose, VitalQuantity::glucose}},
        };
        bool known = false;
        for (const auto& [key, what] : kSingles) {
            if (key == name) {
                known = true;
                m.kind = what.first;
                const auto& info = infoOf(what.second);
                m.values = {
                    {what.second, number(value).value_or(-1), std::string(info.canonicalUnit)}};
            }
        }
        if (!known) {
            return bad("unknown measurement");
        }
    }
    if (auto valid = validateMeasurement(m); !valid) {
        return valid.error();
    }
    return m;
}

} // namespace tc::cabin
