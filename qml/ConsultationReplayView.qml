import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Window
import Telecabine.Media
import "TimeFormat.js" as TimeFormat

// A whole consultation replayed on one timeline (a ReviewReplayController): the milestones, the
// stethoscope recordings (heard with the live filter and gain), the measurements, the stills and
// the technical incidents laid over the same time axis; play/pause, seek, 0.5x/1x/2x, and the
// keyboard throughout: Space play/pause, ←/→ 5 s, [ and ] the previous/next auscultation,
// Page Up/Down the previous/next incident, D/Shift+D the next/previous signed document, 1/2/3 the
// speeds. The ECG and pleth strips show the
// 25 mm/s window ending at the playhead, in the screen's millimetres; the signed documents sit
// on their own lane (itemActivated tells the page which one was chosen).
FocusScope {
    id: view
    // A ReviewReplayController.
    required property var replay
    property bool active: visible
    // Screen.pixelDensity is 0 before the window is known (and on some virtual displays).
    readonly property real pixelsPerMm: Screen.pixelDensity > 0 ? Screen.pixelDensity : 96 / 25.4
    signal itemActivated(var item)
    property var stripsOf: null // the replay the strips were given to
    function attachStrips() {
        if (view.stripsOf === view.replay)
            return
        view.stripsOf = view.replay
        view.replay.setEcgStrip(ecgStrip)
        view.replay.setPlethStrip(plethStrip)
    }
    Component.onCompleted: attachStrips()
    onReplayChanged: attachStrips()
    readonly property var lanes: [
        { lane: "milestones", title: qsTr("Jalons") },
        { lane: "auscultations", title: qsTr("Auscultations") },
        { lane: "measurements", title: qsTr("Mesures") },
        { lane: "stills", title: qsTr("Photos") },
        { lane: "incidents", title: qsTr("Incidents techniques") },
        { lane: "documents", title: qsTr("Documents signés") }
    ]
    // Six lanes stay compact, so that the strips at their physical size fit under them at 1280×800.
    readonly property int laneHeight: 28
    readonly property real span: Math.max(1, replay.duration - replay.begin)
    function xOf(seconds, width) { return (seconds - replay.begin) / span * width }
    // Axis ticks every 30 s to 10 min, at most about ten, from the session's start both ways.
    readonly property var ticks: {
        const steps = [30, 60, 120, 300, 600]
        let step = steps[steps.length - 1]
        for (const s of steps) {
            if (span / s <= 10) { step = s; break }
        }
        const out = []
        for (let t = Math.ceil(replay.begin / step) * step; t <= replay.duration; t += step)
            out.push(t)
        return out
    }

    Shortcut { sequence: "Space"; enabled: view.active && view.replay.open; onActivated: view.replay.togglePlay() }
    Shortcut { sequence: "Left"; enabled: view.active && view.replay.open; onActivated: view.replay.seek(view.replay.position - 5) }
    Shortcut { sequence: "Right"; enabled: view.active && view.replay.open; onActivated: view.replay.seek(view.replay.position + 5) }
    Shortcut { sequence: "["; enabled: view.active && view.replay.open; onActivated: view.replay.jump("auscultations", false) }
    Shortcut { sequence: "]"; enabled: view.active && view.replay.open; onActivated: view.replay.jump("auscultations", true) }
    Shortcut { sequence: "PgUp"; enabled: view.active && view.replay.open; onActivated: view.replay.jump("incidents", false) }
    Shortcut { sequence: "PgDown"; enabled: view.active && view.replay.open; onActivated: view.replay.jump("incidents", true) }
    Shortcut { sequence: "1"; enabled: view.active && view.replay.open; onActivated: view.replay.speed = 0.5 }
    Shortcut { sequence: "2"; enabled: view.active && view.replay.open; onActivated: view.replay.speed = 1 }
    Shortcut { sequence: "3"; enabled: view.active && view.replay.open; onActivated: view.replay.speed = 2 }
    Shortcut { sequence: "D"; enabled: view.active && view.replay.open; onActivated: view.jumpDocument(true) }
    Shortcut { sequence: "Shift+D"; enabled: view.active && view.replay.open; onActivated: view.jumpDocument(false) }

    // The next (or previous) signed document from the playhead: there, and chosen.
    function jumpDocument(forward) {
        const documents = view.replay.items.filter(i => i.lane === "documents").sort((a, b) => a.from - b.from)
        const now = view.replay.position
        const target = forward ? documents.find(d => d.from > now + 0.5)
                               : documents.reverse().find(d => d.from < now - 0.5)
        if (target !== undefined) {
            view.itemActivated(target)
            view.replay.seek(Math.max(0, target.from))
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        // Opening: the recordings are decoded meanwhile; the replay may already play.
        RowLayout {
            visible: view.replay.loading
            Layout.fillWidth: true
            Label {
                text: qsTr("Préparation des enregistrements…")
                color: Theme.text
                font.pixelSize: Theme.fontBody
            }
            ProgressBar {
                objectName: "replayLoading"
                Layout.fillWidth: true
                from: 0
                to: 1
                value: view.replay.loadingProgress
            }
        }
        Label {
            visible: view.replay.errorString !== ""
            text: view.replay.errorString
            color: Theme.urgent
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        // The controls.
        RowLayout {
            spacing: 8
            Layout.fillWidth: true
            Button {
                objectName: "replayToggle"
                enabled: view.replay.open
                text: view.replay.playing ? qsTr("❚❚ Pause (Espace)") : qsTr("▶ Lecture (Espace)")
                onClicked: view.replay.togglePlay()
            }
            Repeater {
                model: [0.5, 1, 2]
                delegate: Button {
                    required property real modelData
                    objectName: "replaySpeed_" + modelData
                    checkable: true
                    checked: view.replay.speed === modelData
                    text: (modelData === 0.5 ? "½" : modelData) + "×"
                    onClicked: view.replay.speed = modelData
                    Accessible.name: qsTr("vitesse %1").arg(modelData)
                }
            }
            Label {
                objectName: "replayClock"
                text: TimeFormat.waiting(Math.floor(Math.max(0, view.replay.position))) + " / "
                      + TimeFormat.waiting(Math.floor(view.replay.duration))
                color: Theme.text
                font.pixelSize: Theme.fontBody
                font.family: "monospace"
            }
            Item { Layout.fillWidth: true }
        }
        Label {
            Layout.fillWidth: true
            elide: Text.ElideRight
            text: qsTr("Espace lecture · ←/→ 5 s · [ ] auscultations · Pg↑/Pg↓ incidents · D/Maj+D documents · 1 2 3 vitesse")
            color: Theme.muted
            font.pixelSize: Theme.fontSmall
        }

        // The timeline: one row per lane, the playhead across them; a click seeks.
        Rectangle {
            id: timeline
            Layout.fillWidth: true
            Layout.preferredHeight: view.lanes.length * view.laneHeight + 30
            color: Theme.surface
            border.color: Theme.border
            radius: Theme.radius
            readonly property real trackWidth: width - 158

            // Before the media flowed (check-in, waiting, claim): shaded.
            Rectangle {
                x: 154
                y: 1
                width: view.xOf(0, timeline.trackWidth)
                height: parent.height - 2
                color: Theme.chip
            }
            Repeater {
                model: view.ticks
                delegate: Label {
                    required property real modelData
                    x: 154 + view.xOf(modelData, timeline.trackWidth) - width / 2
                    y: timeline.height - height - 4
                    text: (modelData < 0 ? "−" : "") + TimeFormat.waiting(Math.abs(modelData))
                    color: Theme.muted
                    font.pixelSize: Theme.fontSmall - 2
                }
            }

            Column {
                id: laneColumn
                anchors.fill: parent
                anchors.margins: 4
                Repeater {
                    model: view.lanes
                    delegate: Item {
                        required property var modelData
                        width: laneColumn.width
                        height: view.laneHeight
                        Label {
                            id: laneTitle
                            width: 150
                            anchors.verticalCenter: parent.verticalCenter
                            text: modelData.title
                            color: Theme.muted
                            font.pixelSize: Theme.fontSmall
                        }
                        Item {
                            id: track
                            anchors.left: laneTitle.right
                            anchors.right: parent.right
                            height: parent.height
                            Rectangle {
                                anchors.verticalCenter: parent.verticalCenter
                                width: parent.width
                                height: 1
                                color: Theme.border
                            }
                            Repeater {
                                model: view.replay.items.filter(i => i.lane === modelData.lane)
                                delegate: Rectangle {
                                    required property var modelData
                                    readonly property bool instant: modelData.to === modelData.from
                                    objectName: "timeline_" + modelData.id
                                    x: view.xOf(modelData.from, track.width) - (instant ? 3 : 0)
                                    width: instant ? 6 : Math.max(6, view.xOf(modelData.to, track.width) - view.xOf(modelData.from, track.width))
                                    height: 18
                                    anchors.verticalCenter: parent.verticalCenter
                                    radius: 3
                                    color: modelData.lane === "incidents" ? Theme.urgent
                                         : modelData.lane === "auscultations" ? Theme.primary
                                         : modelData.lane === "documents" ? Theme.warning
                                         : modelData.lane === "milestones" ? Theme.muted : Theme.ok
                                    ToolTip.visible: itemMouse.containsMouse
                                    ToolTip.text: modelData.label
                                    MouseArea {
                                        id: itemMouse
                                        anchors.fill: parent
                                        hoverEnabled: true
                                        onClicked: {
                                            view.itemActivated(modelData)
                                            view.replay.seek(Math.max(0, modelData.from))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            MouseArea {
                anchors.fill: parent
                anchors.leftMargin: 154
                z: -1
                onClicked: mouse => view.replay.seek(view.replay.begin + mouse.x / width * view.span)
            }
            Rectangle {
                objectName: "playhead"
                x: 154 + view.xOf(view.replay.position, timeline.trackWidth)
                width: 2
                height: parent.height - 20
                color: Theme.text
            }
        }

        // What is on at the playhead.
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacing

            Rectangle {
                Layout.preferredWidth: view.width * 0.4
                Layout.fillHeight: true
                color: "#11181d"
                radius: Theme.radius
                Image {
                    objectName: "replayStill"
                    anchors.fill: parent
                    anchors.margins: 4
                    fillMode: Image.PreserveAspectFit
                    source: view.replay.still
                    asynchronous: true
                }
                Label {
                    anchors.centerIn: parent
                    visible: view.replay.still === ""
                    text: qsTr("Pas encore de photo à ce moment")
                    color: "#c9d3da"
                }
            }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: 6
                Label {
                    objectName: "replayAuscultation"
                    text: view.replay.auscultation.label !== undefined
                          ? qsTr("♥ Auscultation : %1").arg(view.replay.auscultation.label)
                          : qsTr("Pas d'auscultation à ce moment")
                    color: view.replay.auscultation.label !== undefined ? Theme.primary : Theme.muted
                    font.pixelSize: Theme.fontTitle
                }
                Label {
                    text: qsTr("Mesures prises jusqu'ici")
                    color: Theme.muted
                    font.pixelSize: Theme.fontSmall
                }
                Repeater {
                    model: view.replay.vitals
                    delegate: Label {
                        required property var modelData
                        //: A measurement: its name, value, unit and when it was taken.
                        text: qsTr("%1 : %2 %3  (%4)").arg(modelData.display)
                              .arg(modelData.value.toLocaleString(Qt.locale(), "f", 1))
                              .arg(modelData.unit).arg(TimeFormat.waiting(Math.floor(modelData.at)))
                        color: Theme.text
                        font.pixelSize: Theme.fontBody
                    }
                }
                // The strips at 25 mm/s, their right edge at the playhead; a lost stretch is a gap.
                Rectangle {
                    objectName: "replayEcg"
                    visible: view.replay.hasWaveforms
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.round(25 * view.pixelsPerMm)
                    color: "#fff6f6"
                    border.color: Theme.border
                    WaveformStrip {
                        id: ecgStrip
                        objectName: "replayEcgStrip"
                        anchors.fill: parent
                        anchors.margins: 1
                        mmPerSecond: 25
                        pixelsPerMm: view.pixelsPerMm
                    }
                    Label {
                        anchors.right: parent.right
                        anchors.top: parent.top
                        anchors.margins: 4
                        text: qsTr("ECG D II · 25 mm/s · 10 mm/mV")
                        font.pixelSize: Theme.fontSmall
                        color: "#7a2e2e"
                        background: Rectangle { color: "#ccfff6f6" }
                    }
                }
                Rectangle {
                    objectName: "replayPleth"
                    visible: view.replay.hasWaveforms
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.round(12 * view.pixelsPerMm)
                    color: "#f6fffb"
                    border.color: Theme.border
                    WaveformStrip {
                        id: plethStrip
                        objectName: "replayPlethStrip"
                        anchors.fill: parent
                        anchors.margins: 1
                        mmPerSecond: 25
                        pixelsPerMm: view.pixelsPerMm
                    }
                    Label {
                        anchors.right: parent.right
                        anchors.top: parent.top
                        anchors.margins: 4
                        text: qsTr("Pléthysmogramme")
                        font.pixelSize: Theme.fontSmall
                        color: "#0a7d6e"
                        background: Rectangle { color: "#ccf6fffb" }
                    }
                }
                Repeater {
                    model: view.replay.incidents
                    delegate: Label {
                        required property var modelData
                        objectName: "replayIncident"
                        text: "⚠ " + modelData.label + " — " + modelData.description
                        color: Theme.urgent
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
                Item { Layout.fillHeight: true }
            }
        }
    }
}
