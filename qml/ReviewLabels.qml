pragma Singleton
import QtQuick

// The review screens' words for the service's wire names (end reasons, orientations, sex, audit
// actions): French source, English by translation. An unknown name is shown as it came.
QtObject {
    readonly property var endReasons: ["completed", "referred_in_person", "referred_emergency",
        "not_suitable", "patient_left", "technical_failure", "peer_lost"]
    readonly property var orientations: ["none", "gp_in_person", "emergency", "specialist"]

    function endReason(code) {
        switch (code) {
        case "completed": return qsTr("Consultation terminée")
        case "referred_in_person": return qsTr("Orienté vers une consultation en présentiel")
        case "referred_emergency": return qsTr("Orienté vers les urgences")
        case "not_suitable": return qsTr("Téléconsultation non adaptée")
        case "patient_left": return qsTr("Patient parti")
        case "technical_failure": return qsTr("Problème technique")
        case "peer_lost": return qsTr("Cabine injoignable")
        }
        return code
    }
    function orientation(code) {
        switch (code) {
        case "none": return qsTr("Pas de suivi particulier")
        case "gp_in_person": return qsTr("Médecin traitant en présentiel")
        case "emergency": return qsTr("Urgences")
        case "specialist": return qsTr("Spécialiste")
        case "": return qsTr("Sans compte rendu signé")
        }
        return code
    }
    function sex(code) {
        switch (code) {
        case "female": return qsTr("femme")
        case "male": return qsTr("homme")
        case "other": return qsTr("autre")
        case "unknown": return qsTr("sexe inconnu")
        }
        return code
    }
    function ageBand(band) {
        return band === "" ? qsTr("âge inconnu") : qsTr("%1 ans").arg(band.replace("-", "–"))
    }
    function action(code) {
        switch (code) {
        case "list": return qsTr("Liste consultée")
        case "open": return qsTr("Dossier ouvert")
        case "play": return qsTr("Média relu")
        case "export": return qsTr("Export CSV")
        case "indicators": return qsTr("Indicateurs consultés")
        }
        return code
    }
    // "1 h 05", "12 min 30 s", "45 s": a wait or a duration in milliseconds.
    function duration(ms) {
        if (ms === null || ms === undefined || isNaN(ms))
            return "—"
        const s = Math.round(ms / 1000)
        if (s < 60)
            return qsTr("%1 s").arg(s)
        const m = Math.floor(s / 60)
        if (m < 60)
            return qsTr("%1 min %2 s").arg(m).arg(String(s % 60).padStart(2, "0"))
        return qsTr("%1 h %2").arg(Math.floor(m / 60)).arg(String(m % 60).padStart(2, "0"))
    }
    function dateTime(ms) {
        return new Date(ms).toLocaleString(Qt.locale(), "dd/MM/yyyy HH:mm")
    }
}
