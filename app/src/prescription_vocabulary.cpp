#include "prescription_vocabulary.hpp"

#include "tc/prescriptions/vocabulary.hpp"
#include "ui_text.hpp"

#include <QLocale>
#include <QVariantMap>
#include <string_view>

namespace tc::app {

namespace {

namespace rx = tc::prescriptions;

template <class Items> QVariantList choices(const Items& items) {
    QVariantList out;
    for (const auto& item : items) {
        out.push_back(QVariantMap{
            {QStringLiteral("code"), fromView(item.wire)},
            {QStringLiteral("label"), fromView(french() ? item.labelFr : item.labelEn)}});
    }
    return out;
}

} // namespace

QVariantList PrescriptionVocabulary::doseUnits() {
    QVariantList out;
    for (const auto& unit : rx::allUnits()) {
        if (unit.unit != rx::Unit::pack) {
            out.push_back(QVariantMap{
                {QStringLiteral("code"), fromView(unit.code)},
                {QStringLiteral("label"), fromView(french() ? unit.labelFr : unit.labelEn)}});
        }
    }
    return out;
}

QVariantList PrescriptionVocabulary::forms() {
    return choices(rx::allForms());
}

QVariantList PrescriptionVocabulary::routes() {
    return choices(rx::allRoutes());
}

QVariantList PrescriptionVocabulary::durationUnits() {
    return choices(rx::allDurationUnits());
}

QVariantList PrescriptionVocabulary::nonSubstitutionReasons() {
    return choices(rx::allNonSubstitutionReasons());
}

} // namespace tc::app
