#include "prescription_editor.hpp"

#include "tc/prescriptions/dci_table.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/prescription_text.hpp"
#include "tc/prescriptions/vocabulary.hpp"

#include <QDateTime>
#include <QLocale>
#include <QSettings>
#include <QVariantMap>

namespace tc::app {

namespace {

namespace rx = tc::prescriptions;

bool french() {
    return QLocale().language() == QLocale::French;
}

QString fromView(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// The practice details remembered between consultations, by JSON path.
constexpr const char* kRemembered[] = {
    "/prescriber/qualification",  "/prescriber/telephone",          "/prescriber/email",
    "/prescriber/address/lines",  "/prescriber/address/postalCode", "/prescriber/address/city",
    "/prescriber/address/country"};

bool remembered(const std::string& path) {
    for (const char* p : kRemembered) {
        if (path == p) {
            return true;
        }
    }
    return false;
}

nlohmann::json toJsonValue(const QVariant& value) {
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool();
    case QMetaType::Int:
    case QMetaType::LongLong:
        return value.toLongLong();
    case QMetaType::Double:
    case QMetaType::Float:
        return value.toDouble();
    case QMetaType::QStringList:
    case QMetaType::QVariantList: {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& line : value.toStringList()) {
            array.push_back(line.toStdString());
        }
        return array;
    }
    default:
        return value.toString().toStdString();
    }
}

QVariant toVariant(const nlohmann::json& value) {
    if (value.is_boolean()) {
        return value.get<bool>();
    }
    if (value.is_number_integer()) {
        return QVariant::fromValue(value.get<long long>());
    }
    if (value.is_number()) {
        return value.get<double>();
    }
    if (value.is_string()) {
        return QString::fromStdString(value.get<std::string>());
    }
    if (value.is_array()) {
        QStringList lines;
        for (const auto& item : value) {
            lines << (item.is_string() ? QString::fromStdString(item.get<std::string>())
                                       : QString());
        }
        return lines;
    }
    return {};
}

template <class Items> QVariantList choices(const Items& items) {
    QVariantList out;
    for (const auto& item : items) {
        out.push_back(QVariantMap{
            {QStringLiteral("code"), fromView(item.wire)},
            {QStringLiteral("label"), fromView(french() ? item.labelFr : item.labelEn)}});
    }
    return out;
}

} // namespace

PrescriptionEditor::PrescriptionEditor(QObject* parent)
    : QObject(parent) {}

nlohmann::json PrescriptionEditor::emptyMedication() {
    return {{"kind", "medication"},
            {"dci", ""},
            {"strength", {{"amounts", nlohmann::json::array()}, {"per", nullptr}}},
            {"form", nullptr},
            {"dosage",
             {{"dose", {{"value", 1}, {"unit", "{tablet}"}, {"perKg", false}}},
              {"frequency", {{"kind", "times_per_day"}, {"value", 3}}},
              {"duration", {{"value", 5}, {"unit", "d"}}},
              {"asNeeded", false}}},
            {"route", "oral"},
            {"dispense", {{"quantity", nullptr}, {"packs", 1}}},
            {"renewals", 0},
            {"nonSubstitutable", false},
            {"nonSubstitutionReason", nullptr},
            {"doseConfirmed", false},
            {"instructions", ""}};
}

void PrescriptionEditor::begin(const PrescriberIdentity& prescriber, rx::Sex sex) {
    const auto id = rx::PrescriptionId::generate();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSettings settings;
    nlohmann::json address = {
        {"lines", nlohmann::json::array()},
        {"postalCode", settings.value("prescriber/address/postalCode").toString().toStdString()},
        {"city", settings.value("prescriber/address/city").toString().toStdString()},
        {"country", settings.value("prescriber/address/country", QStringLiteral("FR"))
                        .toString()
                        .toStdString()}};
    for (const auto& line : settings.value("prescriber/address/lines").toStringList()) {
        address["lines"].push_back(line.toStdString());
    }
    m_draft = {
        {"format", "telecabine.prescription/1"},
        {"id", id ? id->toString() : std::string()},
        {"replaces", nullptr},
        {"date", QDate::currentDate().toString(Qt::ISODate).toStdString()},
        {"issuedAt", now.toString(Qt::ISODate).toStdString()},
        {"prescriber",
         {{"familyName", prescriber.familyName},
          {"givenName", prescriber.givenName},
          {"qualification", settings.value("prescriber/qualification", tr("Médecin généraliste"))
                                .toString()
                                .toStdString()},
          {"rpps", prescriber.rpps},
          {"address", address},
          {"telephone", settings.value("prescriber/telephone").toString().toStdString()},
          {"email", settings.value("prescriber/email").toString().toStdString()}}},
        {"patient",
         {{"familyName", ""},
          {"givenName", ""},
          {"sex", std::string(rx::wireName(sex))},
          {"birthDate", ""},
          {"weightKg", nullptr},
          {"heightCm", nullptr}}},
        {"lines", nlohmann::json::array()}};
    revalidate();
}

