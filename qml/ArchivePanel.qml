import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The consultations' dossiers on their way to the archive (ArchiveUploads): sent in the
// background while the doctor sees the next patient; one left from an earlier run is listed
// here at sign-in and resumes by itself.
Rectangle {
    id: panel
    property var archive: null
    readonly property int rows: list.count

    visible: panel.archive !== null && list.count > 0
    implicitHeight: visible ? column.implicitHeight + 20 : 0
    radius: Theme.radius
    color: Theme.surface
    border.color: panel.archive !== null && panel.archive.blocked ? Theme.warning : Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 10
        spacing: 6

        Label {
            objectName: "archiveTitle"
            text: panel.archive !== null && panel.archive.pending > 0
                  ? qsTr("Dossiers en cours d'archivage")
                  : qsTr("Dossiers archivés")
            font.pixelSize: Theme.fontBody
            font.bold: true
            color: Theme.text
        }
        Label {
            visible: panel.archive !== null && panel.archive.errorString !== ""
            text: panel.archive !== null ? panel.archive.errorString : ""
            color: Theme.warning
            font.pixelSize: Theme.fontSmall
        }
        ListView {
            id: list
            objectName: "archiveList"
            Layout.fillWidth: true
            implicitHeight: Math.min(contentHeight, 4 * 34)
            clip: true
            model: panel.archive
            delegate: RowLayout {
                width: ListView.view.width
                height: 34
                spacing: 12
                Label {
                    objectName: "archiveTitle"
                    Layout.fillWidth: true
                    text: model.title
                    color: Theme.text
                    font.pixelSize: Theme.fontSmall
                    elide: Text.ElideRight
                }
                Label {
                    Layout.maximumWidth: 360
                    text: model.detail
                    visible: model.detail !== ""
                    color: Theme.muted
                    font.pixelSize: Theme.fontSmall
                    elide: Text.ElideRight
                }
                ProgressBar {
                    Layout.preferredWidth: 160
                    from: 0
                    to: 1
                    value: model.progress
                    visible: model.state === "uploading" || model.state === "retrying"
                }
                Label {
                    objectName: "archiveState"
                    Layout.preferredWidth: 190
                    horizontalAlignment: Text.AlignRight
                    text: model.stateText
                    color: model.state === "blocked" || model.state === "failed" ? Theme.warning
                         : model.state === "done" ? Theme.muted : Theme.text
                    font.pixelSize: Theme.fontSmall
                }
                Button {
                    visible: model.state === "blocked"
                    text: qsTr("Réessayer")
                    flat: true
                    onClicked: panel.archive.retry(model.recordId)
                }
            }
        }
    }
}
