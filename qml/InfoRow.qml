import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// "Label    value" in the patient summary.
RowLayout {
    property alias label: name.text
    property alias value: content.text
    spacing: Theme.spacing
    Label {
        id: name
        Layout.preferredWidth: 170
        color: Theme.muted
        font.pixelSize: Theme.fontBody
    }
    Label {
        id: content
        Layout.fillWidth: true
        color: Theme.text
        font.pixelSize: Theme.fontBody
        wrapMode: Text.WordWrap
    }
}
