#include "vitals_controller.hpp"

#include "tc/errors/table_lookup.hpp"
#include "tc/media/waveform_stream.hpp"
#include "tc/protocol/vitals_messages.hpp"
#include "ui_dispatch.hpp"
#include "ui_text.hpp"

#include <QLocale>
#include <QVariantMap>
#include <algorithm>
#include <array>
#include <cmath>

namespace tc::app {

namespace {

using protocol::MeasurementKind;
using protocol::VitalQuantity;

// The readings' titles, by kind (tr() in readings()).
constexpr errors::EnumMap<MeasurementKind::glucose, const char*> kTitles{
    {QT_TRANSLATE_NOOP("tc::app::VitalsController", "Tension artérielle"),
     QT_TRANSLATE_NOOP("tc::app::VitalsController", "Oxymétrie"),
     QT_TRANSLATE_NOOP("tc::app::VitalsController", "Température"),
     QT_TRANSLATE_NOOP("tc::app::VitalsController", "Poids et taille"),
     QT_TRANSLATE_NOOP("tc::app::VitalsController", "Glycémie capillaire")}};

constexpr std::array kKinds{MeasurementKind::bloodPressure, MeasurementKind::oximetry,
                            MeasurementKind::temperature, MeasurementKind::anthropometry,
                            MeasurementKind::glucose};
// Samples come later than their time; the strips show the session a little behind, so that
// what arrived on time is drawn whole (a gap appears once the receiver gives up on it).
constexpr std::int64_t kStripDelayUs = 120'000;

std::int64_t steadyNowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The flag as QML compares it (states.hpp).
VitalFlag::Value flagOf(protocol::VitalFlag flag) {
    static constexpr errors::EnumMap<protocol::VitalFlag::notAssessed, VitalFlag::Value> flags{
        {VitalFlag::Normal, VitalFlag::Low, VitalFlag::High, VitalFlag::CriticalLow,
         VitalFlag::CriticalHigh, VitalFlag::NotAssessed}};
    return flags(flag, VitalFlag::NotAssessed);
}

int decimalsOf(VitalQuantity quantity) {
    switch (quantity) {
    case VitalQuantity::perfusionIndex:
    case VitalQuantity::temperature:
    case VitalQuantity::weight:
    case VitalQuantity::bmi:
    case VitalQuantity::glucose:
        return 1;
    default:
        return 0;
    }
}

// UCUM as a clinician reads it.
QString displayUnit(const std::string& ucum) {
    if (ucum == "mm[Hg]") {
        return QStringLiteral("mmHg");
    }
    if (ucum == "Cel") {
        return QStringLiteral("°C");
    }
    if (ucum == "kg/m2") {
        return QStringLiteral("kg/m²");
    }
    return QString::fromStdString(ucum);
}

} // namespace

VitalsController::VitalsController(QObject* parent)
    : Controller(parent)
    , m_ecg(std::chrono::seconds(30))
    , m_pleth(std::chrono::seconds(30))
    , m_heart(std::chrono::seconds(30)) {
    m_pull.setInterval(20);
    connect(&m_pull, &QTimer::timeout, this, &VitalsController::pullWaveforms);
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        emit readingsChanged(); // the ages move on
        const bool live = m_waveforms != nullptr && steadyNowUs() - m_lastWaveformAtUs < 1'000'000;
        if (m_waveforms != nullptr && live != m_waveformsLive) {
            m_waveformsLive = live;
            m_waveformText = live ? tr("ECG et pléthysmogramme en direct")
                                  : tr("Plus de tracé reçu de la cabine : ce qui s'affiche est "
                                       "ancien.");
            emit waveformsChanged();
        }
    });
}

VitalsController::~VitalsController() = default;

void VitalsController::begin(int ageYears, Sender send) {
    end();
    m_ageYears = ageYears;
    m_send = std::move(send);
    m_clock.start();
    emit readingsChanged();
}

void VitalsController::end() {
    m_pull.stop();
    m_clock.stop();
    m_send = {};
    m_kinds.clear();
    m_waveforms.reset();
    m_ecg.clear();
    m_pleth.clear();
    m_heart.clear();
    m_heartPeak = 0;
    m_modelLatencies.clear();
    m_clockOffsetUs.reset();
    m_waveformsLive = false;
    m_waveformText.clear();
    setError({});
    emit readingsChanged();
    emit waveformsChanged();
}

