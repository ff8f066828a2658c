import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: view
    required property var connection
    // The demo's development PKI holds a doctor and a CPTS coordinator side by side
    // (doctor.p12, coordinator.p12): one click picks either.
    property bool demoMode: false

    function demoIdentity(fileName) {
        const path = bundleField.text !== "" ? bundleField.text : view.connection.bundlePath
        const slash = path.lastIndexOf("/")
        bundleField.text = path.substring(0, slash + 1) + fileName
        passphraseField.forceActiveFocus()
    }

    Rectangle {
        anchors.centerIn: parent
        width: 520
        height: form.implicitHeight + 64
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border

        ColumnLayout {
            id: form
            anchors.fill: parent
            anchors.margins: 32
            spacing: Theme.spacing

            Label {
                text: qsTr("Connexion")
                font.pixelSize: Theme.fontHeading
                font.bold: true
                color: Theme.text
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("Identifiez-vous avec votre certificat professionnel (fichier PKCS#12).")
                wrapMode: Text.WordWrap
                color: Theme.muted
                font.pixelSize: Theme.fontBody
            }
            Label { text: qsTr("Fichier d'identité (.p12)"); color: Theme.text }
            TextField {
                id: bundleField
                Layout.fillWidth: true
                text: view.connection.bundlePath
                placeholderText: "/home/…/identite.p12"
            }
            RowLayout {
                Layout.fillWidth: true
                visible: view.demoMode
                spacing: Theme.spacing
                Label {
                    text: qsTr("Démonstration :")
                    color: Theme.muted
                    font.pixelSize: Theme.fontBody
                }
                Button {
                    objectName: "demoDoctorIdentity"
                    text: qsTr("Médecin")
                    checkable: true
                    autoExclusive: true
                    checked: bundleField.text.endsWith("/doctor.p12")
                    onClicked: view.demoIdentity("doctor.p12")
                }
                Button {
                    objectName: "demoCoordinatorIdentity"
                    text: qsTr("Coordination CPTS (revue)")
                    checkable: true
                    autoExclusive: true
                    checked: bundleField.text.endsWith("/coordinator.p12")
                    onClicked: view.demoIdentity("coordinator.p12")
                }
            }
            Label { text: qsTr("Phrase de passe"); color: Theme.text }
            TextField {
                id: passphraseField
                Layout.fillWidth: true
                echoMode: TextInput.Password
                onAccepted: signInButton.clicked()
            }
            RowLayout {
                Layout.fillWidth: true
                ColumnLayout {
                    Layout.fillWidth: true
                    Label { text: qsTr("Service"); color: Theme.text }
                    TextField {
                        id: hostField
                        Layout.fillWidth: true
                        text: view.connection.host
                    }
                }
                ColumnLayout {
                    Label { text: qsTr("Port"); color: Theme.text }
                    TextField {
                        id: portField
                        Layout.preferredWidth: 100
                        text: view.connection.port
                        validator: IntValidator { bottom: 1; top: 65535 }
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                visible: text !== ""
                text: view.connection.errorString
                color: Theme.urgent
                wrapMode: Text.WordWrap
                font.pixelSize: Theme.fontBody
            }
            PrimaryButton {
                id: signInButton
                Layout.alignment: Qt.AlignRight
                text: qsTr("Se connecter")
                onClicked: view.connection.signIn(bundleField.text, passphraseField.text,
                                                  hostField.text, parseInt(portField.text))
            }
        }
    }
}
