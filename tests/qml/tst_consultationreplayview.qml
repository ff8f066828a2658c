import QtQuick
import QtTest
import Telecabine.Ui

Item {
    id: root
    width: 1280
    height: 720

    FakeReplay {
        id: fakeReplay
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
            verify(findChild(view, "timeline_R-1")) // the signed documents on their lane
        }

        function test_the_strips_are_the_replays_and_a_document_on_the_timeline_is_chosen() {
            fakeReplay.strips = []
            const view = createTemporaryObject(uut, root)
            compare(fakeReplay.strips, ["ecg", "pleth"])
            verify(findChild(view, "replayEcg").visible)
            const spy = createTemporaryQmlObject("import QtTest; SignalSpy { signalName: \"itemActivated\" }", root)
            spy.target = view
            waitForRendering(view)
            mouseClick(findChild(view, "timeline_R-1"))
            compare(spy.count, 1)
            compare(spy.signalArguments[0][0].id, "R-1")
            compare(fakeReplay.position, 930)
            // By keyboard: D the next document, Shift+D the one before.
            view.forceActiveFocus()
            fakeReplay.seek(100)
            keyClick(Qt.Key_D)
            compare(fakeReplay.position, 840)
            compare(spy.signalArguments[1][0].id, "7KQM-2W9D")
            keyClick(Qt.Key_D)
            compare(fakeReplay.position, 930)
            keyClick(Qt.Key_D, Qt.ShiftModifier)
            compare(fakeReplay.position, 840)
            compare(spy.count, 4)
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

        function test_opening_shows_its_progress_and_the_replay_can_already_play() {
            fakeReplay.loading = true
            fakeReplay.loadingProgress = 0.5
            const view = createTemporaryObject(uut, root)
            const bar = findChild(view, "replayLoading")
            verify(bar.visible)
            compare(bar.value, 0.5)
            const toggle = findChild(view, "replayToggle")
            verify(toggle.enabled)
            mouseClick(toggle)
            verify(fakeReplay.playing)
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
