#include "error_text.hpp"

#include "tc/protocol/errors.hpp"

#include <QCoreApplication>

namespace tc::app {

QString describeError(const boost::system::error_code& error) {
    using protocol::Errc;
    if (error.category() != protocol::protocolCategory()) {
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
    default:
        return QCoreApplication::translate("ErrorText", "Erreur : %1")
            .arg(QString::fromStdString(error.message()));
    }
}

} // namespace tc::app
