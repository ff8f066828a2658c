import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.Media

// The consultation's cameras: the main stream large, the others as thumbnails under it (a click
// makes one main), a photo of the main stream, and start/stop for the instrument cameras. The
// surfaces are handed to the video controller from here; the controller never looks for them.
Rectangle {
    id: panel
    // VideoController: mainStream, streams [{name, label, hasVideo, frozen}], setSurface(name,
    // surface), releaseSurface(surface), snapshot(name), labelOf(name), frozenSeconds(name),
    // snapshotTaken/snapshotFailed.
    required property var video
    // The instrument cameras of this visit ("otoscope", "dermatoscope"), for start/stop buttons.
    property var instrumentCameras: []
    // Instruments asked for and not yet acknowledged by the cabin (the session keeps this list).
    property var pendingInstruments: []
    // The session turns this into an `instrument.request` message.
    signal instrumentRequested(string name, bool start)

    readonly property string mainStream: video.mainStream
    readonly property var thumbnails: (video.streams || []).filter(s => s.name !== video.mainStream)
    property string lastSnapshot: ""
    property string snapshotMessage: ""

    function isStreaming(name) {
        return (video.streams || []).some(s => s.name === name)
    }
    function isPending(name) {
        return (pendingInstruments || []).indexOf(name) >= 0
    }
    function startText(name) {
        if (name === "otoscope")
            return qsTr("Démarrer l'otoscope")
        if (name === "dermatoscope")
            return qsTr("Démarrer le dermatoscope")
        return qsTr("Démarrer : %1").arg(video.labelOf(name))
    }
    function stopText(name) {
        if (name === "otoscope")
            return qsTr("Arrêter l'otoscope")
        if (name === "dermatoscope")
            return qsTr("Arrêter le dermatoscope")
        return qsTr("Arrêter : %1").arg(video.labelOf(name))
    }
    function bindMain() {
        if (video.mainStream !== "")
            video.setSurface(video.mainStream, mainSurface)
        else
            video.releaseSurface(mainSurface)
    }

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    implicitWidth: 720
    implicitHeight: 560
    // Thumbnails 16:9, at most 192 px wide, and together at most 42 % of the row: in the
    // session screen's narrow card the instrument buttons keep the rest.
    readonly property real rowWidth: Math.max(0, width - 24)
    readonly property int thumbnailCount: Math.max(1, thumbnails.length)
    readonly property real thumbnailWidth: Math.floor(Math.max(64, Math.min(192, (rowWidth * 0.42 - 10 * (thumbnailCount - 1)) / thumbnailCount)))
    readonly property real thumbnailHeight: Math.round(thumbnailWidth * 9 / 16)
    // Whole pixels: the layout rounds each item up.
    readonly property real controlsWidth: Math.floor(Math.max(80, rowWidth - 22 - thumbnailCount * thumbnailWidth - 10 * (thumbnailCount - 1)))

    Connections {
        target: panel.video
        function onMainStreamChanged() { panel.bindMain() }
        function onSnapshotTaken(path) {
            panel.lastSnapshot = path
            panel.snapshotMessage = qsTr("Photo enregistrée")
        }
        function onSnapshotFailed(message) { panel.snapshotMessage = message }
    }
    Component.onCompleted: bindMain()

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        // The main view, letterboxed on black.
        Rectangle {
            objectName: "mainView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: "black"
            radius: 4

            VideoSurface {
                id: mainSurface
                objectName: "mainSurface"
                anchors.fill: parent
            }
            Label {
                objectName: "mainPlaceholder"
                anchors.centerIn: parent
                visible: !mainSurface.hasVideo
                horizontalAlignment: Text.AlignHCenter
                color: "#d0d6db"
                font.pixelSize: Theme.fontTitle
                text: panel.mainStream === ""
                      ? qsTr("Pas de vidéo")
                      : qsTr("Pas de vidéo") + "\n" + panel.video.labelOf(panel.mainStream)
            }
            // A picture that stopped moving is never passed off as live: say so, and since when.
            Label {
                id: frozenBanner
                objectName: "mainFrozen"
                property int seconds: 0
                visible: mainSurface.hasVideo && mainSurface.frozen
                anchors.top: parent.top
                anchors.horizontalCenter: parent.horizontalCenter
                anchors.margins: 10
                padding: 8
                color: "white"
                font.pixelSize: Theme.fontBody
                font.bold: true
                text: qsTr("⏸ Image figée depuis %1 s : la cabine n'envoie plus d'images").arg(seconds)
                background: Rectangle { color: Theme.urgent; radius: 4 }
                onVisibleChanged: if (visible) seconds = panel.video.frozenSeconds(panel.mainStream)
                Timer {
                    interval: 1000
                    repeat: true
                    running: frozenBanner.visible
                    onTriggered: frozenBanner.seconds = panel.video.frozenSeconds(panel.mainStream)
                }
            }
            Label {
                objectName: "mainLabel"
                visible: panel.mainStream !== "" && mainSurface.hasVideo
                anchors.left: parent.left
                anchors.bottom: parent.bottom
                anchors.margins: 10
                padding: 6
                color: "white"
                font.pixelSize: Theme.fontBody
                text: panel.mainStream === "" ? "" : panel.video.labelOf(panel.mainStream)
                background: Rectangle { color: "#99000000"; radius: 4 }
            }
            PrimaryButton {
                objectName: "snapshotButton"
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 10
                enabled: mainSurface.hasVideo
                text: qsTr("Photo")
                Accessible.description: qsTr("Enregistre l'image en pleine résolution dans le dossier de la consultation")
                onClicked: {
                    panel.snapshotMessage = ""
                    panel.lastSnapshot = panel.video.snapshot(panel.mainStream)
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 10

            // The other streams; a click makes one main. A Row, not the layout itself: Qt 6.4's
            // layouts crash when a Repeater destroys their items mid-rearrange (the thumbnails
            // are rebuilt whenever a stream comes or goes).
            Row {
                id: thumbnailRow
                spacing: 10
                // No empty band under the picture when there is no other stream.
                Layout.preferredHeight: panel.thumbnails.length > 0 ? panel.thumbnailHeight : 0
            Repeater {
                model: panel.thumbnails
                delegate: Rectangle {
                    id: thumbnail
                    required property var modelData
                    objectName: "thumbnail_" + thumbnail.modelData.name
                    width: panel.thumbnailWidth
                    height: panel.thumbnailHeight
                    color: "black"
                    radius: 4
                    border.color: thumbArea.containsMouse ? Theme.primary : Theme.border
                    border.width: 2

                    VideoSurface {
                        id: thumbSurface
                        anchors.fill: parent
                        anchors.margins: 2
                    }
                    Label {
                        objectName: "thumbnailPlaceholder"
                        anchors.centerIn: parent
                        visible: !thumbSurface.hasVideo
                        color: "#d0d6db"
                        font.pixelSize: Theme.fontSmall
                        text: qsTr("Pas de vidéo")
                    }
                    Label {
                        objectName: "thumbnailLabel"
                        anchors.left: parent.left
                        anchors.bottom: parent.bottom
                        anchors.margins: 4
                        padding: 3
                        color: "white"
                        font.pixelSize: Theme.fontSmall
                        text: thumbnail.modelData.frozen ? qsTr("⏸ %1 (figée)").arg(thumbnail.modelData.label)
                                                         : thumbnail.modelData.label
                        background: Rectangle {
                            color: thumbnail.modelData.frozen ? Theme.urgent : "#99000000"
                            radius: 3
                        }
                    }
                    MouseArea {
                        id: thumbArea
                        anchors.fill: parent
                        hoverEnabled: true
                        cursorShape: Qt.PointingHandCursor
                        onClicked: panel.video.mainStream = thumbnail.modelData.name
                    }
                    Accessible.role: Accessible.Button
                    Accessible.name: qsTr("Afficher en grand : %1").arg(thumbnail.modelData.label)
                    Component.onCompleted: panel.video.setSurface(thumbnail.modelData.name, thumbSurface)
                    Component.onDestruction: panel.video.releaseSurface(thumbSurface)
                }
            }
            }

            Item { Layout.fillWidth: true }

            // What is left beside the thumbnails; a long button text elides rather than push
            // the panel wider than its card.
            Column {
                spacing: 6
                Layout.preferredWidth: Math.min(implicitWidth, panel.controlsWidth)
                Label {
                    objectName: "snapshotMessage"
                    visible: text !== ""
                    text: panel.snapshotMessage
                    color: Theme.muted
                    font.pixelSize: Theme.fontSmall
                    width: Math.min(implicitWidth, 260, panel.controlsWidth)
                    wrapMode: Text.Wrap
                }
                Repeater {
                    model: panel.instrumentCameras
                    delegate: Button {
                        required property string modelData
                        objectName: "instrument_" + modelData
                        width: Math.min(implicitWidth, panel.controlsWidth)
                        readonly property bool streaming: panel.isStreaming(modelData)
                        enabled: !panel.isPending(modelData)
                        font.pixelSize: Theme.fontBody
                        text: panel.isPending(modelData)
                              ? qsTr("En attente de la cabine…")
                              : (streaming ? panel.stopText(modelData) : panel.startText(modelData))
                        onClicked: panel.instrumentRequested(modelData, !streaming)
                    }
                }
            }
        }
    }
}
