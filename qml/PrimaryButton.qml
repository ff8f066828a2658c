import QtQuick
import QtQuick.Controls

// The one action that matters on a card or screen: filled when available, quiet when not.
Button {
    id: control
    font.pixelSize: Theme.fontBody
    padding: 10
    leftPadding: 18
    rightPadding: 18
    background: Rectangle {
        implicitHeight: 40
        radius: 6
        color: !control.enabled ? Theme.chip
               : (control.down ? Qt.darker(Theme.primary, 1.25)
                  : (control.hovered ? Qt.lighter(Theme.primary, 1.15) : Theme.primary))
        border.color: control.visualFocus ? Theme.text : "transparent"
    }
    contentItem: Label {
        text: control.text
        font: control.font
        color: control.enabled ? Theme.primaryText : Theme.muted
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
}
