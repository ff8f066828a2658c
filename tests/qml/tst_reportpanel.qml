import QtQuick
import QtTest
import Telecabine.Ui
import Telecabine.States

Item {
    id: root
    width: 800
    height: 640

    // A stand-in for ReportEditor: sections by name, issues by path, calls recorded.
    QtObject {
        id: fakeEditor
        property int revision: 0
        property bool open: true
        property string idText: "7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH"
        property string errorString: ""
        property var sections: ({ motif: "Douleur thoracique", history: "", examination: "", conclusion: "", specialty: "", freeText: "" })
        property var issuesByPath: ({ "/conclusion": "conclusion à renseigner" })
        property var templates: [{ wire: "fever_ent", label: "Fièvre, symptômes ORL" }, { wire: "cough", label: "Toux, symptômes respiratoires" }]
        property var items: [
            { index: 0, text: "Pression systolique : 128 mmHg (10:42)", kind: "measurement", sourceId: "m-1", edited: false },
            { index: 1, text: "Auscultation, foyer aortique : enregistrement de 12 s (10:44)", kind: "recording", sourceId: "steth-aortic-1.flac", edited: true }]
        property int followUp: ReportFollowUp.None
        property QtObject validation: QtObject {
            property var issues: []
            property int issueCount: 1
            property bool valid: false
        }
        property QtObject signing: QtObject {
            property var choices: [{ key: "file", kind: "file", label: "Certificat du poste", detail: "doctor.p12", secretLabel: "Phrase secrète :" }]
            property string tokenStatus: ""
            function refresh() {}
        }
        property int signingState: SigningState.Unsigned
        property string signText: ""
        property bool patientCopy: false
        property var copyDelivery: null
        property var setCalls: []
        property var templateCalls: []
        property var shown: []
        property var itemCalls: []
        property var preview: null
        function value(name) { return sections[name] !== undefined ? sections[name] : "" }
        function setValue(name, text) { setCalls = setCalls.concat([[name, text]]); sections[name] = text; revision++ }
        function setItemText(i, text) { itemCalls = itemCalls.concat([[i, text]]) }
        function resetItemText(i) { itemCalls = itemCalls.concat([[i, null]]) }
        function issueAt(path) { return issuesByPath[path] !== undefined ? issuesByPath[path] : "" }
        function applyTemplate(wire, replaceTyped) {
            templateCalls = templateCalls.concat([[wire, replaceTyped]])
            return replaceTyped ? [] : ["motif"]
        }
        function showSource(i) { shown = shown.concat([i]) }
        function saveNow() {}
        function setPreviewSurface(s) { preview = s }
        function sign(secret, key) { return true }
        function amend() {}
        function sendPatientCopy() { return true }
    }

    Component {
        id: uut
        ReportPanel {
            anchors.fill: parent
            editor: fakeEditor
        }
    }

    TestCase {
        name: "ReportPanel"
        when: windowShown

        function init() {
            fakeEditor.followUp = ReportFollowUp.None
            fakeEditor.setCalls = []
            fakeEditor.templateCalls = []
            fakeEditor.shown = []
        }

        function test_issue_at_its_field_and_nothing_to_sign_yet() {
            const panel = createTemporaryObject(uut, root)
            const issue = findChild(panel, "issue:/conclusion")
            verify(issue.visible)
            compare(issue.text, "⚠ conclusion à renseigner")
            verify(!findChild(panel, "issue:/motif").visible)
            compare(findChild(panel, "reportIssueSummary").text, "À compléter : 1")
            verify(!findChild(panel, "reportSignButton").enabled)
            compare(fakeEditor.preview, findChild(panel, "reportPreview"))
        }

        function test_a_template_keeps_what_was_typed_unless_asked() {
            const panel = createTemporaryObject(uut, root)
            const apply = findChild(panel, "applyTemplate")
            verify(!apply.enabled) // no template chosen yet
            findChild(panel, "templatePicker").currentIndex = 0
            verify(apply.enabled)
            mouseClick(apply)
            compare(fakeEditor.templateCalls, [["fever_ent", false]])
            const kept = findChild(panel, "keptSections")
            verify(kept.visible)
            compare(kept.text, "Déjà rédigé, conservé : Motif")
            mouseClick(findChild(panel, "replaceTyped"))
            compare(fakeEditor.templateCalls[1], ["fever_ent", true])
            verify(!kept.visible)
        }

        function test_an_item_opens_its_act() {
            const panel = createTemporaryObject(uut, root)
            compare(findChild(panel, "examItemText_0").text, "Pression systolique : 128 mmHg (10:42)")
            compare(findChild(panel, "examSource_1").text, "Écouter")
            mouseClick(findChild(panel, "examSource_1"))
            compare(fakeEditor.shown, [1])
        }

        function test_follow_up_and_its_specialty() {
            const panel = createTemporaryObject(uut, root)
            const specialty = findChild(panel, "report:specialty:line")
            verify(!specialty.visible)
            fakeEditor.followUp = ReportFollowUp.Specialist
            tryVerify(() => specialty.visible)
        }

        function test_typing_is_written_through_for_the_autosave() {
            const panel = createTemporaryObject(uut, root)
            const history = findChild(panel, "report:history")
            history.forceActiveFocus()
            keyClick(Qt.Key_T)
            keyClick(Qt.Key_O)
            compare(fakeEditor.setCalls[fakeEditor.setCalls.length - 1], ["history", "to"])
        }
    }
}
