#include "labels.hpp"

#include "tc/errors/table_lookup.hpp"

#include <QCoreApplication>

namespace tc::app {

namespace {

// Each label is marked for lupdate in the "Labels" context and translated when asked for.
template <class Labels, class Enum> QString translated(const Labels& labels, Enum value) {
    const char* label = labels(value, nullptr);
    return label != nullptr ? QCoreApplication::translate("Labels", label) : QString();
}

} // namespace

QString sexLabel(protocol::Sex sex) {
    static constexpr errors::EnumMap<protocol::Sex::other, const char*> labels{
        {QT_TRANSLATE_NOOP("Labels", "Femme"), QT_TRANSLATE_NOOP("Labels", "Homme"),
         QT_TRANSLATE_NOOP("Labels", "Autre")}};
    return translated(labels, sex);
}

QString operatorLabel(protocol::OperatorRole role) {
    static constexpr errors::EnumMap<protocol::OperatorRole::doctorAssistant, const char*> labels{
        {QT_TRANSLATE_NOOP("Labels", "sans accompagnant"),
         QT_TRANSLATE_NOOP("Labels", "infirmier·e"), QT_TRANSLATE_NOOP("Labels", "pharmacien·ne"),
         QT_TRANSLATE_NOOP("Labels", "assistant·e médical·e")}};
    return translated(labels, role);
}

QString instrumentLabel(protocol::Instrument instrument) {
    static constexpr errors::EnumMap<protocol::Instrument::glucometer, const char*> labels{
        {QT_TRANSLATE_NOOP("Labels", "Stéthoscope"), QT_TRANSLATE_NOOP("Labels", "Caméra"),
         QT_TRANSLATE_NOOP("Labels", "Otoscope"), QT_TRANSLATE_NOOP("Labels", "Dermatoscope"),
         QT_TRANSLATE_NOOP("Labels", "Tensiomètre"), QT_TRANSLATE_NOOP("Labels", "Oxymètre"),
         QT_TRANSLATE_NOOP("Labels", "Thermomètre"), QT_TRANSLATE_NOOP("Labels", "Balance"),
         QT_TRANSLATE_NOOP("Labels", "ECG"), QT_TRANSLATE_NOOP("Labels", "Glucomètre")}};
    return translated(labels, instrument);
}

QStringList instrumentLabels(const std::vector<protocol::Instrument>& instruments) {
    QStringList labels;
    for (const auto i : instruments) {
        labels << instrumentLabel(i);
    }
    return labels;
}

QString endReasonLabel(protocol::EndReason reason) {
    static constexpr errors::EnumMap<protocol::EndReason::peerLost, const char*> labels{
        {QT_TRANSLATE_NOOP("Labels", "Consultation terminée"),
         QT_TRANSLATE_NOOP("Labels", "Orienté vers une consultation en présentiel"),
         QT_TRANSLATE_NOOP("Labels", "Orienté vers les urgences"),
         QT_TRANSLATE_NOOP("Labels", "Téléconsultation non adaptée"),
         QT_TRANSLATE_NOOP("Labels", "Patient parti"),
         QT_TRANSLATE_NOOP("Labels", "Problème technique"),
         QT_TRANSLATE_NOOP("Labels", "Cabine injoignable")}};
    return translated(labels, reason);
}

} // namespace tc::app
