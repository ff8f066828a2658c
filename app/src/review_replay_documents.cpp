#include "review_replay_documents.hpp"

#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/prescription_text.hpp"
#include "tc/protocol/pki.hpp"

#include <QCoreApplication>
#include <QDateTime>
#include <algorithm>
#include <nlohmann/json.hpp>

namespace tc::app {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using prescriptions::ConsultationRecord;

constexpr std::uintmax_t kMaxJson = 4 * 1024 * 1024;

// The replay's words about its documents, in the catalogue's "ReplayDocuments" context.
struct Text {
    Q_DECLARE_TR_FUNCTIONS(ReplayDocuments)
};

QString fromStd(const std::string& text) {
    return QString::fromStdString(text);
}

std::optional<json> readJson(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > kMaxJson) {
        return std::nullopt;
    }
    auto text = protocol::readFile(path);
    if (!text) {
        return std::nullopt;
    }
    auto value = json::parse(*text, nullptr, false);
    if (value.is_discarded() || !value.is_object()) {
        return std::nullopt;
    }
    return value;
}

bool pseudonymised(const json& patient) {
    return patient.is_object() && patient.contains("ageBand");
}

std::string servedSex(const json& patient) {
    const auto sex = patient.find("sex");
    return sex != patient.end() && sex->is_string() ? sex->get<std::string>() : "unknown";
}

QString dateTimeText(std::int64_t unixMs) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(unixMs),
                              QStringLiteral("dd/MM/yyyy HH:mm"));
}

QVariantMap section(const QString& title, const std::string& text) {
    return {{QStringLiteral("title"), title}, {QStringLiteral("text"), fromStd(text)}};
}

QVariantMap timelineItem(const QString& label, const QString& id, const QString& kind,
                         double atSeconds) {
    return {
        {QStringLiteral("label"), label},    {QStringLiteral("lane"), QStringLiteral("documents")},
        {QStringLiteral("id"), id},          {QStringLiteral("kind"), kind},
        {QStringLiteral("from"), atSeconds}, {QStringLiteral("to"), atSeconds}};
}

// The signed JSON files of a folder (their .fhir.json twins bear the identity and are not read).
std::vector<fs::path> signedJsonFiles(const fs::path& folder) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const auto name = entry.path().filename().string();
        if (entry.is_regular_file() && name.ends_with(".json") && !name.ends_with(".fhir.json")) {
            out.push_back(entry.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<QVariantMap> reportDocument(const json& document, const ConsultationRecord& record) {
    if (document.value("format", "") != "telecabine.signed-report/1" ||
        !document.contains("report")) {
        return std::nullopt;
    }
    auto report = prescriptions::parseConsultationReport(document["report"].dump());
    if (!report) {
        return std::nullopt;
    }
    std::string examination;
    for (const auto& item : report->examination.items) {
        examination += "• " + item.text + "\n";
    }
    examination += report->examination.text;
    QVariantList sections{
        section(Text::tr("Motif"), report->motif),
        section(Text::tr("Histoire de la maladie"), report->history),
        section(Text::tr("Examen"), examination),
        section(Text::tr("Conclusion"), report->conclusion),
        section(Text::tr("Orientation"),
                prescriptions::followUpTextFr(report->followUp.kind, report->followUp.specialty))};
    if (!report->freeText.empty()) {
        sections.push_back(section(Text::tr("Remarques"), report->freeText));
    }
    const auto signedAt = record.report && record.report->signedAtMs > 0 ? record.report->signedAtMs
                                                                         : record.times.endMs;
    return QVariantMap{
        {QStringLiteral("id"), fromStd(report->id.toString())},
        {QStringLiteral("kind"), QStringLiteral("report")},
        {QStringLiteral("title"), Text::tr("Compte rendu")},
        {QStringLiteral("heading"),
         Text::tr("Compte rendu signé le %1").arg(dateTimeText(signedAt))},
        {QStringLiteral("at"), static_cast<double>(signedAt - record.times.startMs) / 1000.0},
        {QStringLiteral("orientation"), fromStd(std::string(wireName(report->followUp.kind)))},
        {QStringLiteral("sections"), sections},
        {QStringLiteral("lines"), QVariantList{}}};
}

QString durationText(const prescriptions::Duration& d) {
    static constexpr const char* kSingular[] = {"jour", "semaine", "mois"};
    static constexpr const char* kPlural[] = {"jours", "semaines", "mois"};
    const auto index = static_cast<std::size_t>(d.unit);
    return fromStd(prescriptions::frenchNumber(d.value) + " " +
                   (d.value >= 2 ? kPlural[index] : kSingular[index]));
}

QVariantMap lineOf(const prescriptions::Line& line) {
    if (const auto* m = std::get_if<prescriptions::MedicationLine>(&line)) {
        auto dosage = m->dosage;
        const auto duration = dosage.duration;
        dosage.duration.reset(); // shown on its own
        std::string note = prescriptions::renewalTextFr(m->renewals);
        if (!m->instructions.empty()) {
            note += " · " + m->instructions;
        }
        return {{QStringLiteral("medicine"), fromStd(prescriptions::medicationTextFr(*m))},
                {QStringLiteral("dosage"), fromStd(prescriptions::dosageTextFr(dosage))},
                {QStringLiteral("duration"), duration ? durationText(*duration) : QString()},
                {QStringLiteral("note"), fromStd(note)}};
    }
    const auto& n = std::get<prescriptions::NonDrugLine>(line);
    const QString kind = n.kind == prescriptions::NonDrugKind::laboratory ? Text::tr("Biologie")
                         : n.kind == prescriptions::NonDrugKind::imaging
                             ? Text::tr("Imagerie")
                             : Text::tr("Avis spécialisé");
    return {{QStringLiteral("medicine"), Text::tr("%1 : %2").arg(kind, fromStd(n.text))},
            {QStringLiteral("dosage"), fromStd(n.specialty)},
            {QStringLiteral("duration"), QString()},
            {QStringLiteral("note"), QString()}};
}

std::optional<QVariantMap> prescriptionDocument(json document, const ConsultationRecord& record,
                                                int number) {
    if (pseudonymised(document["patient"])) {
        // A stand-in patient that parses; the ordonnance's lines are what is shown.
        document["patient"] = json{{"familyName", "-"},
                                   {"givenName", "-"},
                                   {"sex", servedSex(document["patient"])},
                                   {"birthDate", "1900-01-01"},
                                   {"weightKg", nullptr},
                                   {"heightCm", nullptr}};
    }
    auto prescription = prescriptions::prescriptionFromJson(document);
    if (!prescription) {
        return std::nullopt;
    }
    QVariantList lines;
    for (const auto& line : prescription->lines) {
        lines.push_back(lineOf(line));
    }
    const auto issuedMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                              prescription->issuedAt.time_since_epoch())
                              .count();
    const auto id = fromStd(prescription->id.toString());
    return QVariantMap{
        {QStringLiteral("id"), id},
        {QStringLiteral("kind"), QStringLiteral("prescription")},
        {QStringLiteral("title"), Text::tr("Ordonnance %1").arg(number)},
        {QStringLiteral("heading"),
         Text::tr("Ordonnance %1 du %2").arg(id, dateTimeText(issuedMs))},
        {QStringLiteral("at"), static_cast<double>(issuedMs - record.times.startMs) / 1000.0},
        {QStringLiteral("orientation"), QString()},
        {QStringLiteral("sections"), QVariantList{}},
        {QStringLiteral("lines"), lines}};
}

} // namespace

