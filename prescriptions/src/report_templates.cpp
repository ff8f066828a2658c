// The report's templates for common motifs, the examination items drawn from the record's acts,
// and the draft that puts them together.
#include "paris_time.hpp"
#include "tc/errors/table_lookup.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/prescription_text.hpp"

#include <algorithm>
#include <array>

namespace tc::prescriptions {
namespace {

// The fields to fill are marked "…": the doctor replaces them or deletes the line.
constexpr std::array<ReportTemplateInfo, 6> kTemplates{{
    {ReportTemplate::feverEnt, "fever_ent", "Fièvre, symptômes ORL",
     "Fièvre et symptômes ORL (mal de gorge, rhinorrhée, otalgie).",
     "Début des symptômes : …\nFièvre maximale : … °C\nOdynophagie : …\nRhinorrhée, toux : …\n"
     "Otalgie : …\nAntipyrétiques pris (molécule, dose, dernière prise) : …\n"
     "Contage dans l'entourage : …\nAntécédents notables, allergies : …",
     "Examen ORL à la caméra (gorge, tympans) : …\nÉtat général : …", FollowUpKind::none},
    {ReportTemplate::cough, "cough", "Toux, symptômes respiratoires",
     "Toux et symptômes respiratoires.",
     "Toux depuis … jours, sèche / productive.\nFièvre : …\nDyspnée : au repos / à l'effort / "
     "absente\nDouleur thoracique : …\nTabagisme : …\nAntécédents respiratoires (asthme, "
     "BPCO) : …\nTraitements en cours : …",
     "Auscultation pulmonaire : …\nFréquence respiratoire : … /min\nSignes de lutte : …",
     FollowUpKind::none},
    {ReportTemplate::urinary, "urinary", "Symptômes urinaires",
     "Symptômes urinaires (brûlures mictionnelles, pollakiurie).",
     "Début : …\nBrûlures mictionnelles, pollakiurie, urgenterie : …\nHématurie : …\n"
     "Fièvre, frissons : …\nDouleur lombaire : …\nGrossesse possible : …\n"
     "Épisodes dans l'année : …\nBandelette urinaire : …",
     "Douleur à l'ébranlement lombaire (manœuvre guidée) : …\nÉtat général : …",
     FollowUpKind::none},
    {ReportTemplate::skinLesion, "skin_lesion", "Lésion cutanée", "Lésion cutanée.",
     "Localisation : …\nApparition : …\nÉvolution (taille, couleur) : …\nPrurit, douleur : …\n"
     "Fièvre : …\nContact, nouveau produit, médicament récent : …\n"
     "Antécédents dermatologiques : …",
     "Aspect sur les photos (taille, couleur, bords, relief, extension) : …", FollowUpKind::none},
    {ReportTemplate::chronicRenewal, "chronic_renewal",
     "Renouvellement, suivi de traitement chronique",
     "Renouvellement et suivi d'un traitement chronique.",
     "Pathologie(s) suivie(s) : …\nTraitement en cours : …\nObservance, tolérance : …\n"
     "Derniers examens biologiques : …\nDernière consultation du médecin traitant : …",
     "État général : …", FollowUpKind::gpInPerson},
    {ReportTemplate::bloodPressure, "blood_pressure", "Contrôle tensionnel",
     "Contrôle de la pression artérielle.",
     "Hypertension connue depuis : …\nTraitement antihypertenseur : …\n"
     "Automesures à domicile : …\nCéphalées, troubles visuels, douleur thoracique : …\n"
     "Facteurs de risque (tabac, diabète, dyslipidémie) : …",
     "Mesure après 5 minutes de repos, en position assise : …\nBras de la mesure : …",
     FollowUpKind::gpInPerson},
}};

struct Label {
    std::string_view code;
    std::string_view text;
};

// UCUM codes as a patient reads them; anything else is printed as its code.
constexpr std::array<Label, 9> kUnitLabels{{{"mm[Hg]", "mmHg"},
                                            {"Cel", "°C"},
                                            {"[degF]", "°F"},
                                            {"{beats}/min", "/min"},
                                            {"kg/m2", "kg/m²"},
                                            {"[lb_av]", "lb"},
                                            {"[in_i]", "in"},
                                            {"mmol/L", "mmol/L"},
                                            {"mg/dL", "mg/dL"}}};

// The auscultation sites of tc::media (auscultation.cpp), in French.
constexpr std::array<Label, 10> kSiteLabels{{
    {"aortic", "foyer aortique"},
    {"pulmonary", "foyer pulmonaire"},
    {"tricuspid", "foyer tricuspide"},
    {"mitral", "foyer mitral"},
    {"lung_right_upper", "poumon droit, sommet"},
    {"lung_left_upper", "poumon gauche, sommet"},
    {"lung_right_lower", "poumon droit, base"},
    {"lung_left_lower", "poumon gauche, base"},
    {"lung_right_posterior", "poumon droit, face postérieure"},
    {"lung_left_posterior", "poumon gauche, face postérieure"},
}};

std::string_view lookup(const auto& table, std::string_view code) {
    for (const auto& entry : table) {
        if (entry.code == code) {
            return entry.text;
        }
    }
    return code;
}

std::string clock(UnixMs ms) {
    return detail::hourMinuteText(detail::parisTimeOfUnixMs(ms));
}

} // namespace

std::span<const ReportTemplateInfo> allReportTemplates() noexcept {
    return kTemplates;
}

const ReportTemplateInfo& infoOf(ReportTemplate value) noexcept {
    return errors::entryOrFirst(kTemplates, &ReportTemplateInfo::value, value);
}

std::optional<ReportTemplate> reportTemplateFromWire(std::string_view wire) noexcept {
    return errors::valueWhere(kTemplates, &ReportTemplateInfo::wire, wire,
                              &ReportTemplateInfo::value);
}

std::string unitTextFr(std::string_view ucum) {
    return std::string(lookup(kUnitLabels, ucum));
}

std::string auscultationSiteFr(std::string_view site) {
    return std::string(lookup(kSiteLabels, site));
}

std::vector<ExaminationItem> examinationItemsFrom(const ConsultationRecord& record) {
    struct Timed {
        UnixMs at;
        ExaminationItem item;
    };
    std::vector<Timed> timed;
    for (const auto& m : record.acts.measurements) {
        const std::string unit = unitTextFr(m.unit);
        const bool glued = unit.starts_with("/");
        timed.push_back({m.atMs,
                         {m.display + " : " + frenchNumber(m.value) + (glued ? "" : " ") + unit +
                              " (" + clock(m.atMs) + ")",
                          {SourceKind::measurement, m.id}}});
    }
    for (const auto& a : record.acts.auscultations) {
        const auto seconds = (a.durationMs + 500) / 1000;
        timed.push_back({a.startMs,
                         {"Auscultation, " + auscultationSiteFr(a.site) + " : enregistrement de " +
                              std::to_string(seconds) + " s (" + clock(a.startMs) + ")",
                          {SourceKind::recording, a.recording}}});
    }
    for (const auto& s : record.acts.stills) {
        timed.push_back({s.atMs,
                         {"Photo" + (s.caption.empty() ? std::string() : " : " + s.caption) + " (" +
                              clock(s.atMs) + ")",
                          {SourceKind::still, s.fileName}}});
    }
    std::stable_sort(timed.begin(), timed.end(),
                     [](const Timed& a, const Timed& b) { return a.at < b.at; });
    std::vector<ExaminationItem> out;
    for (auto& t : timed) {
        out.push_back(std::move(t.item));
    }
    return out;
}

Result<ConsultationReport> draftReport(const ConsultationRecord& record,
                                       std::optional<ReportTemplate> templ) {
    auto id = PrescriptionId::generate();
    if (!id) {
        return id.error();
    }
    ConsultationReport report;
    report.id = *id;
    report.consultationId = record.consultationId;
    report.examination.items = examinationItemsFrom(record);
    if (templ) {
        const auto& info = infoOf(*templ);
        report.motif = info.motif;
        report.history = info.history;
        report.examination.text = info.examination;
        report.followUp.kind = info.followUp;
    }
    return report;
}

} // namespace tc::prescriptions
