import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import "TimeFormat.js" as TimeFormat

// One waiting patient, with the pre-triage a doctor needs to choose.
Rectangle {
    id: card
    required property int index
    required property string visitId
    required property string reason
    required property int age
    required property string sex
    required property bool urgent
    required property string siteName
    required property string cabinName
    required property string openingHours
    required property int waitingSeconds
    required property bool operatorPresent
    required property string operatorRole
    required property bool guardianPresent
    // A list of labels (QStringList from C++, or "a,b" in tests' ListModels).
    required property var instruments
    property bool canClaim: true
    signal claimClicked(string visitId)

    objectName: "queueCard_" + visitId
    implicitHeight: content.implicitHeight + 28
    radius: Theme.radius
    color: Theme.surface
    border.color: urgent ? Theme.urgent : Theme.border
    border.width: urgent ? 2 : 1

    RowLayout {
        id: content
        anchors.fill: parent
        anchors.margins: 14
        spacing: 18

        ColumnLayout {
            Layout.preferredWidth: 92
            spacing: 2
            Label {
                objectName: "waitingTime"
                text: TimeFormat.waiting(card.waitingSeconds)
                font.pixelSize: Theme.fontTitle
                font.bold: true
                color: card.urgent ? Theme.urgent : Theme.text
            }
            Label {
                text: qsTr("d'attente")
                color: Theme.muted
                font.pixelSize: Theme.fontSmall
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 6
            RowLayout {
                spacing: 10
                Rectangle {
                    visible: card.urgent
                    implicitWidth: urgentLabel.implicitWidth + 14
                    implicitHeight: 22
                    radius: 4
                    color: Theme.urgent
                    Label {
                        id: urgentLabel
                        objectName: "urgentBadge"
                        anchors.centerIn: parent
                        text: qsTr("URGENT")
                        color: "white"
                        font.bold: true
                        font.pixelSize: Theme.fontSmall
                    }
                }
                Label {
                    text: qsTr("%1, %2 ans").arg(card.sex).arg(card.age)
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    color: Theme.text
                }
                Label {
                    visible: card.guardianPresent
                    text: qsTr("· accompagné·e de son représentant légal")
                    color: Theme.muted
                    font.pixelSize: Theme.fontSmall
                }
            }
            Label {
                objectName: "reason"
                Layout.fillWidth: true
                text: card.reason
                wrapMode: Text.WordWrap
                font.pixelSize: Theme.fontBody + 1
                color: Theme.text
            }
            Label {
                Layout.fillWidth: true
                text: card.siteName + "  ·  " + (card.operatorPresent
                          ? qsTr("avec %1").arg(card.operatorRole)
                          : qsTr("sans accompagnant"))
                color: Theme.muted
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
            }
            Flow {
                Layout.fillWidth: true
                spacing: 6
                Repeater {
                    model: typeof card.instruments === "string"
                           ? (card.instruments === "" ? [] : card.instruments.split(","))
                           : card.instruments
                    InstrumentChip {
                        required property var modelData
                        text: modelData
                    }
                }
            }
        }
        PrimaryButton {
            objectName: "claimButton"
            text: qsTr("Prendre en charge")
            enabled: card.canClaim
            font.pixelSize: Theme.fontBody
            onClicked: card.claimClicked(card.visitId)
        }
    }
}