std::optional<ConsultationRecord> parseReviewRecord(std::string_view text) {
    auto document = json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return std::nullopt;
    }
    if (pseudonymised(document["patient"])) {
        ConsultationRecord blank;
        blank.patient.birthDate = std::chrono::year{1900} / 1 / 1;
        auto identity = prescriptions::toJson(blank)["patient"];
        identity["sex"] = servedSex(document["patient"]);
        document["patient"] = identity;
        if (auto record = prescriptions::consultationRecordFromJson(document)) {
            return std::move(*record);
        }
        document["patient"]["sex"] = "unknown"; // a sex word the record does not know
    }
    auto record = prescriptions::consultationRecordFromJson(document);
    if (!record) {
        return std::nullopt;
    }
    return std::move(*record);
}

ReplayDocuments readReplayDocuments(const fs::path& dossier, const ConsultationRecord& record) {
    ReplayDocuments out;
    const auto add = [&out](const QVariantMap& document) {
        out.documents.push_back(document);
        out.items.push_back(timelineItem(document[QStringLiteral("heading")].toString(),
                                         document[QStringLiteral("id")].toString(),
                                         document[QStringLiteral("kind")].toString(),
                                         document[QStringLiteral("at")].toDouble()));
    };
    QStringList unreadable;
    for (const auto& path : signedJsonFiles(dossier / "report")) {
        const auto document = readJson(path);
        const auto report = document ? reportDocument(*document, record) : std::nullopt;
        report ? add(*report) : unreadable.push_back(fromStd(path.filename().string()));
    }
    std::vector<QVariantMap> prescriptions;
    for (const auto& path : signedJsonFiles(dossier / "prescriptions")) {
        const auto document = readJson(path);
        auto prescription = document
                                ? prescriptionDocument(*document, record,
                                                       static_cast<int>(prescriptions.size()) + 1)
                                : std::nullopt;
        if (prescription) {
            prescriptions.push_back(std::move(*prescription));
        } else {
            unreadable.push_back(fromStd(path.filename().string()));
        }
    }
    std::stable_sort(prescriptions.begin(), prescriptions.end(), [](const auto& a, const auto& b) {
        return a[QStringLiteral("at")].toDouble() < b[QStringLiteral("at")].toDouble();
    });
    for (std::size_t i = 0; i < prescriptions.size(); ++i) {
        auto& p = prescriptions[i];
        p[QStringLiteral("title")] = Text::tr("Ordonnance %1").arg(i + 1);
        add(p);
    }
    if (!unreadable.isEmpty()) {
        out.problem =
            Text::tr("Documents illisibles : %1").arg(unreadable.join(QStringLiteral(", ")));
    }
    return out;
}

} // namespace tc::app
