import QtQuick

// A stand-in for tc::app::VideoSurface (C++, registered by registerQmlTypes() in the console):
// the same properties, with a grey picture when a test says it has video.
Rectangle {
    property int frameCount: 0
    property int lastFrameCounter: -1
    property bool hasVideo: false
    property bool frozen: false
    property size sourceSize: Qt.size(0, 0)
    property string stream: ""
    property bool stretch: false
    color: hasVideo ? "#5a6b78" : "transparent"
}
