import QtQuick
import QtTest
import Telecabine.Ui

Item {
    id: root
    width: 960
    height: 640

    // A stand-in for VideoController: the same properties and calls; surfaces are the fake
    // VideoSurface from tests/qml/fakes, told which stream they show as the controller would.
    QtObject {
        id: fakeVideo
        property string mainStream: "room"
        property var streams: [{ name: "room", label: "Caméra de la salle", hasVideo: true },
                               { name: "otoscope", label: "Otoscope", hasVideo: false }]
        property var snapshots: []
        signal snapshotTaken(string path)
        signal snapshotFailed(string message)
        function setSurface(name, surface) { surface.stream = name }
        function releaseSurface(surface) { surface.stream = "" }
        function snapshot(name) {
            snapshots = snapshots.concat([name])
            return "/tmp/consultation/" + name + ".png"
        }
        property int frozenFor: 0
        function frozenSeconds(name) { return frozenFor }
        function labelOf(name) {
            return name === "room" ? "Caméra de la salle" : (name === "otoscope" ? "Otoscope" : "Dermatoscope")
        }
    }

    Component {
        id: uut
        VideoPanel {
            anchors.fill: parent
            video: fakeVideo
            instrumentCameras: ["otoscope", "dermatoscope"]
        }
    }

    // As wide as the session screen's card beside the patient.
    Component {
        id: narrowUut
        VideoPanel {
            width: 400
            height: 560
            video: fakeVideo
            instrumentCameras: ["otoscope", "dermatoscope"]
        }
    }

    SignalSpy { id: requests; signalName: "instrumentRequested" }

    TestCase {
        name: "VideoPanel"
        when: windowShown

        function init() {
            fakeVideo.mainStream = "room"
            fakeVideo.snapshots = []
            fakeVideo.frozenFor = 0
            fakeVideo.streams = [{ name: "room", label: "Caméra de la salle", hasVideo: true },
                                 { name: "otoscope", label: "Otoscope", hasVideo: false }]
            requests.clear()
        }

        function test_frozen_stream_is_marked_not_passed_off_as_live() {
            const panel = createTemporaryObject(uut, root)
            const main = findChild(panel, "mainSurface")
            const banner = findChild(panel, "mainFrozen")
            main.hasVideo = true
            verify(!banner.visible) // a moving picture has no banner
            fakeVideo.frozenFor = 3
            main.frozen = true
            verify(banner.visible)
            compare(banner.text, "⏸ Image figée depuis 3 s : la cabine n'envoie plus d'images")
            fakeVideo.frozenFor = 5
            tryCompare(banner, "text", "⏸ Image figée depuis 5 s : la cabine n'envoie plus d'images", 2500)
            main.frozen = false
            verify(!banner.visible)
            // A frozen thumbnail says so in words, not only in colour.
            fakeVideo.streams = [{ name: "room", label: "Caméra de la salle", hasVideo: true, frozen: false },
                                 { name: "otoscope", label: "Otoscope", hasVideo: true, frozen: true }]
            const thumb = findChild(panel, "thumbnail_otoscope")
            verify(thumb !== null)
            verify(findChild(thumb, "thumbnailLabel").text === "⏸ Otoscope (figée)")
        }

        function test_narrow_card_keeps_everything_inside() {
            for (const streams of [
                     [{ name: "room", label: "Caméra de la salle", hasVideo: true }],
                     [{ name: "room", label: "Caméra de la salle", hasVideo: true },
                      { name: "otoscope", label: "Otoscope", hasVideo: true }],
                     [{ name: "room", label: "Caméra de la salle", hasVideo: true },
                      { name: "otoscope", label: "Otoscope", hasVideo: true },
                      { name: "dermatoscope", label: "Dermatoscope", hasVideo: true }]]) {
                fakeVideo.streams = streams
                const panel = createTemporaryObject(narrowUut, root)
                waitForRendering(panel)
                const names = ["mainView", "instrument_otoscope", "instrument_dermatoscope"]
                    .concat(streams.slice(1).map(s => "thumbnail_" + s.name))
                for (const name of names) {
                    const item = findChild(panel, name)
                    verify(item !== null, name)
                    const at = item.mapToItem(panel, 0, 0)
                    verify(at.x >= 0 && at.x + item.width <= panel.width - 12 + 0.5,
                           name + " spans " + at.x + ".." + (at.x + item.width) + " in a card of "
                           + panel.width + " with " + streams.length + " stream(s)")
                }
            }
        }

        function test_thumbnail_click_makes_it_main() {
            const panel = createTemporaryObject(uut, root)
            const main = findChild(panel, "mainSurface")
            compare(main.stream, "room")
            verify(findChild(panel, "thumbnail_room") === null) // the main stream is not a thumbnail
            const thumb = findChild(panel, "thumbnail_otoscope")
            verify(thumb !== null)
            mouseClick(thumb)
            compare(fakeVideo.mainStream, "otoscope")
            compare(main.stream, "otoscope")
            tryVerify(() => findChild(panel, "thumbnail_room") !== null)
            verify(findChild(panel, "thumbnail_otoscope") === null)
            const room = findChild(panel, "thumbnail_room")
            tryVerify(() => room.width > 0 && room.height > 0) // laid out
            waitForItemPolished(room.parent)
            mouseClick(room)
            compare(fakeVideo.mainStream, "room")
            compare(main.stream, "room")
        }

        function test_placeholder_without_video() {
            const panel = createTemporaryObject(uut, root)
            const placeholder = findChild(panel, "mainPlaceholder")
            verify(placeholder.visible)
            compare(placeholder.text, "Pas de vidéo\nCaméra de la salle")
            const thumbPlaceholder = findChild(findChild(panel, "thumbnail_otoscope"), "thumbnailPlaceholder")
            verify(thumbPlaceholder.visible)
            compare(thumbPlaceholder.text, "Pas de vidéo")
            verify(!findChild(panel, "snapshotButton").enabled) // nothing to photograph
            findChild(panel, "mainSurface").hasVideo = true
            verify(!placeholder.visible)
            verify(findChild(panel, "mainLabel").visible)
        }

        function test_snapshot_of_the_main_stream() {
            const panel = createTemporaryObject(uut, root)
            findChild(panel, "mainSurface").hasVideo = true
            const button = findChild(panel, "snapshotButton")
            verify(button.enabled)
            mouseClick(button)
            compare(fakeVideo.snapshots, ["room"])
            compare(panel.lastSnapshot, "/tmp/consultation/room.png")
            fakeVideo.snapshotTaken(panel.lastSnapshot)
            compare(findChild(panel, "snapshotMessage").text, "Photo enregistrée")
        }

        function test_instrument_start_and_stop() {
            const panel = createTemporaryObject(uut, root)
            requests.target = panel
            const otoscope = findChild(panel, "instrument_otoscope")
            const dermatoscope = findChild(panel, "instrument_dermatoscope")
            compare(otoscope.text, "Arrêter l'otoscope") // it streams
            compare(dermatoscope.text, "Démarrer le dermatoscope")
            mouseClick(dermatoscope)
            mouseClick(otoscope)
            compare(requests.count, 2)
            compare(requests.signalArguments[0][0], "dermatoscope")
            compare(requests.signalArguments[0][1], true)
            compare(requests.signalArguments[1][0], "otoscope")
            compare(requests.signalArguments[1][1], false)
            panel.pendingInstruments = ["dermatoscope"]
            verify(!dermatoscope.enabled)
            compare(dermatoscope.text, "En attente de la cabine…")
        }
    }
}
