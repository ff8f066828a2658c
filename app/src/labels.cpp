#include "labels.hpp"

#include <QCoreApplication>

namespace tc::app {
namespace {
QString tr(const char* text) { return QCoreApplication::translate("Labels", text); }
} // namespace

QString sexLabel(protocol::Sex sex) {
    switch (sex) {
    case protocol::Sex::female:
        return tr("Femme");
    case protocol::Sex::male:
        return tr("Homme");
    case protocol::Sex::other:
        return tr("Autre");
    }
    return {};
}

QString operatorLabel(protocol::OperatorRole role) {
    switch (role) {
    case protocol::OperatorRole::none:
        return tr("sans accompagnant");
    case protocol::OperatorRole::nurse:
        return tr("infirmier·e");
    case protocol::OperatorRole::pharmacist:
        return tr("pharmacien·ne");
    case protocol::OperatorRole::doctorAssistant:
        return tr("assistant·e médical·e");
    }
    return {};
}

QString instrumentLabel(protocol::Instrument instrument) {
    using I = protocol::Instrument;
    switch (instrument) {
    case I::stethoscope:
        return tr("Stéthoscope");
    case I::roomCamera:
        return tr("Caméra");
    case I::otoscope:
        return tr("Otoscope");
    case I::dermatoscope:
        return tr("Dermatoscope");
    case I::bloodPressure:
        return tr("Tensiomètre");
    case I::oximeter:
        return tr("Oxymètre");
    case I::thermometer:
        return tr("Thermomètre");
    case I::scale:
        return tr("Balance");
    case I::ecg:
        return tr("ECG");
    case I::glucometer:
        return tr("Glucomètre");
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
        return tr("Consultation terminée");
    case R::referredInPerson:
        return tr("Orienté vers une consultation en présentiel");
    case R::referredEmergency:
        return tr("Orienté vers les urgences");
    case R::notSuitable:
        return tr("Téléconsultation non adaptée");
    case R::patientLeft:
        return tr("Patient parti");
    case R::technicalFailure:
        return tr("Problème technique");
    case R::peerLost:
        return tr("Cabine injoignable");
    }
    return {};
}

} // namespace tc::app
