import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One section of the compte rendu: its label, its text in the editor's draft (written back as it
// is typed, so that the autosave has it), and the validation issue at `path` under it.
ColumnLayout {
    id: field
    required property var editor
    // The section's name for editor.value()/setValue(): "motif", "history", "examination"...
    required property string section
    // Where validation locates its issues: "/motif", "/examination/text"...
    required property string path
    property string label: ""
    property string placeholder: ""
    property bool multiline: true
    readonly property string issue: { field.editor.revision; return field.editor.issueAt(field.path) }
    readonly property string current: { field.editor.revision; return field.editor.value(field.section) }
    spacing: 2

    Label {
        visible: field.label !== ""
        text: field.label
        font.bold: true
        color: Theme.text
    }
    TextArea {
        objectName: "report:" + field.section
        visible: field.multiline
        Layout.fillWidth: true
        Layout.minimumHeight: 60
        wrapMode: TextEdit.Wrap
        placeholderText: field.placeholder
        text: field.current
        color: Theme.text
        background: Rectangle {
            color: Theme.surface
            border.color: field.issue !== "" ? Theme.urgent : Theme.border
            border.width: field.issue !== "" ? 2 : 1
            radius: 4
        }
        // Typed text only: the binding's own updates are the editor's already.
        onTextChanged: if (activeFocus && text !== field.current) field.editor.setValue(field.section, text)
        Accessible.name: field.label
    }
    TextField {
        objectName: "report:" + field.section + ":line"
        visible: !field.multiline
        Layout.fillWidth: true
        placeholderText: field.placeholder
        text: field.current
        color: Theme.text
        background: Rectangle {
            color: Theme.surface
            border.color: field.issue !== "" ? Theme.urgent : Theme.border
            border.width: field.issue !== "" ? 2 : 1
            radius: 4
        }
        onTextChanged: {
            if (activeFocus && text !== field.current)
                field.editor.setValue(field.section, text)
            else if (!activeFocus)
                cursorPosition = 0 // a long motif shows its beginning
        }
        Accessible.name: field.label
    }
    Label {
        objectName: "issue:" + field.path
        visible: field.issue !== ""
        Layout.fillWidth: true
        text: "⚠ " + field.issue
        color: Theme.urgent
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.WordWrap
    }
}