void PrescriptionEditor::close() {
    m_draft = nullptr;
    m_parsed.reset();
    m_issues.clear();
    m_parseError.reset();
    ++m_revision;
    emit changed();
}

QVariant PrescriptionEditor::value(const QString& path) const {
    if (m_draft.is_null()) {
        return {};
    }
    try {
        const nlohmann::json::json_pointer pointer(path.toStdString());
        return m_draft.contains(pointer) ? toVariant(m_draft.at(pointer)) : QVariant();
    } catch (const nlohmann::json::exception&) {
        return {}; // not a path of this draft
    }
}

void PrescriptionEditor::setValue(const QString& path, const QVariant& value) {
    if (m_draft.is_null()) {
        return;
    }
    const std::string key = path.toStdString();
    nlohmann::json::json_pointer pointer;
    try {
        pointer = nlohmann::json::json_pointer(key);
        if (!m_draft.contains(pointer.parent_pointer())) {
            return;
        }
    } catch (const nlohmann::json::exception&) {
        return;
    }
    // An emptied field is unset; a number typed as text is a number.
    nlohmann::json next = toJsonValue(value);
    if (next.is_string() && next.get<std::string>().empty() && m_draft.contains(pointer) &&
        !m_draft.at(pointer).is_string()) {
        next = nullptr;
    } else if (next.is_string() && m_draft.contains(pointer) && m_draft.at(pointer).is_number()) {
        bool ok = false;
        const double number = QLocale().toDouble(value.toString(), &ok);
        next = ok ? nlohmann::json(number) : nlohmann::json(value.toString().toStdString());
    }
    try {
        m_draft[pointer] = next;
    } catch (const nlohmann::json::exception&) {
        return; // an index past the end: not a field of this draft
    }
    if (remembered(key)) {
        QSettings settings;
        settings.setValue(QString::fromStdString(key.substr(1)), value);
    }
    revalidate();
}

void PrescriptionEditor::addMedication(const QString& dci) {
    if (m_draft.is_null()) {
        return;
    }
    nlohmann::json line = emptyMedication();
    line["dci"] = dci.toStdString();
    const auto& table = rx::DciTable::builtIn();
    if (table) {
        if (const auto* entry = table->find(dci.toStdString())) {
            line["dci"] = entry->dci;
            if (!entry->forms.empty()) {
                line["form"] = std::string(rx::wireName(entry->forms.front()));
                line["dosage"]["dose"]["unit"] =
                    std::string(rx::unitInfo(rx::formInfo(entry->forms.front()).doseUnit).code);
            }
            if (!entry->strengths.empty()) {
                // The table's first usual strength, in the model's own JSON form.
                rx::Prescription probe;
                rx::MedicationLine medication;
                medication.strength = entry->strengths.front();
                probe.lines.push_back(medication);
                line["strength"] = rx::toJson(probe)["lines"][0]["strength"];
            }
        }
    }
    m_draft["lines"].push_back(line);
    revalidate();
}

void PrescriptionEditor::addNonDrug(const QString& kind) {
    if (m_draft.is_null() ||
        (kind != QLatin1String("laboratory") && kind != QLatin1String("imaging") &&
         kind != QLatin1String("referral"))) {
        return;
    }
    m_draft["lines"].push_back({{"kind", kind.toStdString()}, {"text", ""}, {"specialty", ""}});
    revalidate();
}

void PrescriptionEditor::removeLine(int index) {
    if (m_draft.is_null() || index < 0 || index >= static_cast<int>(m_draft["lines"].size())) {
        return;
    }
    m_draft["lines"].erase(static_cast<std::size_t>(index));
    revalidate();
}

void PrescriptionEditor::revalidate() {
    m_parsed.reset();
    m_issues.clear();
    m_parseError.reset();
    const auto parsed = rx::parsePrescription(m_draft.dump());
    if (!parsed) {
        // Something the model cannot hold yet (an empty date, a letter in a number): said at
        // its field like any other issue.
        m_parseError = parsed.error().detail;
        m_parseErrorPath = parsed.error().path;
    } else {
        m_parsed = *parsed;
        if (const auto& table = rx::DciTable::builtIn()) {
            m_issues = rx::validate(*m_parsed, *table).issues;
        }
    }
    ++m_revision;
    emit changed();
}

QString PrescriptionEditor::issueAt(const QString& path) const {
    const std::string key = path.toStdString();
    const auto inside = [&](const std::string& location) {
        return location == key || location.rfind(key + "/", 0) == 0;
    };
    if (m_parseError && inside(m_parseErrorPath)) {
        return tr("Valeur illisible : %1").arg(QString::fromStdString(*m_parseError));
    }
    for (const auto& issue : m_issues) {
        if (inside(issue.location)) {
            return QString::fromStdString(french() ? issue.messageFr : issue.messageEn);
        }
    }
    return {};
}

