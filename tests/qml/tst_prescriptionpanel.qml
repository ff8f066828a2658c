import QtQuick
import QtTest
import Telecabine.Ui
import Telecabine.States

Item {
    id: root
    width: 800
    height: 560

    // A stand-in for PrescriptionEditor: a draft in its JSON form, issues by path.
    QtObject {
        id: fakeEditor
        property int revision: 0
        property var draft: ({ "/patient/familyName": "", "/patient/givenName": "Paul", "/lines/0/dci": "amoxicilline" })
        property var issuesByPath: ({ "/patient/familyName": "Mention obligatoire manquante : nom du patient" })
        property var lines: [{ index: 0, kind: "medication", text: "amoxicilline 500 mg, gélule", hasError: false }]
        // PrescriptionValidation
        property QtObject validation: QtObject {
            property var issues: []
            property int errorCount: 1
            property int warningCount: 0
            property bool valid: false
        }
        property bool open: true
        property int signingState: SigningState.Unsigned
        property string idText: "7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH"
        property string signText: ""
        // PrescriptionVocabulary
        property QtObject vocabulary: QtObject {
            property var doseUnits: [{ code: "{capsule}", label: "gélule" }, { code: "mg", label: "mg" }]
            property var forms: []
            property var routes: []
            property var durationUnits: [{ code: "d", label: "jours" }]
            property var nonSubstitutionReasons: [{ code: "MTE", label: "MTE" }]
        }
        property var setCalls: []
        property var signCalls: []
        property var added: []
        property var preview: null
        property QtObject signing: QtObject {
            property var choices: [
                { key: "file", kind: "file", label: "Certificat du poste (fichier PKCS#12)", detail: "doctor.p12", secretLabel: "Phrase secrète de votre identité de signature :" },
                { key: "pkcs11:token=CPS-TEST;id=%01;type=private", kind: "token", label: "Carte « CPS-TEST » — Dr Claire Martin", detail: "certificat valable jusqu'au 01/12/2029", secretLabel: "Code PIN de la carte :" }]
            property string tokenStatus: ""
            property int refreshes: 0
            function refresh() { refreshes++ }
        }
        function value(path) { return draft[path] !== undefined ? draft[path] : null }
        function setValue(path, v) { setCalls = setCalls.concat([[path, v]]); revision++ }
        function issueAt(path) { return issuesByPath[path] !== undefined ? issuesByPath[path] : "" }
        function searchDci(prefix) { return prefix.length >= 3 ? [{ dci: "paracétamol", forms: ["comprimé"], strengths: ["500 mg", "1 g"] }] : [] }
        function addMedication(dci) { added = added.concat([dci]) }
        function addNonDrug(kind) { added = added.concat([kind]) }
        function removeLine(i) {}
        function setPreviewSurface(s) { preview = s }
        function sign(secret, key) { signCalls = signCalls.concat([[secret, key]]); return true }
        function send() { return true }
        function amend() {}
    }
    QtObject {
        id: fakeDelivery
        property int state: DeliveryState.Failed
        property string statusText: "Échec de l'impression"
        property string reasonText: "plus de papier"
        property bool canRetry: true
        property double progress: 1
        property int retries: 0
        function retry() { retries++ }
    }

    Component {
        id: uut
        PrescriptionPanel {
            anchors.fill: parent
            editor: fakeEditor
            delivery: fakeDelivery
        }
    }

    // The panel as wide as the console leaves it beside the patient at 1280 px, and narrower.
    Component {
        id: narrowUut
        PrescriptionPanel {
            width: 720
            height: 560
            editor: fakeEditor
            delivery: fakeDelivery
        }
    }

    TestCase {
        name: "PrescriptionPanel"
        when: windowShown

        function test_issue_is_shown_at_its_field() {
            const panel = createTemporaryObject(uut, root)
            const issue = findChild(panel, "issue:/patient/familyName")
            verify(issue.visible)
            compare(issue.text, "⚠ Mention obligatoire manquante : nom du patient")
            verify(!findChild(panel, "issue:/patient/givenName").visible)
            compare(findChild(panel, "field:/patient/givenName").text, "Paul")
            compare(findChild(panel, "issueSummary").text, "À corriger : 1")
            // Not valid: nothing can be signed yet.
            verify(!findChild(panel, "signButton").enabled)
            compare(fakeEditor.preview, findChild(panel, "ordonnancePreview"))
        }

        function test_fields_wrap_inside_a_narrow_column() {
            for (const width of [720, 600, 540]) {
                const panel = createTemporaryObject(narrowUut, root, { width: width })
                waitForRendering(panel)
                const scroll = findChild(panel, "editorScroll")
                verify(scroll.width > 200)
                for (const name of ["field:/patient/familyName", "field:/patient/givenName",
                                    "field:/patient/birthDate", "field:/patient/weightKg",
                                    "field:/patient/heightCm", "field:/lines/0/dci",
                                    "field:/lines/0/dosage/dose/value", "doseUnit_0",
                                    "field:/lines/0/renewals", "dciSearch", "addLaboratory",
                                    "addImaging", "addReferral", "field:/prescriber/address/lines/0",
                                    "field:/prescriber/email", "issueSummary", "prescriptionId"]) {
                    const item = findChild(panel, name)
                    verify(item !== null, name)
                    const at = item.mapToItem(scroll, 0, 0)
                    verify(at.x >= 0 && at.x + item.width <= scroll.width + 0.5,
                           name + " spans " + at.x + ".." + (at.x + item.width) + " in a column of "
                           + scroll.width + " at a panel width of " + width)
                }
            }
        }

        function test_summary_follows_its_text_inside_the_column() {
            const panel = createTemporaryObject(narrowUut, root, { width: 600 })
            const scroll = findChild(panel, "editorScroll")
            const summary = findChild(panel, "issueSummary")
            for (const [errors, warnings, text] of [[0, 0, "✓ complète"], [0, 2, "Avertissements : 2"],
                                                    [12, 0, "À corriger : 12"], [0, 0, "✓ complète"]]) {
                fakeEditor.validation.errorCount = errors
                fakeEditor.validation.warningCount = warnings
                compare(summary.text, text)
                waitForRendering(panel)
                const at = summary.mapToItem(scroll, 0, 0)
                verify(summary.width >= summary.implicitWidth - 0.5, text + " is cut")
                verify(at.x >= 0 && at.x + summary.width <= scroll.width + 0.5,
                       text + " spans " + at.x + ".." + (at.x + summary.width) + " in " + scroll.width)
            }
            fakeEditor.validation.errorCount = 1
            fakeEditor.validation.warningCount = 0
        }

        function test_typed_value_goes_to_its_path() {
            const panel = createTemporaryObject(uut, root)
            const field = findChild(panel, "field:/patient/familyName")
            field.forceActiveFocus()
            field.text = "Durand"
            field.editingFinished()
            compare(fakeEditor.setCalls[fakeEditor.setCalls.length - 1], ["/patient/familyName", "Durand"])
        }

        function test_dci_autocompletion_adds_a_line() {
            const panel = createTemporaryObject(uut, root)
            const search = findChild(panel, "dciSearch")
            search.text = "para"
            const suggestions = findChild(panel, "dciSuggestions")
            tryCompare(suggestions, "count", 1)
            search.accepted()
            compare(fakeEditor.added, ["paracétamol"])
        }

        function test_passphrase_prompt_signs_and_print_failure_can_be_retried() {
            fakeEditor.validation.valid = true
            const panel = createTemporaryObject(uut, root)
            const sign = findChild(panel, "signButton")
            verify(sign.enabled)
            const dialog = findChild(panel, "passphraseDialog")
            // An expired card is offered but not preferred.
            const valid = fakeEditor.signing.choices
            fakeEditor.signing.choices = [valid[0], Object.assign({}, valid[1], { expired: true })]
            mouseClick(sign)
            tryCompare(dialog, "opened", true)
            compare(findChild(panel, "signingChoice").currentIndex, 0)
            dialog.reject()
            tryCompare(dialog, "visible", false)
            fakeEditor.signing.choices = valid
            fakeEditor.signing.refreshes = 0
            mouseClick(sign)
            tryCompare(dialog, "opened", true)
            // The card is offered first, with its PIN; the doctor may take the identity file.
            compare(fakeEditor.signing.refreshes, 1)
            compare(findChild(panel, "secretLabel").text, "Code PIN de la carte :")
            const choice = findChild(panel, "signingChoice")
            compare(choice.currentIndex, 1)
            findChild(panel, "passphrase").text = "4321"
            dialog.accept()
            tryCompare(fakeEditor, "signCalls", [["4321", "pkcs11:token=CPS-TEST;id=%01;type=private"]])
            tryCompare(dialog, "visible", false)
            tryCompare(sign, "enabled", true)
            mouseClick(sign)
            tryCompare(dialog, "opened", true)
            choice.activated(0)
            compare(findChild(panel, "secretLabel").text, "Phrase secrète de votre identité de signature :")
            findChild(panel, "passphrase").text = "telecabine"
            dialog.accept()
            tryVerify(() => fakeEditor.signCalls.length === 2)
            compare(fakeEditor.signCalls[1], ["telecabine", "file"])
            // The cabin's printer said why it failed; the doctor can try again.
            compare(findChild(panel, "deliveryText").text, "Échec de l'impression — plus de papier")
            mouseClick(findChild(panel, "retryButton"))
            compare(fakeDelivery.retries, 1)
            fakeEditor.validation.valid = false
        }

        function test_form_is_locked_while_signing_and_once_signed() {
            fakeEditor.validation.valid = true
            const panel = createTemporaryObject(uut, root)
            const sign = findChild(panel, "signButton")
            const field = findChild(panel, "field:/patient/givenName")
            verify(sign.enabled)
            verify(field.enabled)
            // The card is signing on its thread: the doctor sees it, and what is being signed
            // cannot change under the signature.
            fakeEditor.signingState = SigningState.Signing
            fakeEditor.signText = "Signature en cours…"
            verify(!sign.enabled)
            verify(!field.enabled)
            verify(!findChild(panel, "dciSearch").enabled)
            compare(findChild(panel, "signText").text, "Signature en cours…")
            fakeEditor.signingState = SigningState.Signed
            verify(!field.enabled)
            verify(findChild(panel, "sendButton").visible)
            fakeEditor.signingState = SigningState.Unsigned
            verify(field.enabled)
            fakeEditor.signText = ""
            fakeEditor.validation.valid = false
        }
    }
}
