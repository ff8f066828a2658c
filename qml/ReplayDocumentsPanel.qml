import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The record's signed documents as text (ReviewReplayController.documents): the compte rendu's
// sections and orientation, each ordonnance's lines. Rendered from their JSON for everyone: the
// signed PDFs bear the identity and never reach a coordinator.
Rectangle {
    id: panel
    required property var documents
    property string selectedId: ""
    readonly property var selected: {
        const found = documents.find(d => d.id === selectedId)
        return found !== undefined ? found : (documents.length > 0 ? documents[0] : null)
    }
    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 10
        spacing: 8
        Label {
            text: qsTr("Documents signés")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Flow {
            Layout.fillWidth: true
            spacing: 6
            Repeater {
                model: panel.documents
                delegate: Button {
                    required property var modelData
                    objectName: "document_" + modelData.id
                    checkable: true
                    checked: panel.selected !== null && panel.selected.id === modelData.id
                    text: modelData.title
                    font.pixelSize: Theme.fontSmall
                    onClicked: panel.selectedId = modelData.id
                }
            }
        }
        Label {
            objectName: "documentsEmpty"
            visible: panel.documents.length === 0
            Layout.fillWidth: true
            text: qsTr("Ni compte rendu signé ni ordonnance dans ce dossier")
            color: Theme.muted
            wrapMode: Text.WordWrap
        }
        Item { // keeps the title and the empty line at the top
            visible: panel.selected === null
            Layout.fillHeight: true
        }
        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            visible: panel.selected !== null
            contentWidth: availableWidth
            ColumnLayout {
                width: parent.width
                spacing: 8
                Label {
                    objectName: "documentTitle"
                    Layout.fillWidth: true
                    text: panel.selected ? panel.selected.heading : ""
                    color: Theme.primary
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    wrapMode: Text.WordWrap
                }
                Repeater {
                    model: panel.selected ? panel.selected.sections : []
                    delegate: ColumnLayout {
                        required property var modelData
                        Layout.fillWidth: true
                        spacing: 2
                        Label {
                            text: modelData.title
                            color: Theme.muted
                            font.pixelSize: Theme.fontSmall
                            font.bold: true
                        }
                        Label {
                            objectName: "documentSection"
                            Layout.fillWidth: true
                            text: modelData.text
                            color: Theme.text
                            font.pixelSize: Theme.fontBody
                            wrapMode: Text.WordWrap
                        }
                    }
                }
                Repeater {
                    model: panel.selected ? panel.selected.lines : []
                    delegate: Rectangle {
                        required property var modelData
                        required property int index
                        Layout.fillWidth: true
                        implicitHeight: lineColumn.implicitHeight + 12
                        radius: 6
                        color: Theme.chip
                        ColumnLayout {
                            id: lineColumn
                            anchors.fill: parent
                            anchors.margins: 6
                            spacing: 2
                            Label {
                                objectName: "documentLine"
                                Layout.fillWidth: true
                                text: (index + 1) + ". " + modelData.medicine
                                color: Theme.text
                                font.pixelSize: Theme.fontBody
                                font.bold: true
                                wrapMode: Text.WordWrap
                            }
                            Label {
                                Layout.fillWidth: true
                                visible: text !== ""
                                text: modelData.dosage
                                color: Theme.text
                                font.pixelSize: Theme.fontSmall
                                wrapMode: Text.WordWrap
                            }
                            Label {
                                Layout.fillWidth: true
                                visible: modelData.duration !== ""
                                text: qsTr("Durée : %1").arg(modelData.duration)
                                color: Theme.text
                                font.pixelSize: Theme.fontSmall
                            }
                            Label {
                                Layout.fillWidth: true
                                visible: text !== ""
                                text: modelData.note
                                color: Theme.muted
                                font.pixelSize: Theme.fontSmall
                                wrapMode: Text.WordWrap
                            }
                        }
                    }
                }
            }
        }
    }
}
