import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.States

// The consultation's media link: state and quality in words and colour (never colour alone),
// the keying and path figures, and one line per stream.
Rectangle {
    id: panel
    // A MediaLink: state, quality, text, details, streams.
    required property var link
    // The per-stream lines are one click away: the doctor needs the verdict, the figures only
    // when something is wrong (they open by themselves when the link is not good).
    property bool expanded: false
    readonly property bool showStreams: expanded || (link.state === MediaState.Connected && link.quality !== "good")
                                        || link.state === MediaState.Reconnecting
    readonly property color tone: link.state === MediaState.Connected
                                  ? (link.quality === "good" ? Theme.ok
                                     : (link.quality === "poor" ? Theme.urgent : Theme.warning))
                                  : (link.state === MediaState.Failed || link.state === MediaState.Disconnected || link.state === MediaState.Reconnecting
                                     ? Theme.urgent : Theme.muted)
    implicitHeight: column.implicitHeight + 24
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 12
        spacing: 6

        RowLayout {
            spacing: 10
            Rectangle {
                objectName: "qualityDot"
                width: 14; height: 14; radius: 7
                color: panel.tone
            }
            Label {
                objectName: "mediaText"
                Layout.fillWidth: true
                text: panel.link.text
                color: Theme.text
                font.pixelSize: Theme.fontBody
                font.bold: true
                elide: Text.ElideRight
            }
            ToolButton {
                objectName: "streamsToggle"
                text: panel.showStreams ? qsTr("Flux ▴") : qsTr("Flux ▾")
                font.pixelSize: Theme.fontSmall
                onClicked: panel.expanded = !panel.showStreams
                Accessible.name: panel.showStreams ? qsTr("Masquer le détail des flux")
                                                   : qsTr("Afficher le détail des flux")
            }
        }
        Label {
            objectName: "mediaDetails"
            visible: text !== ""
            Layout.fillWidth: true
            text: panel.link.details
            color: Theme.muted
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
        // One short entry per stream, wrapped: a consultation has up to seven of them.
        Flow {
            objectName: "streamList"
            visible: panel.showStreams
            Layout.fillWidth: true
            spacing: 16
            Repeater {
                model: panel.link.streams
                delegate: Label {
                    required property var modelData
                    font.pixelSize: Theme.fontSmall
                    color: Theme.muted
                    // Received: what the doctor's ear and eye depend on; sent: that it flows.
                    text: modelData.outbound
                          ? qsTr("↑ %1").arg(modelData.name) + " · " + qsTr("%L1 paquets").arg(modelData.packets)
                          : qsTr("↓ %1").arg(modelData.name)
                            + " · " + qsTr("perdus %L1 %").arg(Number(modelData.lossPercent).toFixed(1))
                            + (modelData.recovered > 0 ? " · " + qsTr("récupérés %L1").arg(modelData.recovered) : "")
                            + " · " + qsTr("gigue %L1 ms").arg(Number(modelData.jitterMs).toFixed(1))
                    ToolTip.visible: hover.hovered
                    ToolTip.text: qsTr("%L1 paquets").arg(modelData.packets) + " · SSRC " + modelData.ssrc
                    HoverHandler { id: hover }
                }
            }
        }
        // The link's technical incidents, oldest first: every path change, reconnection and
        // STUN/TURN server that failed, with the time (kept for the consultation record).
        Column {
            objectName: "incidentList"
            visible: panel.showStreams && panel.link.incidents.length > 0
            Layout.fillWidth: true
            spacing: 2
            Repeater {
                model: panel.link.incidents
                delegate: Label {
                    required property var modelData
                    width: parent ? parent.width : 0
                    text: modelData.time + "  " + modelData.text
                    font.pixelSize: Theme.fontSmall
                    color: Theme.muted
                    elide: Text.ElideRight
                }
            }
        }
    }
}
