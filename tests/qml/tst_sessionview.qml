import QtQuick
import QtTest
import Telecabine.Ui
import Telecabine.States
import Telecabine.Settings

Item {
    id: root
    width: 1280
    height: 800

    // A stand-in for SessionController with the same properties.
    QtObject {
        id: fakeSession
        property int state: SessionState.Active
        property string errorString: ""
        property bool cabinConnected: true
        property QtObject patient: QtObject {
            property bool known: true
            property string fullName: "MARTIN (née DUPONT) Jeanne Marie"
            property string birthText: "12/03/1955 · lieu de naissance 75056"
            property string insText: "2 55 03 75 056 078 66 (INS de test)"
            property int trust: IdentityTrust.Provisional
            property string trustText: "Identité provisoire (lue sur la carte Vitale, non vérifiée)"
            property bool correctable: true
            property string correctedText: ""
            property string errorString: ""
            property string birthName: "DUPONT"
            property string firstNames: "Jeanne Marie"
            property string birthDate: "1955-03-12"
            property var corrections: []
            function correct(field, value) { corrections = corrections.concat([[field, value]]); return true }
        }
        property QtObject summary: QtObject {
            property int durationSeconds: 125
            property string endReasonText: ""
            property string endedBy: ""
        }
        property QtObject visit: QtObject {
            property string reason: "Essoufflement inhabituel à l'effort"
            property int age: 72
            property string sex: "Femme"
            property bool urgent: true
            property bool guardianPresent: false
            property string operatorText: "infirmier·e"
            property string consentText: "recueilli oralement"
            property var instruments: ["Stéthoscope", "ECG"]
            property var instrumentCameras: []
            property string siteName: "Gare de Nevers"
            property string siteCode: "FR-NEV-GARE-01"
            property string openingHours: "Mo-Sa 07:00-21:00"
            property string cabinName: "Cabine gare de Nevers"
            property int waitedMinutes: 4
        }
        property QtObject media: QtObject {
            property int state: MediaState.Connected
            property string quality: "fair"
            property string text: "Liaison chiffrée : moyenne · 100 paquets/s"
            property string details: "DTLS-SRTP · AEAD_AES_128_GCM · perte réseau 3,1 % · tout récupéré"
            property int packetsPerSecond: 100
            property var streams: [{ name: "steth", outbound: false, ssrc: "5EE70001", payloadType: 96,
                                     packets: 1200, lossPercent: 3.1, recovered: 37, unrecovered: 0,
                                     jitterMs: 1.2, rttMs: 21 }]
            property string path: "relayé par turns:turn.telecabine.test:443 (TURN TLS)"
            property var incidents: [{ time: "14:02:11", text: "Chemin média : direct (réseau local)" },
                                     { time: "14:05:40", text: "Reconnexion : le chemin média a changé ou a été perdu" },
                                     { time: "14:05:41", text: "Chemin média : relayé par turns:turn.telecabine.test:443 (TURN TLS)" }]
        }
        property QtObject stethoscope: QtObject {
            property bool available: true
            property string outputText: ""
            property var outputs: ["Sortie audio par défaut du système", "Casque USB", "Aucune (enregistrement seul)"]
            property int output: 0
            property int mode: StethoscopeMode.Bell
            property double gainDb: 12
            property double volume: 0.8
            // StethoscopeMeter
            property QtObject meter: QtObject {
                property double levelDb: -14
                property bool clipping: false
                property var waveform: [-0.2, 0.3, -0.1, 0.1, -0.6, 0.7, -0.05, 0.05]
                property var spectrum: [0.9, 0.7, 0.5, 0.2, 0.1, 0.0]
                property var surfaces: []
                function setSurfaces(phonocardiogram, spectrogram) { surfaces = [phonocardiogram, spectrogram] }
            }
            property string site: "mitral"
            property string siteLabel: "foyer mitral"
            property string requestedSite: ""
            // StethoscopeRecording
            property QtObject recorder: QtObject {
                property bool recording: false
                property string file: ""
                property int seconds: 0
                property string errorString: ""
                function toggle() { recording = !recording }
            }
            property string errorString: ""
            property var requests: []
            function sites() { return ["aortic", "pulmonary", "tricuspid", "mitral"] }
            function labelOf(site) { return "foyer " + site }
            function requestSite(site) { requests = requests.concat([site]); requestedSite = site }
            function stepGain(delta) { gainDb = Math.max(0, Math.min(40, gainDb + delta)) }
        }
        property QtObject replay: QtObject {
            property bool available: true
            property bool open: false
            property bool playing: false
            property double position: 0
            property double duration: 12
            property bool halfSpeed: false
            property bool looping: false
            property string siteLabel: "foyer mitral"
            property var segments: []
            property string errorString: ""
            property var recordings: [{ file: "/data/S-1-20261206.flac", label: "06/12 14:43 · 12 s", recovered: false },
                                      { file: "/data/S-0-20261205.flac", label: "05/12 09:10 · 31 s · récupéré après un arrêt", recovered: true }]
            property string openedFile: ""
            function openLast() { open = true }
            function openFile(file) { openedFile = file; open = true }
            function close() { open = false }
            function togglePlay() { playing = !playing }
            function seek(s) { position = s }
            function toggleLoop() { looping = !looping }
            function nextSegment() { position = 6 }
            function previousSegment() { position = 0 }
        }
        property QtObject video: QtObject {
            property string mainStream: "room"
            property var streams: [{ name: "room", label: "Caméra de la salle", hasVideo: true, frozen: false }]
            signal snapshotTaken(string path)
            signal snapshotFailed(string message)
            function setSurface(name, surface) { surface.stream = name }
            function releaseSurface(surface) { surface.stream = "" }
            function snapshot(name) { return "" }
            function labelOf(name) { return name === "room" ? "Caméra de la salle" : name }
            function frozenSeconds(name) { return 0 }
        }
        property QtObject voice: QtObject {
            property bool available: true
            property bool microphoneOn: true
            property bool muted: false
            property double volume: 0.7
            property string microphoneText: ""
            property var microphones: ["Micro par défaut du système", "Micro USB", "Aucun (la cabine ne m'entend pas)"]
            property int microphone: 0
            function toggleMute() { muted = !muted }
        }
        // The doctor's camera (CameraController): the self-view and its switch.
        property QtObject camera: QtObject {
            property bool active: true
            property bool cameraOn: true
            property string text: ""
            property var selfView: null
            function setSelfView(surface) { selfView = surface }
            function toggleCamera() { cameraOn = !cameraOn }
        }
        property QtObject workspace: QtObject {
            property int current: Workspace.Stethoscope
            property var pendingInstruments: []
            function requestInstrument(name, start) {}
        }
        property var endCalls: []
        function end(reason, note) { endCalls = endCalls.concat([[reason, note]]) }
        function dismiss() { state = SessionState.Idle }
    }

    Component {
        id: uut
        SessionView {
            anchors.fill: parent
            session: fakeSession
        }
    }

    // The split the session screen remembers, as the view stores it.
    StoredValue {
        id: storedSplit
        key: "sessionView/workPaneFraction"
    }

    TestCase {
        name: "SessionView"
        when: windowShown

        function init() {
            fakeSession.state = SessionState.Active
            fakeSession.endCalls = []
            fakeSession.cabinConnected = true
            fakeSession.workspace.current = Workspace.Stethoscope
            fakeSession.camera.cameraOn = true
            storedSplit.reset() // each test starts from the default split, whatever ran before
        }

        // An item's rectangle in the view's coordinates.
        function rectIn(view, item) {
            const p = item.mapToItem(view, 0, 0)
            return Qt.rect(p.x, p.y, item.width, item.height)
        }
        function overlaps(a, b) {
            return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
        }

        function test_the_patients_picture_is_the_largest_thing_on_screen() {
            const view = createTemporaryObject(uut, root)
            waitForRendering(view)
            const main = rectIn(view, findChild(view, "mainView"))
            // 1280×800: the picture's frame, once 376×140 in the patient column, now beside the
            // working tabs, at least 560×300 (the 16:9 picture inside it at least 530×300).
            verify(main.width >= 560, "main view " + main.width + " px wide")
            verify(main.height >= 300, "main view " + main.height + " px high")
            // Wider and taller than anything in the working pane.
            const work = rectIn(view, findChild(view, "stethoscopePanel"))
            verify(main.width * main.height > 0.6 * work.width * work.height)
            // The patient's details stay on screen, above the picture.
            const header = rectIn(view, findChild(view, "patientHeader"))
            verify(header.y + header.height <= main.y)
            verify(findChild(view, "patientReason").visible)
            verify(findChild(view, "urgentBadge").visible)
            compare(findChild(view, "patientReason").text, "Essoufflement inhabituel à l'effort")
        }

        function test_self_view_never_covers_the_patient() {
            const view = createTemporaryObject(uut, root)
            waitForRendering(view)
            const selfView = findChild(view, "selfView")
            verify(selfView.visible)
            compare(fakeSession.camera.selfView, selfView) // the controller paints into it
            const main = rectIn(view, findChild(view, "mainView"))
            const self = rectIn(view, selfView)
            verify(!overlaps(main, self), "self-view " + JSON.stringify(self) + " over " + JSON.stringify(main))
            // C switches the doctor's camera, the button says which way.
            compare(findChild(view, "cameraButton").text, "Caméra allumée (C)")
            keyClick(Qt.Key_C)
            verify(!fakeSession.camera.cameraOn)
            compare(findChild(view, "cameraButton").text, "Caméra coupée (C)")
        }

        function test_split_is_dragged_and_remembered() {
            let view = createTemporaryObject(uut, root)
            waitForRendering(view)
            const pane = findChild(view, "workPane")
            const split = findChild(view, "sessionSplit")
            const before = pane.width
            verify(before >= 480)
            // The doctor drags the handle 150 px to the right: the picture grows less, the
            // working pane shrinks, and the fraction is stored when the handle is let go.
            const handle = findChild(split, "splitHandle")
            verify(handle !== null)
            // (mouseDrag adds the drag threshold to the distance.)
            mouseDrag(handle, handle.width / 2, handle.height / 2, -150, 0)
            tryVerify(() => pane.width >= before + 140, 2000, "pane " + pane.width)
            tryVerify(() => storedSplit.value > 0 && Math.abs(storedSplit.value - pane.width / split.width) < 0.01)
            const widened = pane.width
            view.destroy()
            wait(0)
            // The next session screen opens with the doctor's split.
            view = createTemporaryObject(uut, root)
            waitForRendering(view)
            const again = findChild(view, "workPane")
            tryVerify(() => Math.abs(again.width - widened) <= 2, 2000, "pane " + again.width)
        }

        function test_shortcut_help_opens_with_question_mark_and_closes_with_escape() {
            const view = createTemporaryObject(uut, root)
            waitForRendering(view)
            const help = view.shortcutHelp
            verify(!help.opened)
            keyClick(Qt.Key_Question, Qt.ShiftModifier)
            tryCompare(help, "opened", true)
            // Every key the session screen answers to is listed, with what it does.
            for (const key of ["F1", "F2", "F3", "F4", "C", "?", "1", "2", "3", "4", "↑ ↓", "R", "M",
                               "P", "L", "[ ]"]) {
                const entry = findChild(help.contentItem, "shortcut_" + key)
                verify(entry !== null, "no line for " + key)
                verify(entry.description.length > 3, "no words for " + key)
            }
            keyClick(Qt.Key_Escape)
            tryCompare(help, "opened", false)
            // The "?" button opens it too; its close button closes it.
            mouseClick(findChild(view, "helpButton"))
            tryCompare(help, "opened", true)
            mouseClick(findChild(help.contentItem, "shortcutHelpClose"))
            tryCompare(help, "opened", false)
            // The help is not in the way of the keys once closed.
            keyClick(Qt.Key_F2)
            compare(fakeSession.workspace.current, Workspace.Vitals)
        }

        function test_active_session_shows_patient_and_duration() {
            const view = createTemporaryObject(uut, root)
            compare(findChild(view, "patientTitle").text, "Femme, 72 ans")
            compare(findChild(view, "sessionState").text, "En consultation  ·  02:05")
            verify(findChild(view, "endButton").visible)
        }

        function test_media_panel_shows_quality_in_words_and_colour() {
            const view = createTemporaryObject(uut, root)
            const panel = findChild(view, "mediaPanel")
            verify(panel.visible)
            compare(findChild(view, "mediaText").text, "Liaison chiffrée : moyenne · 100 paquets/s")
            verify(findChild(view, "mediaDetails").text.indexOf("tout récupéré") >= 0)
            compare(String(findChild(view, "qualityDot").color), String(Theme.warning))
            verify(findChild(view, "streamList").visible) // not good: the figures show by themselves
            fakeSession.media.quality = "good"
            compare(String(findChild(view, "qualityDot").color), String(Theme.ok))
            verify(!findChild(view, "streamList").visible) // good: one click away
            mouseClick(findChild(view, "streamsToggle"))
            verify(findChild(view, "streamList").visible)
            fakeSession.media.state = MediaState.Disconnected
            compare(String(findChild(view, "qualityDot").color), String(Theme.urgent))
            fakeSession.media.state = MediaState.Connected
        }

        function test_media_panel_lists_the_incidents_and_opens_while_reconnecting() {
            const view = createTemporaryObject(uut, root)
            fakeSession.media.quality = "good"
            verify(!findChild(view, "incidentList").visible) // good: one click away
            fakeSession.media.state = MediaState.Reconnecting
            compare(String(findChild(view, "qualityDot").color), String(Theme.urgent))
            const list = findChild(view, "incidentList")
            fakeSession.media.state = MediaState.Connected
            fakeSession.media.quality = "fair"
            fakeSession.media.state = MediaState.Reconnecting
            verify(list.visible) // reconnecting: the timeline shows by itself
            let lines = []
            for (let i = 0; i < list.children.length; ++i) {
                if (list.children[i].text !== undefined)
                    lines.push(list.children[i].text)
            }
            compare(lines.length, 3)
            compare(lines[1], "14:05:40  Reconnexion : le chemin média a changé ou a été perdu")
            fakeSession.media.state = MediaState.Connected
        }

        function test_stethoscope_panel_from_the_keyboard() {
            const view = createTemporaryObject(uut, root)
            waitForRendering(view) // the split lays its panes out when the view is polished
            const panel = findChild(view, "stethoscopePanel")
            verify(panel.visible)
            // Everything fits inside the panel (nothing spills past its right edge), in the
            // working pane's default width at 1280×800.
            verify(panel.width >= 560, "panel " + panel.width)
            verify(findChild(view, "phonocardiogram").width <= panel.width - 24,
                   "phonocardiogram " + findChild(view, "phonocardiogram").width + " in " + panel.width)
            // The controller paints the phonocardiogram and the spectrogram into these two.
            compare(fakeSession.stethoscope.meter.surfaces.length, 2)
            compare(fakeSession.stethoscope.meter.surfaces[0], findChild(view, "phonocardiogram"))
            compare(fakeSession.stethoscope.meter.surfaces[1], findChild(view, "spectrogram"))
            verify(findChild(view, "spectrogram").stretch)
            compare(findChild(view, "siteLabel").text, "Placé : foyer mitral")
            fakeSession.stethoscope.mode = StethoscopeMode.Bell
            verify(findChild(view, "mode_bell").checked)
            keyClick(Qt.Key_2)
            compare(fakeSession.stethoscope.mode, StethoscopeMode.Diaphragm)
            keyClick(Qt.Key_4)
            compare(fakeSession.stethoscope.mode, StethoscopeMode.Raw)
            verify(findChild(view, "mode_raw").checked)
            verify(!findChild(view, "mode_bell").checked)
            mouseClick(findChild(view, "mode_extended"))
            compare(fakeSession.stethoscope.mode, StethoscopeMode.Extended)
            const before = fakeSession.stethoscope.gainDb
            keyClick(Qt.Key_Up)
            keyClick(Qt.Key_Up)
            compare(fakeSession.stethoscope.gainDb, before + 2)
            keyClick(Qt.Key_Down)
            compare(fakeSession.stethoscope.gainDb, before + 1)
            keyClick(Qt.Key_R)
            verify(fakeSession.stethoscope.recorder.recording)
            verify(findChild(view, "recordButton").text.indexOf("Arrêter") >= 0)
            keyClick(Qt.Key_R)
            verify(!fakeSession.stethoscope.recorder.recording)
            // A recording's failure shows before the cabin's refusal to move the stethoscope.
            fakeSession.stethoscope.errorString = "La cabine n'a pas pu placer le stéthoscope : foyer aortique"
            fakeSession.stethoscope.recorder.errorString = "Enregistrement impossible : disque plein"
            compare(findChild(view, "stethoscopeMessage").text, "Enregistrement impossible : disque plein")
            fakeSession.stethoscope.recorder.errorString = ""
            compare(findChild(view, "stethoscopeMessage").text, "La cabine n'a pas pu placer le stéthoscope : foyer aortique")
            fakeSession.stethoscope.errorString = ""
            mouseClick(findChild(view, "requestSite"))
            compare(fakeSession.stethoscope.requests.length, 1)
            verify(findChild(view, "siteLabel").text.indexOf("en attente") >= 0)
            fakeSession.stethoscope.requestedSite = ""
            fakeSession.stethoscope.meter.clipping = true
            compare(String(findChild(view, "clipLight").color), "#ff4d4f")
            fakeSession.stethoscope.meter.clipping = false
            // The recordings on this workstation, a recovered one among them, open from the list.
            const choice = findChild(view, "replayChoice")
            verify(choice.visible)
            compare(choice.count, 2)
            choice.currentIndex = 1
            verify(choice.displayText.indexOf("récupéré") >= 0)
            mouseClick(findChild(view, "replayOpenChosen"))
            verify(fakeSession.replay.open)
            compare(fakeSession.replay.openedFile, "/data/S-0-20261205.flac")
            fakeSession.replay.open = false
            // Replay of the last recording, from the keyboard once open.
            mouseClick(findChild(view, "replayOpen"))
            verify(fakeSession.replay.open)
            keyClick(Qt.Key_P)
            verify(fakeSession.replay.playing)
            keyClick(Qt.Key_L)
            verify(fakeSession.replay.looping)
            keyClick(Qt.Key_BracketRight)
            compare(fakeSession.replay.position, 6)
            fakeSession.replay.open = false
            fakeSession.replay.playing = false
            fakeSession.replay.looping = false
        }

        function test_microphone_is_chosen_in_the_panel() {
            const view = createTemporaryObject(uut, root)
            const picker = findChild(view, "microphonePicker")
            verify(picker.visible)
            verify(picker.enabled)
            compare(picker.count, 3)
            compare(picker.currentText, "Micro par défaut du système")
            fakeSession.voice.microphone = 1
            compare(picker.currentText, "Micro USB")
            picker.activated(2) // as a click on the last entry does
            compare(fakeSession.voice.microphone, 2)
            fakeSession.voice.microphone = 0
        }

        function test_work_tabs_follow_the_session_and_the_keys() {
            fakeSession.workspace.current = Workspace.Stethoscope
            const view = createTemporaryObject(uut, root)
            const tabs = findChild(view, "workTabs")
            compare(tabs.currentIndex, 0)
            keyClick(Qt.Key_F2)
            compare(fakeSession.workspace.current, Workspace.Vitals)
            compare(tabs.currentIndex, 1)
            fakeSession.workspace.current = Workspace.Stethoscope // the controller (the autopilot) may switch too
            compare(tabs.currentIndex, 0)
        }

        function test_ended_screen_uses_the_whole_width() {
            fakeSession.state = SessionState.Ended
            fakeSession.summary.endReasonText = "Consultation terminée"
            fakeSession.summary.endedBy = "par vous"
            const view = createTemporaryObject(uut, root)
            waitForRendering(view)
            verify(!findChild(view, "workPane").visible)
            const summary = rectIn(view, findChild(view, "endedSummary"))
            verify(summary.width >= view.width - 40, "summary " + summary.width + " of " + view.width)
        }

        function test_end_dialog_sends_the_chosen_reason() {
            const view = createTemporaryObject(uut, root)
            mouseClick(findChild(view, "endButton"))
            const dialog = view.endDialog
            tryCompare(dialog, "opened", true)
            const emergency = findChild(dialog.contentItem, "reason_referred_emergency")
            verify(emergency !== null)
            mouseClick(emergency)
            findChild(dialog.contentItem, "noteField").text = "douleur thoracique, 15 appelé"
            dialog.accept()
            compare(fakeSession.endCalls.length, 1)
            compare(fakeSession.endCalls[0][0], "referred_emergency")
            compare(fakeSession.endCalls[0][1], "douleur thoracique, 15 appelé")
        }

        function test_cancelled_dialog_does_not_end() {
            const view = createTemporaryObject(uut, root)
            view.endDialog.open()
            tryCompare(view.endDialog, "opened", true)
            view.endDialog.reject()
            compare(fakeSession.endCalls.length, 0)
        }

        function test_ended_summary() {
            fakeSession.state = SessionState.Ended
            fakeSession.summary.endReasonText = "Consultation terminée"
            fakeSession.summary.endedBy = "par vous"
            const view = createTemporaryObject(uut, root)
            verify(findChild(view, "endedSummary").visible)
            verify(!findChild(view, "endButton").visible)
        }
    }
}
