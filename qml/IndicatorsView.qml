import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

// The quarterly indicators of the coordinator's sites (ReviewSession.indicators, the service's
// JSON): headline tiles for the quarter, then satisfaction, orientations, end reasons and the
// sites side by side as bars; "Exporter CSV" saves the service's CSV of the same figures.
FocusScope {
    id: view
    required property var review
    readonly property var all: review.indicators && review.indicators.all ? review.indicators.all : null
    readonly property var siteRows: review.indicators && review.indicators.sites ? review.indicators.sites : []
    property string exportedPath: ""

    function load() {
        if (quarterBox.currentIndex < 0)
            return
        view.exportedPath = ""
        view.review.loadIndicators(view.review.quarters[quarterBox.currentIndex],
                                   siteBox.currentIndex > 0 ? view.review.sites[siteBox.currentIndex - 1] : "")
    }
    function exportTo(url) { view.review.exportIndicatorsCsv(url) }
    function number(value, decimals) {
        return value === null || value === undefined ? "—"
                                                     : Number(value).toLocaleString(Qt.locale(), "f", decimals)
    }
    function percent(share) {
        return share === null || share === undefined ? "—" : qsTr("%1 %").arg(number(share * 100, 1))
    }
    function p50p90(p) {
        return p ? qsTr("p50 %1 · p90 %2").arg(ReviewLabels.duration(p.p50)).arg(ReviewLabels.duration(p.p90)) : "—"
    }
    // A {code: count} map as bars, labelled by `label`, largest first.
    function barsOf(counts, label) {
        if (!counts)
            return []
        return Object.keys(counts).map(k => ({ label: label(k), value: counts[k] }))
                     .sort((a, b) => b.value - a.value)
    }

    onVisibleChanged: if (visible && view.all === null && !view.review.indicatorsLoading) view.load()

    Connections {
        target: view.review
        function onIndicatorsExported(path) { view.exportedPath = path }
    }
    FileDialog {
        id: saveDialog
        title: qsTr("Exporter les indicateurs en CSV")
        fileMode: FileDialog.SaveFile
        nameFilters: [qsTr("Fichiers CSV (*.csv)")]
        defaultSuffix: "csv"
        onAccepted: view.exportTo(selectedFile)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            spacing: 10
            Label {
                text: qsTr("Indicateurs trimestriels")
                font.pixelSize: Theme.fontHeading
                font.bold: true
                color: Theme.text
            }
            Item { Layout.fillWidth: true }
            ComboBox {
                id: quarterBox
                objectName: "indicatorsQuarter"
                Layout.preferredWidth: 130
                model: view.review.quarters
                Accessible.name: qsTr("Trimestre")
            }
            ComboBox {
                id: siteBox
                objectName: "indicatorsSite"
                Layout.preferredWidth: 220
                model: [qsTr("Tous mes sites")].concat(view.review.sites)
                enabled: view.review.sites.length > 0
                Accessible.name: qsTr("Site")
            }
            PrimaryButton {
                objectName: "indicatorsLoad"
                text: qsTr("Afficher")
                enabled: !view.review.indicatorsLoading
                onClicked: view.load()
            }
            Button {
                objectName: "indicatorsExport"
                text: qsTr("Exporter CSV")
                enabled: view.all !== null
                onClicked: saveDialog.open()
            }
        }
        Label {
            objectName: "indicatorsExported"
            visible: view.exportedPath !== ""
            text: qsTr("Indicateurs exportés dans %1").arg(view.exportedPath)
            color: Theme.ok
            font.pixelSize: Theme.fontSmall
        }
        Label {
            objectName: "indicatorsError"
            visible: view.review.errorString !== ""
            Layout.fillWidth: true
            text: view.review.errorString
            color: Theme.urgent
            wrapMode: Text.WordWrap
        }
        BusyIndicator {
            visible: view.review.indicatorsLoading
            running: visible
            Layout.alignment: Qt.AlignHCenter
        }
        Label {
            objectName: "indicatorsEmpty"
            visible: view.all === null && !view.review.indicatorsLoading
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Choisissez un trimestre puis « Afficher »")
            color: Theme.muted
            font.pixelSize: Theme.fontTitle
        }

        ScrollView {
            id: scroll
            visible: view.all !== null
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            clip: true
            ColumnLayout {
                width: scroll.availableWidth
                spacing: Theme.spacing
                Label {
                    objectName: "indicatorsPeriod"
                    text: view.all ? qsTr("Trimestre %1 · %2").arg(view.review.indicators.period.label)
                                     .arg(siteBox.currentIndex > 0 ? siteBox.currentText : qsTr("tous mes sites")) : ""
                    color: Theme.muted
                    font.pixelSize: Theme.fontBody
                }
                GridLayout {
                    Layout.fillWidth: true
                    columns: 4
                    columnSpacing: Theme.spacing
                    rowSpacing: Theme.spacing
                    IndicatorTile {
                        objectName: "tileConsultations"
                        Layout.fillWidth: true
                        title: qsTr("Consultations")
                        value: view.all ? String(view.all.consultations) : ""
                        detail: view.all ? qsTr("%n dossier(s) indexé(s)", "", view.all.records_indexed) : ""
                    }
                    IndicatorTile {
                        objectName: "tileWait"
                        Layout.fillWidth: true
                        title: qsTr("Attente avant prise en charge (médiane)")
                        value: view.all ? ReviewLabels.duration(view.all.wait_ms.p50) : ""
                        detail: view.all ? qsTr("p90 %1").arg(ReviewLabels.duration(view.all.wait_ms.p90)) : ""
                    }
                    IndicatorTile {
                        objectName: "tileDuration"
                        Layout.fillWidth: true
                        title: qsTr("Durée de consultation (médiane)")
                        value: view.all ? ReviewLabels.duration(view.all.duration_ms.p50) : ""
                        detail: view.all ? qsTr("p90 %1").arg(ReviewLabels.duration(view.all.duration_ms.p90)) : ""
                    }
                    IndicatorTile {
                        objectName: "tileSatisfaction"
                        Layout.fillWidth: true
                        title: qsTr("Satisfaction des patients")
                        value: view.all ? qsTr("%1 / 5").arg(view.number(view.all.satisfaction.mean, 1)) : ""
                        detail: view.all ? qsTr("%n réponse(s)", "", view.all.satisfaction.answers) : ""
                    }
                    IndicatorTile {
                        objectName: "tileIncidents"
                        Layout.fillWidth: true
                        title: qsTr("Consultations avec incident technique")
                        value: view.all ? view.percent(view.all.incident_share) : ""
                        detail: view.all ? qsTr("%1 sur %n dossier(s)", "", view.all.records_indexed)
                                           .arg(view.all.records_with_incidents) : ""
                    }
                    IndicatorTile {
                        objectName: "tilePrescriptions"
                        Layout.fillWidth: true
                        title: qsTr("Ordonnances par consultation")
                        value: view.all ? view.number(view.all.prescriptions_per_consultation, 2) : ""
                        detail: view.all ? qsTr("%n ordonnance(s)", "", view.all.prescriptions) : ""
                    }
                    IndicatorTile {
                        objectName: "tileCancelled"
                        Layout.fillWidth: true
                        Layout.columnSpan: 2
                        title: qsTr("Visites annulées avant prise en charge (délais d'accès)")
                        value: view.all ? String(view.all.cancelled_before_claim.count) : ""
                        detail: view.all ? qsTr("attente avant l'annulation : %1")
                                           .arg(view.p50p90(view.all.cancelled_before_claim.wait_ms)) : ""
                    }
                }
                GridLayout {
                    Layout.fillWidth: true
                    columns: 2
                    columnSpacing: Theme.spacing
                    rowSpacing: Theme.spacing
                    BarChart {
                        objectName: "chartSatisfaction"
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignTop
                        title: qsTr("Satisfaction (note de 1 à 5)")
                        barColour: Theme.ok
                        bars: view.all ? view.all.satisfaction.counts.map((c, i) => ({ label: "★ " + (i + 1), value: c })) : []
                    }
                    BarChart {
                        objectName: "chartOrientations"
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignTop
                        title: qsTr("Orientation des patients")
                        bars: view.all ? view.barsOf(view.all.orientations, ReviewLabels.orientation) : []
                    }
                    BarChart {
                        objectName: "chartSiteConsultations"
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignTop
                        title: qsTr("Consultations par site")
                        bars: view.siteRows.map(s => ({ label: s.site, value: s.consultations }))
                    }
                    BarChart {
                        objectName: "chartSiteWait"
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignTop
                        title: qsTr("Attente médiane par site")
                        barColour: Theme.warning
                        bars: view.siteRows.map(s => ({ label: s.site, value: s.wait_ms.p50 === null ? 0 : s.wait_ms.p50,
                                                        text: ReviewLabels.duration(s.wait_ms.p50) }))
                    }
                    BarChart {
                        objectName: "chartEndReasons"
                        Layout.fillWidth: true
                        Layout.columnSpan: 2
                        Layout.alignment: Qt.AlignTop
                        title: qsTr("Motifs de fin")
                        barColour: Theme.muted
                        bars: view.all ? view.barsOf(view.all.end_reasons, ReviewLabels.endReason) : []
                    }
                }
            }
        }
    }
}
