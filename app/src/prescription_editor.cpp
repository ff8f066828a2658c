#include "prescription_editor.hpp"

#include "error_text.hpp"
#include "parse_error_text.hpp"
#include "prescription_delivery.hpp"
#include "prescription_editor_io.hpp"
#include "tc/prescriptions/dci_table.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/prescription_text.hpp"
#include "tc/prescriptions/signing_identity.hpp"
#include "tc/prescriptions/vocabulary.hpp"
#include "ui_text.hpp"
#include "video_surface.hpp"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLocale>
#include <QSettings>
#include <QVariantMap>
#include <algorithm>
#include <chrono>

namespace tc::app {

namespace {

namespace rx = tc::prescriptions;

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

} // namespace

PrescriptionEditor::PrescriptionEditor(QObject* parent)
    : Controller(parent) {
    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(250);
    connect(&m_previewTimer, &QTimer::timeout, this, &PrescriptionEditor::renderPreview);
}

void PrescriptionEditor::setDelivery(PrescriptionDeliveryController* delivery) {
    m_delivery = delivery;
}

void PrescriptionEditor::setPreviewSurface(VideoSurface* surface) {
    m_preview = surface;
    renderPreview();
}

void PrescriptionEditor::renderPreview() {
    if (!m_preview) {
        return;
    }
    if (!m_signed && !m_previewModel) {
        return; // the last readable draft stays shown
    }
    // Signed: the signed PDF itself, rendered by poppler (what the cabin will print); a draft:
    // the same layout drawn directly, marked "BROUILLON".
    const QImage page = m_signed ? editor_io::renderSignedPage(m_signed->pdf)
                                 : rx::renderOrdonnancePreview(*m_previewModel, 0, 110);
    if (!page.isNull()) {
        m_preview->present(page, -1);
    }
}

bool PrescriptionEditor::sign(const QString& secret, const QString& choice) {
    if (!m_parsed || m_signed || m_signingInProgress) {
        return false;
    }
    rx::registerOrdonnanceFonts(); // here, on the GUI thread, before the worker renders
    m_signingInProgress = true;
    m_signText = tr("Signature en cours…");
    emit changed();
    // Copies only: the draft cannot change until the result is back (editable()), and the
    // ledger comes back with the signed version in it.
    m_signer = std::jthread([this, open = m_signing.opener(choice, secret),
                             prescription = *m_parsed, ledger = m_ledger,
                             now = std::chrono::system_clock::now(), draft = m_draftGeneration] {
        auto outcome = std::make_shared<SigningOutcome>(
            signPrescription(open, prescription, std::move(ledger), now));
        // Dropped by Qt if the editor is gone by then (its destructor joins this thread first).
        QMetaObject::invokeMethod(
            this, [this, draft, outcome] { finishSigning(draft, std::move(*outcome)); },
            Qt::QueuedConnection);
    });
    return true;
}

void PrescriptionEditor::forgetSigning() {
    // A signature still under way belongs to the draft that goes: its result will be dropped.
    ++m_draftGeneration;
    m_signingInProgress = false;
}

QString PrescriptionEditor::refusalText(const SigningRefusal& refusal,
                                        const QString& prescriberRpps) {
    using Reason = SigningRefusal::Reason;
    switch (refusal.reason) {
    case Reason::identity:
        return tr("Signature refusée : %1").arg(SigningChoices::errorText(refusal.code));
    case Reason::expired: {
        // Said now, with its date, rather than found out at the pharmacy.
        const QDateTime expired = QDateTime::fromSecsSinceEpoch(
            std::chrono::duration_cast<std::chrono::seconds>(refusal.expiredAt.time_since_epoch())
                .count());
        return tr("Signature refusée : ce certificat a expiré le %1.")
            .arg(QLocale().toString(expired.date(), QLocale::ShortFormat));
    }
    case Reason::otherPrescriber:
        return tr("Signature refusée : ce certificat est celui du RPPS %1, pas celui du "
                  "prescripteur (%2).")
            .arg(QString::fromStdString(refusal.signerRpps), prescriberRpps);
    case Reason::notAPrescriber:
        return tr("Signature refusée : ce certificat n'est pas celui d'un prescripteur "
                  "(médecin identifié par son RPPS).");
    case Reason::signature:
        break;
    }
    return tr("Signature impossible : %1").arg(errorText(refusal.code));
}

void PrescriptionEditor::finishSigning(std::uint64_t draft, SigningOutcome outcome) {
    if (draft != m_draftGeneration) {
        return; // for a draft since closed: nobody waits for it any more
    }
    m_signingInProgress = false;
    if (!outcome) {
        m_signText =
            refusalText(outcome.error(),
                        m_parsed ? QString::fromStdString(m_parsed->prescriber.rpps) : QString());
        setError(m_signText);
        emit changed();
        emit signFinished(false);
        return;
    }
    m_ledger = std::move(outcome->ledger);
    m_signed = std::move(outcome->ordonnance);
    m_signText = tr("Signée électroniquement (PAdES) · n° %1").arg(idText());
    setError({});
    // Kept with the consultation: what was signed, as signed.
    if (!m_outputDirectory.isEmpty() && QDir().mkpath(m_outputDirectory)) {
        // The check symbol may be * ~ $ or =, which shells and file managers misread; it is a
        // function of the other characters, so "_" in its place keeps names unique.
        QString stem = idText();
        for (const QChar symbol : {u'*', u'~', u'$', u'='}) {
            stem.replace(symbol, u'_');
        }
        const QString base = QDir(m_outputDirectory).filePath(QStringLiteral("ordonnance-") + stem);
        const auto& json = m_signed->canonicalJson;
        const auto& fhir = m_signed->fhirBundleJson;
        const bool written =
            editor_io::writeFile(base + QStringLiteral(".pdf"), m_signed->pdf) &&
            editor_io::writeFile(base + QStringLiteral(".json"),
                                 std::as_bytes(std::span(json.data(), json.size()))) &&
            editor_io::writeFile(base + QStringLiteral(".json.p7s"), m_signed->jsonCmsDer) &&
            editor_io::writeFile(base + QStringLiteral(".fhir.json"),
                                 std::as_bytes(std::span(fhir.data(), fhir.size())));
        m_signedPdfPath = written ? base + QStringLiteral(".pdf") : QString();
        if (!written) {
            m_signText += tr(" — mais l'enregistrement dans %1 a échoué").arg(m_outputDirectory);
        }
    }
    ++m_revision;
    emit changed();
    renderPreview();
    emit signFinished(true);
}

void PrescriptionEditor::amend() {
    if (!m_signed || m_signingInProgress) {
        return;
    }
    const auto id = rx::PrescriptionId::generate();
    m_draft["replaces"] = m_draft["id"];
    m_draft["id"] = id ? id->toString() : std::string();
    m_draft["issuedAt"] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
    m_signed.reset();
    m_signedPdfPath.clear();
    m_signText = tr("Nouvelle version : elle annulera la précédente une fois signée.");
    revalidate();
}

bool PrescriptionEditor::send() {
    if (!m_signed || !m_delivery) {
        return false;
    }
    const QByteArray pdf(reinterpret_cast<const char*>(m_signed->pdf.data()),
                         static_cast<qsizetype>(m_signed->pdf.size()));
    if (!m_delivery->send(pdf, idText(), tr("Ordonnance %1").arg(idText()))) {
        return false;
    }
    emit sent();
    return true;
}

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
    close(); // a new consultation: nothing of the last one's signature or ledger carries over
    m_patientLocked = false;
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
    forgetSigning();
    m_draft = nullptr;
    m_signed.reset();
    m_ledger = {};
    m_signText.clear();
    m_signedPdfPath.clear();
    m_parsed.reset();
    m_validation.clear();
    ++m_revision;
    emit changed();
}

