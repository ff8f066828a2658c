import QtQuick
import QtTest
import Telecabine.Ui

// The coordinator's console against a fake ReviewSession (FakeReview.qml): the filters' map, the
// pseudonymised rows, opening by keyboard and double click with its progress, the replay page and
// back, the empty and error states, paging.
Item {
    id: root
    width: 1280
    height: 800

    Component {
        id: fakeComponent
        FakeReview {}
    }
    Component {
        id: uut
        ReviewView {
            anchors.fill: parent
        }
    }

    TestCase {
        name: "ReviewView"
        when: windowShown

        // Not temporary: a fake outlives the view bound to it (ReviewSession outlives its views).
        function fake() { return fakeComponent.createObject(root) }

        function make(rows) {
            const review = fake()
            review.addRecords(rows === undefined ? 3 : rows)
            const view = createTemporaryObject(uut, root, { review: review })
            waitForRendering(view)
            return { review: review, view: view }
        }

        function test_the_header_names_the_cpts() {
            const t = make()
            compare(findChild(t.view, "cptsName").text, "CPTS du Nivernais")
        }

        function test_a_doctor_reviews_their_own_without_a_site_filter() {
            const review = fake()
            review.coordinator = false
            review.sites = []
            review.cptsName = ""
            const view = createTemporaryObject(uut, root, { review: review })
            verify(!findChild(view, "filterSite").enabled)
            compare(findChild(view, "cptsName").text, "CPTS-58-NIV")
            mouseClick(findChild(view, "filterApply"))
            verify(review.callsNamed("applyFilters")[0][1].site === undefined)
        }

        function test_the_filters_make_the_map_applyFilters_takes() {
            const t = make()
            const filters = findChild(t.view, "reviewFilters")
            filters.today = new Date(2026, 10, 18, 15, 0)
            findChild(t.view, "filterPeriod").currentIndex = 1 // this quarter
            findChild(t.view, "filterSite").currentIndex = 2
            findChild(t.view, "filterDoctor").text = "10101234564"
            findChild(t.view, "filterEndReason").currentIndex = 3 // referred_emergency
            const orientation = findChild(t.view, "filterOrientation")
            orientation.currentIndex = orientation.count - 1 // without a signed report
            findChild(t.view, "filterIncident").currentIndex = 1
            mouseClick(findChild(t.view, "filterApply"))
            const calls = t.review.callsNamed("applyFilters")
            compare(calls.length, 1)
            const f = calls[0][1]
            compare(f.from, new Date(2026, 9, 1).getTime())
            compare(f.to, new Date(2027, 0, 1).getTime())
            compare(f.site, "FR-NEV-MAIRIE-02")
            compare(f.doctor, "10101234564")
            compare(f.endReason, "referred_emergency")
            compare(f.orientation, "none_signed")
            compare(f.incident, "yes")

            // Last quarter across a year; then chosen dates, the end day included.
            filters.today = new Date(2026, 1, 3)
            findChild(t.view, "filterPeriod").currentIndex = 2
            let m = filters.filters()
            compare(m.from, new Date(2025, 9, 1).getTime())
            compare(m.to, new Date(2026, 0, 1).getTime())
            findChild(t.view, "filterPeriod").currentIndex = 4
            findChild(t.view, "filterFrom").text = "2026-11-02"
            findChild(t.view, "filterTo").text = "2026-11-05"
            m = filters.filters()
            compare(m.from, new Date(2026, 10, 2).getTime())
            compare(m.to, new Date(2026, 10, 6).getTime())

            // Reset: any of everything, no criteria in the map.
            mouseClick(findChild(t.view, "filterReset"))
            const reset = t.review.callsNamed("applyFilters")[1][1]
            compare(Object.keys(reset).sort(), ["incident"])
            compare(reset.incident, "")
        }

        function test_wrong_fields_are_said_and_nothing_is_asked() {
            const t = make()
            findChild(t.view, "filterPeriod").currentIndex = 4
            findChild(t.view, "filterFrom").text = "2026-13-40"
            mouseClick(findChild(t.view, "filterApply"))
            verify(findChild(t.view, "filterProblem").visible)
            findChild(t.view, "filterFrom").text = ""
            findChild(t.view, "filterDoctor").text = "1234"
            mouseClick(findChild(t.view, "filterApply"))
            verify(findChild(t.view, "filterProblem").text.indexOf("11") >= 0)
            compare(t.review.callsNamed("applyFilters").length, 0)
        }

        function test_rows_are_pseudonymised() {
            const t = make()
            const list = findChild(t.view, "reviewList")
            compare(list.count, 3)
            const patient = findChild(list.itemAtIndex(0), "rowPatient")
            compare(patient.text, "60–69 ans · femme")
            verify(Qt.colorEqual(findChild(list.itemAtIndex(0), "rowIncident").color, "transparent"))
            verify(!Qt.colorEqual(findChild(list.itemAtIndex(2), "rowIncident").color, "transparent"))
        }

        function test_keyboard_opens_shows_progress_then_the_replay_and_escape_returns() {
            const t = make()
            const list = findChild(t.view, "reviewList")
            list.forceActiveFocus()
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Return)
            compare(t.review.callsNamed("openRecord"), [["openRecord", "S-review-0002"]])
            // The download, then the replay's decoding.
            t.review.openingProgress = 0.4
            const bar = findChild(t.view, "openingBar")
            verify(findChild(t.view, "openingProgress").visible)
            compare(bar.value, 0.4)
            t.review.opening = false
            t.review.replay.loadingProgress = 0.7
            compare(bar.value, 0.7)
            t.review.recordOpened()
            const page = findChild(t.view, "replayPage")
            tryVerify(() => page.visible)
            verify(!findChild(t.view, "openingProgress").visible)
            keyClick(Qt.Key_Escape)
            tryVerify(() => !page.visible)
            verify(t.review.replay.calls.indexOf("close") >= 0)
            verify(list.activeFocus)
        }

        function test_a_double_click_opens_and_a_failed_open_lets_another_try() {
            const t = make()
            const list = findChild(t.view, "reviewList")
            mouseDoubleClickSequence(list.itemAtIndex(2))
            compare(t.review.callsNamed("openRecord"), [["openRecord", "S-review-0003"]])
            t.review.errorOccurred("Dossier introuvable")
            verify(!findChild(t.view, "openingProgress").visible)
            mouseDoubleClickSequence(list.itemAtIndex(0))
            compare(t.review.callsNamed("openRecord").length, 2)
            t.review.errorString = "Dossier introuvable" // errorStringChanged alone says it too
            verify(!findChild(t.view, "openingProgress").visible)
        }

        function test_empty_and_error_states() {
            const t = make(0)
            verify(findChild(t.view, "reviewEmpty").visible)
            verify(!findChild(t.view, "reviewError").visible)
            t.review.errorString = "Service d'archives injoignable"
            verify(findChild(t.view, "reviewError").visible)
            verify(!findChild(t.view, "reviewEmpty").visible)
            mouseClick(findChild(t.view, "reviewRetry"))
            compare(t.review.callsNamed("refresh").length, 1)
        }

        function test_more_pages_on_demand() {
            const t = make()
            t.review.hasMore = true
            const more = findChild(t.view, "loadMore")
            tryVerify(() => more.visible)
            mouseClick(more)
            verify(t.review.callsNamed("loadMore").length >= 1)
            t.review.listing = true
            verify(!more.visible)
        }

        function test_tabs_by_keyboard() {
            const t = make()
            t.view.forceActiveFocus()
            keyClick(Qt.Key_3, Qt.ControlModifier)
            compare(t.view.currentTab, 2)
            tryVerify(() => t.review.callsNamed("loadTrail").length === 1)
            keyClick(Qt.Key_2, Qt.ControlModifier)
            compare(t.view.currentTab, 1)
            tryVerify(() => t.review.callsNamed("loadIndicators").length === 1)
            compare(t.review.callsNamed("loadIndicators")[0], ["loadIndicators", "2026-T4", ""])
            keyClick(Qt.Key_1, Qt.ControlModifier)
            compare(t.view.currentTab, 0)
        }
    }
}
