import QtQuick

// A stand-in for ReviewSession (the contract in the review screens' brief): the same properties,
// calls and signals; every call is logged in `calls` as [name, argument...].
QtObject {
    id: fake
    property var records: ListModel {}
    property bool listing: false
    property bool hasMore: false
    property string errorString: ""
    property string cptsName: "CPTS du Nivernais"
    property string cptsId: "CPTS-58-NIV"
    property var sites: ["FR-NEV-GARE-01", "FR-NEV-MAIRIE-02"]
    property bool coordinator: true
    property bool opening: false
    property real openingProgress: 0
    property string openRecordId: ""
    property var replay: FakeReplay {}
    property var quarters: ["2026-T4", "2026-T3", "2026-T2"]
    property bool indicatorsLoading: false
    property var indicators: ({})
    property var trail: []
    property bool trailLoading: false
    property var calls: []
    signal errorOccurred(string message)
    signal recordOpened()
    signal indicatorsExported(string path)

    function log(entry) { calls = calls.concat([entry]) }
    function applyFilters(filters) { log(["applyFilters", filters]) }
    function loadMore() { log(["loadMore"]) }
    function refresh() { log(["refresh"]) }
    function openRecord(id) { openRecordId = id; opening = true; log(["openRecord", id]) }
    function loadIndicators(quarter, site) { log(["loadIndicators", quarter, site]) }
    function exportIndicatorsCsv(url) { log(["exportIndicatorsCsv", String(url)]) }
    function loadTrail() { log(["loadTrail"]) }
    function callsNamed(name) { return calls.filter(c => c[0] === name) }

    // Rows as ReviewSession.records has them: pseudonymised, never a name.
    function addRecords(n) {
        for (let i = 0; i < n; ++i) {
            records.append({
                recordId: "S-review-" + String(i + 1).padStart(4, "0"),
                site: i % 2 === 0 ? "FR-NEV-GARE-01" : "FR-NEV-MAIRIE-02",
                doctorRpps: "10101234564",
                startedAt: Date.UTC(2026, 10, 18, 9 + i, 15),
                waitMs: 245000 + i * 60000,
                durationMs: 780000 + i * 30000,
                endReason: ["completed", "referred_emergency", "technical_failure"][i % 3],
                orientation: ["gp_in_person", "emergency", ""][i % 3],
                incidentCount: i % 3 === 2 ? 2 : 0,
                prescriptionCount: i % 3 === 0 ? 1 : 0,
                ageBand: ["60-69", "30-39", "0-9"][i % 3],
                sex: ["female", "male", "unknown"][i % 3]
            })
        }
    }
}