QVariantList PrescriptionEditor::issues() const {
    QVariantList out;
    if (m_parseError) {
        out.push_back(
            QVariantMap{{QStringLiteral("location"), QString::fromStdString(m_parseErrorPath)},
                        {QStringLiteral("message"),
                         tr("Valeur illisible : %1").arg(QString::fromStdString(*m_parseError))},
                        {QStringLiteral("severity"), QStringLiteral("error")}});
    }
    for (const auto& issue : m_issues) {
        out.push_back(
            QVariantMap{{QStringLiteral("location"), QString::fromStdString(issue.location)},
                        {QStringLiteral("message"),
                         QString::fromStdString(french() ? issue.messageFr : issue.messageEn)},
                        {QStringLiteral("severity"), issue.severity == rx::Severity::error
                                                         ? QStringLiteral("error")
                                                         : QStringLiteral("warning")}});
    }
    return out;
}

int PrescriptionEditor::errorCount() const {
    int n = m_parseError ? 1 : 0;
    for (const auto& issue : m_issues) {
        n += issue.severity == rx::Severity::error ? 1 : 0;
    }
    return n;
}

int PrescriptionEditor::warningCount() const {
    int n = 0;
    for (const auto& issue : m_issues) {
        n += issue.severity == rx::Severity::warning ? 1 : 0;
    }
    return n;
}

QString PrescriptionEditor::idText() const {
    return m_draft.is_null() ? QString()
                             : QString::fromStdString(m_draft.value("id", std::string()));
}

QVariantList PrescriptionEditor::lines() const {
    QVariantList out;
    if (m_draft.is_null()) {
        return out;
    }
    const auto& lines = m_draft["lines"];
    for (std::size_t i = 0; i < lines.size(); ++i) {
        QVariantMap entry;
        entry.insert(QStringLiteral("index"), static_cast<int>(i));
        entry.insert(QStringLiteral("kind"),
                     QString::fromStdString(lines[i].value("kind", std::string())));
        QString text;
        if (m_parsed && i < m_parsed->lines.size()) {
            if (const auto* medication = std::get_if<rx::MedicationLine>(&m_parsed->lines[i])) {
                text = QString::fromStdString(rx::medicationTextFr(*medication) + " — " +
                                              rx::dosageTextFr(medication->dosage));
            } else if (const auto* other = std::get_if<rx::NonDrugLine>(&m_parsed->lines[i])) {
                text = fromView(rx::labelFr(other->kind)) + QStringLiteral(" : ") +
                       QString::fromStdString(other->text);
            }
        }
        entry.insert(QStringLiteral("text"), text);
        entry.insert(QStringLiteral("hasError"),
                     !issueAt(QStringLiteral("/lines/%1").arg(i)).isEmpty());
        out.push_back(entry);
    }
    return out;
}

QVariantList PrescriptionEditor::searchDci(const QString& prefix) const {
    QVariantList out;
    const auto& table = rx::DciTable::builtIn();
    if (!table || prefix.trimmed().isEmpty()) {
        return out;
    }
    for (const auto* entry : table->search(prefix.trimmed().toStdString(), 8)) {
        QStringList forms;
        for (const auto form : entry->forms) {
            const auto& info = rx::formInfo(form);
            forms << fromView(french() ? info.labelFr : info.labelEn);
        }
        QStringList strengths;
        for (const auto& strength : entry->strengths) {
            strengths << QString::fromStdString(rx::strengthTextFr(strength));
        }
        out.push_back(QVariantMap{{QStringLiteral("dci"), QString::fromStdString(entry->dci)},
                                  {QStringLiteral("forms"), forms},
                                  {QStringLiteral("strengths"), strengths}});
    }
    return out;
}

QVariantList PrescriptionEditor::doseUnits() {
    QVariantList out;
    for (const auto& unit : rx::allUnits()) {
        if (unit.unit != rx::Unit::pack) {
            out.push_back(QVariantMap{
                {QStringLiteral("code"), fromView(unit.code)},
                {QStringLiteral("label"), fromView(french() ? unit.labelFr : unit.labelEn)}});
        }
    }
    return out;
}

QVariantList PrescriptionEditor::forms() {
    return choices(rx::allForms());
}

QVariantList PrescriptionEditor::routes() {
    return choices(rx::allRoutes());
}

QVariantList PrescriptionEditor::durationUnits() {
    return choices(rx::allDurationUnits());
}

QVariantList PrescriptionEditor::nonSubstitutionReasons() {
    return choices(rx::allNonSubstitutionReasons());
}

} // namespace tc::app
