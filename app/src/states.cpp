#include "states.hpp"

#include <QQmlEngine>

namespace tc::app {

void registerStateTypes() {
    const char* uri = "Telecabine.States";
    const QString reason = QStringLiteral("an enumeration of states");
    qmlRegisterUncreatableMetaObject(ConnectionState::staticMetaObject, uri, 1, 0,
                                     "ConnectionState", reason);
    qmlRegisterUncreatableMetaObject(SessionState::staticMetaObject, uri, 1, 0, "SessionState",
                                     reason);
    qmlRegisterUncreatableMetaObject(MediaState::staticMetaObject, uri, 1, 0, "MediaState", reason);
    qmlRegisterUncreatableMetaObject(DeliveryState::staticMetaObject, uri, 1, 0, "DeliveryState",
                                     reason);
    qmlRegisterUncreatableMetaObject(SigningState::staticMetaObject, uri, 1, 0, "SigningState",
                                     reason);
    qmlRegisterUncreatableMetaObject(Workspace::staticMetaObject, uri, 1, 0, "Workspace", reason);
    qmlRegisterUncreatableMetaObject(ReportFollowUp::staticMetaObject, uri, 1, 0, "ReportFollowUp",
                                     reason);
    qmlRegisterUncreatableMetaObject(IdentityTrust::staticMetaObject, uri, 1, 0, "IdentityTrust",
                                     reason);
    qmlRegisterUncreatableMetaObject(SignedInRole::staticMetaObject, uri, 1, 0, "SignedInRole",
                                     QStringLiteral("an enumeration of roles"));
    qmlRegisterUncreatableMetaObject(StethoscopeMode::staticMetaObject, uri, 1, 0,
                                     "StethoscopeMode", QStringLiteral("an enumeration of modes"));
    qmlRegisterUncreatableMetaObject(VitalFlag::staticMetaObject, uri, 1, 0, "VitalFlag",
                                     QStringLiteral("an enumeration of flags"));
}

} // namespace tc::app
