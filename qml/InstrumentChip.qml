import QtQuick
import QtQuick.Controls

Rectangle {
    property alias text: label.text
    implicitHeight: 24
    implicitWidth: label.implicitWidth + 16
    radius: 12
    color: Theme.chip
    Label {
        id: label
        anchors.centerIn: parent
        font.pixelSize: Theme.fontSmall
        color: Theme.text
    }
}
