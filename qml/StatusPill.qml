import QtQuick
import QtQuick.Controls
import Telecabine.States

// Connection state as text and a dot: readable without colour.
Rectangle {
    id: pill
    property int connectionState: ConnectionState.Disconnected
    property string text: ""
    readonly property color tone: connectionState === ConnectionState.Connected ? Theme.ok
                                 : (connectionState === ConnectionState.Disconnected ? Theme.urgent : Theme.warning)
    implicitHeight: 28
    implicitWidth: row.implicitWidth + 20
    radius: height / 2
    color: Qt.lighter(tone, 2.4)
    border.color: tone
    Row {
        id: row
        anchors.centerIn: parent
        spacing: 8
        Rectangle {
            width: 10; height: 10; radius: 5
            anchors.verticalCenter: parent.verticalCenter
            color: pill.tone
        }
        Label {
            text: pill.text
            color: Theme.text
            font.pixelSize: Theme.fontSmall
            font.bold: true
        }
    }
}
