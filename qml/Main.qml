import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.States

ApplicationWindow {
    id: window
    required property var connection
    required property var queueModel
    required property var session
    // The dossiers on their way to the archive (ArchiveUploads); null in the view tests.
    property var archive: null
    // The review session (ReviewSession): a coordinator's console shows ReviewView; null in the
    // view tests.
    property var review: null
    required property string mediaStatus
    required property bool demoMode

    width: 1280
    height: 800
    visible: true
    title: qsTr("telecabine — console médecin")
    color: Theme.background

    header: HeaderBar {
        connection: window.connection
        archive: window.archive
        demoMode: window.demoMode
    }

    footer: Rectangle {
        implicitHeight: 30
        color: Theme.surface
        border.color: Theme.border
        Label {
            anchors.verticalCenter: parent.verticalCenter
            anchors.left: parent.left
            anchors.leftMargin: Theme.spacing
            text: window.mediaStatus
            color: Theme.muted
            font.pixelSize: Theme.fontSmall
        }
        Label {
            anchors.verticalCenter: parent.verticalCenter
            anchors.right: parent.right
            anchors.rightMargin: Theme.spacing
            visible: window.connection.errorString !== "" && window.connection.signedIn
            text: window.connection.errorString
            color: Theme.warning
            font.pixelSize: Theme.fontSmall
        }
    }

    StackLayout {
        anchors.fill: parent
        currentIndex: !window.connection.signedIn ? 0
                      : window.connection.role === SignedInRole.Coordinator ? 3
                      : (window.session.state === SessionState.Idle ? 1 : 2)

        SignInView {
            connection: window.connection
            demoMode: window.demoMode
        }
        QueueView {
            queueModel: window.queueModel
            archive: window.archive
            canClaim: window.connection.onShift && window.connection.state === ConnectionState.Connected
            errorText: window.session.errorString
            onClaimRequested: visitId => window.session.claim(visitId)
            onErrorDismissed: window.session.clearError()
        }
        SessionView {
            session: window.session
        }
        ReviewView {
            objectName: "reviewView"
            review: window.review
        }
    }
}
