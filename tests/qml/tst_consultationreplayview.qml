import QtQuick
import QtTest
import Telecabine.Ui

Item {
    id: root
    width: 1280
    height: 720

    // A stand-in for ReviewReplayController: the same properties and calls.
    QtObject {
        id: fakeReplay
        property bool loading: false
        property real loadingProgress: 1
        property bool open: true
        property bool playing: false
        property real speed: 1
        property real position: 0
        property real begin: -420
        property real duration: 960
        property string errorString: ""
        property string recordId: "S-review-0001"
        property var items: [
            { label: "arrivée en cabine", lane: "milestones", id: "checkin", kind: "checkin", from: -420, to: -420 },
            { label: "prise en charge", lane: "milestones", id: "claim", kind: "claim", from: -60, to: -60 },
            { label: "début", lane: "milestones", id: "start", kind: "start", from: 0, to: 0 },
            { label: "Température 38,4 Cel", lane: "measurements", id: "m-1", kind: "8310-5", from: 180, to: 180 },
            { label: "foyer aortique", lane: "auscultations", id: "steth-aortic-1.flac", kind: "aortic", from: 300, to: 312 },
            { label: "photo", lane: "stills", id: "still-1.png", kind: "", from: 420, to: 420 },
            { label: "pertes de paquets", lane: "incidents", id: "incident-1", kind: "loss_burst", from: 600, to: 620 },
            { label: "fin", lane: "milestones", id: "end", kind: "end", from: 960, to: 960 }
        ]
        property var auscultation: ({})
        property var vitals: []
        property string still: ""
        property var incidents: []
        property var calls: []
        function togglePlay() { playing = !playing; calls = calls.concat(["toggle"]) }
        function seek(s) { position = Math.max(0, Math.min(duration, s)); calls = calls.concat(["seek " + Math.round(position)]) }
        function jump(lane, forward) { calls = calls.concat(["jump " + lane + " " + forward]) }
    }

    Component {
        id: uut
        ConsultationReplayView {
            anchors.fill: parent
            replay: fakeReplay
        }
    }

    TestCase {
        name: "ConsultationReplayView"
        when: windowShown

        function init() {
            fakeReplay.calls = []
            fakeReplay.position = 0
            fakeReplay.playing = false
            fakeReplay.speed = 1
            fakeReplay.loading = false
        }

        function test_every_item_sits_on_its_lane_in_time_order() {
            const view = createTemporaryObject(uut, root)
            waitForRendering(view)
            const aortic = findChild(view, "timeline_steth-aortic-1.flac")
            const incident = findChild(view, "timeline_incident-1")
            const still = findChild(view, "timeline_still-1.png")
            verify(aortic && incident && still)
            verify(aortic.x < still.x && still.x < incident.x)
            verify(incident.width > 6) // a span, not a tick
        }

        function test_keyboard_drives_the_replay() {
            const view = createTemporaryObject(uut, root)
            view.forceActiveFocus()
            keyClick(Qt.Key_Space)
            verify(fakeReplay.playing)
            keyClick(Qt.Key_Right)
            compare(fakeReplay.position, 5)
            keyClick(Qt.Key_BracketRight)
            keyClick(Qt.Key_PageDown)
            keyClick(Qt.Key_3)
            compare(fakeReplay.speed, 2)
            compare(fakeReplay.calls, ["toggle", "seek 5", "jump auscultations true", "jump incidents true"])
        }

        function test_a_click_on_an_item_seeks_to_it() {
            const view = createTemporaryObject(uut, root)
            waitForRendering(view)
            mouseClick(findChild(view, "timeline_incident-1"))
            compare(fakeReplay.position, 600)
        }

        function test_opening_shows_its_progress_and_the_controls_wait() {
            fakeReplay.loading = true
            fakeReplay.loadingProgress = 0.5
            const view = createTemporaryObject(uut, root)
            const bar = findChild(view, "replayLoading")
            verify(bar.visible)
            compare(bar.value, 0.5)
            verify(!findChild(view, "replayToggle").enabled)
        }

        function test_the_moment_shows_its_auscultation_vitals_and_incidents() {
            fakeReplay.position = 305
            fakeReplay.auscultation = { label: "foyer aortique", id: "steth-aortic-1.flac" }
            fakeReplay.vitals = [{ display: "Température", value: 38.4, unit: "Cel", at: 180 }]
            fakeReplay.incidents = [{ kind: "loss_burst", label: "pertes de paquets", description: "Pertes réseau jusqu'à 12 %" }]
            const view = createTemporaryObject(uut, root)
            waitForRendering(view)
            verify(findChild(view, "replayAuscultation").text.indexOf("foyer aortique") >= 0)
            verify(findChild(view, "replayIncident").text.indexOf("pertes de paquets") >= 0)
            fakeReplay.auscultation = ({})
            fakeReplay.vitals = []
            fakeReplay.incidents = []
        }
    }
}
