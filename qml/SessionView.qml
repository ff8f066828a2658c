import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.Media
import "TimeFormat.js" as TimeFormat
import Telecabine.States

// The consultation: who the patient is, where, and the session's state.
Item {
    id: view
    required property var session
    readonly property int sessionState: session.state
    property alias endDialog: endDialog

    RowLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 24

        // Patient and visit.
        Rectangle {
            Layout.preferredWidth: 440
            Layout.fillHeight: true
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 20
                spacing: 10

                RowLayout {
                    spacing: 10
                    Label {
                        objectName: "patientTitle"
                        text: qsTr("%1, %2 ans").arg(view.session.visit.sex).arg(view.session.visit.age)
                        font.pixelSize: Theme.fontHeading
                        font.bold: true
                        color: Theme.text
                    }
                    Label {
                        visible: view.session.visit.urgent
                        text: qsTr("URGENT")
                        color: Theme.urgent
                        font.bold: true
                        font.pixelSize: Theme.fontBody
                    }
                }
                Label {
                    Layout.fillWidth: true
                    text: view.session.visit.reason
                    wrapMode: Text.WordWrap
                    font.pixelSize: Theme.fontTitle
                    color: Theme.text
                }
                Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
                InfoRow { Layout.fillWidth: true; label: qsTr("Lieu"); value: view.session.visit.siteName }
                InfoRow { Layout.fillWidth: true; label: qsTr("Cabine"); value: view.session.visit.cabinName + " (" + view.session.visit.siteCode + ")" }
                InfoRow { Layout.fillWidth: true; label: qsTr("Horaires du site"); value: view.session.visit.openingHours }
                InfoRow { Layout.fillWidth: true; label: qsTr("Accompagnant"); value: view.session.visit.operatorText }
                InfoRow {
                    Layout.fillWidth: true
                    label: qsTr("Représentant légal")
                    value: view.session.visit.guardianPresent ? qsTr("présent") : qsTr("non (patient majeur)")
                    visible: view.session.visit.age < 18 || view.session.visit.guardianPresent
                }
                InfoRow { Layout.fillWidth: true; label: qsTr("Consentement"); value: view.session.visit.consentText }
                InfoRow { Layout.fillWidth: true; label: qsTr("Attente"); value: qsTr("%n minute(s)", "", view.session.visit.waitedMinutes) }
                Label { text: qsTr("Instruments disponibles"); color: Theme.muted; font.pixelSize: Theme.fontBody }
                Flow {
                    Layout.fillWidth: true
                    spacing: 6
                    Repeater {
                        model: view.session.visit.instruments
                        InstrumentChip {
                            required property var modelData
                            text: modelData
                        }
                    }
                }
                // The cabin's cameras: the main one large, the others as thumbnails.
                VideoPanel {
                    objectName: "videoPanel"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    visible: view.sessionState === SessionState.Active && view.session.video !== undefined
                    video: view.session.video
                    instrumentCameras: view.session.visit.instrumentCameras
                    pendingInstruments: view.session.pendingInstruments
                    onInstrumentRequested: (name, start) => view.session.requestInstrument(name, start)

                    // The doctor as the cabin sees them, picture in picture (what the camera
                    // sends; empty when it is off).
                    VideoSurface {
                        id: selfView
                        objectName: "selfView"
                        visible: view.session.camera !== undefined && view.session.camera.active
                        anchors.top: parent.top
                        anchors.right: parent.right
                        anchors.margins: 8
                        width: 128
                        height: 72
                        Component.onCompleted: if (view.session.camera !== undefined) view.session.camera.setSelfView(selfView)
                        Component.onDestruction: if (view.session.camera !== undefined) view.session.camera.setSelfView(null)
                        Rectangle {
                            anchors.fill: parent
                            color: "transparent"
                            border.color: "white"
                            border.width: 1
                        }
                        Label {
                            anchors.centerIn: parent
                            visible: view.session.camera !== undefined && !view.session.camera.cameraOn
                            text: qsTr("Caméra coupée")
                            color: "white"
                            font.pixelSize: Theme.fontSmall
                        }
                    }
                }
                Item { Layout.fillHeight: true; visible: view.sessionState !== SessionState.Active }
            }
        }

        // Session state and the media link.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacing

            Rectangle {
                Layout.fillWidth: true
                implicitHeight: 64
                radius: Theme.radius
                color: view.sessionState === SessionState.Active ? "#e6f3ec" : (view.sessionState === SessionState.Ended ? Theme.chip : "#fff4e0")
                border.color: view.sessionState === SessionState.Active ? Theme.ok : Theme.border
                RowLayout {
                    anchors.fill: parent
                    anchors.margins: 16
                    Label {
                        objectName: "sessionState"
                        Layout.fillWidth: true
                        font.pixelSize: Theme.fontTitle
                        font.bold: true
                        color: Theme.text
                        text: {
                            switch (view.sessionState) {
                            case SessionState.Claiming: return qsTr("Prise en charge…")
                            case SessionState.Joining: return qsTr("Connexion à la cabine…")
                            case SessionState.Active: return qsTr("En consultation  ·  %1").arg(TimeFormat.waiting(view.session.durationSeconds))
                            case SessionState.Ending: return qsTr("Fin de la consultation…")
                            case SessionState.Ended: return qsTr("Consultation terminée")
                            default: return ""
                            }
                        }
                    }
                    Label {
                        visible: view.sessionState === SessionState.Active && !view.session.cabinConnected
                        text: qsTr("Cabine déconnectée — reconnexion en cours")
                        color: Theme.warning
                        font.bold: true
                    }
                    // The doctor's camera to the cabin: on or off (C), in words.
                    Button {
                        objectName: "cameraButton"
                        visible: view.sessionState === SessionState.Active && view.session.camera !== undefined && view.session.camera.active
                        text: view.session.camera !== undefined && view.session.camera.cameraOn
                              ? qsTr("Caméra allumée (C)") : qsTr("Caméra coupée (C)")
                        onClicked: view.session.camera.toggleCamera()
                        ToolTip.visible: hovered && ToolTip.text !== ""
                        ToolTip.text: view.session.camera !== undefined ? view.session.camera.text : ""
                    }
                    Shortcut {
                        sequence: "C"
                        enabled: view.sessionState === SessionState.Active && view.session.camera !== undefined && view.session.camera.active
                        onActivated: view.session.camera.toggleCamera()
                    }
                    PrimaryButton {
                        objectName: "endButton"
                        visible: view.sessionState === SessionState.Active || view.sessionState === SessionState.Joining
                        text: qsTr("Terminer la consultation")
                        onClicked: endDialog.open()
                    }
                }
            }

            MediaQualityPanel {
                objectName: "mediaPanel"
                visible: view.sessionState === SessionState.Active && view.session.media.state !== MediaState.None
                Layout.fillWidth: true
                link: view.session.media
            }

            Label {
                visible: view.session.errorString !== ""
                Layout.fillWidth: true
                text: view.session.errorString
                color: Theme.urgent
                wrapMode: Text.WordWrap
            }

            // What the doctor works with: the stethoscope, or the instruments' readings and
            // traces (F1, F2). The video stays in view on the left.
            TabBar {
                id: workTabs
                objectName: "workTabs"
                visible: view.sessionState === SessionState.Active
                Layout.fillWidth: true
                // The session keeps the doctor's tab ("stethoscope" or "vitals").
                currentIndex: view.session.workspace === "vitals" ? 1 : (view.session.workspace === "prescription" ? 2 : 0)
                onCurrentIndexChanged: view.session.workspace = ["stethoscope", "vitals", "prescription"][currentIndex]
                TabButton {
                    id: stethoscopeTab
                    objectName: "stethoscopeTab"
                    text: qsTr("Stéthoscope (F1)")
                    font.bold: checked
                    // The chosen tab in the console's primary colour and bold: never colour alone.
                    background: Rectangle { color: stethoscopeTab.checked ? Theme.primary : Theme.chip; radius: 4 }
                    contentItem: Label {
                        text: stethoscopeTab.text
                        font: stethoscopeTab.font
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                        color: stethoscopeTab.checked ? Theme.primaryText : Theme.text
                    }
                }
                TabButton {
                    objectName: "vitalsTab"
                    text: qsTr("Constantes et ECG (F2)")
                    id: vitalsTab
                    font.bold: checked
                    // The chosen tab in the console's primary colour and bold: never colour alone.
                    background: Rectangle { color: vitalsTab.checked ? Theme.primary : Theme.chip; radius: 4 }
                    contentItem: Label {
                        text: vitalsTab.text
                        font: vitalsTab.font
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                        color: vitalsTab.checked ? Theme.primaryText : Theme.text
                    }
                }
                TabButton {
                    id: prescriptionTab
                    objectName: "prescriptionTab"
                    visible: view.session.prescription !== undefined
                    text: qsTr("Ordonnance (F3)")
                    font.bold: checked
                    background: Rectangle { color: prescriptionTab.checked ? Theme.primary : Theme.chip; radius: 4 }
                    contentItem: Label {
                        text: prescriptionTab.text
                        font: prescriptionTab.font
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                        color: prescriptionTab.checked ? Theme.primaryText : Theme.text
                    }
                }
            }
            Shortcut {
                sequence: "F1"
                enabled: view.sessionState === SessionState.Active
                onActivated: view.session.workspace = "stethoscope"
            }
            Shortcut {
                sequence: "F2"
                enabled: view.sessionState === SessionState.Active
                onActivated: view.session.workspace = "vitals"
            }
            Shortcut {
                sequence: "F3"
                enabled: view.sessionState === SessionState.Active && view.session.prescription !== undefined
                onActivated: view.session.workspace = "prescription"
            }
            StackLayout {
                visible: view.sessionState === SessionState.Active
                currentIndex: workTabs.currentIndex
                Layout.fillWidth: true
                Layout.fillHeight: true

                Item {
                    StethoscopePanel {
                        id: stethoscopePanel
                        objectName: "stethoscopePanel"
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.top: parent.top
                        visible: view.session.stethoscope.available
                        stethoscope: view.session.stethoscope
                        replay: view.session.replay
                        voice: view.session.voice !== undefined ? view.session.voice : null
                    }
                    Rectangle {
                        anchors.fill: parent
                        radius: Theme.radius
                        color: "#26323b"
                        visible: !stethoscopePanel.visible
                        Label {
                            anchors.centerIn: parent
                            text: qsTr("La cabine n'envoie pas de stéthoscope.")
                            color: "#b8c4cc"
                            font.pixelSize: Theme.fontBody
                        }
                    }
                }
                Loader {
                    objectName: "vitalsLoader"
                    active: view.session.vitals !== undefined
                    sourceComponent: VitalsPanel {
                        objectName: "vitalsPanel"
                        vitals: view.session.vitals
                    }
                }
                Loader {
                    objectName: "prescriptionLoader"
                    active: view.session.prescription !== undefined
                    sourceComponent: PrescriptionPanel {
                        objectName: "prescriptionPanel"
                        editor: view.session.prescription
                        delivery: view.session.delivery !== undefined ? view.session.delivery : null
                    }
                }
            }

            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                radius: Theme.radius
                color: "#26323b"
                visible: view.sessionState !== SessionState.Ended && view.sessionState !== SessionState.Active
                ColumnLayout {
                    anchors.centerIn: parent
                    spacing: 8
                    Label {
                        Layout.alignment: Qt.AlignHCenter
                        text: qsTr("Médias de la cabine")
                        color: "#e8eef3"
                        font.pixelSize: Theme.fontTitle
                    }
                    Label {
                        Layout.alignment: Qt.AlignHCenter
                        text: qsTr("En attente de la réponse de la cabine…")
                        color: "#b8c4cc"
                        font.pixelSize: Theme.fontBody
                    }
                }
            }

            // Summary once the session has ended.
            Rectangle {
                objectName: "endedSummary"
                Layout.fillWidth: true
                Layout.fillHeight: true
                visible: view.sessionState === SessionState.Ended
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                ColumnLayout {
                    anchors.centerIn: parent
                    spacing: 10
                    Label {
                        Layout.alignment: Qt.AlignHCenter
                        text: view.session.endReasonText + " " + view.session.endedBy
                        font.pixelSize: Theme.fontTitle
                        color: Theme.text
                    }
                    Label {
                        Layout.alignment: Qt.AlignHCenter
                        text: qsTr("Durée : %1").arg(TimeFormat.waiting(view.session.durationSeconds))
                        color: Theme.muted
                        font.pixelSize: Theme.fontBody
                    }
                    Label {
                        Layout.alignment: Qt.AlignHCenter
                        text: qsTr("La cabine passe en désinfection avant le patient suivant.")
                        color: Theme.muted
                        font.pixelSize: Theme.fontBody
                    }
                    PrimaryButton {
                        Layout.alignment: Qt.AlignHCenter
                        text: qsTr("Retour à la file d'attente")
                        onClicked: view.session.dismiss()
                    }
                }
            }
        }
    }

    EndReasonDialog {
        id: endDialog
        objectName: "endDialog"
        anchors.centerIn: parent
        onReasonChosen: (reason, note) => view.session.end(reason, note)
    }
}
