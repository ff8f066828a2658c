#pragma once
// The console's states as enums, one type per machine, for C++ and QML alike, and the other
// values the screens compare (a filter mode, a vital sign's flag). QML imports
// `Telecabine.States` and compares `session.state === SessionState.Active`: no state is a
// string, so a typo is an error instead of a screen that silently never shows.
//
// QML wants enum values capitalised; logs and tests print stateName(), the value's key with a
// lower-case initial ("active"), the wording the earlier string states had.

#include <QMetaEnum>
#include <QObject>
#include <QString>

namespace tc::app {

// The rendezvous connection (ConnectionController::state).
class ConnectionState {
    Q_GADGET
public:
    enum Value { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(Value)
};

// One consultation (SessionController::state).
class SessionState {
    Q_GADGET
public:
    enum Value { Idle, Claiming, Joining, Active, Ending, Ended };
    Q_ENUM(Value)
};

// The media transport (MediaLink::state): None before an offer and after the session.
class MediaState {
    Q_GADGET
public:
    enum Value { None, Checking, Securing, Connected, Disconnected, Reconnecting, Failed, Closed };
    Q_ENUM(Value)
};

// The signed ordonnance on its way to the cabin's printer (PrescriptionDeliveryController).
class DeliveryState {
    Q_GADGET
public:
    enum Value { Idle, Sending, Received, Printing, Printed, Failed };
    Q_ENUM(Value)
};

// The ordonnance's signature (PrescriptionEditor::signingState).
class SigningState {
    Q_GADGET
public:
    enum Value { Unsigned, Signing, Signed };
    Q_ENUM(Value)
};

// The doctor's working tab beside the video (SessionWorkspace::current).
class Workspace {
    Q_GADGET
public:
    enum Value { Stethoscope, Vitals, Prescription, Report };
    Q_ENUM(Value)
};

// What happens after the consultation, in the compte rendu (ReportEditor::followUp), as
// prescriptions::FollowUpKind has them.
class ReportFollowUp {
    Q_GADGET
public:
    enum Value { None, GpInPerson, Emergency, Specialist };
    Q_ENUM(Value)
};

// Who signed in (ConnectionController::role): a doctor takes consultations; a CPTS coordinator
// reviews them (the console opens in review mode).
class SignedInRole {
    Q_GADGET
public:
    enum Value { Doctor, Coordinator };
    Q_ENUM(Value)
};

// How far the patient's identity can be trusted (PatientIdentityView::trust).
class IdentityTrust {
    Q_GADGET
public:
    enum Value { Unknown, Unverified, Provisional, Qualified };
    Q_ENUM(Value)
};

// The stethoscope's filter (StethoscopeController::mode), as media::FilterMode has them.
class StethoscopeMode {
    Q_GADGET
public:
    enum Value { Bell, Diaphragm, Extended, Raw };
    Q_ENUM(Value)
};

// A vital sign's value against the patient's reference range (the `flag` of each value in
// VitalsController::readings), as protocol::VitalFlag has them.
class VitalFlag {
    Q_GADGET
public:
    enum Value { Normal, Low, High, CriticalLow, CriticalHigh, NotAssessed };
    Q_ENUM(Value)
};

template <class Enum> QString stateName(Enum value) {
    QString name = QString::fromLatin1(QMetaEnum::fromType<Enum>().valueToKey(value));
    if (!name.isEmpty()) {
        name[0] = name[0].toLower();
    }
    return name;
}

// Makes the enums above importable as `import Telecabine.States` (before any QML loads).
void registerStateTypes();

} // namespace tc::app
