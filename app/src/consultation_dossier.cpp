#include "consultation_dossier.hpp"

#include "tc/errors/error_table.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/vitals_messages.hpp"

#include <QCryptographicHash>
#include <QFile>
#include <algorithm>
#include <array>
#include <fcntl.h>
#include <unistd.h>

namespace tc::app {

namespace {

constexpr std::array kDossierErrors{
    errors::ErrcEntry{DossierErrc::sourceMissing, "source_missing",
                      "a file of the consultation cannot be read"},
    errors::ErrcEntry{DossierErrc::writeFailed, "write_failed",
                      "the consultation's dossier cannot be written"},
    errors::ErrcEntry{DossierErrc::invalidRecord, "invalid_record",
                      "the consultation's record does not validate"},
};

DossierFailure failure(DossierErrc code, std::string detail) {
    DossierFailure out;
    out.code = make_error_code(code);
    out.detail = std::move(detail);
    return out;
}

std::string cameraCaptionFr(const std::string& camera) {
    if (camera == "room") {
        return "Caméra de la salle";
    }
    if (camera == "otoscope") {
        return "Otoscope";
    }
    if (camera == "dermatoscope") {
        return "Dermatoscope";
    }
    return camera;
}


bool syncDirectory(const std::filesystem::path& directory) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

// The file at `target`, durably: a hard link when both are on one file system (the bytes are
// already on disk), else a copy that is fsynced.
std::error_code placeFile(const std::filesystem::path& source, const std::filesystem::path& target) {
    std::error_code ec;
    std::filesystem::create_hard_link(source, target, ec);
    if (!ec) {
        return {};
    }
    std::filesystem::copy_file(source, target, std::filesystem::copy_options::overwrite_existing,
                               ec);
    if (ec) {
        return ec;
    }
    const int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        ec = std::error_code(errno, std::generic_category());
    }
    if (fd >= 0) {
        ::close(fd);
    }
    return ec;
}

} // namespace

std::string sha256OfFile(const std::filesystem::path& path) {
    QFile file(QString::fromStdString(path.string()));
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file)) {
        return {};
    }
    return hash.result().toHex().toStdString();
}

const boost::system::error_category& dossierCategory() noexcept {
    static const errors::TableCategory category("tc.dossier", kDossierErrors);
    return category;
}

// ---- WaveformLog --------------------------------------------------------------------------------

void WaveformLog::append(const media::WaveformSpan& span) {
    if (span.gap) {
        m_gaps.push_back({span.firstTick, span.ticks});
        return;
    }
    for (const auto& samples : span.channels) {
        auto& channel = m_channels[samples.channel];
        channel.channel = samples.channel;
        channel.sampleRate = samples.sampleRate();
        auto& segments = channel.segments;
        const bool continues =
            !segments.empty() &&
            segments.back().firstTick +
                    static_cast<std::int64_t>(segments.back().samples) * samples.ticksPerSample ==
                span.firstTick;
        if (continues) {
            segments.back().samples += samples.samples.size();
        } else {
            segments.push_back({span.firstTick, span.startUs.value_or(-1), channel.samples.size(),
                                samples.samples.size()});
        }
        channel.samples.insert(channel.samples.end(), samples.samples.begin(),
                               samples.samples.end());
    }
}

nlohmann::json WaveformLog::describe() const {
    auto channels = nlohmann::json::array();
    for (const auto& [id, channel] : m_channels) {
        auto segments = nlohmann::json::array();
        for (const auto& s : channel.segments) {
            segments.push_back({{"first_tick", s.firstTick},
                                {"start_us", s.startUs},
                                {"offset", s.offset},
                                {"samples", s.samples}});
        }
        const std::string name(media::toString(id));
        channels.push_back({{"channel", name},
                            {"unit", std::string(media::unitOf(id))},
                            {"sample_rate_hz", channel.sampleRate},
                            {"file", name + ".s16le"},
                            {"samples", channel.samples.size()},
                            {"segments", std::move(segments)}});
    }
    auto gaps = nlohmann::json::array();
    for (const auto& g : m_gaps) {
        gaps.push_back({{"first_tick", g.firstTick}, {"ticks", g.ticks}});
    }
    return {{"format", "telecabine.waveforms/1"},
            {"clock_rate_hz", media::kWaveformClockRate},
            {"sample_format", "s16le"},
            {"channels", std::move(channels)},
            {"gaps", std::move(gaps)}};
}

