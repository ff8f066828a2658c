import QtQuick
import QtTest
import Telecabine.Ui

// The indicators screen and the access trail against a fake ReviewSession: the request, the
// tiles' figures from a fixture of the service's JSON, the charts, the CSV export's call and its
// confirmation; the trail's rows with their French labels.
Item {
    id: root
    width: 1280
    height: 800

    Component { id: fakeComponent; FakeReview {} }
    IndicatorsFixture { id: fixture }
    Component { id: indicatorsComponent; IndicatorsView { anchors.fill: parent } }
    Component { id: trailComponent; AccessTrailView { anchors.fill: parent } }

    TestCase {
        name: "IndicatorsView"
        when: windowShown

        // Not temporary: a fake outlives the view bound to it (ReviewSession outlives its views).
        function fake() { return fakeComponent.createObject(root) }

        function value(view, name) {
            return findChild(findChild(view, name), "tileValue").text
        }

        function test_asks_for_the_chosen_quarter_and_site() {
            const review = fake()
            const view = createTemporaryObject(indicatorsComponent, root, { review: review })
            verify(findChild(view, "indicatorsEmpty").visible)
            findChild(view, "indicatorsQuarter").currentIndex = 1
            findChild(view, "indicatorsSite").currentIndex = 1
            mouseClick(findChild(view, "indicatorsLoad"))
            const calls = review.callsNamed("loadIndicators")
            compare(calls[calls.length - 1], ["loadIndicators", "2026-T3", "FR-NEV-GARE-01"])
        }

        function test_tiles_and_charts_show_the_services_figures() {
            const review = fake()
            const view = createTemporaryObject(indicatorsComponent, root, { review: review })
            review.indicators = fixture.value
            waitForRendering(view)
            verify(!findChild(view, "indicatorsEmpty").visible)
            compare(value(view, "tileConsultations"), "120")
            compare(value(view, "tileWait"), "5 min 00 s")
            compare(findChild(view, "tileWait").detail, "p90 21 min 00 s")
            compare(value(view, "tileDuration"), "13 min 00 s")
            compare(value(view, "tileSatisfaction"), Number(4.2).toLocaleString(Qt.locale(), "f", 1) + " / 5")
            compare(value(view, "tileIncidents"), Number(7.5).toLocaleString(Qt.locale(), "f", 1) + " %")
            compare(value(view, "tilePrescriptions"), Number(0.81).toLocaleString(Qt.locale(), "f", 2))
            compare(value(view, "tileCancelled"), "7")
            verify(findChild(view, "tileCancelled").detail.indexOf("p50 9 min 00 s · p90 —") >= 0)
            const satisfaction = findChild(view, "chartSatisfaction")
            compare(satisfaction.bars.map(b => b.value), [2, 4, 8, 26, 40])
            const orientations = findChild(view, "chartOrientations")
            compare(orientations.bars[0].label, "Médecin traitant en présentiel")
            verify(orientations.bars.some(b => b.label === "Sans compte rendu signé" && b.value === 12))
            compare(findChild(view, "chartSiteConsultations").bars.map(b => b.value), [70, 50])
            compare(findChild(view, "chartSiteWait").bars[1].text, "7 min 00 s")
        }

        function test_the_csv_export_and_its_confirmation() {
            const review = fake()
            const view = createTemporaryObject(indicatorsComponent, root, { review: review })
            review.indicators = fixture.value
            verify(findChild(view, "indicatorsExport").enabled)
            view.exportTo("file:///tmp/indicateurs.csv") // what the save dialog's choice calls
            compare(review.callsNamed("exportIndicatorsCsv"), [["exportIndicatorsCsv", "file:///tmp/indicateurs.csv"]])
            verify(!findChild(view, "indicatorsExported").visible)
            review.indicatorsExported("/tmp/indicateurs.csv")
            verify(findChild(view, "indicatorsExported").visible)
            verify(findChild(view, "indicatorsExported").text.indexOf("/tmp/indicateurs.csv") >= 0)
        }

        function test_the_access_trail() {
            const review = fake()
            const view = createTemporaryObject(trailComponent, root, { review: review })
            compare(review.callsNamed("loadTrail").length, 1)
            verify(findChild(view, "trailEmpty").visible)
            review.trail = [
                { sequence: 12, time: Date.UTC(2026, 10, 18, 10, 2), action: "open", recordId: "S-review-0001", detail: "record.json" },
                { sequence: 11, time: Date.UTC(2026, 10, 18, 10, 1), action: "list", recordId: "", detail: "" }
            ]
            const list = findChild(view, "trailList")
            tryCompare(list, "count", 2)
            compare(findChild(list.itemAtIndex(0), "trailAction").text, "Dossier ouvert")
            compare(findChild(list.itemAtIndex(1), "trailAction").text, "Liste consultée")
            mouseClick(findChild(view, "trailRefresh"))
            compare(review.callsNamed("loadTrail").length, 2)
        }
    }
}
