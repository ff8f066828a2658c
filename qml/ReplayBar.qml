import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import "TimeFormat.js" as TimeFormat

// Listening again to the last recording, or one chosen in the list of recordings (those repaired
// after a crash marked), with the same filter and gain: play/pause (P), seek,
// half speed with the pitch kept, a loop around the current moment (L), site jumps ([ and ]).
RowLayout {
    id: bar
    // A ReplayController.
    required property var replay
    property bool active: visible
    spacing: 8

    Shortcut { sequence: "P"; enabled: bar.active && bar.replay.open; onActivated: bar.replay.togglePlay() }
    Shortcut { sequence: "L"; enabled: bar.active && bar.replay.open; onActivated: bar.replay.toggleLoop() }
    Shortcut { sequence: "["; enabled: bar.active && bar.replay.open; onActivated: bar.replay.previousSegment() }
    Shortcut { sequence: "]"; enabled: bar.active && bar.replay.open; onActivated: bar.replay.nextSegment() }

    Button {
        objectName: "replayOpen"
        visible: !bar.replay.open
        enabled: bar.replay.available
        text: qsTr("↺ Réécouter le dernier enregistrement")
        onClicked: bar.replay.openLast()
    }
    // Every recording kept on this workstation, newest first; one mended after a crash says so.
    ComboBox {
        id: recordingChoice
        objectName: "replayChoice"
        visible: !bar.replay.open && bar.replay.recordings.length > 0
        model: bar.replay.recordings
        textRole: "label"
        Layout.preferredWidth: 340
    }
    Button {
        objectName: "replayOpenChosen"
        visible: recordingChoice.visible
        text: qsTr("Ouvrir")
        onClicked: bar.replay.openFile(bar.replay.recordings[recordingChoice.currentIndex].file)
    }
    Button {
        objectName: "replayPlay"
        visible: bar.replay.open
        text: bar.replay.playing ? qsTr("❚❚ Pause (P)") : qsTr("▶ Lecture (P)")
        onClicked: bar.replay.togglePlay()
    }
    Button {
        visible: bar.replay.open
        text: qsTr("◀ site ([)")
        onClicked: bar.replay.previousSegment()
    }
    Slider {
        objectName: "replayPosition"
        visible: bar.replay.open
        Layout.fillWidth: true
        from: 0
        to: Math.max(0.1, bar.replay.duration)
        value: bar.replay.position
        onMoved: bar.replay.seek(value)
    }
    Button {
        visible: bar.replay.open
        text: qsTr("site (]) ▶")
        onClicked: bar.replay.nextSegment()
    }
    Label {
        visible: bar.replay.open
        color: "#e8eef3"
        text: TimeFormat.waiting(Math.floor(bar.replay.position)) + " / "
              + TimeFormat.waiting(Math.floor(bar.replay.duration))
              + (bar.replay.siteLabel !== "" ? "  ·  " + bar.replay.siteLabel : "")
    }
    CheckBox {
        objectName: "replayHalfSpeed"
        visible: bar.replay.open
        text: qsTr("½ vitesse")
        checked: bar.replay.halfSpeed
        onToggled: bar.replay.halfSpeed = checked
        palette.windowText: "#e8eef3"
    }
    CheckBox {
        objectName: "replayLoop"
        visible: bar.replay.open
        text: qsTr("Boucle (L)")
        checked: bar.replay.looping
        onToggled: bar.replay.toggleLoop()
        palette.windowText: "#e8eef3"
    }
    Button {
        visible: bar.replay.open
        text: qsTr("Fermer")
        onClicked: bar.replay.close()
    }
    Label {
        visible: bar.replay.errorString !== ""
        text: bar.replay.errorString
        color: "#ff8080"
    }
}
