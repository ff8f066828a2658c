import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The coordinator's consultations: filters, one row per consultation (pseudonymised), more pages
// on demand or at the end of the scroll; Enter or a double click opens one, with the download's
// and then the replay's progress, and shows its replay (Escape or the back button returns).
FocusScope {
    id: view
    required property var review
    property bool replayShown: false
    property bool opening: false // an openRecord this view asked for, until it lands or fails
    readonly property real openProgress: review.opening ? review.openingProgress : 1

    function open(recordId) {
        if (recordId === "" || view.opening)
            return
        view.opening = true
        view.review.openRecord(recordId)
    }
    function back() {
        view.replayShown = false
        view.review.replay.close()
        list.forceActiveFocus()
    }

    Connections {
        target: view.review
        function onRecordOpened() {
            view.opening = false
            view.replayShown = true
            replayPage.forceActiveFocus()
        }
        // A failed open: the contract's errorOccurred, or the Controller base's errorStringChanged.
        ignoreUnknownSignals: true
        function onErrorOccurred() { view.opening = false }
        function onErrorStringChanged() {
            if (view.review.errorString !== "")
                view.opening = false
        }
    }

    StackLayout {
        anchors.fill: parent
        currentIndex: view.replayShown ? 1 : 0

        ColumnLayout {
            spacing: Theme.spacing
            ReviewFilters {
                id: filters
                objectName: "reviewFilters"
                Layout.fillWidth: true
                sites: view.review.sites
                onApplyRequested: f => view.review.applyFilters(f)
            }
            Rectangle {
                objectName: "reviewError"
                visible: view.review.errorString !== ""
                Layout.fillWidth: true
                implicitHeight: errorRow.implicitHeight + 16
                radius: Theme.radius
                color: Theme.urgentBackground
                border.color: Theme.urgent
                RowLayout {
                    id: errorRow
                    anchors.fill: parent
                    anchors.margins: 8
                    Label {
                        Layout.fillWidth: true
                        text: view.review.errorString
                        color: Theme.urgent
                        wrapMode: Text.WordWrap
                        font.pixelSize: Theme.fontBody
                    }
                    Button {
                        objectName: "reviewRetry"
                        text: qsTr("Réessayer")
                        onClicked: view.review.refresh()
                    }
                }
            }
            // Opening a record: the download, then the replay's decoding.
            RowLayout {
                objectName: "openingProgress"
                visible: view.opening
                Layout.fillWidth: true
                Label {
                    text: view.review.opening ? qsTr("Téléchargement du dossier…")
                                              : qsTr("Préparation de la relecture…")
                    color: Theme.text
                    font.pixelSize: Theme.fontBody
                }
                ProgressBar {
                    objectName: "openingBar"
                    Layout.fillWidth: true
                    from: 0
                    to: 1
                    value: view.review.opening ? view.review.openingProgress
                                               : view.review.replay.loadingProgress
                }
            }
            // The columns' titles, aligned with ReviewRecordRow's.
            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 10
                Layout.rightMargin: 10
                spacing: 8
                Repeater {
                    model: [
                        { t: qsTr("Date"), w: 140 }, { t: qsTr("Site"), w: 150 },
                        { t: qsTr("Patient"), w: 190 }, { t: qsTr("Durée"), w: 95 },
                        { t: qsTr("Attente"), w: 95 }, { t: qsTr("Motif de fin"), w: -1 },
                        { t: qsTr("Orientation"), w: 160 }, { t: qsTr("Incidents"), w: 100 },
                        { t: qsTr("Ordonn."), w: 44 }
                    ]
                    delegate: Label {
                        required property var modelData
                        Layout.preferredWidth: modelData.w > 0 ? modelData.w : -1
                        Layout.fillWidth: modelData.w < 0
                        Layout.minimumWidth: modelData.w < 0 ? 120 : -1
                        text: modelData.t
                        horizontalAlignment: modelData.w === 44 ? Text.AlignRight : Text.AlignLeft
                        color: Theme.muted
                        font.pixelSize: Theme.fontSmall
                        font.bold: true
                    }
                }
            }
            ListView {
                id: list
                objectName: "reviewList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 4
                focus: true
                keyNavigationEnabled: true
                model: view.review.records
                activeFocusOnTab: true
                highlightMoveDuration: 0
                delegate: ReviewRecordRow {
                    width: ListView.view.width
                    onOpenRequested: id => view.open(id)
                }
                Keys.onReturnPressed: view.open(list.currentItem ? list.currentItem.recordId : "")
                Keys.onEnterPressed: view.open(list.currentItem ? list.currentItem.recordId : "")
                // The next page as the coordinator reaches the end.
                onAtYEndChanged: {
                    if (atYEnd && count > 0 && view.review.hasMore && !view.review.listing)
                        view.review.loadMore()
                }
                footer: Item {
                    width: ListView.view.width
                    height: view.review.hasMore || view.review.listing ? 52 : 0
                    Button {
                        objectName: "loadMore"
                        anchors.centerIn: parent
                        visible: view.review.hasMore && !view.review.listing
                        text: qsTr("Charger plus")
                        onClicked: view.review.loadMore()
                    }
                    BusyIndicator {
                        anchors.centerIn: parent
                        visible: view.review.listing
                        running: visible
                    }
                }
                Label {
                    objectName: "reviewEmpty"
                    anchors.centerIn: parent
                    visible: list.count === 0 && !view.review.listing && view.review.errorString === ""
                    text: qsTr("Aucune consultation pour ces critères")
                    color: Theme.muted
                    font.pixelSize: Theme.fontTitle
                }
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("↑/↓ choisir · Entrée ouvrir · double clic ouvrir · Échap revenir à la liste")
                color: Theme.muted
                font.pixelSize: Theme.fontSmall
            }
        }

        ReviewReplayPage {
            id: replayPage
            objectName: "replayPage"
            replay: view.review.replay
            active: view.replayShown
            onBack: view.back()
        }
    }
}
