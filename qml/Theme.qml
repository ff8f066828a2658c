pragma Singleton
import QtQuick

// One palette and type scale for the console: calm, high-contrast, colour never alone.
QtObject {
    readonly property color background: "#f3f5f7"
    readonly property color surface: "#ffffff"
    readonly property color border: "#d9dee3"
    readonly property color text: "#1b2329"
    readonly property color muted: "#56636e"
    readonly property color primary: "#1d5b86"
    readonly property color primaryText: "#ffffff"
    readonly property color urgent: "#a4262c"
    readonly property color urgentBackground: "#fbeaea"
    readonly property color ok: "#1e7a46"
    readonly property color warning: "#9a5b00"
    readonly property color chip: "#e8eef3"
    readonly property int fontSmall: 13
    readonly property int fontBody: 15
    readonly property int fontTitle: 20
    readonly property int fontHeading: 26
    readonly property int radius: 8
    readonly property int spacing: 12
}
