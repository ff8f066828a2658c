import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Window
import Telecabine.Media
import Telecabine.States

// The cabin's instruments: the ECG (lead II, 25 mm/s, 10 mm/mV, on a millimetre grid) with the
// heart sounds under it on the same time axis, the plethysmogram, and the latest value of each
// measurement with its flag in words and symbol (never colour alone), how long ago it was taken,
// the session's trend, and a button to ask the cabin for a new one.
Rectangle {
    id: panel
    // VitalsController: readings, waveformsLive, waveformText, errorString,
    // requestMeasurement(kind), setEcgStrip(strip), setPlethStrip(strip).
    required property var vitals
    // Millimetres as the screen has them; 96 dpi when the screen does not say.
    readonly property real pixelsPerMm: Screen.pixelDensity > 1 ? Screen.pixelDensity : 96 / 25.4

    function critical(flag) {
        return flag === VitalFlag.CriticalLow || flag === VitalFlag.CriticalHigh
    }
    function flagColour(flag) {
        if (critical(flag))
            return Theme.urgent
        if (flag === VitalFlag.Low || flag === VitalFlag.High)
            return Theme.warning
        return Theme.text
    }
    function trendText(trend) {
        if (!trend || trend.length < 2)
            return ""
        const shown = trend.slice(-4).map(v => Number(v).toLocaleString(Qt.locale(), "f", v % 1 === 0 ? 0 : 1))
        return shown.join(" → ")
    }

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    implicitHeight: column.implicitHeight + 24

    Component.onCompleted: {
        panel.vitals.setEcgStrip(ecgStrip)
        panel.vitals.setPlethStrip(plethStrip)
    }
    Component.onDestruction: {
        panel.vitals.setEcgStrip(null)
        panel.vitals.setPlethStrip(null)
    }

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Label {
                text: qsTr("Constantes")
                font.pixelSize: Theme.fontTitle
                font.bold: true
                color: Theme.text
            }
            Label {
                objectName: "waveformText"
                Layout.fillWidth: true
                text: panel.vitals.waveformText
                color: panel.vitals.waveformsLive ? Theme.ok : Theme.warning
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
            }
        }

        // ECG and heart sounds: one paper, one time axis.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.round(30 * panel.pixelsPerMm)
            color: "#fff6f6"
            border.color: Theme.border
            WaveformStrip {
                id: ecgStrip
                objectName: "ecgStrip"
                anchors.fill: parent
                anchors.margins: 1
                mmPerSecond: 25
                pixelsPerMm: panel.pixelsPerMm
            }
            Label {
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: 4
                text: qsTr("ECG D II · 25 mm/s · 10 mm/mV")
                font.pixelSize: Theme.fontSmall
                color: "#7a2e2e"
                background: Rectangle { color: "#ccfff6f6" }
            }
            Label {
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 4
                text: qsTr("Bruits du cœur (stéthoscope)")
                font.pixelSize: Theme.fontSmall
                color: "#1f5fa8"
                background: Rectangle { color: "#ccfff6f6" }
            }
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.round(12 * panel.pixelsPerMm)
            color: "#f6fffb"
            border.color: Theme.border
            WaveformStrip {
                id: plethStrip
                objectName: "plethStrip"
                anchors.fill: parent
                anchors.margins: 1
                mmPerSecond: 25
                pixelsPerMm: panel.pixelsPerMm
            }
            Label {
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: 4
                text: qsTr("Pléthysmogramme")
                font.pixelSize: Theme.fontSmall
                color: "#0a7d6e"
            }
        }

        Label {
            visible: panel.vitals.errorString !== ""
            Layout.fillWidth: true
            text: panel.vitals.errorString
            color: Theme.urgent
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.fontSmall
        }

        // The latest value of each measurement. A Flow, not a layout: the Repeater rebuilds its
        // tiles whenever a reading changes.
        Flow {
            id: tiles
            Layout.fillWidth: true
            spacing: 8
            // Three to a row where a title and its button fit beside each other, else two (the
            // session screen's working pane beside the picture at 1280 px).
            readonly property int columns: width >= 720 ? 3 : 2
            Repeater {
                model: panel.vitals.readings
                delegate: Rectangle {
                    id: tile
                    required property var modelData
                    objectName: "reading_" + tile.modelData.kind
                    width: Math.floor((tiles.width - (tiles.columns - 1) * tiles.spacing) / tiles.columns)
                    height: tileColumn.implicitHeight + 12
                    radius: 6
                    color: Theme.background
                    border.color: Theme.border
                    Column {
                        id: tileColumn
                        x: 8
                        y: 6
                        width: parent.width - 16
                        spacing: 2
                        RowLayout {
                            width: parent.width
                            Label {
                                Layout.fillWidth: true
                                text: tile.modelData.title
                                font.bold: true
                                color: Theme.text
                                elide: Text.ElideRight
                            }
                            Button {
                                objectName: "measure_" + tile.modelData.kind
                                text: qsTr("Mesurer")
                                enabled: !tile.modelData.pending
                                font.pixelSize: Theme.fontSmall
                                // As wide as its word, not the style's 100 px: the title keeps the rest.
                                implicitWidth: implicitContentWidth + leftPadding + rightPadding
                                topPadding: 3
                                bottomPadding: 3
                                leftPadding: 8
                                rightPadding: 8
                                Accessible.name: qsTr("Mesurer : %1").arg(tile.modelData.title)
                                onClicked: panel.vitals.requestMeasurement(tile.modelData.kind)
                            }
                        }
                        Repeater {
                            model: tile.modelData.values
                            delegate: Column {
                                id: valueRow
                                required property var modelData
                                width: tileColumn.width
                                Row {
                                    spacing: 6
                                    Label {
                                        text: valueRow.modelData.shortLabel
                                        color: Theme.muted
                                        font.pixelSize: Theme.fontSmall
                                        width: 82
                                        elide: Text.ElideRight
                                        anchors.baseline: value.baseline
                                        ToolTip.visible: labelHover.hovered
                                        ToolTip.text: valueRow.modelData.label
                                        HoverHandler { id: labelHover }
                                    }
                                    Label {
                                        id: value
                                        objectName: "value_" + valueRow.modelData.quantity
                                        text: valueRow.modelData.valueText + " " + valueRow.modelData.unit
                                        font.bold: true
                                        color: panel.flagColour(valueRow.modelData.flag)
                                    }
                                    Label {
                                        objectName: "flag_" + valueRow.modelData.quantity
                                        // Normal values, and values no range applies to, carry no words.
                                        visible: valueRow.modelData.flag !== VitalFlag.Normal && valueRow.modelData.flag !== VitalFlag.NotAssessed
                                        text: valueRow.modelData.flagText
                                        color: panel.flagColour(valueRow.modelData.flag)
                                        font.pixelSize: Theme.fontSmall
                                        font.bold: panel.critical(valueRow.modelData.flag)
                                        anchors.baseline: value.baseline
                                    }
                                }
                                Label {
                                    visible: text !== ""
                                    text: panel.trendText(valueRow.modelData.trend)
                                    leftPadding: 88
                                    color: Theme.muted
                                    font.pixelSize: 11
                                }
                            }
                        }
                        Label {
                            visible: !tile.modelData.taken && tile.modelData.statusText === ""
                            text: qsTr("Pas encore mesuré")
                            color: Theme.muted
                            font.pixelSize: Theme.fontSmall
                        }
                        Label {
                            objectName: "age_" + tile.modelData.kind
                            visible: tile.modelData.taken
                            text: tile.modelData.taken
                                  ? (tile.modelData.ageText + (tile.modelData.manual ? qsTr(" · saisie manuelle") : "")
                                     + (tile.modelData.qualityText !== "" ? " · " + tile.modelData.qualityText : ""))
                                  : ""
                            color: tile.modelData.qualityText !== "" ? Theme.warning : Theme.muted
                            font.pixelSize: Theme.fontSmall
                            width: parent.width
                            wrapMode: Text.WordWrap
                        }
                        Label {
                            objectName: "status_" + tile.modelData.kind
                            visible: tile.modelData.statusText !== ""
                            text: tile.modelData.statusText
                            color: Theme.primary
                            font.pixelSize: Theme.fontSmall
                            width: parent.width
                            wrapMode: Text.WordWrap
                        }
                    }
                }
            }
        }
        Item { Layout.fillHeight: true }
    }
}
