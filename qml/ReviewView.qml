import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The coordinator's console (review mode, a ReviewSession): the CPTS's consultations and their
// replay, the quarterly indicators, and the coordinator's own access trail. Ctrl+1/2/3 or the
// tabs switch screens; Tab moves through each screen's controls.
FocusScope {
    id: view
    required property var review
    property alias currentTab: tabs.currentIndex

    // A tab of the header: the chosen one underlined in the primary colour, focus shaded.
    component ReviewTab: TabButton {
        id: tab
        width: implicitWidth
        leftPadding: 16
        rightPadding: 16
        font.pixelSize: Theme.fontBody
        font.bold: tab.checked
        contentItem: Label {
            text: tab.text
            font: tab.font
            color: tab.checked ? Theme.primary : Theme.muted
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            implicitHeight: 52
            color: tab.visualFocus ? Theme.chip : "transparent"
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 3
                color: tab.checked ? Theme.primary : "transparent"
            }
        }
    }

    Shortcut { sequence: "Ctrl+1"; onActivated: tabs.currentIndex = 0 }
    Shortcut { sequence: "Ctrl+2"; onActivated: tabs.currentIndex = 1 }
    Shortcut { sequence: "Ctrl+3"; onActivated: tabs.currentIndex = 2 }

    Rectangle {
        anchors.fill: parent
        color: Theme.background
    }
    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 56
            color: Theme.surface
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 16
                anchors.rightMargin: 16
                spacing: 16
                Label {
                    objectName: "cptsName"
                    text: view.review.cptsName !== "" ? view.review.cptsName : view.review.cptsId
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                    color: Theme.primary
                }
                Label {
                    text: view.review.coordinator ? qsTr("Revue des consultations · coordination CPTS")
                                                  : qsTr("Revue de mes consultations")
                    color: Theme.muted
                    font.pixelSize: Theme.fontBody
                }
                Item { Layout.fillWidth: true }
                TabBar {
                    id: tabs
                    objectName: "reviewTabs"
                    Layout.alignment: Qt.AlignBottom
                    background: Item {}
                    ReviewTab {
                        objectName: "tabConsultations"
                        text: qsTr("Consultations")
                    }
                    ReviewTab {
                        objectName: "tabIndicators"
                        text: qsTr("Indicateurs")
                    }
                    ReviewTab {
                        objectName: "tabTrail"
                        text: qsTr("Mon journal d'accès")
                    }
                }
            }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: 24
            currentIndex: tabs.currentIndex
            ReviewListView {
                objectName: "reviewListView"
                review: view.review
                focus: tabs.currentIndex === 0
            }
            IndicatorsView {
                objectName: "indicatorsView"
                review: view.review
                focus: tabs.currentIndex === 1
            }
            AccessTrailView {
                objectName: "accessTrailView"
                review: view.review
                focus: tabs.currentIndex === 2
            }
        }
    }
}
