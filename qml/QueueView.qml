import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The live queue: urgent first, then longest waiting (the model keeps that order).
Item {
    id: view
    required property var queueModel
    property var archive: null
    property bool canClaim: true
    property string errorText: ""
    signal claimRequested(string visitId)
    signal errorDismissed()

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            Label {
                text: qsTr("Patients en attente")
                font.pixelSize: Theme.fontHeading
                font.bold: true
                color: Theme.text
            }
            Item { Layout.fillWidth: true }
            Label {
                objectName: "queueCount"
                text: list.count === 0 ? "" : qsTr("%n patient(s) en attente", "", list.count)
                color: Theme.muted
                font.pixelSize: Theme.fontBody
            }
        }
        Label {
            visible: !view.canClaim
            Layout.fillWidth: true
            text: qsTr("Vous êtes en pause : passez « En service » pour prendre un patient en charge.")
            color: Theme.warning
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
        Rectangle {
            objectName: "errorBanner"
            visible: view.errorText !== ""
            Layout.fillWidth: true
            implicitHeight: errorLabel.implicitHeight + 20
            radius: Theme.radius
            color: Theme.urgentBackground
            border.color: Theme.urgent
            RowLayout {
                anchors.fill: parent
                anchors.margins: 10
                Label {
                    id: errorLabel
                    Layout.fillWidth: true
                    text: view.errorText
                    color: Theme.urgent
                    wrapMode: Text.WordWrap
                    font.pixelSize: Theme.fontBody
                }
                Button {
                    objectName: "errorDismiss"
                    text: qsTr("Fermer")
                    flat: true
                    onClicked: view.errorDismissed()
                }
            }
        }
        ListView {
            id: list
            objectName: "queueList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 10
            model: view.queueModel
            delegate: QueueCard {
                width: ListView.view.width
                canClaim: view.canClaim
                onClaimClicked: id => view.claimRequested(id)
            }
            Label {
                objectName: "emptyState"
                anchors.centerIn: parent
                visible: list.count === 0
                text: qsTr("Aucun patient en attente")
                color: Theme.muted
                font.pixelSize: Theme.fontTitle
            }
        }
        ArchivePanel {
            objectName: "archivePanel"
            Layout.fillWidth: true
            archive: view.archive
        }
    }
}