std::map<std::string, std::vector<std::int16_t>> WaveformLog::samplesByFile() const {
    std::map<std::string, std::vector<std::int16_t>> out;
    for (const auto& [id, channel] : m_channels) {
        out[std::string(media::toString(id)) + ".s16le"] = channel.samples;
    }
    return out;
}

// ---- ConsultationDossier ------------------------------------------------------------------------

void ConsultationDossier::begin(prescriptions::ConsultationRecord base) {
    m_content = {};
    m_content.record = std::move(base);
    m_incidents = IncidentTimeline{};
    m_perSite.clear();
    m_perCamera.clear();
    m_measurements = 0;
    m_open = true;
}

void ConsultationDossier::mediaStarted(prescriptions::UnixMs at) {
    if (m_content.record.times.startMs == 0) {
        m_content.record.times.startMs = at;
    }
}

std::string ConsultationDossier::addAuscultation(std::string site,
                                                 const std::filesystem::path& flac,
                                                 prescriptions::UnixMs startMs,
                                                 prescriptions::UnixMs durationMs) {
    if (site.empty()) {
        site = "unspecified";
    }
    // At the dossier's root: the record names acts by their archived file name, one token.
    const std::string base = "steth-" + site + "-" + std::to_string(++m_perSite[site]);
    m_content.files.push_back({base + ".flac", flac});
    auto manifest = flac;
    manifest.replace_extension(".json");
    m_content.files.push_back({base + ".json", manifest});
    m_content.record.acts.auscultations.push_back(
        {std::move(site), base + ".flac", startMs, durationMs, {}});
    addInstrument("stethoscope");
    return base + ".flac";
}

void ConsultationDossier::addMeasurement(const protocol::Measurement& measurement,
                                         prescriptions::UnixMs at) {
    m_content.measurements.push_back(nlohmann::json{
        {"received_unix_ms", at},
        {"report", protocol::toJson(protocol::MeasurementReport{std::nullopt, measurement})}});
    for (const auto& value : measurement.values) {
        const auto loinc = protocol::loincFor(value.quantity, value.unit);
        if (!loinc) {
            continue; // validated upstream: every accepted unit has its code
        }
        prescriptions::RecordMeasurement act;
        act.id = "m-" + std::to_string(++m_measurements);
        act.loinc = std::string(*loinc);
        act.display = std::string(protocol::infoOf(value.quantity).labelFr);
        act.value = value.value;
        act.unit = value.unit;
        act.atMs = at;
        act.instrument = measurement.instrumentId;
        m_content.record.acts.measurements.push_back(std::move(act));
    }
    addInstrument(measurement.instrumentId);
}

std::string ConsultationDossier::addStill(const std::filesystem::path& png, std::string camera,
                                          prescriptions::UnixMs at) {
    const std::string name = "still-" + camera + "-" + std::to_string(++m_perCamera[camera]) + ".png";
    m_content.files.push_back({name, png});
    m_content.record.acts.stills.push_back({name, {}, at, cameraCaptionFr(camera)});
    addInstrument(camera);
    return name;
}

void ConsultationDossier::setDigest(const std::string& archivedName, const std::string& sha256) {
    for (auto& a : m_content.record.acts.auscultations) {
        if (a.recording == archivedName) {
            a.sha256 = sha256;
        }
    }
    for (auto& s : m_content.record.acts.stills) {
        if (s.fileName == archivedName) {
            s.sha256 = sha256;
        }
    }
}

void ConsultationDossier::addInstrument(std::string id) {
    auto& instruments = m_content.record.acts.instruments;
    if (!id.empty() && id != "operator" &&
        std::find(instruments.begin(), instruments.end(), id) == instruments.end()) {
        instruments.push_back(std::move(id));
    }
}

void ConsultationDossier::addPrescription(std::string id, std::string sha256,
                                          const std::vector<std::filesystem::path>& files) {
    auto& list = m_content.record.prescriptions;
    std::erase_if(list, [&](const auto& p) { return p.id == id; });
    list.push_back({std::move(id), std::move(sha256)});
    for (const auto& file : files) {
        const std::string name = "prescriptions/" + file.filename().string();
        std::erase_if(m_content.files, [&](const DossierFile& f) { return f.name == name; });
        m_content.files.push_back({name, file});
    }
}

void ConsultationDossier::setReport(prescriptions::ReportReference reference,
                                    const std::vector<std::filesystem::path>& files) {
    m_content.record.report = std::move(reference);
    std::erase_if(m_content.files, [](const DossierFile& f) { return f.name.starts_with("report/"); });
    for (const auto& file : files) {
        m_content.files.push_back({"report/" + file.filename().string(), file});
    }
}

