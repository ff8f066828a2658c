import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// What to sign with (the identity file, or a card found on the workstation) and its secret, for
// any document the doctor signs (the ordonnance, the compte rendu). A card is preferred when one
// is present and valid: it is the doctor's legal signing device.
Dialog {
    id: dialog
    // An editor with `signing` (SigningChoices: choices, tokenStatus, refresh()) and
    // sign(secret, key), which signs on a worker thread.
    required property var editor
    readonly property var choices: dialog.editor.signing ? dialog.editor.signing.choices : []
    property int choiceIndex: 0
    readonly property var choice: choiceIndex >= 0 && choiceIndex < choices.length ? choices[choiceIndex] : null
    modal: true
    // Our own buttons, in the console's language (Qt's standard ones are English).
    footer: DialogButtonBox {
        Button {
            objectName: "signConfirm"
            text: qsTr("Signer")
            enabled: dialog.choice !== null
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "signCancel"
            text: qsTr("Annuler")
            flat: true
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
    onOpened: {
        if (dialog.editor.signing)
            dialog.editor.signing.refresh()
        let preferred = 0
        for (let i = choices.length - 1; i >= 0; --i)
            if (choices[i].kind === "token" && !choices[i].expired)
                preferred = i
        choiceIndex = preferred
        passphrase.text = ""
        passphrase.forceActiveFocus()
    }
    onAccepted: {
        if (choice === null)
            return
        // The editor signs on a worker thread and says "in progress" meanwhile.
        dialog.editor.sign(passphrase.text, choice.key)
        passphrase.text = ""
    }
    ColumnLayout {
        spacing: 6
        Label { text: qsTr("Signer avec :"); visible: dialog.choices.length > 1 }
        ComboBox {
            objectName: "signingChoice"
            visible: dialog.choices.length > 1
            Layout.preferredWidth: 400
            model: dialog.choices
            textRole: "label"
            currentIndex: dialog.choiceIndex
            onActivated: (i) => { dialog.choiceIndex = i; passphrase.forceActiveFocus() }
        }
        Label {
            text: dialog.choice !== null ? dialog.choice.detail : ""
            color: Theme.muted
            font.pixelSize: Theme.fontSmall
        }
        Label {
            objectName: "secretLabel"
            text: dialog.choice !== null ? dialog.choice.secretLabel
                                         : qsTr("Aucune identité de signature sur ce poste.")
        }
        TextField {
            id: passphrase
            objectName: "passphrase"
            enabled: dialog.choice !== null
            echoMode: TextInput.Password
            Layout.preferredWidth: 280
            onAccepted: dialog.accept()
        }
        Label {
            objectName: "tokenStatus"
            visible: text !== ""
            Layout.preferredWidth: 400
            text: dialog.editor.signing ? dialog.editor.signing.tokenStatus : ""
            color: Theme.muted
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
    }
}
