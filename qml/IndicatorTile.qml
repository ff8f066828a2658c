import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One headline figure of the indicators: what it is, the figure, and its context below.
Rectangle {
    id: tile
    property string title
    property string value
    property string detail
    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius
    implicitHeight: column.implicitHeight + 20
    implicitWidth: 200
    Accessible.name: title + " : " + value + (detail !== "" ? ", " + detail : "")

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 10
        spacing: 2
        Label {
            Layout.fillWidth: true
            text: tile.title
            color: Theme.muted
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
        Label {
            objectName: "tileValue"
            text: tile.value
            color: Theme.text
            font.pixelSize: Theme.fontHeading
            font.bold: true
        }
        Label {
            Layout.fillWidth: true
            visible: tile.detail !== ""
            text: tile.detail
            color: Theme.muted
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
    }
}
