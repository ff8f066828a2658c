import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One consultation of the review list (a row of ReviewSession.records). The patient is an age
// band and a sex: never a name. Enter or a double click opens it.
Rectangle {
    id: row
    required property int index
    required property string recordId
    required property string site
    required property double startedAt
    required property double waitMs
    required property double durationMs
    required property string endReason
    required property string orientation
    required property int incidentCount
    required property int prescriptionCount
    required property string ageBand
    required property string sex
    property bool current: ListView.isCurrentItem
    signal openRequested(string recordId)

    implicitHeight: 48
    radius: 6
    color: current ? Theme.chip : (mouse.containsMouse ? "#f7f9fb" : Theme.surface)
    border.color: current && ListView.view.activeFocus ? Theme.primary : Theme.border
    Accessible.role: Accessible.ListItem
    Accessible.name: ReviewLabels.dateTime(startedAt) + ", " + site + ", " + ReviewLabels.ageBand(ageBand)
                     + " " + ReviewLabels.sex(sex)

    MouseArea {
        id: mouse
        anchors.fill: parent
        hoverEnabled: true
        onClicked: row.ListView.view.currentIndex = row.index
        onDoubleClicked: row.openRequested(row.recordId)
    }
    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 10
        anchors.rightMargin: 10
        spacing: 8
        Label {
            Layout.preferredWidth: 140
            text: ReviewLabels.dateTime(row.startedAt)
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        Label {
            Layout.preferredWidth: 150
            text: row.site
            elide: Text.ElideRight
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        Label {
            objectName: "rowPatient"
            Layout.preferredWidth: 190
            text: ReviewLabels.ageBand(row.ageBand) + " · " + ReviewLabels.sex(row.sex)
            elide: Text.ElideRight
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        Label {
            Layout.preferredWidth: 95
            text: ReviewLabels.duration(row.durationMs)
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        Label {
            Layout.preferredWidth: 95
            text: ReviewLabels.duration(row.waitMs)
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        Label {
            Layout.fillWidth: true
            Layout.minimumWidth: 120
            text: ReviewLabels.endReason(row.endReason)
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
            color: Theme.text
            font.pixelSize: Theme.fontSmall
        }
        Label {
            Layout.preferredWidth: 160
            text: ReviewLabels.orientation(row.orientation)
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
            color: row.orientation === "" ? Theme.muted : Theme.text
            font.pixelSize: Theme.fontSmall
        }
        Rectangle {
            objectName: "rowIncident"
            Layout.preferredWidth: 100
            implicitHeight: 24
            radius: 12
            color: row.incidentCount > 0 ? Theme.urgentBackground : "transparent"
            Label {
                anchors.centerIn: parent
                text: row.incidentCount > 0 ? qsTr("⚠ %n incident(s)", "", row.incidentCount) : "—"
                color: row.incidentCount > 0 ? Theme.urgent : Theme.muted
                font.pixelSize: Theme.fontSmall
            }
        }
        Label {
            Layout.preferredWidth: 44
            horizontalAlignment: Text.AlignRight
            text: row.prescriptionCount > 0 ? "℞ " + row.prescriptionCount : "—"
            color: row.prescriptionCount > 0 ? Theme.text : Theme.muted
            font.pixelSize: Theme.fontBody
        }
    }
}
