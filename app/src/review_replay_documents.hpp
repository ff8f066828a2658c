#pragma once
// What a replay reads from a dossier besides its record (consultation_dossier.hpp's layout):
// the ECG and pleth as received (vitals/waveforms.json and its .s16le files), and the signed
// compte rendu and ordonnances as text (report/*.json, prescriptions/*.json). A coordinator's
// copy of every JSON file is pseudonymised by the service (the patient object becomes
// {ageBand, sex}): nothing here needs the identity, so these readers take either form.

#include "tc/prescriptions/consultation_record.hpp"
#include "waveform_strip.hpp"

#include <QString>
#include <QVariantList>
#include <filesystem>
#include <optional>
#include <string_view>

namespace tc::app {

// record.json, as archived or pseudonymised: a blank identity (the served sex kept) stands in
// for {ageBand, sex}, since the replay never shows who the patient is.
std::optional<prescriptions::ConsultationRecord> parseReviewRecord(std::string_view text);

// The ECG (lead II, else lead I; mV) and pleth (fraction of full scale) on the replay's clock:
// microseconds from the session's start (record.times.startMs). The cabin stamps the samples on
// its own monotonic clock; the measurement reports received beside them (vitals/measurements.json,
// their acquisition time on that clock and their arrival in Unix time) tie it to the record's
// times; without any, the first sample is taken as the start of the media. Lost stretches
// (gaps) stay gaps. No waveforms.json: nothing, and no error.
struct ReplayWaveforms {
    bool present = false;
    QString problem; // a file there but unreadable (French, for errorString)
};
ReplayWaveforms loadReplayWaveforms(const std::filesystem::path& dossier,
                                    const prescriptions::ConsultationRecord& record,
                                    WaveformTrace& ecg, WaveformTrace& pleth);

// The signed documents, each {id, kind ("report"|"prescription"), title, heading, at (seconds
// from the start), sections [{title, text}], lines [{medicine, dosage, duration, note}]}, report
// first, then the ordonnances as issued; `items` the same on the timeline's "documents" lane
// ({label, lane, id, kind, from, to}).
struct ReplayDocuments {
    QVariantList documents;
    QVariantList items;
    QString problem; // a document there but unreadable
};
ReplayDocuments readReplayDocuments(const std::filesystem::path& dossier,
                                    const prescriptions::ConsultationRecord& record);

} // namespace tc::app