void VitalsController::attachWaveforms(std::shared_ptr<media::WaveformReceiver> receiver) {
    m_waveforms = std::move(receiver);
    m_waveformsLive = false;
    m_waveformText = m_waveforms ? tr("En attente des tracés de la cabine…")
                                 : tr("La cabine n'envoie pas de tracés (ECG, pléthysmogramme).");
    if (m_waveforms) {
        m_pull.start();
    } else {
        m_pull.stop();
    }
    emit waveformsChanged();
}

void VitalsController::appendHeartSound(std::int64_t startUs, int rateHz,
                                        std::vector<float> envelope) {
    postToUi(this, [this, startUs, rateHz, envelope = std::move(envelope)]() mutable {
        // Drawn at a steady height whatever the stethoscope's level: each value against the
        // recent loudest, which fades over a few seconds.
        const float fade = std::pow(0.5f, 1.0f / (2.0f * static_cast<float>(rateHz)));
        for (float& value : envelope) {
            m_heartPeak = std::max(value, m_heartPeak * fade);
            value = m_heartPeak > 1e-4f ? value / m_heartPeak : 0.0f;
        }
        m_heart.append(startUs, rateHz, envelope);
    });
}

void VitalsController::handleMessage(const std::string& kind, const nlohmann::json& payload) {
    if (kind == protocol::kind::vitalsMeasurement) {
        onMeasurement(payload);
    } else if (kind == protocol::kind::vitalsMeasureAck) {
        onAck(payload);
    }
}

void VitalsController::onMeasurement(const nlohmann::json& payload) {
    const auto report = protocol::parseMeasurementReport(payload);
    if (!report) {
        // Never shown as a value: the doctor is told a reading was refused, and why.
        setError(tr("Mesure reçue mais refusée (%1 : %2).")
                     .arg(QString::fromStdString(report.error().field),
                          QString::fromStdString(report.error().reason)));
        return;
    }
    const auto& measurement = report->measurement;
    Kind& kind = m_kinds[measurement.kind];
    if (report->requestId && kind.pendingRequest == report->requestId) {
        kind.pendingRequest.reset();
        kind.status.clear();
    }
    kind.history.push_back(
        {measurement, protocol::flagMeasurement(measurement, m_ageYears), steadyNowUs()});
    if (m_measurementObserver) {
        m_measurementObserver(measurement);
    }
    emit readingsChanged();
}

void VitalsController::onAck(const nlohmann::json& payload) {
    const auto ack = protocol::parseMeasureAck(payload);
    if (!ack) {
        return; // an acknowledgement we cannot read changes nothing shown
    }
    const auto request = protocol::parseMeasureRequest(ack->request);
    if (!request) {
        return;
    }
    Kind& kind = m_kinds[request->measurement];
    if (kind.pendingRequest != request->requestId) {
        return; // an old request's
    }
    if (!ack->acknowledged) {
        kind.pendingRequest.reset();
        const auto reason = ack->reason.value_or(protocol::MeasureRefusal::unknownMeasurement);
        kind.status = reason == protocol::MeasureRefusal::instrumentBusy
                          ? tr("Refusée : l'instrument mesure déjà")
                      : reason == protocol::MeasureRefusal::unknownMeasurement
                          ? tr("Refusée : pas d'instrument pour cette mesure dans la cabine")
                          : tr("Refusée par la cabine");
    } else {
        kind.expectedMs = ack->expectedDurationMs.value_or(0);
        kind.pendingSinceUs = steadyNowUs();
        kind.status = tr("Mesure en cours…");
    }
    emit readingsChanged();
}

void VitalsController::requestMeasurement(const QString& name) {
    const auto kind = protocol::measurementKindFromString(name.toStdString());
    if (!kind || !m_send) {
        return;
    }
    protocol::MeasureRequest request;
    request.requestId = "R-" + std::to_string(m_nextRequest++);
    request.measurement = *kind;
    Kind& state = m_kinds[*kind];
    state.pendingRequest = request.requestId;
    state.pendingSinceUs = steadyNowUs();
    state.expectedMs = 0;
    state.status = tr("Demande envoyée à la cabine…");
    m_send(std::string(protocol::kind::vitalsMeasureRequest), protocol::toJson(request));
    emit readingsChanged();
}

