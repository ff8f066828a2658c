import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Ending a consultation always records why (for the report and the coordinators' indicators).
Dialog {
    id: dialog
    signal reasonChosen(string reason, string note)
    property string selectedReason: "completed"

    title: qsTr("Terminer la consultation")
    modal: true
    width: 460
    // Our own buttons, in the console's language: Qt's standard ones say "OK" and "Cancel"
    // whatever the language (their words come from Qt's catalogues, which are not shipped).
    footer: DialogButtonBox {
        Button {
            objectName: "endConfirm"
            text: qsTr("Terminer")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "endCancel"
            text: qsTr("Annuler")
            flat: true
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    readonly property var reasons: [
        { code: "completed", label: qsTr("Consultation terminée") },
        { code: "referred_in_person", label: qsTr("Orienté vers une consultation en présentiel") },
        { code: "referred_emergency", label: qsTr("Orienté vers les urgences") },
        { code: "not_suitable", label: qsTr("Téléconsultation non adaptée") },
        { code: "patient_left", label: qsTr("Patient parti") },
        { code: "technical_failure", label: qsTr("Problème technique") }
    ]

    onOpened: selectedReason = "completed"
    onAccepted: dialog.reasonChosen(dialog.selectedReason, noteField.text)

    ColumnLayout {
        anchors.fill: parent
        spacing: 6
        Repeater {
            model: dialog.reasons
            RadioButton {
                required property var modelData
                objectName: "reason_" + modelData.code
                text: modelData.label
                checked: dialog.selectedReason === modelData.code
                onClicked: dialog.selectedReason = modelData.code
            }
        }
        TextField {
            id: noteField
            objectName: "noteField"
            Layout.fillWidth: true
            placeholderText: qsTr("Note (facultative)")
        }
    }
}
