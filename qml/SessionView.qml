import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.Media
import Telecabine.Settings
import "TimeFormat.js" as TimeFormat
import Telecabine.States

// The consultation, as the doctor sees it: who the patient is and the session's state in one
// strip across the top; under it the patient's picture, the largest thing on screen, and beside
// it what the doctor works with (stethoscope, vitals, ordonnance), the two split where the
// doctor drags the handle (remembered across runs). The doctor's own camera sits under the
// picture, never over it. "?" lists the keys.
Item {
    id: view
    required property var session
    readonly property int sessionState: session.state
    property alias endDialog: endDialog
    property alias shortcutHelp: shortcutHelp
    // The working pane's share of the split, as the doctor left it: a fraction, so that the
    // picture keeps its share when the window changes size. Until the doctor moves it, the
    // panels get what they need (600 px) and at least 35 %; the picture the rest.
    readonly property real workFraction: {
        const stored = Number(storedSplit.value)
        const fraction = stored > 0 ? stored : (split.width > 0 ? Math.max(0.35, 600 / split.width) : 0.5)
        return Math.max(view.minWorkFraction, Math.min(view.maxWorkFraction, fraction))
    }
    readonly property real minWorkFraction: 0.3
    readonly property real maxWorkFraction: 0.7

    StoredValue {
        id: storedSplit
        key: "sessionView/workPaneFraction"
        defaultValue: 0 // none: the default above
    }
    // Whatever was stored, within bounds; written when the doctor lets go of the handle.
    function rememberSplit() {
        if (split.width > 0 && workPane.visible)
            storedSplit.value = Math.max(view.minWorkFraction, Math.min(view.maxWorkFraction, workPane.width / split.width))
        workPane.SplitView.preferredWidth = Qt.binding(() => split.width * view.workFraction)
    }

    Shortcut {
        sequences: ["?", "Shift+?"]
        enabled: view.visible && !endDialog.opened
        onActivated: shortcutHelp.opened ? shortcutHelp.close() : shortcutHelp.open()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 16
        spacing: 12

        // The patient and the session, in one strip: readable at a glance, out of the picture.
        Rectangle {
            objectName: "patientHeader"
            Layout.fillWidth: true
            implicitHeight: headerRow.implicitHeight + 24
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border

            RowLayout {
                id: headerRow
                anchors.fill: parent
                anchors.margins: 12
                spacing: 16

                // Who, why, where, with whom.
                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.alignment: Qt.AlignTop
                    spacing: 6
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: 12
                        Label {
                            objectName: "patientTitle"
                            Layout.alignment: Qt.AlignTop
                            text: qsTr("%1, %2 ans").arg(view.session.visit.sex).arg(view.session.visit.age)
                            font.pixelSize: Theme.fontHeading
                            font.bold: true
                            color: Theme.text
                        }
                        Label {
                            objectName: "urgentBadge"
                            Layout.alignment: Qt.AlignTop
                            Layout.topMargin: 4
                            visible: view.session.visit.urgent
                            text: qsTr("URGENT")
                            color: "white"
                            font.bold: true
                            font.pixelSize: Theme.fontBody
                            padding: 4
                            leftPadding: 8
                            rightPadding: 8
                            background: Rectangle { color: Theme.urgent; radius: 4 }
                        }
                        Label {
                            objectName: "patientReason"
                            Layout.fillWidth: true
                            Layout.alignment: Qt.AlignTop
                            Layout.topMargin: 4
                            text: view.session.visit.reason
                            wrapMode: Text.WordWrap
                            font.pixelSize: Theme.fontTitle
                            color: Theme.text
                        }
                    }
                    // Who the patient is, from the cabin's identity, and how far it is trusted.
                    Flow {
                        objectName: "patientIdentity"
                        Layout.fillWidth: true
                        spacing: 10
                        visible: view.session.patient !== undefined
                        Label {
                            objectName: "patientName"
                            text: view.session.patient.known ? view.session.patient.fullName
                                                             : qsTr("Identité non transmise par la cabine")
                            font.pixelSize: Theme.fontTitle
                            font.bold: view.session.patient.known
                            color: Theme.text
                        }
                        Label {
                            visible: view.session.patient.known
                            text: qsTr("né(e) le %1").arg(view.session.patient.birthText)
                            font.pixelSize: Theme.fontBody
                            color: Theme.muted
                            topPadding: 3
                        }
                        Label {
                            visible: view.session.patient.known
                            text: view.session.patient.insText
                            font.pixelSize: Theme.fontBody
                            color: Theme.muted
                            topPadding: 3
                        }
                        Label {
                            objectName: "identityTrust"
                            visible: view.session.patient.known
                            text: view.session.patient.trustText
                            font.pixelSize: Theme.fontBody
                            font.bold: view.session.patient.trust === IdentityTrust.Qualified
                            // The words say it; the colour only repeats it.
                            color: view.session.patient.trust === IdentityTrust.Qualified ? Theme.ok : Theme.warning
                            padding: 3
                            leftPadding: 6
                            rightPadding: 6
                            background: Rectangle { radius: 4; color: Theme.chip }
                        }
                        Label {
                            objectName: "identityCorrected"
                            visible: text !== ""
                            text: view.session.patient.correctedText
                            font.pixelSize: Theme.fontBody
                            font.italic: true
                            color: Theme.warning
                            topPadding: 3
                        }
                        Button {
                            objectName: "correctIdentity"
                            visible: view.session.patient.correctable
                            text: qsTr("Corriger l'identité")
                            flat: true
                            onClicked: identityDialog.open()
                        }
                        Label {
                            visible: text !== ""
                            text: view.session.patient.errorString
                            color: Theme.urgent
                            font.pixelSize: Theme.fontBody
                            topPadding: 3
                        }
                    }
                    IdentityCorrectionDialog {
                        id: identityDialog
                        parent: Overlay.overlay
                        anchors.centerIn: parent
                        patient: view.session.patient
                        birthName: view.session.patient.birthName
                        firstNames: view.session.patient.firstNames
                        birthDate: view.session.patient.birthDate
                    }
                    // The visit's facts, as many to a line as the width allows.
                    Flow {
                        objectName: "patientFacts"
                        Layout.fillWidth: true
                        spacing: 6
                        // Between facts, more room than inside one.
                        component Fact: Row {
                            property alias label: factLabel.text
                            property alias value: factValue.text
                            spacing: 6
                            rightPadding: 18
                            Label {
                                id: factLabel
                                color: Theme.muted
                                font.pixelSize: Theme.fontBody
                            }
                            Label {
                                id: factValue
                                color: Theme.text
                                font.pixelSize: Theme.fontBody
                            }
                        }
                        Fact { label: qsTr("Lieu"); value: view.session.visit.siteName }
                        Fact { label: qsTr("Cabine"); value: view.session.visit.cabinName + " (" + view.session.visit.siteCode + ")" }
                        Fact { label: qsTr("Horaires du site"); value: view.session.visit.openingHours }
                        Fact { label: qsTr("Accompagnant"); value: view.session.visit.operatorText }
                        Fact {
                            label: qsTr("Représentant légal")
                            value: view.session.visit.guardianPresent ? qsTr("présent") : qsTr("non (patient majeur)")
                            visible: view.session.visit.age < 18 || view.session.visit.guardianPresent
                        }
                        Fact { label: qsTr("Consentement"); value: view.session.visit.consentText }
                        Fact { label: qsTr("Attente"); value: qsTr("%n minute(s)", "", view.session.visit.waitedMinutes) }
                        Row {
                            spacing: 6
                            Label {
                                text: qsTr("Instruments disponibles")
                                color: Theme.muted
                                font.pixelSize: Theme.fontBody
                                anchors.verticalCenter: parent.verticalCenter
                            }
                            Repeater {
                                model: view.session.visit.instruments
                                InstrumentChip {
                                    required property var modelData
                                    text: modelData
                                }
                            }
                        }
                    }
                }

                // The session: its state, help and the way out.
                ColumnLayout {
                    Layout.alignment: Qt.AlignTop
                    spacing: 8
                    Label {
                        objectName: "sessionState"
                        Layout.alignment: Qt.AlignRight
                        font.pixelSize: Theme.fontTitle
                        font.bold: true
                        color: view.sessionState === SessionState.Active ? Theme.ok : Theme.text
                        padding: 6
                        leftPadding: 12
                        rightPadding: 12
                        background: Rectangle {
                            radius: 4
                            color: view.sessionState === SessionState.Active ? "#e6f3ec" : (view.sessionState === SessionState.Ended ? Theme.chip : "#fff4e0")
                            border.color: view.sessionState === SessionState.Active ? Theme.ok : Theme.border
                        }
                        text: {
                            switch (view.sessionState) {
                            case SessionState.Claiming: return qsTr("Prise en charge…")
                            case SessionState.Joining: return qsTr("Connexion à la cabine…")
                            case SessionState.Active: return qsTr("En consultation  ·  %1").arg(TimeFormat.waiting(view.session.summary.durationSeconds))
                            case SessionState.Ending: return qsTr("Fin de la consultation…")
                            case SessionState.Ended: return qsTr("Consultation terminée")
                            default: return ""
                            }
                        }
                    }
                    Label {
                        objectName: "cabinDisconnected"
                        Layout.alignment: Qt.AlignRight
                        visible: view.sessionState === SessionState.Active && !view.session.cabinConnected
                        text: qsTr("Cabine déconnectée — reconnexion en cours")
                        color: Theme.warning
                        font.bold: true
                    }
                    RowLayout {
                        Layout.alignment: Qt.AlignRight
                        spacing: 8
                        Button {
                            objectName: "helpButton"
                            text: "?"
                            font.pixelSize: Theme.fontTitle
                            font.bold: true
                            implicitWidth: implicitHeight
                            onClicked: shortcutHelp.open()
                            Accessible.name: qsTr("Raccourcis clavier")
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("Raccourcis clavier (?)")
                        }
                        PrimaryButton {
                            objectName: "endButton"
                            visible: view.sessionState === SessionState.Active || view.sessionState === SessionState.Joining
                            text: qsTr("Terminer la consultation")
                            onClicked: endDialog.open()
                        }
                    }
                }
            }
        }

        Label {
            visible: view.session.errorString !== ""
            Layout.fillWidth: true
            text: view.session.errorString
            color: Theme.urgent
            wrapMode: Text.WordWrap
        }

        SplitView {
            id: split
            objectName: "sessionSplit"
            Layout.fillWidth: true
            Layout.fillHeight: true
            orientation: Qt.Horizontal
            onResizingChanged: if (!resizing) view.rememberSplit()

            handle: Item {
                objectName: "splitHandle"
                implicitWidth: 16
                // A grip in the middle: the split can be dragged.
                Rectangle {
                    anchors.centerIn: parent
                    width: 4
                    height: 48
                    radius: 2
                    color: parent.SplitHandle.pressed || parent.SplitHandle.hovered ? Theme.primary : Theme.border
                }
            }

            // The patient's side: the picture, as large as the split allows.
            Item {
                id: patientPane
                objectName: "patientPane"
                SplitView.fillWidth: true
                SplitView.minimumWidth: 400

                ColumnLayout {
                    anchors.fill: parent
                    spacing: Theme.spacing
                    visible: view.sessionState === SessionState.Active

                    // The cabin's cameras: the main one large, the others as thumbnails.
                    VideoPanel {
                        objectName: "videoPanel"
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        visible: view.session.video !== undefined
                        video: view.session.video
                        instrumentCameras: view.session.visit.instrumentCameras
                        pendingInstruments: view.session.workspace.pendingInstruments
                        onInstrumentRequested: (name, start) => view.session.workspace.requestInstrument(name, start)
                    }

                    // Under the picture, never over it: the link that carries it, and the doctor
                    // as the cabin sees them.
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacing
                        MediaQualityPanel {
                            objectName: "mediaPanel"
                            visible: view.session.media.state !== MediaState.None
                            Layout.fillWidth: true
                            Layout.alignment: Qt.AlignTop
                            link: view.session.media
                        }
                        Item {
                            Layout.fillWidth: true
                            visible: view.session.media.state === MediaState.None
                        }
                        // The doctor's own camera (what it sends; empty when it is off), with
                        // its switch (C) in words.
                        ColumnLayout {
                            Layout.alignment: Qt.AlignTop
                            spacing: 4
                            visible: view.session.camera !== undefined && view.session.camera.active
                            VideoSurface {
                                id: selfView
                                objectName: "selfView"
                                Layout.preferredWidth: 128
                                Layout.preferredHeight: 72
                                Layout.alignment: Qt.AlignHCenter
                                Component.onCompleted: if (view.session.camera !== undefined) view.session.camera.setSelfView(selfView)
                                Component.onDestruction: if (view.session.camera !== undefined) view.session.camera.setSelfView(null)
                                Rectangle {
                                    anchors.fill: parent
                                    color: "transparent"
                                    border.color: Theme.border
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
                            Button {
                                objectName: "cameraButton"
                                Layout.alignment: Qt.AlignHCenter
                                text: view.session.camera !== undefined && view.session.camera.cameraOn
                                      ? qsTr("Caméra allumée (C)") : qsTr("Caméra coupée (C)")
                                font.pixelSize: Theme.fontSmall
                                onClicked: view.session.camera.toggleCamera()
                                ToolTip.visible: hovered && ToolTip.text !== ""
                                ToolTip.text: view.session.camera !== undefined ? view.session.camera.text : ""
                            }
                        }
                    }
                }
                Shortcut {
                    sequence: "C"
                    enabled: view.sessionState === SessionState.Active && view.session.camera !== undefined && view.session.camera.active
                    onActivated: view.session.camera.toggleCamera()
                }

                // Before the cabin answers.
                Rectangle {
                    anchors.fill: parent
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
                    anchors.fill: parent
                    visible: view.sessionState === SessionState.Ended
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border
                    ColumnLayout {
                        anchors.centerIn: parent
                        spacing: 10
                        Label {
                            Layout.alignment: Qt.AlignHCenter
                            text: view.session.summary.endReasonText + " " + view.session.summary.endedBy
                            font.pixelSize: Theme.fontTitle
                            color: Theme.text
                        }
                        Label {
                            Layout.alignment: Qt.AlignHCenter
                            text: qsTr("Durée : %1").arg(TimeFormat.waiting(view.session.summary.durationSeconds))
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

            // What the doctor works with: the stethoscope, or the instruments' readings and
            // traces, the ordonnance or the compte rendu (F1, F2, F3, F4).
            ColumnLayout {
                id: workPane
                objectName: "workPane"
                visible: view.sessionState === SessionState.Active
                SplitView.preferredWidth: split.width * view.workFraction
                SplitView.minimumWidth: 480
                spacing: Theme.spacing

                TabBar {
                    id: workTabs
                    objectName: "workTabs"
                    Layout.fillWidth: true
                    // The session keeps the doctor's tab; the tabs are in Workspace's order.
                    currentIndex: view.session.workspace.current
                    onCurrentIndexChanged: view.session.workspace.current = currentIndex
                    WorkTab {
                        id: stethoscopeTab
                        objectName: "stethoscopeTab"
                        text: qsTr("Stéthoscope (F1)")
                    }
                    WorkTab {
                        id: vitalsTab
                        objectName: "vitalsTab"
                        text: qsTr("Constantes et ECG (F2)")
                    }
                    WorkTab {
                        id: prescriptionTab
                        objectName: "prescriptionTab"
                        visible: view.session.prescription !== undefined
                        text: qsTr("Ordonnance (F3)")
                    }
                    WorkTab {
                        id: reportTab
                        objectName: "reportTab"
                        visible: view.session.report !== undefined
                        text: qsTr("Compte rendu (F4)")
                    }
                }
                Shortcut {
                    sequence: "F1"
                    enabled: view.sessionState === SessionState.Active
                    onActivated: view.session.workspace.current = Workspace.Stethoscope
                }
                Shortcut {
                    sequence: "F2"
                    enabled: view.sessionState === SessionState.Active
                    onActivated: view.session.workspace.current = Workspace.Vitals
                }
                Shortcut {
                    sequence: "F3"
                    enabled: view.sessionState === SessionState.Active && view.session.prescription !== undefined
                    onActivated: view.session.workspace.current = Workspace.Prescription
                }
                Shortcut {
                    sequence: "F4"
                    enabled: view.sessionState === SessionState.Active && view.session.report !== undefined
                    onActivated: view.session.workspace.current = Workspace.Report
                }
                // Leaving the compte rendu saves it at once (the autosave waits for a pause).
                Connections {
                    target: view.session.workspace
                    property int previous: Workspace.Stethoscope
                    function onCurrentChanged() {
                        if (previous === Workspace.Report && view.session.report !== undefined)
                            view.session.report.saveNow()
                        previous = view.session.workspace.current
                    }
                }
                // A click on an examination item shows its act: the vitals tab for a measurement,
                // the recording in replay, the photo in the image viewer.
                Connections {
                    target: view.session.report !== undefined ? view.session.report : null
                    ignoreUnknownSignals: true
                    function onShowSourceRequested(kind, id) {
                        if (kind === "measurement") {
                            view.session.workspace.current = Workspace.Vitals
                        } else if (kind === "recording") {
                            view.session.workspace.current = Workspace.Stethoscope
                            const recordings = view.session.replay.recordings
                            for (let i = 0; i < recordings.length; ++i)
                                if (recordings[i].file === id || recordings[i].file.endsWith("/" + id)) {
                                    view.session.replay.openFile(recordings[i].file)
                                    break
                                }
                        } else if (kind === "still" && view.session.video.snapshotDirectory !== "") {
                            Qt.openUrlExternally("file://" + view.session.video.snapshotDirectory + "/" + id)
                        }
                    }
                }
                StackLayout {
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
                            delivery: view.session.prescription.delivery !== undefined ? view.session.prescription.delivery : null
                        }
                    }
                    Loader {
                        objectName: "reportLoader"
                        active: view.session.report !== undefined
                        sourceComponent: ReportPanel {
                            objectName: "reportPanel"
                            editor: view.session.report
                        }
                    }
                }
            }
        }
    }

    ShortcutHelp {
        id: shortcutHelp
        anchors.centerIn: parent
    }

    EndReasonDialog {
        id: endDialog
        objectName: "endDialog"
        anchors.centerIn: parent
        onReasonChosen: (reason, note) => view.session.end(reason, note)
    }
}
