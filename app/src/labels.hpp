#pragma once
// French labels for the protocol's enumerations, as the doctor reads them.

#include "tc/protocol/messages.hpp"

#include <QString>
#include <QStringList>

namespace tc::app {

QString sexLabel(protocol::Sex sex);
QString operatorLabel(protocol::OperatorRole role);
QString instrumentLabel(protocol::Instrument instrument);
QStringList instrumentLabels(const std::vector<protocol::Instrument>& instruments);
QString endReasonLabel(protocol::EndReason reason);

} // namespace tc::app
