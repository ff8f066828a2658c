#include "error_text.hpp"

#include "tc/protocol/errors.hpp"

#include <QCoreApplication>
#include <boost/asio/error.hpp>

namespace tc::app {

QString describeError(const boost::system::error_code& error) {
    using protocol::Errc;
    if (error.category() != protocol::protocolCategory()) {
        namespace ae = boost::asio::error;
        if (error == ae::connection_refused) {
            return QCoreApplication::translate(
                "ErrorText", "Le service refuse la connexion (arrêté, ou mauvais port). Nouvel essai "
                             "automatique ; vérifiez l'adresse et le port s'il persiste.");
        }
        if (error == ae::host_not_found || error == ae::host_not_found_try_again) {
            return QCoreApplication::translate(
                "ErrorText", "Adresse du service inconnue. Vérifiez le nom du service et votre "
                             "connexion internet.");
        }
        if (error == ae::network_unreachable || error == ae::host_unreachable ||
            error == ae::timed_out) {
            return QCoreApplication::translate(
                "ErrorText", "Service injoignable : vérifiez votre connexion internet. Nouvel "
                             "essai automatique.");
        }
        return QCoreApplication::translate(
                   "ErrorText",
                   "Erreur réseau : %1. Vérifiez la connexion internet ; la reconnexion est "
                   "automatique.")
            .arg(QString::fromStdString(error.message()));
    }
    switch (static_cast<Errc>(error.value())) {
    case Errc::noCertificate:
        return QCoreApplication::translate(
            "ErrorText",
            "Le service exige un certificat. Choisissez votre fichier d'identité (.p12).");
    case Errc::unknownCa:
        return QCoreApplication::translate(
            "ErrorText",
            "Certificat non reconnu : il n'a pas été émis par l'autorité de ce service. "
            "Vérifiez le fichier d'identité ou l'adresse du service.");
    case Errc::certificateExpired:
        return QCoreApplication::translate(
            "ErrorText", "Certificat expiré ou pas encore valide. Demandez un nouveau certificat à "
                         "votre administrateur.");
    case Errc::certificateRejected:
        return QCoreApplication::translate(
            "ErrorText", "Certificat refusé (serveur inattendu ou certificat invalide). Vérifiez "
                         "l'adresse du service.");
    case Errc::badIdentity:
    case Errc::invalidRpps:
        return QCoreApplication::translate(
            "ErrorText",
            "Ce certificat ne porte pas une identité valide (RPPS, rôle). Contactez votre "
            "administrateur.");
    case Errc::pkiFailure:
        return QCoreApplication::translate(
            "ErrorText",
            "Impossible d'ouvrir le fichier d'identité : phrase de passe incorrecte ou "
            "fichier illisible.");
    case Errc::alreadyTaken:
        return QCoreApplication::translate(
            "ErrorText",
            "Un autre médecin a déjà pris en charge ce patient. Choisissez un autre patient "
            "dans la file.");
    case Errc::notOnShift:
        return QCoreApplication::translate(
            "ErrorText",
            "Vous êtes en pause. Passez « en service » pour prendre un patient en charge.");
    case Errc::cabinBusy:
        return QCoreApplication::translate(
            "ErrorText",
            "La cabine est occupée ou en cours de désinfection. Réessayez dans un instant.");
    case Errc::unknownVisit:
        return QCoreApplication::translate(
            "ErrorText", "Ce patient n'est plus dans la file (parti ou pris en charge).");
    case Errc::forbiddenRole:
        return QCoreApplication::translate("ErrorText",
                                           "Votre certificat ne permet pas cette action.");
    case Errc::notConnected:
    case Errc::connectionLost:
        return QCoreApplication::translate(
            "ErrorText", "Connexion au service perdue. Reconnexion automatique en cours…");
    case Errc::timeout:
        return QCoreApplication::translate(
            "ErrorText", "Le service ne répond pas. Réessayez ; la connexion est surveillée.");
    case Errc::peerLost:
        return QCoreApplication::translate(
            "ErrorText", "La cabine ne répond plus et n'est pas revenue à temps.");
    case Errc::rateLimited:
        return QCoreApplication::translate(
            "ErrorText", "Trop de demandes en peu de temps. Patientez quelques secondes.");
    case Errc::invalidSessionState:
        return QCoreApplication::translate("ErrorText",
                                           "Action impossible à ce stade de la consultation.");
    case Errc::unknownSession:
    case Errc::notInSession:
        return QCoreApplication::translate(
            "ErrorText", "Cette consultation n'existe plus pour le service (close ou expirée). "
                         "Revenez à la file d'attente.");
    case Errc::underage:
    case Errc::guardianRequired:
    case Errc::consentMissing:
        return QCoreApplication::translate(
            "ErrorText", "Ce patient ne remplit pas les conditions de la téléconsultation en cabine "
                         "(âge, représentant légal ou consentement). L'opérateur de la cabine "
                         "doit compléter son dossier.");
    case Errc::storageFailure:
    case Errc::internal:
        return QCoreApplication::translate(
            "ErrorText", "Incident du service. Réessayez dans un instant ; s'il persiste, "
                         "prévenez le support.");
    case Errc::malformedJson:
    case Errc::frameTooLarge:
    case Errc::binaryFrame:
    case Errc::unsupportedVersion:
    case Errc::unknownType:
    case Errc::missingField:
    case Errc::wrongFieldType:
    case Errc::invalidField:
    case Errc::unknownField:
    case Errc::unknownMessageKind: {
        const auto name = protocol::wireName(static_cast<Errc>(error.value()));
        return QCoreApplication::translate(
                   "ErrorText", "Le service a refusé une demande de la console (%1). Mettez la "
                                "console à jour ou prévenez le support.")
            .arg(QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size())));
    }
    default:
        return QCoreApplication::translate("ErrorText", "Erreur : %1")
            .arg(QString::fromStdString(error.message()));
    }
}

} // namespace tc::app
