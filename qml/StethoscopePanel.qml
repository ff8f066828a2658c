import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.Media
import Telecabine.States
import "TimeFormat.js" as TimeFormat

// The stethoscope during an auscultation: filter modes (keys 1-4), gain with its clip light
// (Up/Down), headphone volume, level meter, live phonocardiogram, the current site and requests
// to move it, and recording (R). Everything is usable from the keyboard.
Rectangle {
    id: panel
    // A StethoscopeController, with its meter (StethoscopeMeter) and recorder
    // (StethoscopeRecording).
    required property var stethoscope
    // A ReplayController for the last recording.
    required property var replay
    // The cabin's voice (a VoiceController), with its own volume; null without one.
    property var voice: null
    // Keyboard shortcuts only while the panel is on screen.
    property bool active: visible
    radius: Theme.radius
    color: "#1f2a31"
    implicitHeight: column.implicitHeight + 24

    // `name` only names the buttons for the tests ("mode_raw").
    readonly property var modes: [
        { mode: StethoscopeMode.Bell, name: "bell", label: qsTr("Cloche"), hint: qsTr("20–1000 Hz · cœur, souffles graves") },
        { mode: StethoscopeMode.Diaphragm, name: "diaphragm", label: qsTr("Membrane"), hint: qsTr("20–2000 Hz · poumons, bruits aigus") },
        { mode: StethoscopeMode.Extended, name: "extended", label: qsTr("Étendu"), hint: qsTr("20–2000 Hz · large") },
        { mode: StethoscopeMode.Raw, name: "raw", label: qsTr("Brut"), hint: qsTr("sans filtre") }
    ]
    // The last failure: the recording's first (what is lost), else the cabin's refusal to move
    // the stethoscope.
    readonly property string problem: panel.stethoscope.recorder.errorString !== ""
                                      ? panel.stethoscope.recorder.errorString : panel.stethoscope.errorString

    Shortcut { sequence: "1"; enabled: panel.active; onActivated: panel.stethoscope.mode = StethoscopeMode.Bell }
    Shortcut { sequence: "2"; enabled: panel.active; onActivated: panel.stethoscope.mode = StethoscopeMode.Diaphragm }
    Shortcut { sequence: "3"; enabled: panel.active; onActivated: panel.stethoscope.mode = StethoscopeMode.Extended }
    Shortcut { sequence: "4"; enabled: panel.active; onActivated: panel.stethoscope.mode = StethoscopeMode.Raw }
    Shortcut { sequence: "Up"; enabled: panel.active; onActivated: panel.stethoscope.stepGain(1) }
    Shortcut { sequence: "Down"; enabled: panel.active; onActivated: panel.stethoscope.stepGain(-1) }
    Shortcut { sequence: "R"; enabled: panel.active; onActivated: panel.stethoscope.recorder.toggle() }
    Shortcut {
        sequence: "M"
        enabled: panel.active && panel.voice !== null && panel.voice.microphoneOn
        onActivated: panel.voice.toggleMute()
    }

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Label {
                text: qsTr("Stéthoscope")
                color: "#e8eef3"
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }
            Item { Layout.fillWidth: true }
            ComboBox {
                id: sitePicker
                objectName: "sitePicker"
                model: panel.stethoscope.sites()
                displayText: panel.stethoscope.labelOf(currentText)
                delegate: ItemDelegate {
                    required property string modelData
                    width: sitePicker.width
                    text: panel.stethoscope.labelOf(modelData)
                }
                implicitWidth: 200
            }
            Button {
                objectName: "requestSite"
                text: qsTr("Demander ce placement")
                onClicked: panel.stethoscope.requestSite(sitePicker.currentText)
            }
        }
        // Where the operator placed it, and what the doctor asked for: a line of its own, whole
        // in the session screen's narrower working pane.
        Label {
            objectName: "siteLabel"
            Layout.fillWidth: true
            text: qsTr("Placé : %1").arg(panel.stethoscope.siteLabel)
                  + (panel.stethoscope.requestedSite !== ""
                     ? "  ·  " + qsTr("demandé : %1 (en attente de l'opérateur)")
                                     .arg(panel.stethoscope.labelOf(panel.stethoscope.requestedSite))
                     : "")
            color: "#b8c4cc"
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }

        // Filter modes, each with its number key.
        RowLayout {
            spacing: 8
            Repeater {
                model: panel.modes
                delegate: Button {
                    required property var modelData
                    required property int index
                    objectName: "mode_" + modelData.name
                    checkable: true
                    checked: panel.stethoscope.mode === modelData.mode
                    text: (index + 1) + "  " + modelData.label
                    ToolTip.visible: hovered
                    ToolTip.text: modelData.hint
                    onClicked: panel.stethoscope.mode = modelData.mode
                }
            }
            Item { Layout.fillWidth: true }
            Button {
                objectName: "recordButton"
                text: panel.stethoscope.recorder.recording
                      ? qsTr("■ Arrêter (R)  %1").arg(TimeFormat.waiting(panel.stethoscope.recorder.seconds))
                      : qsTr("● Enregistrer (R)")
                palette.button: panel.stethoscope.recorder.recording ? Theme.urgent : Theme.chip
                palette.buttonText: panel.stethoscope.recorder.recording ? "white" : Theme.text
                onClicked: panel.stethoscope.recorder.toggle()
            }
        }

        // Gain (dB), clip light, level meter, volume.
        RowLayout {
            Layout.fillWidth: true
            spacing: 10
            Label { text: qsTr("Gain"); color: "#e8eef3" }
            Slider {
                objectName: "gainSlider"
                Layout.fillWidth: true
                Layout.minimumWidth: 140
                from: 0; to: 40; stepSize: 1
                value: panel.stethoscope.gainDb
                onMoved: panel.stethoscope.gainDb = value
            }
            Label {
                text: qsTr("+%1 dB").arg(Math.round(panel.stethoscope.gainDb))
                color: "#e8eef3"
                Layout.preferredWidth: 60
            }
            Rectangle {
                objectName: "clipLight"
                width: 16; height: 16; radius: 8
                color: panel.stethoscope.meter.clipping ? "#ff4d4f" : "#3a4750"
                border.color: "#7d8a93"
            }
            Label {
                // Words as well as the light: never colour alone.
                text: panel.stethoscope.meter.clipping ? qsTr("saturation") : qsTr("niveau sûr")
                color: panel.stethoscope.meter.clipping ? "#ff8080" : "#7d8a93"
                font.pixelSize: Theme.fontSmall
                font.bold: panel.stethoscope.meter.clipping
            }
            // Peak level from -60 to 0 dBFS.
            Rectangle {
                Layout.preferredWidth: 110
                height: 10
                radius: 5
                color: "#3a4750"
                Rectangle {
                    objectName: "levelBar"
                    height: parent.height
                    radius: 5
                    width: parent.width * Math.max(0, Math.min(1, (panel.stethoscope.meter.levelDb + 60) / 60))
                    color: panel.stethoscope.meter.levelDb > -3 ? "#ff4d4f"
                           : (panel.stethoscope.meter.levelDb > -12 ? "#f0b429" : "#3fbf7f")
                }
            }
        }

        // Two volumes: the stethoscope and the cabin's voice play together in the headset.
        RowLayout {
            Layout.fillWidth: true
            spacing: 10
            Label { text: qsTr("Volume stéthoscope"); color: "#e8eef3" }
            Slider {
                objectName: "stethoscopeVolume"
                Layout.fillWidth: true
                Layout.minimumWidth: 80
                from: 0; to: 1
                value: panel.stethoscope.volume
                onMoved: panel.stethoscope.volume = value
            }
            // Always laid out; usable once the cabin's voice streams.
            Label {
                text: qsTr("Voix cabine")
                color: voiceVolume.enabled ? "#e8eef3" : "#7d8a93"
            }
            Slider {
                id: voiceVolume
                objectName: "voiceVolume"
                enabled: panel.voice !== null && panel.voice.available
                Layout.fillWidth: true
                Layout.minimumWidth: 80
                from: 0; to: 1
                value: panel.voice ? panel.voice.volume : 0
                onMoved: panel.voice.volume = value
            }
            // The doctor's microphone: open or muted (M), in words as well as colour.
            Button {
                objectName: "muteButton"
                enabled: panel.voice !== null && panel.voice.microphoneOn
                text: panel.voice && panel.voice.muted ? qsTr("Micro coupé (M)")
                                                       : qsTr("Micro ouvert (M)")
                palette.button: panel.voice && panel.voice.muted ? Theme.urgent : Theme.chip
                palette.buttonText: panel.voice && panel.voice.muted ? "white" : Theme.text
                onClicked: panel.voice.toggleMute()
            }
        }

        Label {
            visible: text !== ""
            text: panel.voice ? panel.voice.microphoneText : ""
            color: "#f0b429"
            font.pixelSize: Theme.fontSmall
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
        }

        // Phonocardiogram: the last three seconds as heard (after filter and gain); and the
        // spectrogram, 0-2 kHz bottom to top, scrolling left, brighter is louder. Both are
        // painted by the controller's meter (StethoscopeMeter) and shown stretched.
        VideoSurface {
            id: phonocardiogram
            objectName: "phonocardiogram"
            Layout.fillWidth: true
            Layout.preferredHeight: 66
            stretch: true
        }
        VideoSurface {
            id: spectrogram
            objectName: "spectrogram"
            Layout.fillWidth: true
            Layout.preferredHeight: 48
            stretch: true
        }
        Component.onCompleted: panel.stethoscope.meter.setSurfaces(phonocardiogram, spectrogram)
        Component.onDestruction: panel.stethoscope.meter.setSurfaces(null, null)

        Label {
            objectName: "stethoscopeMessage"
            visible: text !== ""
            Layout.fillWidth: true
            text: panel.problem !== "" ? panel.problem
                  : (panel.stethoscope.outputText !== "" ? panel.stethoscope.outputText
                     : (panel.stethoscope.recorder.recording ? qsTr("Enregistrement brut (FLAC, sans filtre ni gain) : %1").arg(panel.stethoscope.recorder.file) : ""))
            color: panel.problem !== "" ? "#ff8080" : "#b8c4cc"
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideMiddle
        }
        // Its own width, not its contents', decides: the controls share what the panel has.
        Item {
            Layout.fillWidth: true
            implicitHeight: replayBar.implicitHeight
            ReplayBar {
                id: replayBar
                objectName: "replayBar"
                anchors.fill: parent
                replay: panel.replay
            }
        }

        RowLayout {
            Layout.fillWidth: true
            // Every key is listed by "?" (the session screen's help).
            Label {
                objectName: "keysHint"
                text: qsTr("Touches : ?")
                color: "#7d8a93"
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
            }
            Label { text: qsTr("Micro :"); color: "#b8c4cc"; font.pixelSize: Theme.fontSmall }
            // The doctor's microphone, switchable mid-consultation (the cabin keeps hearing).
            ComboBox {
                objectName: "microphonePicker"
                Layout.preferredWidth: 200
                Layout.minimumWidth: 120
                Layout.fillWidth: true
                enabled: panel.voice !== null
                model: panel.voice ? panel.voice.microphones : []
                currentIndex: panel.voice ? panel.voice.microphone : -1
                onActivated: (index) => panel.voice.microphone = index
            }
            Label { text: qsTr("Écoute :"); color: "#b8c4cc"; font.pixelSize: Theme.fontSmall }
            ComboBox {
                objectName: "outputPicker"
                Layout.preferredWidth: 200
                Layout.minimumWidth: 120
                Layout.fillWidth: true
                model: panel.stethoscope.outputs
                currentIndex: panel.stethoscope.output
                onActivated: (index) => panel.stethoscope.output = index
            }
        }
    }
}
