import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A record opened from the review list: its replay (ConsultationReplayView) and, beside it, the
// signed report and ordonnances rendered from their JSON; a document on the timeline selects it.
// The back button or Escape returns to the list.
FocusScope {
    id: page
    required property var replay
    property bool active: visible
    signal back()

    Shortcut {
        sequence: "Escape"
        enabled: page.active
        onActivated: page.back()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Button {
                objectName: "replayBack"
                text: qsTr("← Retour à la liste (Échap)")
                onClicked: page.back()
            }
            Label {
                text: qsTr("Consultation %1").arg(page.replay.recordId)
                color: Theme.text
                font.pixelSize: Theme.fontTitle
                font.bold: true
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0
            ConsultationReplayView {
                id: replayView
                objectName: "replayView"
                Layout.fillWidth: true
                Layout.preferredWidth: 100 // not its implicit width: the documents keep theirs
                Layout.fillHeight: true
                replay: page.replay
                active: page.active
                focus: true
                onItemActivated: item => {
                    if (item.lane === "documents")
                        documents.selectedId = item.id
                }
            }
            ReplayDocumentsPanel {
                id: documents
                objectName: "replayDocuments"
                Layout.preferredWidth: Math.round(page.width * 0.28)
                Layout.minimumWidth: 300
                Layout.fillHeight: true
                Layout.topMargin: Theme.spacing
                Layout.bottomMargin: Theme.spacing
                documents: page.replay.documents
            }
        }
    }
}
