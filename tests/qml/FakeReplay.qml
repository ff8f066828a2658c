import QtQuick

// A stand-in for ReviewReplayController: the same properties and calls.
QtObject {
    property bool loading: false
    property real loadingProgress: 1
    property bool open: true
    property bool playing: false
    property real speed: 1
    property real position: 0
    property real begin: -420
    property real duration: 960
    property string errorString: ""
    property string recordId: "S-review-0001"
    property var items: [
        { label: "arrivée en cabine", lane: "milestones", id: "checkin", kind: "checkin", from: -420, to: -420 },
        { label: "prise en charge", lane: "milestones", id: "claim", kind: "claim", from: -60, to: -60 },
        { label: "début", lane: "milestones", id: "start", kind: "start", from: 0, to: 0 },
        { label: "Température 38,4 Cel", lane: "measurements", id: "m-1", kind: "8310-5", from: 180, to: 180 },
        { label: "foyer aortique", lane: "auscultations", id: "steth-aortic-1.flac", kind: "aortic", from: 300, to: 312 },
        { label: "photo", lane: "stills", id: "still-1.png", kind: "", from: 420, to: 420 },
        { label: "pertes de paquets", lane: "incidents", id: "incident-1", kind: "loss_burst", from: 600, to: 620 },
        { label: "Ordonnance", lane: "documents", id: "7KQM-2W9D", kind: "prescription", from: 840, to: 840 },
        { label: "Compte rendu", lane: "documents", id: "R-1", kind: "report", from: 930, to: 930 },
        { label: "fin", lane: "milestones", id: "end", kind: "end", from: 960, to: 960 }
    ]
    property var auscultation: ({})
    property var vitals: []
    property string still: ""
    property var incidents: []
    property bool hasWaveforms: true
    // As ReviewReplayController makes them: its words in the console's language (the catalogue
    // installed, if any), the documents' own text French as signed.
    function t(text) { return qsTranslate("ReplayDocuments", text) }
    property var documents: [
        { id: "R-1", kind: "report", title: t("Compte rendu"),
          heading: t("Compte rendu signé le %1").arg("18/11/2026 10:31"),
          at: 930, orientation: "gp_in_person", lines: [],
          sections: [{ title: t("Motif"), text: "Fièvre depuis trois jours" },
                     { title: t("Histoire de la maladie"), text: "Pas d'antécédent notable" },
                     { title: t("Examen"), text: "• Température : 38,4 °C\nGorge érythémateuse" },
                     { title: t("Conclusion"), text: "Angine probablement bactérienne" },
                     { title: t("Orientation"), text: "Consulter votre médecin traitant en présentiel." }] },
        { id: "7KQM-2W9D", kind: "prescription", title: t("Ordonnance %1").arg(1),
          heading: t("Ordonnance %1 du %2").arg("7KQM-2W9D").arg("18/11/2026 10:29"),
          at: 840, orientation: "", sections: [],
          lines: [{ medicine: "amoxicilline 500 mg, gélule", dosage: "1 gélule 3 fois par jour", duration: "7 jours",
                    note: "Non renouvelable" },
                  { medicine: t("Biologie") + " : NFS, CRP", dosage: "", duration: "", note: "" }] }
    ]
    property var strips: []
    property var calls: []
    function togglePlay() { playing = !playing; calls = calls.concat(["toggle"]) }
    function seek(s) { position = Math.max(0, Math.min(duration, s)); calls = calls.concat(["seek " + Math.round(position)]) }
    function jump(lane, forward) { calls = calls.concat(["jump " + lane + " " + forward]) }
    function close() { calls = calls.concat(["close"]) }
    function setEcgStrip(strip) { strips = strips.concat(["ecg"]) }
    function setPlethStrip(strip) { strips = strips.concat(["pleth"]) }
}
