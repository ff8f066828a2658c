import QtQuick
import QtTest
import Telecabine.Ui
import Telecabine.States

Item {
    id: root
    width: 820
    height: 600

    // A stand-in for VitalsController: the same properties and calls.
    QtObject {
        id: fakeVitals
        property bool waveformsLive: true
        property string waveformText: "ECG et pléthysmogramme en direct"
        property string errorString: ""
        property var requests: []
        property var ecgStrip: null
        property var plethStrip: null
        property var readings: []
        function requestMeasurement(kind) { requests = requests.concat([kind]) }
        function setEcgStrip(strip) { ecgStrip = strip }
        function setPlethStrip(strip) { plethStrip = strip }
    }

    function bloodPressure(flag, symbol, flagText) {
        return { kind: "blood_pressure", title: "Tension artérielle", taken: true, pending: false,
                 statusText: "", ageText: "il y a 2 min", manual: false, quality: "good", qualityText: "",
                 values: [{ quantity: "systolic", label: "Pression systolique", shortLabel: "Systolique", valueText: "168", unit: "mmHg",
                            flag: flag, symbol: symbol, flagText: flagText, trend: [150, 162, 168] },
                          { quantity: "diastolic", label: "Pression diastolique", shortLabel: "Diastolique", valueText: "88", unit: "mmHg",
                            flag: VitalFlag.Normal, symbol: "", flagText: "normale", trend: [88] }] }
    }
    function notTaken(kind, title) {
        return { kind: kind, title: title, taken: false, pending: false, statusText: "", values: [] }
    }

    Component {
        id: uut
        VitalsPanel {
            anchors.fill: parent
            vitals: fakeVitals
        }
    }

    TestCase {
        name: "VitalsPanel"
        when: windowShown

        function init() {
            fakeVitals.requests = []
            fakeVitals.readings = [bloodPressure(VitalFlag.High, "↑", "↑ élevée"),
                                   notTaken("oximetry", "Oxymétrie"),
                                   notTaken("temperature", "Température")]
        }

        function test_flagged_value_shows_its_text_not_only_colour() {
            const panel = createTemporaryObject(uut, root)
            const value = findChild(panel, "value_systolic")
            compare(value.text, "168 mmHg")
            const flag = findChild(panel, "flag_systolic")
            verify(flag.visible)
            compare(flag.text, "↑ élevée")
            compare(String(flag.color), String(Theme.warning))
            // A normal value carries no flag label.
            verify(!findChild(panel, "flag_diastolic").visible)
            compare(findChild(panel, "age_blood_pressure").text, "il y a 2 min")
            // Critical: the same words, in bold and in the urgent colour.
            fakeVitals.readings = [bloodPressure(VitalFlag.CriticalHigh, "↑↑", "↑↑ critique")]
            const critical = findChild(panel, "flag_systolic")
            compare(critical.text, "↑↑ critique")
            verify(critical.font.bold)
            compare(String(critical.color), String(Theme.urgent))
        }

        // Each flag by its enum (Telecabine.States): words and colour for the abnormal ones, bold
        // for the critical ones, no words for a value in range or one no range applies to.
        function test_every_flag_by_its_enum_data() {
            return [
                { tag: "low", flag: VitalFlag.Low, words: true, colour: Theme.warning, bold: false },
                { tag: "high", flag: VitalFlag.High, words: true, colour: Theme.warning, bold: false },
                { tag: "critical low", flag: VitalFlag.CriticalLow, words: true, colour: Theme.urgent, bold: true },
                { tag: "critical high", flag: VitalFlag.CriticalHigh, words: true, colour: Theme.urgent, bold: true },
                { tag: "normal", flag: VitalFlag.Normal, words: false, colour: Theme.text, bold: false },
                { tag: "not assessed", flag: VitalFlag.NotAssessed, words: false, colour: Theme.text, bold: false }
            ]
        }
        function test_every_flag_by_its_enum(data) {
            fakeVitals.readings = [bloodPressure(data.flag, "?", "mots du drapeau")]
            const panel = createTemporaryObject(uut, root)
            const flag = findChild(panel, "flag_systolic")
            compare(flag.visible, data.words)
            compare(String(flag.color), String(data.colour))
            compare(String(findChild(panel, "value_systolic").color), String(data.colour))
            compare(flag.font.bold, data.bold)
        }

        function test_strips_are_handed_to_the_controller() {
            const panel = createTemporaryObject(uut, root)
            compare(fakeVitals.ecgStrip, findChild(panel, "ecgStrip"))
            compare(fakeVitals.plethStrip, findChild(panel, "plethStrip"))
            compare(findChild(panel, "ecgStrip").mmPerSecond, 25)
        }

        function test_measure_button_asks_the_cabin() {
            const panel = createTemporaryObject(uut, root)
            waitForRendering(panel) // the tiles are laid out once the panel has its width
            const button = findChild(panel, "measure_oximetry")
            verify(button.enabled)
            mouseClick(button)
            compare(fakeVitals.requests, ["oximetry"])
            // While the cabin measures, the button waits and the tile says so.
            fakeVitals.readings = [{ kind: "oximetry", title: "Oxymétrie", taken: false, pending: true,
                                     statusText: "Mesure en cours… (encore 5 s environ)", values: [] }]
            verify(!findChild(panel, "measure_oximetry").enabled)
            compare(findChild(panel, "status_oximetry").text, "Mesure en cours… (encore 5 s environ)")
        }

        function test_manual_entry_is_marked() {
            const panel = createTemporaryObject(uut, root)
            const reading = bloodPressure(VitalFlag.Normal, "", "normale")
            reading.manual = true
            fakeVitals.readings = [reading]
            compare(findChild(panel, "age_blood_pressure").text, "il y a 2 min · saisie manuelle")
        }
    }
}