QVariant PrescriptionEditor::value(const QString& path) const {
    if (m_draft.is_null()) {
        return {};
    }
    try {
        const nlohmann::json::json_pointer pointer(path.toStdString());
        return m_draft.contains(pointer) ? editor_io::toVariant(m_draft.at(pointer)) : QVariant();
    } catch (const nlohmann::json::exception&) {
        return {}; // not a path of this draft
    }
}

PrescriptionDeliveryController* PrescriptionEditor::delivery() const {
    return m_delivery.data();
}

void PrescriptionEditor::setPatientIdentity(const prescriptions::PatientIdentity& identity) {
    m_patientLocked = false;
    setValue(QStringLiteral("/patient/familyName"),
             QString::fromStdString(identity.displayFamilyName()));
    setValue(QStringLiteral("/patient/givenName"),
             QString::fromStdString(identity.displayFirstName()));
    const auto& d = identity.birthDate;
    setValue(QStringLiteral("/patient/birthDate"),
             QDate(static_cast<int>(d.year()), static_cast<int>(static_cast<unsigned>(d.month())),
                   static_cast<int>(static_cast<unsigned>(d.day())))
                 .toString(Qt::ISODate));
    if (identity.sex != rx::Sex::unknown) {
        setValue(QStringLiteral("/patient/sex"), QString::fromLatin1(rx::wireName(identity.sex)));
    }
    // A qualified identity is the INS referential's: only the cabin's check can change it.
    m_patientLocked = identity.status == rx::IdentityStatus::qualified;
}

