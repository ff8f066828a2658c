import QtQuick
import QtQuick.Controls

// A tab of the session screen's working pane: the chosen one in the console's primary colour and
// bold, never colour alone.
TabButton {
    id: tab
    font.bold: checked
    background: Rectangle { color: tab.checked ? Theme.primary : Theme.chip; radius: 4 }
    contentItem: Label {
        text: tab.text
        font: tab.font
        elide: Text.ElideRight
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        color: tab.checked ? Theme.primaryText : Theme.text
    }
}