prescriptions::ConsultationRecord ConsultationDossier::current(prescriptions::UnixMs now) const {
    auto record = m_content.record;
    if (record.times.startMs == 0) {
        record.times.startMs = std::max(record.times.claimMs, now);
    }
    record.times.endMs = std::max(now, record.times.startMs);
    record.endReason = "in_progress"; // a report signed now covers the consultation so far
    // An act whose file is still being hashed joins the record once its digest is known.
    std::erase_if(record.acts.auscultations, [](const auto& a) { return a.sha256.empty(); });
    std::erase_if(record.acts.stills, [](const auto& s) { return s.sha256.empty(); });
    record.incidents = m_incidents.snapshot(now);
    return record;
}

DossierContent ConsultationDossier::close(std::string endReason, prescriptions::UnixMs endMs) {
    m_content.record.endReason = std::move(endReason);
    if (m_content.record.times.startMs == 0) {
        m_content.record.times.startMs = std::max(m_content.record.times.claimMs, endMs);
    }
    m_content.record.times.endMs = std::max(endMs, m_content.record.times.startMs);
    m_content.record.incidents = m_incidents.finish(endMs);
    m_open = false;
    return std::move(m_content);
}

// ---- writeDossier -------------------------------------------------------------------------------

DossierResult writeDossier(DossierContent content, const std::filesystem::path& directory) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::remove_all(directory, ec); // what an earlier attempt left
    fs::create_directories(directory, ec);
    if (ec) {
        return failure(DossierErrc::writeFailed, directory.string() + ": " + ec.message());
    }
    std::map<std::string, std::string> digests;
    for (const auto& file : content.files) {
        const auto target = directory / file.name;
        fs::create_directories(target.parent_path(), ec);
        if (!fs::is_regular_file(file.source, ec)) {
            // A manifest may be missing for a recording the receive path cut short: the FLAC
            // is what matters; anything else missing is an error.
            if (file.name.starts_with("steth-") && file.name.ends_with(".json")) {
                continue;
            }
            return failure(DossierErrc::sourceMissing, file.source.string());
        }
        if (const auto placed = placeFile(file.source, target)) {
            return failure(DossierErrc::writeFailed, target.string() + ": " + placed.message());
        }
        digests[file.name] = sha256OfFile(target);
    }
    auto& record = content.record;
    for (auto& a : record.acts.auscultations) {
        a.sha256 = digests[a.recording];
    }
    for (auto& s : record.acts.stills) {
        s.sha256 = digests[s.fileName];
    }
    const auto write = [&](const std::string& name, const std::string& bytes) {
        fs::create_directories((directory / name).parent_path(), ec);
        return protocol::writeFile(directory / name, bytes, true);
    };
    std::vector<std::pair<std::string, std::string>> documents{
        {"vitals/measurements.json", content.measurements.dump(1)},
        {"incidents.json", prescriptions::toJson(record)["incidents"].dump(1)}};
    if (!content.waveforms.empty()) {
        documents.emplace_back("vitals/waveforms.json", content.waveforms.describe().dump(1));
        for (const auto& [name, samples] : content.waveforms.samplesByFile()) {
            std::string bytes(samples.size() * 2, '\0');
            for (std::size_t i = 0; i < samples.size(); ++i) {
                const auto v = static_cast<std::uint16_t>(samples[i]);
                bytes[2 * i] = static_cast<char>(v & 0xFF);
                bytes[2 * i + 1] = static_cast<char>(v >> 8);
            }
            documents.emplace_back("vitals/" + name, std::move(bytes));
        }
    }
    for (const auto& [name, bytes] : documents) {
        if (!write(name, bytes)) {
            return failure(DossierErrc::writeFailed, (directory / name).string());
        }
    }
    if (const auto issues = prescriptions::validateRecord(record); !issues.empty()) {
        std::string detail;
        for (const auto& issue : issues) {
            detail += issue.path + " " + issue.detail + "; ";
        }
        return failure(DossierErrc::invalidRecord, detail);
    }
    const auto canonical = prescriptions::canonicalJson(record);
    if (!canonical) {
        return failure(DossierErrc::invalidRecord, canonical.error().message());
    }
    // Last, and durably: a dossier with its record.json is whole.
    for (const auto& sub : {fs::path("vitals"), fs::path("report"), fs::path("prescriptions")}) {
        if (fs::exists(directory / sub)) {
            syncDirectory(directory / sub);
        }
    }
    if (!write("record.json", *canonical) || !syncDirectory(directory)) {
        return failure(DossierErrc::writeFailed, (directory / "record.json").string());
    }
    return record;
}

} // namespace tc::app
