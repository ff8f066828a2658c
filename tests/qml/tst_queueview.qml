import QtQuick
import QtTest
import Telecabine.Ui

Item {
    id: root
    width: 1100
    height: 700

    ListModel { id: waiting }

    Component {
        id: uut
        QueueView {
            anchors.fill: parent
            queueModel: waiting
        }
    }

    SignalSpy { id: claimSpy; signalName: "claimRequested" }

    TestCase {
        name: "QueueView"
        when: windowShown

        function entry(id, urgent, seconds, reason) {
            return { visitId: id, reason: reason, age: 63, sex: "Femme", urgent: urgent,
                     siteName: "Gare de Nevers", cabinName: "Cabine 1", openingHours: "Mo-Fr",
                     waitingSeconds: seconds, operatorPresent: true, operatorRole: "infirmier·e",
                     guardianPresent: false, instruments: "ECG,Stéthoscope" }
        }

        // Delegates are created as the list lays out; wait for the one wanted.
        function card(view, id) {
            tryVerify(() => findChild(view, "queueCard_" + id) !== null, 3000, "card " + id)
            return findChild(view, "queueCard_" + id)
        }

        function init() {
            waiting.clear()
            claimSpy.clear()
        }

        function test_empty_state() {
            const view = createTemporaryObject(uut, root)
            const empty = findChild(view, "emptyState")
            verify(empty.visible)
            compare(empty.text, "Aucun patient en attente")
            waiting.append(entry("V-1", false, 10, "Toux"))
            tryCompare(empty, "visible", false)
        }

        function test_cards_in_model_order_with_urgent_text() {
            waiting.append(entry("V-URG", true, 754, "Palpitations depuis ce matin"))
            waiting.append(entry("V-2", false, 3725, "Renouvellement d'ordonnance"))
            waiting.append(entry("V-3", false, 5, "Mal de gorge"))
            const view = createTemporaryObject(uut, root)
            const list = findChild(view, "queueList")
            tryCompare(list, "count", 3)
            const first = card(view, "V-URG")
            const second = card(view, "V-2")
            verify(first.y < second.y, "the model's order is kept")
            // Urgency is spelled out, not only coloured.
            compare(findChild(first, "urgentBadge").text, "URGENT")
            verify(findChild(first, "urgentBadge").visible)
            verify(!findChild(second, "urgentBadge").visible)
            compare(findChild(first, "reason").text, "Palpitations depuis ce matin")
            // 754 s -> 12:34, 3725 s -> 1 h 02.
            compare(findChild(first, "waitingTime").text, "12:34")
            compare(findChild(second, "waitingTime").text, "1 h 02")
        }

        function test_claim_button_emits_the_visit_id() {
            waiting.append(entry("V-1", false, 60, "Toux"))
            waiting.append(entry("V-2", false, 30, "Fièvre"))
            const view = createTemporaryObject(uut, root)
            claimSpy.target = view
            const button = findChild(card(view, "V-2"), "claimButton")
            mouseClick(button)
            compare(claimSpy.count, 1)
            compare(claimSpy.signalArguments[0][0], "V-2")
        }

        function test_paused_doctor_cannot_claim() {
            waiting.append(entry("V-1", false, 60, "Toux"))
            const view = createTemporaryObject(uut, root, { canClaim: false })
            claimSpy.target = view
            const button = findChild(card(view, "V-1"), "claimButton")
            verify(!button.enabled)
            mouseClick(button)
            compare(claimSpy.count, 0)
        }

        function test_error_banner() {
            const view = createTemporaryObject(uut, root, { errorText: "Un autre médecin a déjà pris en charge ce patient." })
            verify(findChild(view, "errorBanner").visible)
        }
    }
}
