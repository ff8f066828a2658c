#include "report_files.hpp"

#include "durable_file.hpp"

#include <QDir>
#include <QFile>
#include <nlohmann/json.hpp>

namespace tc::app::report_files {

namespace rx = tc::prescriptions;

namespace {

constexpr std::string_view kDraftFormat = "telecabine.report-draft/1";

std::span<const char> bytesOf(const std::string& text) {
    return {text.data(), text.size()};
}

std::span<const char> bytesOf(const std::vector<std::byte>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::optional<QByteArray> readAll(const QString& path, qint64 maxBytes) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > maxBytes) {
        return std::nullopt;
    }
    return file.readAll();
}

std::vector<std::byte> toBytes(const QByteArray& data) {
    const auto* begin = reinterpret_cast<const std::byte*>(data.constData());
    return {begin, begin + data.size()};
}

} // namespace

QString draftPath(const QString& directory) {
    return QDir(directory).filePath(QStringLiteral("compte-rendu-brouillon.json"));
}

boost::system::error_code saveDraft(const QString& directory, const DraftState& state) {
    nlohmann::json draft = {{"format", kDraftFormat},
                            {"report", rx::toJson(state.report)},
                            {"followUpChosen", state.followUpChosen},
                            {"patientCopy", state.patientCopy},
                            {"signedAtMs", nullptr}};
    if (state.signedAtMs) {
        draft["signedAtMs"] = *state.signedAtMs;
    }
    return writeFileDurably(draftPath(directory), bytesOf(draft.dump()));
}

std::optional<DraftState> loadDraft(const QString& directory, const std::string& consultationId) {
    const auto data = readAll(draftPath(directory), 2 * rx::kMaxReportBytes);
    if (!data) {
        return std::nullopt;
    }
    const auto draft = nlohmann::json::parse(data->constData(), data->constData() + data->size(),
                                             nullptr, /*allow_exceptions=*/false);
    if (!draft.is_object() || draft.value("format", std::string()) != kDraftFormat ||
        !draft.contains("report") ||
        !draft.value("followUpChosen", nlohmann::json()).is_boolean() ||
        !draft.value("patientCopy", nlohmann::json()).is_boolean()) {
        return std::nullopt;
    }
    auto report = rx::consultationReportFromJson(draft["report"]);
    if (!report || report->consultationId != consultationId) {
        return std::nullopt;
    }
    DraftState state{std::move(*report), draft["followUpChosen"].get<bool>(),
                     draft["patientCopy"].get<bool>(), std::nullopt};
    if (const auto signedAt = draft.value("signedAtMs", nlohmann::json());
        signedAt.is_number_integer()) {
        state.signedAtMs = signedAt.get<rx::UnixMs>();
    }
    return state;
}

QString fileStem(const rx::ConsultationReport& report) {
    // The check symbol may be * ~ $ or =, which shells and file managers misread; it is a
    // function of the other characters, so "_" in its place keeps names unique.
    QString stem = QString::fromStdString(report.id.toString());
    for (const QChar symbol : {u'*', u'~', u'$', u'='}) {
        stem.replace(symbol, u'_');
    }
    return QStringLiteral("compte-rendu-") + stem;
}

boost::system::error_code writeSigned(const QString& directory,
                                      const rx::SignedReport& signedReport, QString& pdfPath) {
    const QString base = QDir(directory).filePath(fileStem(signedReport.sealed.report()));
    const std::pair<QString, std::span<const char>> files[] = {
        {base + QStringLiteral(".json"), bytesOf(signedReport.sealed.canonicalJson())},
        {base + QStringLiteral(".p7s"), bytesOf(signedReport.jsonCmsDer)},
        {base + QStringLiteral(".fhir.json"), bytesOf(signedReport.fhirDocumentJson)},
        // Last: a PDF present means the others are too.
        {base + QStringLiteral(".pdf"), bytesOf(signedReport.pdf)},
    };
    for (const auto& [path, bytes] : files) {
        if (const auto error = writeFileDurably(path, bytes)) {
            return error;
        }
    }
    pdfPath = base + QStringLiteral(".pdf");
    return {};
}

std::optional<rx::SignedReport> loadSigned(const QString& directory, const DraftState& state) {
    if (!state.signedAtMs) {
        return std::nullopt;
    }
    const QString base = QDir(directory).filePath(fileStem(state.report));
    constexpr qint64 kMaxFile = 16 * 1024 * 1024;
    const auto json = readAll(base + QStringLiteral(".json"), kMaxFile);
    const auto cms = readAll(base + QStringLiteral(".p7s"), kMaxFile);
    const auto fhir = readAll(base + QStringLiteral(".fhir.json"), kMaxFile);
    const auto pdf = readAll(base + QStringLiteral(".pdf"), kMaxFile);
    if (!json || !cms || !fhir || !pdf) {
        return std::nullopt;
    }
    auto sealed =
        rx::SealedReport::fromCanonical(std::string_view(json->constData(), json->size()));
    if (!sealed || sealed->report().id != state.report.id) {
        return std::nullopt;
    }
    rx::SignedReport out{
        *sealed, toBytes(*pdf), toBytes(*cms), fhir->toStdString(),
        rx::ReportReference{sealed->report().id.toString(), sealed->sha256(), *state.signedAtMs}};
    return out;
}

} // namespace tc::app::report_files
