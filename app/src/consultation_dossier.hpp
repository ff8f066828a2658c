#pragma once
// The consultation's dossier (article R6316-4 CSP), kept by the console while the consultation
// runs and written when it ends, for the archive (protocol/README.md, "Archive transfer"):
//
//   record.json                          the ConsultationRecord (prescriptions), canonical JSON
//   incidents.json                       the technical incidents, as in the record
//   steth-<site>-<n>.flac                each auscultation recorded, and its manifest (.json)
//   still-<camera>-<n>.png               each still taken
//   vitals/measurements.json             the cabin's measurement reports, as received
//   vitals/waveforms.json + <channel>.s16le   the ECG and pleth, as received (gaps listed)
//   report/…                             the signed compte rendu (PDF, JSON, CMS, FHIR)
//   prescriptions/…                      the signed ordonnances
//
// ConsultationDossier collects on the UI thread (no Qt in it); close() hands what it collected
// to writeDossier(), which runs on a worker thread: files are hard-linked into the dossier
// (copied across file systems), hashed for the record, and record.json is written last, so a
// dossier with a record.json is whole.

#include "incident_timeline.hpp"
#include "tc/errors/outcome.hpp"
#include "tc/media/waveform_stream.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/protocol/vitals.hpp"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tc::app {

enum class DossierErrc {
    sourceMissing = 1, // a recording, still or document named in the dossier cannot be read
    writeFailed,       // the dossier's directory cannot be written
    invalidRecord,     // the record does not validate (a bug: the detail names the problems)
};
const boost::system::error_category& dossierCategory() noexcept;
inline boost::system::error_code make_error_code(DossierErrc e) noexcept {
    return {static_cast<int>(e), dossierCategory()};
}

// A file taken into the dossier under its archived name ("steth-aortic-1.flac").
struct DossierFile {
    std::string name;
    std::filesystem::path source;
};

// The waveforms as received: per channel its samples end to end, and where each span starts.
class WaveformLog {
public:
    void append(const media::WaveformSpan& span);
    bool empty() const noexcept { return m_channels.empty(); }
    // waveforms.json; `files` gets each channel's samples file (little-endian int16).
    nlohmann::json describe() const;
    std::map<std::string, std::vector<std::int16_t>> samplesByFile() const;

private:
    struct Segment {
        std::int64_t firstTick = 0;
        std::int64_t startUs = -1; // session time, -1 when unknown
        std::size_t offset = 0;    // into the channel's samples
        std::size_t samples = 0;
    };
    struct Channel {
        media::WaveformChannel channel = media::WaveformChannel::ecgII;
        int sampleRate = 0;
        std::vector<std::int16_t> samples;
        std::vector<Segment> segments;
    };
    struct Gap {
        std::int64_t firstTick = 0;
        std::int64_t ticks = 0;
    };
    std::map<media::WaveformChannel, Channel> m_channels;
    std::vector<Gap> m_gaps;
};

// Everything writeDossier needs, moved off the UI thread.
struct DossierContent {
    prescriptions::ConsultationRecord record; // acts' digests are filled in by writeDossier
    std::vector<DossierFile> files;
    nlohmann::json measurements = nlohmann::json::array();
    WaveformLog waveforms;
};

class ConsultationDossier {
public:
    // A new consultation: who, where, when claimed, under which consent (the record's base).
    void begin(prescriptions::ConsultationRecord base);
    bool open() const noexcept { return m_open; }
    const std::string& consultationId() const noexcept {
        return m_content.record.consultationId;
    }
    void mediaStarted(prescriptions::UnixMs at);
    // The identity as it stands (a correction by the doctor replaces it).
    void setPatient(prescriptions::PatientIdentity patient) {
        m_content.record.patient = std::move(patient);
    }

    // `site` the auscultation site's wire name ("aortic"; "" unknown); `flac` the recording,
    // its manifest beside it (.json). Returns the act's archived name; its digest follows
    // (setDigest): until then current() leaves the act out.
    std::string addAuscultation(std::string site, const std::filesystem::path& flac,
                                prescriptions::UnixMs startMs, prescriptions::UnixMs durationMs);
    // One act per value (a blood pressure is systolic, diastolic, mean and pulse).
    void addMeasurement(const protocol::Measurement& measurement, prescriptions::UnixMs at);
    std::string addStill(const std::filesystem::path& png, std::string camera,
                         prescriptions::UnixMs at);
    // The SHA-256 (lowercase hex) of an act's file, hashed off the UI thread.
    void setDigest(const std::string& archivedName, const std::string& sha256);
    void addInstrument(std::string id);
    void addWaveforms(const media::WaveformSpan& span) { m_content.waveforms.append(span); }
    // A signed ordonnance: its id, the SHA-256 of its canonical JSON, and its files.
    void addPrescription(std::string id, std::string sha256,
                         const std::vector<std::filesystem::path>& files);
    // The signed compte rendu (replaces an earlier signature of it).
    void setReport(prescriptions::ReportReference reference,
                   const std::vector<std::filesystem::path>& files);

    IncidentTimeline& incidents() { return m_incidents; }
    // The record as it stands, `now` ending it (acts without digests: files are hashed when the
    // dossier is written). What the compte rendu is drafted from.
    prescriptions::ConsultationRecord current(prescriptions::UnixMs now) const;

    // Ends the consultation: closes the incidents and returns what writeDossier writes.
    DossierContent close(std::string endReason, prescriptions::UnixMs endMs);

private:
    bool m_open = false;
    DossierContent m_content;
    IncidentTimeline m_incidents;
    std::map<std::string, int> m_perSite; // recordings per site, for their names
    std::map<std::string, int> m_perCamera;
    int m_measurements = 0;
};

// Lowercase hex SHA-256 of a file, read in blocks; empty if it cannot be read. Blocking.
std::string sha256OfFile(const std::filesystem::path& path);

struct DossierFailure : errors::Failure {};
using DossierResult = errors::Outcome<prescriptions::ConsultationRecord, DossierFailure>;

// Writes `content` into `directory` (what an earlier attempt left there is replaced) and
// returns the record as written. Blocking: a worker thread's.
DossierResult writeDossier(DossierContent content, const std::filesystem::path& directory);

} // namespace tc::app

template <> struct boost::system::is_error_code_enum<tc::app::DossierErrc> : std::true_type {};
