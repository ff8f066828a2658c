import QtQuick
import QtQuick.Window
import Telecabine.Ui
import "../../qml"

// The review screens at 1280x800 over the QML test fakes (tests/qml/FakeReview.qml), staged one
// after the other by test_review_language.cpp, which reads and saves each (and puts a real
// ReviewReplayController in the fake's `replay` before the replay screen).
Window {
    id: window
    width: 1280
    height: 800
    visible: true
    title: "telecabine"
    property alias review: fake

    FakeReview { id: fake }
    IndicatorsFixture { id: fixture }
    ReviewView {
        id: view
        objectName: "reviewView"
        anchors.fill: parent
        review: fake
    }

    function stage(name) {
        switch (name) {
        case "list-empty":
            break
        case "list":
            fake.addRecords(14)
            fake.hasMore = true
            break
        case "list-error":
            fake.errorString = qsTranslate("tc::app::ReviewReplayController", "Dossier illisible : %1").arg("record.json")
            break
        case "opening":
            fake.errorString = ""
            fake.openingProgress = 0.45
            break
        case "replay":
            fake.opening = false
            fake.recordOpened()
            break
        case "indicators":
            view.currentTab = 1
            fake.indicators = fixture.value
            break
        case "trail":
            fake.trail = [
                { sequence: 14, time: Date.UTC(2026, 10, 18, 10, 4), action: "play", recordId: "S-review-0002", detail: "steth-aortic-1.flac" },
                { sequence: 13, time: Date.UTC(2026, 10, 18, 10, 3), action: "open", recordId: "S-review-0002", detail: "record.json" },
                { sequence: 12, time: Date.UTC(2026, 10, 18, 10, 1), action: "list", recordId: "", detail: "" },
                { sequence: 11, time: Date.UTC(2026, 10, 18, 9, 58), action: "indicators", recordId: "", detail: "2026-T4" },
                { sequence: 10, time: Date.UTC(2026, 10, 18, 9, 57), action: "export", recordId: "", detail: "2026-T4" }
            ]
            view.currentTab = 2
            break
        }
    }
}
