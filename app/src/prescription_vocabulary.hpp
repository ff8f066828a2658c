#pragma once
// The choices the ordonnance's fields offer, each [{code, label}]: the code as the prescription's
// JSON form has it, the label in the console's language. They come from the prescriptions
// library's vocabulary and never change during a run. PrescriptionEditor exposes one
// (`vocabulary`); it cannot fail.

#include <QObject>
#include <QVariantList>

namespace tc::app {

class PrescriptionVocabulary : public QObject {
    Q_OBJECT
    Q_PROPERTY(QVariantList doseUnits READ doseUnits CONSTANT)
    Q_PROPERTY(QVariantList forms READ forms CONSTANT)
    Q_PROPERTY(QVariantList routes READ routes CONSTANT)
    Q_PROPERTY(QVariantList durationUnits READ durationUnits CONSTANT)
    Q_PROPERTY(QVariantList nonSubstitutionReasons READ nonSubstitutionReasons CONSTANT)

public:
    using QObject::QObject;

    // Every unit a dose is given in (a pack is dispensed, never taken).
    static QVariantList doseUnits();
    static QVariantList forms();
    static QVariantList routes();
    static QVariantList durationUnits();
    static QVariantList nonSubstitutionReasons();
};

} // namespace tc::app