std::int64_t VitalsController::sessionNowUs() const {
    return steadyNowUs() - m_clockOffsetUs.value_or(0);
}

QString VitalsController::ageText(const Taken& taken) const {
    // On the cabin's clock when the waveforms gave us its offset, else since it arrived.
    const std::int64_t ageUs = m_clockOffsetUs ? sessionNowUs() - taken.measurement.acquiredAtUs
                                               : steadyNowUs() - taken.receivedAtUs;
    const auto seconds = std::max<std::int64_t>(0, ageUs / 1'000'000);
    if (seconds < 10) {
        return tr("à l'instant");
    }
    if (seconds < 60) {
        return tr("il y a %1 s").arg(seconds);
    }
    if (seconds < 3600) {
        return tr("il y a %1 min").arg(seconds / 60);
    }
    return tr("il y a %1 h %2").arg(seconds / 3600).arg((seconds / 60) % 60, 2, 10, QChar('0'));
}

QString VitalsController::shortLabel(protocol::VitalQuantity quantity) {
    static constexpr errors::EnumMap<VitalQuantity::glucose, const char*> labels{
        {QT_TRANSLATE_NOOP("tc::app::VitalsController", "Systolique"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Diastolique"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Moyenne"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Pouls"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "SpO₂"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Pouls"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Perfusion"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Température"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Poids"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Taille"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "IMC"),
         QT_TRANSLATE_NOOP("tc::app::VitalsController", "Glycémie")}};
    const char* label = labels(quantity, nullptr);
    return label != nullptr ? tr(label) : QString();
}

QVariantList VitalsController::readings() const {
    QVariantList out;
    const QLocale locale;
    for (const auto kindName : kKinds) {
        QVariantMap entry;
        entry.insert(QStringLiteral("kind"), fromView(protocol::toString(kindName)));
        entry.insert(QStringLiteral("title"), tr(kTitles(kindName, "")));
        const auto found = m_kinds.find(kindName);
        const Kind* kind = found == m_kinds.end() ? nullptr : &found->second;
        const bool pending = kind != nullptr && kind->pendingRequest.has_value();
        QString status = kind != nullptr ? kind->status : QString();
        if (pending && kind->expectedMs > 0) {
            const auto left = std::max<std::int64_t>(
                0, (kind->pendingSinceUs / 1000 + kind->expectedMs - steadyNowUs() / 1000) / 1000);
            status = tr("Mesure en cours… (encore %1 s environ)").arg(left);
        }
        entry.insert(QStringLiteral("pending"), pending);
        entry.insert(QStringLiteral("statusText"), status);
        const bool taken = kind != nullptr && !kind->history.empty();
        entry.insert(QStringLiteral("taken"), taken);
        QVariantList values;
        if (taken) {
            const Taken& last = kind->history.back();
            entry.insert(QStringLiteral("ageText"), ageText(last));
            entry.insert(QStringLiteral("manual"),
                         last.measurement.source == protocol::MeasurementSource::manual);
            entry.insert(QStringLiteral("quality"),
                         fromView(protocol::toString(last.measurement.quality)));
            entry.insert(QStringLiteral("qualityText"),
                         last.measurement.quality == protocol::MeasurementQuality::artifact
                             ? tr("artefact signalé par l'instrument")
                         : last.measurement.quality == protocol::MeasurementQuality::unreliable
                             ? tr("valeur douteuse (signal faible)")
                             : QString());
            for (const auto& flagged : last.flagged) {
                const auto& info = protocol::infoOf(flagged.value.quantity);
                QVariantMap value;
                value.insert(QStringLiteral("quantity"), fromView(info.name));
                value.insert(QStringLiteral("label"),
                             fromView(french() ? info.labelFr : info.labelEn));
                value.insert(QStringLiteral("shortLabel"), shortLabel(flagged.value.quantity));
                value.insert(
                    QStringLiteral("valueText"),
                    locale.toString(flagged.value.value, 'f', decimalsOf(flagged.value.quantity)));
                value.insert(QStringLiteral("unit"), displayUnit(flagged.value.unit));
                value.insert(QStringLiteral("flag"), static_cast<int>(flagOf(flagged.flag)));
                value.insert(QStringLiteral("symbol"), fromView(flagged.label.symbol));
                value.insert(
                    QStringLiteral("flagText"),
                    QString::fromStdString(french() ? flagged.label.text : flagged.label.textEn));
                QVariantList trend;
                for (const auto& earlier : kind->history) {
                    if (const auto* v = earlier.measurement.find(flagged.value.quantity)) {
                        trend.push_back(v->value);
                    }
                }
                value.insert(QStringLiteral("trend"), trend);
                values.push_back(value);
            }
        }
        entry.insert(QStringLiteral("values"), values);
        out.push_back(entry);
    }
    return out;
}

