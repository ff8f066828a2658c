import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One field of the ordonnance: its label, its value at `path` in the editor's draft, and the
// validation issue at that path, under it, in words.
ColumnLayout {
    id: field
    required property var editor
    required property string path
    property string label: ""
    property string placeholder: ""
    property int fieldWidth: 160
    readonly property string issue: { field.editor.revision; return field.editor.issueAt(field.path) }
    spacing: 2

    Label {
        visible: field.label !== ""
        text: field.label
        color: Theme.muted
        font.pixelSize: Theme.fontSmall
    }
    TextField {
        objectName: "field:" + field.path
        // Never wider than the row it sits in: a narrow column wraps, it does not clip.
        Layout.preferredWidth: field.parent && field.parent.width > 0
                               ? Math.min(field.fieldWidth, field.parent.width) : field.fieldWidth
        placeholderText: field.placeholder
        text: {
            field.editor.revision
            const v = field.editor.value(field.path)
            return v === undefined || v === null ? "" : String(v)
        }
        color: Theme.text
        background: Rectangle {
            color: Theme.surface
            border.color: field.issue !== "" ? Theme.urgent : Theme.border
            border.width: field.issue !== "" ? 2 : 1
            radius: 4
        }
        onEditingFinished: field.editor.setValue(field.path, text)
        Accessible.name: field.label
    }
    Label {
        objectName: "issue:" + field.path
        visible: field.issue !== ""
        Layout.preferredWidth: Math.max(field.fieldWidth, 200)
        text: "⚠ " + field.issue
        color: Theme.urgent
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.WordWrap
    }
}
