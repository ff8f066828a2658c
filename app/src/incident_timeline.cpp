#include "incident_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tc::app {

namespace {

std::string seconds(UnixMs durationMs) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(durationMs) / 1000.0);
    std::string out(text);
    std::replace(out.begin(), out.end(), '.', ','); // French decimal comma
    return out;
}

std::string whole(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f", value);
    return text;
}

std::string streamFr(const std::string& stream) {
    if (stream == "room") {
        return "caméra de la salle";
    }
    return stream; // "otoscope", "dermatoscope": the same word in French
}

} // namespace

double MediaSample::lossPercent() const noexcept {
    const auto expected = static_cast<double>(packets) + static_cast<double>(lost);
    return expected > 0 ? 100.0 * static_cast<double>(lost) / expected : 0.0;
}

IncidentTimeline::IncidentTimeline(IncidentThresholds thresholds)
    : m_thresholds(thresholds) {}

void IncidentTimeline::mediaSample(UnixMs at, const MediaSample& sample) {
    // The interval this sample covers starts at the previous one (or a second before).
    const UnixMs from = m_lastSampleMs.value_or(at - 1000);
    m_lastSampleMs = at;
    const double loss = sample.lossPercent();
    if (loss >= m_thresholds.lossPercent && sample.lost > 0) {
        if (!m_loss) {
            m_loss = Episode{from};
        }
        m_loss->peak = std::max(m_loss->peak, loss);
        m_loss->sum += loss;
        ++m_loss->samples;
        m_loss->lost += sample.lost;
        m_loss->unrecovered += sample.unrecovered;
    } else if (m_loss) {
        close(IncidentKind::lossBurst, m_loss, from);
    }
    if (sample.packets > 0 && sample.jitterMs >= m_thresholds.jitterMs) {
        if (!m_jitter) {
            m_jitter = Episode{from};
        }
        m_jitter->peak = std::max(m_jitter->peak, sample.jitterMs);
        m_jitter->sum += sample.jitterMs;
        ++m_jitter->samples;
    } else if (m_jitter && sample.packets > 0) {
        close(IncidentKind::jitterBurst, m_jitter, from);
    }
    // Silence while connected is a drop too (a cabin whose sender stalled); media back ends it.
    const bool connected = m_state == protocol::TransportState::connected;
    if (sample.packets == 0 && m_everReceived && connected && !m_drop) {
        m_drop = Episode{from};
    } else if (sample.packets > 0 && connected) {
        if (m_drop) {
            close(IncidentKind::dropAndResume, m_drop, from);
        }
        if (m_consent) {
            close(IncidentKind::consentLost, m_consent, from);
        }
    }
    m_everReceived = m_everReceived || sample.packets > 0;
}

void IncidentTimeline::transportState(UnixMs at, protocol::TransportState state) {
    using protocol::TransportState;
    m_state = state;
    const bool interrupted =
        state == TransportState::reconnecting || state == TransportState::disconnected;
    if (interrupted && m_everReceived && !m_drop) {
        m_drop = Episode{at};
    }
    if (state == TransportState::disconnected && !m_consent) {
        m_consent = Episode{at};
    }
    // Connected again: the drop ends when packets flow (mediaSample), not at the state change.
}

void IncidentTimeline::pathSelected(UnixMs at, const std::string& description, bool relayed) {
    if (m_path && *m_path != description) {
        Incident incident;
        incident.kind = IncidentKind::mediaPathChange;
        incident.startMs = at;
        incident.endMs = at;
        incident.figures = {{"relayed", relayed ? 1.0 : 0.0}};
        incident.descriptionFr = "Chemin média : " + *m_path + " → " + description;
        add(std::move(incident));
    }
    m_path = description;
}

void IncidentTimeline::videoFrozen(UnixMs at, const std::string& stream, bool frozen) {
    const auto it = m_frozen.find(stream);
    if (frozen && it == m_frozen.end()) {
        Episode episode{at};
        episode.detail = stream;
        m_frozen.emplace(stream, std::move(episode));
    } else if (!frozen && it != m_frozen.end()) {
        std::optional<Episode> episode = std::move(it->second);
        m_frozen.erase(it);
        close(IncidentKind::frozenVideo, episode, at);
    }
}

void IncidentTimeline::audioDeviceError(UnixMs at, const std::string& device,
                                        const std::string& what) {
    Incident incident;
    incident.kind = IncidentKind::audioDeviceError;
    incident.startMs = at;
    incident.endMs = at;
    incident.descriptionFr = "Périphérique audio (" + device + ") : " + what;
    add(std::move(incident));
}

std::size_t IncidentTimeline::openCount() const noexcept {
    return (m_loss ? 1U : 0U) + (m_jitter ? 1U : 0U) + (m_drop ? 1U : 0U) +
           (m_consent ? 1U : 0U) + m_frozen.size();
}

