import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Horizontal bars drawn with Rectangles (no chart module): `bars` is [{label, value, text}],
// each bar's length relative to the largest value, its figure written beside it.
Rectangle {
    id: chart
    property string title
    property var bars: []
    property color barColour: Theme.primary
    readonly property real largest: Math.max(1, ...bars.map(b => b.value))
    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius
    implicitHeight: column.implicitHeight + 20

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 10
        spacing: 4
        Label {
            text: chart.title
            color: Theme.text
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
        Label {
            visible: chart.bars.length === 0
            text: qsTr("Aucune donnée")
            color: Theme.muted
            font.pixelSize: Theme.fontSmall
        }
        Repeater {
            model: chart.bars
            delegate: RowLayout {
                required property var modelData
                Layout.fillWidth: true
                spacing: 8
                Label {
                    Layout.preferredWidth: Math.round(chart.width * 0.38)
                    text: modelData.label
                    elide: Text.ElideRight
                    color: Theme.text
                    font.pixelSize: Theme.fontSmall
                    horizontalAlignment: Text.AlignRight
                }
                Item {
                    Layout.fillWidth: true
                    implicitHeight: 18
                    Rectangle {
                        objectName: "bar"
                        width: Math.max(modelData.value > 0 ? 2 : 0, parent.width * modelData.value / chart.largest)
                        height: parent.height
                        radius: 3
                        color: chart.barColour
                    }
                }
                Label {
                    objectName: "barValue"
                    Layout.preferredWidth: 70
                    text: modelData.text !== undefined ? modelData.text : String(modelData.value)
                    color: Theme.text
                    font.pixelSize: Theme.fontSmall
                }
            }
        }
    }
}
