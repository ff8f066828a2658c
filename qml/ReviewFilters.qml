import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The consultation list's filters. filters() is the map ReviewSession.applyFilters takes: from/to
// in Unix ms, and only the criteria the coordinator chose (absent means any).
Rectangle {
    id: panel
    required property var sites
    // The day the quick periods count from (tests pin it).
    property var today: new Date()
    property string problem: ""
    signal applyRequested(var filters)

    readonly property var periods: [
        { code: "any", label: qsTr("Toute période") },
        { code: "this_quarter", label: qsTr("Ce trimestre") },
        { code: "last_quarter", label: qsTr("Trimestre précédent") },
        { code: "last_30_days", label: qsTr("30 derniers jours") },
        { code: "dates", label: qsTr("Dates choisies") }
    ]

    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius
    implicitHeight: grid.implicitHeight + 24

    // A local date "AAAA-MM-JJ" to its midnight in Unix ms; NaN when it is not one.
    function parseDay(text) {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim())
        if (!m)
            return NaN
        const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
        return d.getMonth() === Number(m[2]) - 1 ? d.getTime() : NaN
    }
    function period() {
        const y = today.getFullYear()
        const q = Math.floor(today.getMonth() / 3) * 3
        switch (periods[periodBox.currentIndex].code) {
        case "this_quarter": return { from: new Date(y, q, 1).getTime(), to: new Date(y, q + 3, 1).getTime() }
        case "last_quarter": return { from: new Date(y, q - 3, 1).getTime(), to: new Date(y, q, 1).getTime() }
        case "last_30_days": return { from: today.getTime() - 30 * 86400000, to: 0 }
        case "dates": {
            const from = fromField.text.trim() === "" ? 0 : parseDay(fromField.text)
            const to = toField.text.trim() === "" ? 0 : parseDay(toField.text) + 86400000
            return { from: from, to: to }
        }
        }
        return { from: 0, to: 0 }
    }
    // The map for applyFilters, or null (and `problem` says why) when a field is wrong.
    function filters() {
        const p = period()
        if (isNaN(p.from) || isNaN(p.to)) {
            problem = qsTr("Date invalide : écrivez-la AAAA-MM-JJ.")
            return null
        }
        if (p.from > 0 && p.to > 0 && p.to <= p.from) {
            problem = qsTr("La date de fin précède la date de début.")
            return null
        }
        const doctor = doctorField.text.trim()
        if (doctor !== "" && !/^\d{11}$/.test(doctor)) {
            problem = qsTr("Le RPPS d'un médecin a 11 chiffres.")
            return null
        }
        problem = ""
        const out = {}
        if (p.from > 0) out.from = p.from
        if (p.to > 0) out.to = p.to
        if (siteBox.currentIndex > 0) out.site = panel.sites[siteBox.currentIndex - 1]
        if (doctor !== "") out.doctor = doctor
        if (reasonBox.currentIndex > 0) out.endReason = ReviewLabels.endReasons[reasonBox.currentIndex - 1]
        if (orientationBox.currentIndex > 0)
            out.orientation = orientationBox.currentIndex <= ReviewLabels.orientations.length
                ? ReviewLabels.orientations[orientationBox.currentIndex - 1] : "none_signed"
        out.incident = ["", "yes", "no"][incidentBox.currentIndex]
        return out
    }
    function apply() {
        const f = filters()
        if (f !== null)
            panel.applyRequested(f)
    }
    function reset() {
        for (const box of [periodBox, siteBox, reasonBox, orientationBox, incidentBox])
            box.currentIndex = 0
        for (const field of [fromField, toField, doctorField])
            field.text = ""
        apply()
    }

    GridLayout {
        id: grid
        anchors.fill: parent
        anchors.margins: 12
        columns: 6
        columnSpacing: 10
        rowSpacing: 6

        Label { text: qsTr("Période"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
        Label { text: qsTr("Du"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
        Label { text: qsTr("Au"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
        Label { text: qsTr("Site"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
        Label { text: qsTr("Médecin (RPPS)"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
        Item { Layout.fillWidth: true; implicitHeight: 1 }

        ComboBox {
            id: periodBox
            objectName: "filterPeriod"
            Layout.preferredWidth: 210
            model: panel.periods.map(p => p.label)
            Accessible.name: qsTr("Période")
        }
        TextField {
            id: fromField
            objectName: "filterFrom"
            Layout.preferredWidth: 130
            enabled: periodBox.currentIndex === panel.periods.length - 1
            placeholderText: qsTr("AAAA-MM-JJ")
            Accessible.name: qsTr("Du")
            onAccepted: panel.apply()
        }
        TextField {
            id: toField
            objectName: "filterTo"
            Layout.preferredWidth: 130
            enabled: fromField.enabled
            placeholderText: qsTr("AAAA-MM-JJ")
            Accessible.name: qsTr("Au")
            onAccepted: panel.apply()
        }
        ComboBox {
            id: siteBox
            objectName: "filterSite"
            Layout.preferredWidth: 200
            enabled: panel.sites.length > 0
            model: [qsTr("Tous les sites")].concat(panel.sites)
            Accessible.name: qsTr("Site")
        }
        TextField {
            id: doctorField
            objectName: "filterDoctor"
            Layout.preferredWidth: 170
            placeholderText: qsTr("11 chiffres")
            inputMethodHints: Qt.ImhDigitsOnly
            maximumLength: 11
            Accessible.name: qsTr("Médecin (RPPS)")
            onAccepted: panel.apply()
        }
        Item { Layout.fillWidth: true; implicitHeight: 1 }

        Label { text: qsTr("Motif de fin"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
        Label { text: qsTr("Orientation"); color: Theme.muted; font.pixelSize: Theme.fontSmall; Layout.columnSpan: 2 }
        Label { text: qsTr("Incident technique"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
        Item { Layout.columnSpan: 2; implicitHeight: 1 }

        ComboBox {
            id: reasonBox
            objectName: "filterEndReason"
            Layout.preferredWidth: 210
            model: [qsTr("Tous")].concat(ReviewLabels.endReasons.map(c => ReviewLabels.endReason(c)))
            Accessible.name: qsTr("Motif de fin")
        }
        ComboBox {
            id: orientationBox
            objectName: "filterOrientation"
            Layout.columnSpan: 2
            Layout.preferredWidth: 270
            model: [qsTr("Toutes")].concat(ReviewLabels.orientations.map(c => ReviewLabels.orientation(c)))
                   .concat([ReviewLabels.orientation("")])
            Accessible.name: qsTr("Orientation")
        }
        ComboBox {
            id: incidentBox
            objectName: "filterIncident"
            Layout.preferredWidth: 200
            model: [qsTr("Indifférent"), qsTr("Avec incident"), qsTr("Sans incident")]
            Accessible.name: qsTr("Incident technique")
        }
        RowLayout {
            Layout.columnSpan: 2
            Layout.alignment: Qt.AlignRight
            spacing: 8
            Button {
                objectName: "filterReset"
                text: qsTr("Réinitialiser")
                flat: true
                onClicked: panel.reset()
            }
            PrimaryButton {
                objectName: "filterApply"
                text: qsTr("Appliquer")
                onClicked: panel.apply()
            }
        }
        Label {
            objectName: "filterProblem"
            visible: panel.problem !== ""
            Layout.columnSpan: 6
            text: panel.problem
            color: Theme.urgent
            font.pixelSize: Theme.fontSmall
        }
    }
}
