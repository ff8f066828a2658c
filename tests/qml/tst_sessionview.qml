import QtQuick
import QtTest
import Telecabine.Ui

Item {
    id: root
    width: 1280
    height: 800

    // A stand-in for SessionController with the same properties.
    QtObject {
        id: fakeSession
        property string state: "active"
        property string errorString: ""
        property bool cabinConnected: true
        property int durationSeconds: 125
        property string endReasonText: ""
        property string endedBy: ""
        property string reason: "Essoufflement inhabituel à l'effort"
        property int age: 72
        property string sex: "Femme"
        property bool urgent: true
        property bool guardianPresent: false
        property string operatorText: "infirmier·e"
        property string consentText: "recueilli oralement"
        property var instruments: ["Stéthoscope", "ECG"]
        property string siteName: "Gare de Nevers"
        property string siteCode: "FR-NEV-GARE-01"
        property string openingHours: "Mo-Sa 07:00-21:00"
        property string cabinName: "Cabine gare de Nevers"
        property int waitedMinutes: 4
        property string mediaState: "connected"
        property string mediaText: "Média chiffré : connecté · 100 paquets/s"
        property var endCalls: []
        function end(reason, note) { endCalls = endCalls.concat([[reason, note]]) }
        function dismiss() { state = "idle" }
    }

    Component {
        id: uut
        SessionView {
            anchors.fill: parent
            session: fakeSession
        }
    }

    TestCase {
        name: "SessionView"
        when: windowShown

        function init() {
            fakeSession.state = "active"
            fakeSession.endCalls = []
            fakeSession.cabinConnected = true
        }

        function test_active_session_shows_patient_and_duration() {
            const view = createTemporaryObject(uut, root)
            compare(findChild(view, "patientTitle").text, "Femme, 72 ans")
            compare(findChild(view, "sessionState").text, "En consultation  ·  02:05")
            verify(findChild(view, "endButton").visible)
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
            fakeSession.state = "ended"
            fakeSession.endReasonText = "Consultation terminée"
            fakeSession.endedBy = "par vous"
            const view = createTemporaryObject(uut, root)
            verify(findChild(view, "endedSummary").visible)
            verify(!findChild(view, "endButton").visible)
        }
    }
}
