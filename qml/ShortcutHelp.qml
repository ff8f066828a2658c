import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The session screen's keys, listed where the doctor can read them: opened with ? (or the "?"
// button), closed with Escape. Keep it in step with the Shortcuts of SessionView, StethoscopePanel
// and ReplayBar (tst_sessionview checks the list).
Popup {
    id: help
    objectName: "shortcutHelp"
    modal: true
    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    padding: 24

    // Each group: a title and its keys, as the key caps show them.
    readonly property var groups: [
        { title: qsTr("Pendant la consultation"), keys: [
            { key: "F1", text: qsTr("Onglet stéthoscope") },
            { key: "F2", text: qsTr("Onglet constantes et ECG") },
            { key: "F3", text: qsTr("Onglet ordonnance") },
            { key: "F4", text: qsTr("Onglet compte rendu") },
            { key: "C", text: qsTr("Allumer ou couper votre caméra") },
            { key: "?", text: qsTr("Afficher cette aide") },
            { key: qsTr("Échap"), text: qsTr("Fermer cette aide") }
        ] },
        { title: qsTr("Stéthoscope (onglet F1)"), keys: [
            { key: "1", text: qsTr("Filtre cloche") },
            { key: "2", text: qsTr("Filtre membrane") },
            { key: "3", text: qsTr("Filtre étendu") },
            { key: "4", text: qsTr("Sans filtre (brut)") },
            { key: "↑ ↓", text: qsTr("Gain : plus ou moins 1 dB") },
            { key: "R", text: qsTr("Enregistrer, arrêter l'enregistrement") },
            { key: "M", text: qsTr("Couper, rétablir votre micro") }
        ] },
        { title: qsTr("Réécoute d'un enregistrement"), keys: [
            { key: "P", text: qsTr("Lecture, pause") },
            { key: "L", text: qsTr("Boucle autour de l'instant") },
            { key: "[ ]", text: qsTr("Foyer précédent, suivant") }
        ] }
    ]
    // Every key listed, for the tests and for screen readers.
    readonly property var keys: groups.reduce((all, g) => all.concat(g.keys.map(k => k.key)), [])

    background: Rectangle {
        color: Theme.surface
        radius: Theme.radius
        border.color: Theme.border
    }

    contentItem: ColumnLayout {
        spacing: 14
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: qsTr("Raccourcis clavier")
                font.pixelSize: Theme.fontTitle
                font.bold: true
                color: Theme.text
            }
            Button {
                objectName: "shortcutHelpClose"
                text: qsTr("Fermer (Échap)")
                onClicked: help.close()
            }
        }
        GridLayout {
            objectName: "shortcutList"
            columns: 3
            columnSpacing: 32
            rowSpacing: 8
            Repeater {
                model: help.groups
                delegate: ColumnLayout {
                    id: group
                    required property var modelData
                    Layout.alignment: Qt.AlignTop
                    spacing: 6
                    Label {
                        text: group.modelData.title
                        font.pixelSize: Theme.fontBody
                        font.bold: true
                        color: Theme.muted
                    }
                    Repeater {
                        model: group.modelData.keys
                        delegate: RowLayout {
                            id: entry
                            required property var modelData
                            objectName: "shortcut_" + entry.modelData.key
                            readonly property string key: entry.modelData.key
                            readonly property string description: entry.modelData.text
                            spacing: 10
                            // The key as a key cap.
                            Rectangle {
                                Layout.preferredWidth: Math.max(44, keyCap.implicitWidth + 16)
                                Layout.preferredHeight: keyCap.implicitHeight + 8
                                radius: 4
                                color: Theme.chip
                                border.color: Theme.border
                                Label {
                                    id: keyCap
                                    anchors.centerIn: parent
                                    text: entry.modelData.key
                                    font.pixelSize: Theme.fontBody
                                    font.bold: true
                                    color: Theme.text
                                }
                            }
                            Label {
                                text: entry.modelData.text
                                font.pixelSize: Theme.fontBody
                                color: Theme.text
                            }
                        }
                    }
                }
            }
        }
    }
}
