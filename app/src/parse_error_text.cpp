#include "parse_error_text.hpp"

#include <QCoreApplication>
#include <array>
#include <string_view>

namespace tc::app {

namespace {

// The ordonnance's number fields, by the last key of their JSON path.
bool numberField(std::string_view path) {
    const auto key = path.substr(path.rfind('/') + 1);
    constexpr std::array<std::string_view, 5> numbers{"value", "weightKg", "heightCm", "packs",
                                                      "renewals"};
    for (const auto n : numbers) {
        if (key == n) {
            return true;
        }
    }
    return false;
}

} // namespace

QString describeParseError(const prescriptions::ParseError& error) {
    using prescriptions::Errc;
    if (error.code.category() != prescriptions::prescriptionsCategory()) {
        return QCoreApplication::translate("ParseErrorText", "valeur illisible");
    }
    switch (static_cast<Errc>(error.code.value())) {
    case Errc::invalidDate:
        return QCoreApplication::translate("ParseErrorText",
                                           "date attendue sous la forme AAAA-MM-JJ (1970-02-14)");
    case Errc::invalidTimestamp:
        return QCoreApplication::translate("ParseErrorText", "date et heure illisibles");
    case Errc::missingField:
        return QCoreApplication::translate("ParseErrorText", "champ obligatoire");
    case Errc::wrongFieldType:
        return numberField(error.path)
                   ? QCoreApplication::translate("ParseErrorText", "nombre attendu (78 ou 78,5)")
                   : QCoreApplication::translate("ParseErrorText", "valeur illisible");
    case Errc::invalidField:
        return numberField(error.path)
                   ? QCoreApplication::translate("ParseErrorText", "nombre hors des limites")
                   : QCoreApplication::translate(
                         "ParseErrorText", "texte refusé (trop long ou caractères de contrôle)");
    case Errc::unknownEnumValue:
        return QCoreApplication::translate("ParseErrorText",
                                           "choix inconnu : choisissez dans la liste");
    case Errc::idWrongLength:
    case Errc::idInvalidCharacter:
    case Errc::idCheckMismatch:
        return QCoreApplication::translate("ParseErrorText", "numéro d'ordonnance invalide");
    case Errc::invalidUtf8:
        return QCoreApplication::translate("ParseErrorText", "caractères illisibles");
    default:
        return QCoreApplication::translate("ParseErrorText", "valeur illisible");
    }
}

} // namespace tc::app