bool PrescriptionEditor::isPatientIdentityPath(const QString& path) {
    return path == QLatin1String("/patient/familyName") ||
           path == QLatin1String("/patient/givenName") ||
           path == QLatin1String("/patient/birthDate") || path == QLatin1String("/patient/sex");
}

void PrescriptionEditor::setValue(const QString& path, const QVariant& value) {
    if (!editable()) {
        return; // signed: immutable (amend() makes a new version)
    }
    if (m_patientLocked && isPatientIdentityPath(path)) {
        return; // a qualified identity comes from the cabin, as is
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
    nlohmann::json next = editor_io::toJsonValue(value);
    if (next.is_string() && next.get<std::string>().empty() && m_draft.contains(pointer) &&
        !m_draft.at(pointer).is_string()) {
        next = nullptr;
    } else if (next.is_string() && m_draft.contains(pointer) &&
               (m_draft.at(pointer).is_number() || m_draft.at(pointer).is_null() ||
                m_validation.unreadableAt(key))) {
        // A number field (or one whose typed text could not be read as what it should be).
        // "78,5" or "78.5": the decimal comma is how French doctors type it.
        bool ok = false;
        QString text = value.toString().trimmed();
        text.replace(QLatin1Char(','), QLatin1Char('.'));
        const double number = QLocale::c().toDouble(text, &ok);
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
    if (!editable()) {
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
    if (!editable() || (kind != QLatin1String("laboratory") && kind != QLatin1String("imaging") &&
                        kind != QLatin1String("referral"))) {
        return;
    }
    m_draft["lines"].push_back({{"kind", kind.toStdString()}, {"text", ""}, {"specialty", ""}});
    revalidate();
}

void PrescriptionEditor::removeLine(int index) {
    if (!editable() || index < 0 || index >= static_cast<int>(m_draft["lines"].size())) {
        return;
    }
    m_draft["lines"].erase(static_cast<std::size_t>(index));
    revalidate();
}

void PrescriptionEditor::revalidate() {
    m_parsed.reset();
    m_previewModel.reset();
    std::vector<PrescriptionValidation::ParseError> parseErrors;
    std::vector<rx::Issue> issues;
    // Something the model cannot hold yet (an empty date, a letter in a number) is an issue at
    // its field; the rest of the draft is still checked, with a neutral stand-in there (which
    // never reaches a signature: the draft is not valid while any such issue remains).
    nlohmann::json work = m_draft;
    for (int attempt = 0; attempt < 32; ++attempt) {
        const auto parsed = rx::parsePrescription(work.dump());
        if (parsed) {
            m_parsed = *parsed;
            break;
        }
        const std::string path = parsed.error().path;
        const bool again = !parseErrors.empty() && parseErrors.back().first == path;
        if (!again) {
            // By its code, in the console's language: the reader's detail is English.
            parseErrors.emplace_back(path, describeParseError(parsed.error()));
        }
        try {
            const nlohmann::json::json_pointer pointer(path);
            const auto& current = work.contains(pointer) ? work.at(pointer) : nlohmann::json();
            const bool date = path.ends_with("Date") || path == "/date";
            if (date) {
                work[pointer] = path == "/date"
                                    ? QDate::currentDate().toString(Qt::ISODate).toStdString()
                                    : std::string("1980-01-01");
            } else if (path == "/issuedAt") {
                work[pointer] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
            } else if (!current.is_null() && !again) {
                work[pointer] = nullptr;
            } else if (!current.is_number()) {
                work[pointer] = 0;
            } else {
                break; // no stand-in reads: the issue stays, nothing else is checked
            }
        } catch (const nlohmann::json::exception&) {
            break;
        }
    }
    if (m_parsed) {
        if (const auto& table = rx::DciTable::builtIn()) {
            issues = rx::validate(*m_parsed, *table).issues;
        }
        // The preview shows the draft with the unreadable dates left blank (never a stand-in).
        m_previewModel = *m_parsed;
        for (const auto& [location, detail] : parseErrors) {
            if (location == "/patient/birthDate") {
                m_previewModel->patient.birthDate = {};
            } else if (location == "/date") {
                m_previewModel->date = {};
            }
        }
        if (!parseErrors.empty()) {
            m_parsed.reset(); // checked, but not the doctor's draft: nothing to sign
        }
    }
    m_validation.update(std::move(parseErrors), std::move(issues), m_parsed.has_value());
    ++m_revision;
    emit changed();
    m_previewTimer.start();
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

} // namespace tc::app
