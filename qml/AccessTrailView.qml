import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The coordinator's own access trail, as the service's audit log holds it (newest first): every
// list, open, replay, export and indicators request, read again each time the screen is shown.
FocusScope {
    id: view
    required property var review
    onVisibleChanged: if (visible) view.review.loadTrail()
    Component.onCompleted: if (visible) view.review.loadTrail()

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            Label {
                text: qsTr("Mon journal d'accès")
                font.pixelSize: Theme.fontHeading
                font.bold: true
                color: Theme.text
            }
            Item { Layout.fillWidth: true }
            BusyIndicator {
                visible: view.review.trailLoading
                running: visible
                implicitHeight: 32
                implicitWidth: 32
            }
            Button {
                objectName: "trailRefresh"
                text: qsTr("Actualiser")
                onClicked: view.review.loadTrail()
            }
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Chaque consultation de la liste, ouverture de dossier, relecture et export est inscrite au journal d'audit du service, chaîné et signé.")
            color: Theme.muted
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.fontSmall
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 10
            spacing: 8
            Label { Layout.preferredWidth: 170; text: qsTr("Heure"); color: Theme.muted; font.bold: true; font.pixelSize: Theme.fontSmall }
            Label { Layout.preferredWidth: 200; text: qsTr("Action"); color: Theme.muted; font.bold: true; font.pixelSize: Theme.fontSmall }
            Label { Layout.preferredWidth: 260; text: qsTr("Dossier"); color: Theme.muted; font.bold: true; font.pixelSize: Theme.fontSmall }
            Label { Layout.fillWidth: true; text: qsTr("Détail"); color: Theme.muted; font.bold: true; font.pixelSize: Theme.fontSmall }
        }
        ListView {
            id: list
            objectName: "trailList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            focus: true
            keyNavigationEnabled: true
            activeFocusOnTab: true
            model: view.review.trail
            delegate: Rectangle {
                id: entry
                required property var modelData
                required property int index
                width: ListView.view.width
                implicitHeight: 34
                color: ListView.isCurrentItem && ListView.view.activeFocus ? Theme.chip
                       : (index % 2 === 0 ? Theme.surface : "#f7f9fb")
                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: 10
                    anchors.rightMargin: 10
                    spacing: 8
                    Label {
                        Layout.preferredWidth: 170
                        text: new Date(entry.modelData.time).toLocaleString(Qt.locale(), "dd/MM/yyyy HH:mm:ss")
                        color: Theme.text
                        font.pixelSize: Theme.fontBody
                    }
                    Label {
                        objectName: "trailAction"
                        Layout.preferredWidth: 200
                        text: ReviewLabels.action(entry.modelData.action)
                        color: Theme.text
                        font.pixelSize: Theme.fontBody
                    }
                    Label {
                        Layout.preferredWidth: 260
                        text: entry.modelData.recordId !== "" ? entry.modelData.recordId : "—"
                        color: entry.modelData.recordId !== "" ? Theme.text : Theme.muted
                        elide: Text.ElideMiddle
                        font.pixelSize: Theme.fontSmall
                        font.family: "monospace"
                    }
                    Label {
                        Layout.fillWidth: true
                        text: entry.modelData.detail
                        color: Theme.muted
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontSmall
                    }
                }
            }
            Label {
                objectName: "trailEmpty"
                anchors.centerIn: parent
                visible: list.count === 0 && !view.review.trailLoading
                text: qsTr("Aucun accès enregistré")
                color: Theme.muted
                font.pixelSize: Theme.fontTitle
            }
        }
    }
}
