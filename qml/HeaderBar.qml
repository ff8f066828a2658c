import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.States

ToolBar {
    id: bar
    required property var connection
    property var archive: null
    property bool demoMode: false
    readonly property bool reviewer: connection.signedIn && connection.role === SignedInRole.Coordinator

    background: Rectangle {
        color: Theme.surface
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.border
        }
    }
    implicitHeight: 56

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 16
        anchors.rightMargin: 16
        spacing: 16

        Label {
            text: "telecabine"
            font.pixelSize: Theme.fontTitle
            font.bold: true
            color: Theme.primary
        }
        Label {
            visible: bar.demoMode
            text: qsTr("DÉMONSTRATION")
            font.pixelSize: Theme.fontSmall
            font.bold: true
            color: Theme.warning
        }
        Item { Layout.fillWidth: true }
        Label {
            objectName: "archiveSummary"
            visible: bar.archive !== null && bar.archive.text !== ""
            text: bar.archive !== null ? bar.archive.text : ""
            color: bar.archive !== null && bar.archive.blocked ? Theme.warning : Theme.muted
            font.pixelSize: Theme.fontSmall
        }
        StatusPill {
            // A coordinator reviews over HTTPS only: no live link to show.
            visible: !bar.reviewer
            connectionState: bar.connection.state
            text: bar.connection.statusText
        }
        Label {
            visible: bar.connection.identityName !== ""
            text: bar.reviewer ? qsTr("%1  ·  coordination CPTS").arg(bar.connection.identityName)
                               : bar.connection.identityName + "  ·  RPPS " + bar.connection.rpps
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        Switch {
            id: shiftSwitch
            objectName: "shiftSwitch"
            visible: bar.connection.signedIn && !bar.reviewer
            enabled: bar.connection.state === ConnectionState.Connected
            checked: bar.connection.onShift
            text: checked ? qsTr("En service") : qsTr("En pause")
            font.pixelSize: Theme.fontBody
            onToggled: bar.connection.setOnShift(checked)
        }
        Button {
            visible: bar.connection.signedIn
            text: qsTr("Se déconnecter")
            flat: true
            onClicked: bar.connection.signOut()
        }
    }
}