void VitalsController::pullWaveforms() {
    if (!m_waveforms) {
        return;
    }
    const auto spans = m_waveforms->take();
    if (spans.empty()) {
        return;
    }
    const std::int64_t now = steadyNowUs();
    for (const auto& span : spans) {
        if (m_waveformObserver) {
            m_waveformObserver(span);
        }
        if (!span.startUs) {
            continue; // without the capture-time extension nothing can be placed in time
        }
        const std::int64_t duration = span.ticks * 1'000'000 / media::kWaveformClockRate;
        if (span.gap) {
            m_ecg.appendGap(*span.startUs, duration);
            m_pleth.appendGap(*span.startUs, duration);
            continue;
        }
        // Arrival minus capture of the span's end: the clocks' offset plus the transit time,
        // whose smallest value is the best estimate of the offset.
        const std::int64_t offset = now - (*span.startUs + duration);
        m_modelLatencies.push_back(offset);
        if (m_modelLatencies.size() > 10'000) {
            m_modelLatencies.pop_front();
        }
        if (!m_clockOffsetUs || offset < *m_clockOffsetUs) {
            m_clockOffsetUs = offset;
        }
        for (const auto& channel : span.channels) {
            std::vector<float> values(channel.samples.size());
            const bool ecg = channel.channel == media::WaveformChannel::ecgII ||
                             (channel.channel == media::WaveformChannel::ecgI &&
                              std::none_of(span.channels.begin(), span.channels.end(),
                                           [](const media::ChannelSamples& c) {
                                               return c.channel == media::WaveformChannel::ecgII;
                                           }));
            const bool pleth = channel.channel == media::WaveformChannel::pleth;
            if (!ecg && !pleth) {
                continue;
            }
            // µV to mV for the ECG, thousandths of full scale to a fraction for the pleth.
            std::transform(channel.samples.begin(), channel.samples.end(), values.begin(),
                           [](std::int16_t s) { return static_cast<float>(s) / 1000.0f; });
            (ecg ? m_ecg : m_pleth).append(*span.startUs, channel.sampleRate(), values);
        }
        m_lastWaveformAtUs = now;
    }
    if (!m_waveformsLive && now - m_lastWaveformAtUs < 1'000'000) {
        m_waveformsLive = true;
        m_waveformText = tr("ECG et pléthysmogramme en direct");
        emit waveformsChanged();
    }
    updateStrips();
}

void VitalsController::updateStrips() {
    for (const auto& strip : {m_ecgStrip, m_plethStrip}) {
        if (strip) {
            strip->setClock(m_clockOffsetUs.value_or(0), kStripDelayUs);
        }
    }
}

void VitalsController::setEcgStrip(WaveformStrip* strip) {
    m_ecgStrip = strip;
    if (strip != nullptr) {
        // Lead II at 10 mm/mV with its calibration pulse; the heart sounds' envelope below it.
        strip->setTraces({{&m_ecg, QColor(0x10, 0x10, 0x10), 10, 0.42, true},
                          {&m_heart, QColor(0x1f, 0x5f, 0xa8), 8, 0.93, false}});
        updateStrips();
        strip->setRunning(true);
    }
}

void VitalsController::setPlethStrip(WaveformStrip* strip) {
    m_plethStrip = strip;
    if (strip != nullptr) {
        strip->setTraces({{&m_pleth, QColor(0x0a, 0x7d, 0x6e), 14, 0.85, false}});
        updateStrips();
        strip->setRunning(true);
    }
}

int VitalsController::ecgFramesDrawn() const {
    return m_ecgStrip ? m_ecgStrip->framesDrawn() : 0;
}

} // namespace tc::app
