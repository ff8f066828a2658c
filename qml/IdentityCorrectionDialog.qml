import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Correcting a non-qualified identity, trait by trait: each change is marked as the doctor's and
// reaches the ordonnance. A qualified identity never opens this.
Dialog {
    id: dialog
    required property var patient
    property string birthName: ""
    property string firstNames: ""
    property string birthDate: ""

    title: qsTr("Corriger l'identité du patient")
    modal: true
    width: 480
    footer: DialogButtonBox {
        Button {
            objectName: "identityConfirm"
            text: qsTr("Corriger")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "identityCancel"
            text: qsTr("Annuler")
            flat: true
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    onOpened: {
        birthNameField.text = dialog.birthName
        firstNamesField.text = dialog.firstNames
        birthDateField.text = dialog.birthDate
    }
    onAccepted: {
        if (birthNameField.text !== dialog.birthName)
            dialog.patient.correct("birth_name", birthNameField.text)
        if (firstNamesField.text !== dialog.firstNames)
            dialog.patient.correct("first_names", firstNamesField.text)
        if (birthDateField.text !== dialog.birthDate)
            dialog.patient.correct("birth_date", birthDateField.text)
    }

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: 12
        Label { text: qsTr("Nom de naissance") }
        TextField { id: birthNameField; objectName: "birthNameField"; Layout.fillWidth: true }
        Label { text: qsTr("Prénoms") }
        TextField { id: firstNamesField; objectName: "firstNamesField"; Layout.fillWidth: true }
        Label { text: qsTr("Né(e) le (AAAA-MM-JJ)") }
        TextField { id: birthDateField; objectName: "birthDateField"; Layout.fillWidth: true }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.muted
            text: qsTr("La correction est signalée sur l'ordonnance et le compte rendu.")
        }
    }
}
