#include "labels.hpp"

#include <QCoreApplication>

namespace tc::app {
QString sexLabel(protocol::Sex sex) {
    switch (sex) {
    case protocol::Sex::female:
        return QCoreApplication::translate("Labels", "Femme");
    case protocol::Sex::male:
        return QCoreApplication::translate("Labels", "Homme");
    case protocol::Sex::other:
        return QCoreApplication::translate("Labels", "Autre");
    }
    return {};
}

QString operatorLabel(protocol::OperatorRole role) {
    switch (role) {
    case protocol::OperatorRole::none:
        return QCoreApplication::translate("Labels", "sans accompagnant");
    case protocol::OperatorRole::nurse:
        return QCoreApplication::translate("Labels", "infirmier·e");
    case protocol::OperatorRole::pharmacist:
        return QCoreApplication::translate("Labels", "pharmacien·ne");
    case protocol::OperatorRole::doctorAssistant:
        return QCoreApplication::translate("Labels", "assistant·e médical·e");
    }
    return {};
}

QString instrumentLabel(protocol::Instrument instrument) {
    using I = protocol::Instrument;
    switch (instrument) {
    case I::stethoscope:
        return QCoreApplication::translate("Labels", "Stéthoscope");
    case I::roomCamera:
        return QCoreApplication::translate("Labels", "Caméra");
    case I::otoscope:
        return QCoreApplication::translate("Labels", "Otoscope");
    case I::dermatoscope:
        return QCoreApplication::translate("Labels", "Dermatoscope");
    case I::bloodPressure:
        return QCoreApplication::translate("Labels", "Tensiomètre");
    case I::oximeter:
        return QCoreApplication::translate("Labels", "Oxymètre");
    case I::thermometer:
        return QCoreApplication::translate("Labels", "Thermomètre");
    case I::scale:
        return QCoreApplication::translate("Labels", "Balance");
    case I::ecg:
        return QCoreApplication::translate("Labels", "ECG");
    case I::glucometer:
        return QCoreApplication::translate("Labels", "Glucomètre");
    }
    return {};
}

QStringList instrumentLabels(const std::vector<protocol::Instrument>& instruments) {
    QStringList labels;
    for (const auto i : instruments) {
        labels << instrumentLabel(i);
    }
    return labels;
}

QString endReasonLabel(protocol::EndReason reason) {
    using R = protocol::EndReason;
    switch (reason) {
    case R::completed:
        return QCoreApplication::translate("Labels", "Consultation terminée");
    case R::referredInPerson:
        return QCoreApplication::translate("Labels", "Orienté vers une consultation en présentiel");
    case R::referredEmergency:
        return QCoreApplication::translate("Labels", "Orienté vers les urgences");
    case R::notSuitable:
        return QCoreApplication::translate("Labels", "Téléconsultation non adaptée");
    case R::patientLeft:
        return QCoreApplication::translate("Labels", "Patient parti");
    case R::technicalFailure:
        return QCoreApplication::translate("Labels", "Problème technique");
    case R::peerLost:
        return QCoreApplication::translate("Labels", "Cabine injoignable");
    }
    return {};
}

} // namespace tc::app