Incident IncidentTimeline::describe(IncidentKind kind, const Episode& e, UnixMs end) const {
    Incident incident;
    incident.kind = kind;
    incident.startMs = e.startMs;
    incident.endMs = std::max(end, e.startMs);
    const UnixMs duration = incident.endMs - incident.startMs;
    incident.figures["duration_ms"] = static_cast<double>(duration);
    const double mean = e.samples > 0 ? e.sum / static_cast<double>(e.samples) : 0.0;
    switch (kind) {
    case IncidentKind::lossBurst:
        incident.figures["peak_loss_percent"] = std::round(e.peak * 10) / 10;
        incident.figures["mean_loss_percent"] = std::round(mean * 10) / 10;
        incident.figures["packets_lost"] = static_cast<double>(e.lost);
        incident.figures["packets_unrecovered"] = static_cast<double>(e.unrecovered);
        incident.descriptionFr = "Pertes réseau jusqu'à " + whole(e.peak) + " % pendant " +
                                 seconds(duration) + " (" + whole(static_cast<double>(e.lost)) +
                                 " paquets perdus, " +
                                 whole(static_cast<double>(e.unrecovered)) + " non récupérés)";
        break;
    case IncidentKind::jitterBurst:
        incident.figures["peak_jitter_ms"] = std::round(e.peak * 10) / 10;
        incident.figures["mean_jitter_ms"] = std::round(mean * 10) / 10;
        incident.descriptionFr =
            "Gigue jusqu'à " + whole(e.peak) + " ms pendant " + seconds(duration);
        break;
    case IncidentKind::dropAndResume:
        incident.descriptionFr = "Média interrompu pendant " + seconds(duration) + ", puis rétabli";
        break;
    case IncidentKind::consentLost:
        incident.descriptionFr = "La cabine ne répondait plus aux vérifications de consentement "
                                 "(RFC 7675) pendant " +
                                 seconds(duration);
        break;
    case IncidentKind::frozenVideo:
        incident.descriptionFr =
            "Vidéo figée (" + streamFr(e.detail) + ") pendant " + seconds(duration);
        break;
    case IncidentKind::mediaPathChange:
    case IncidentKind::audioDeviceError:
        break; // instants, described where they happen
    }
    return incident;
}

void IncidentTimeline::close(IncidentKind kind, std::optional<Episode>& episode, UnixMs at) {
    add(describe(kind, *episode, at));
    episode.reset();
}

void IncidentTimeline::add(Incident incident) {
    if (m_closed.size() + 1 >= prescriptions::kMaxRecordIncidents) {
        ++m_overflow; // the last slot says how many did not fit
        return;
    }
    m_closed.push_back(std::move(incident));
}

std::vector<Incident> IncidentTimeline::snapshot(UnixMs now) const {
    std::vector<Incident> out = m_closed;
    for (const auto& [kind, episode] :
         {std::pair{IncidentKind::lossBurst, &m_loss}, std::pair{IncidentKind::jitterBurst, &m_jitter},
          std::pair{IncidentKind::dropAndResume, &m_drop},
          std::pair{IncidentKind::consentLost, &m_consent}}) {
        if (*episode) {
            out.push_back(describe(kind, **episode, now));
        }
    }
    for (const auto& [stream, episode] : m_frozen) {
        out.push_back(describe(IncidentKind::frozenVideo, episode, now));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Incident& a, const Incident& b) { return a.startMs < b.startMs; });
    return out;
}

std::vector<Incident> IncidentTimeline::finish(UnixMs at) {
    for (auto* episode : {&m_loss, &m_jitter, &m_drop, &m_consent}) {
        if (*episode) {
            const auto kind = episode == &m_loss     ? IncidentKind::lossBurst
                              : episode == &m_jitter ? IncidentKind::jitterBurst
                              : episode == &m_drop   ? IncidentKind::dropAndResume
                                                     : IncidentKind::consentLost;
            close(kind, *episode, at);
        }
    }
    while (!m_frozen.empty()) {
        std::optional<Episode> episode = std::move(m_frozen.begin()->second);
        m_frozen.erase(m_frozen.begin());
        close(IncidentKind::frozenVideo, episode, at);
    }
    auto out = snapshot(at);
    if (m_overflow > 0) {
        Incident more;
        more.kind = out.empty() ? IncidentKind::dropAndResume : out.back().kind;
        more.startMs = out.empty() ? at : out.back().startMs;
        more.endMs = at;
        more.figures = {{"incidents_not_listed", static_cast<double>(m_overflow)}};
        more.descriptionFr = whole(static_cast<double>(m_overflow)) +
                             " autres incidents, non détaillés (limite du dossier)";
        out.push_back(std::move(more));
    }
    return out;
}

} // namespace tc::app
