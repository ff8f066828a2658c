import QtQuick

// A stand-in for tc::app::WaveformStrip (C++): the same properties, an empty strip.
Rectangle {
    property real mmPerSecond: 25
    property real pixelsPerMm: 3.78
    property bool running: false
    color: "transparent"
}
