#pragma once
// French labels for the protocol's enumerations, as the doctor reads them (translated like every
// other string, context "Labels").

#include "tc/protocol/identity.hpp"
#include "tc/protocol/messages.hpp"

#include <QString>
#include <QStringList>
#include <string_view>
#include <vector>

namespace tc::app {

// A wire name (ASCII) as a QString.
QString fromWire(std::string_view wireName);

QString sexLabel(protocol::Sex sex);
QString operatorLabel(protocol::OperatorRole role);
QString instrumentLabel(protocol::Instrument instrument);
QStringList instrumentLabels(const std::vector<protocol::Instrument>& instruments);
QString consentLabel(const protocol::Consent& consent);
QString endReasonLabel(protocol::EndReason reason);
// "par vous", "par la cabine", "par le service": who ended a session.
QString endedByLabel(protocol::Role role);

} // namespace tc::app
