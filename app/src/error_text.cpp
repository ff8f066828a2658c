#include "error_text.hpp"

#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/patient_identity.hpp"
#include "tc/prescriptions/record_errors.hpp"
#include "tc/prescriptions/signature_errors.hpp"
#include "tc/protocol/errors.hpp"

#include <QCoreApplication>
#include <array>
#include <cerrno>
#include <string_view>

namespace tc::app {
namespace {

QString translated(const char* text) {
    return QCoreApplication::translate("ErrorText", text);
}

// errno values as the console meets them: files, devices, sockets.
QString systemErrorText(int value) {
    switch (value) {
    case ENOENT:
        return QCoreApplication::translate("ErrorText", "fichier ou dossier introuvable");
    case EACCES:
    case EPERM:
        return QCoreApplication::translate("ErrorText",
                                           "accès refusé (droits du fichier ou du périphérique)");
    case ENOSPC:
    case EDQUOT:
        return QCoreApplication::translate("ErrorText", "disque plein : libérez de la place");
    case EROFS:
        return QCoreApplication::translate("ErrorText", "disque en lecture seule");
    case EBUSY:
        return QCoreApplication::translate("ErrorText",
                                           "périphérique occupé par un autre programme");
    case ENODEV:
    case ENXIO:
        return QCoreApplication::translate("ErrorText", "périphérique absent ou débranché");
    case EADDRINUSE:
        return QCoreApplication::translate("ErrorText",
                                           "port réseau déjà utilisé par un autre programme");
    case EADDRNOTAVAIL:
        return QCoreApplication::translate("ErrorText", "adresse réseau indisponible sur ce poste");
    case ECONNREFUSED:
        return QCoreApplication::translate("ErrorText", "connexion refusée par le serveur");
    case ECONNRESET:
    case EPIPE:
        return QCoreApplication::translate("ErrorText", "connexion coupée par l'autre côté");
    case ENETUNREACH:
    case EHOSTUNREACH:
        return QCoreApplication::translate("ErrorText", "réseau inaccessible");
    case ETIMEDOUT:
        return QCoreApplication::translate("ErrorText", "délai dépassé");
    default:
        return QCoreApplication::translate("ErrorText", "erreur système n° %1").arg(value);
    }
}

QString signatureErrorText(prescriptions::SignatureErrc code) {
    using prescriptions::SignatureErrc;
    switch (code) {
    case SignatureErrc::wrongPassphrase:
        return QCoreApplication::translate("ErrorText", "phrase secrète incorrecte");
    case SignatureErrc::malformedPkcs12:
    case SignatureErrc::noPrivateKey:
    case SignatureErrc::noCertificate:
    case SignatureErrc::keyCertificateMismatch:
        return QCoreApplication::translate(
            "ErrorText", "fichier d'identité inutilisable (clé ou certificat manquant)");
    case SignatureErrc::pkcs11LoginFailed:
        return QCoreApplication::translate(
            "ErrorText", "code PIN refusé par la carte (attention : la carte se bloque après "
                         "plusieurs codes faux)");
    case SignatureErrc::pkcs11TokenNotFound:
        return QCoreApplication::translate(
            "ErrorText", "carte absente ou retirée : réinsérez-la puis réessayez");
    case SignatureErrc::pkcs11ModuleUnavailable:
    case SignatureErrc::invalidPkcs11Uri:
        return QCoreApplication::translate("ErrorText", "le module de la carte ne se charge pas");
    case SignatureErrc::pkcs11KeyNotFound:
    case SignatureErrc::pkcs11CertificateNotFound:
        return QCoreApplication::translate("ErrorText",
                                           "la carte ne porte pas la clé de ce certificat");
    case SignatureErrc::certificateExpired:
        return QCoreApplication::translate("ErrorText", "certificat expiré");
    case SignatureErrc::certificateNotYetValid:
        return QCoreApplication::translate("ErrorText", "certificat pas encore valide");
    case SignatureErrc::signerNotPrescriber:
        return QCoreApplication::translate("ErrorText",
                                           "le certificat est celui d'un autre prescripteur");
    case SignatureErrc::signerNotAPrescriber:
        return QCoreApplication::translate("ErrorText",
                                           "le certificat n'est pas celui d'un prescripteur");
    default:
        return {};
    }
}

QString prescriptionErrorText(prescriptions::Errc code) {
    using prescriptions::Errc;
    switch (code) {
    case Errc::validationFailed:
        return QCoreApplication::translate("ErrorText",
                                           "l'ordonnance comporte des erreurs à corriger");
    case Errc::duplicateId:
        return QCoreApplication::translate("ErrorText", "une ordonnance porte déjà ce numéro");
    case Errc::unknownPrevious:
        return QCoreApplication::translate("ErrorText", "l'ordonnance à remplacer est inconnue");
    case Errc::alreadyCancelled:
        return QCoreApplication::translate("ErrorText",
                                           "l'ordonnance à remplacer a déjà été annulée");
    case Errc::amendmentMismatch:
        return QCoreApplication::translate(
            "ErrorText", "une ordonnance modifiée garde le même prescripteur et le même patient");
    default:
        return {};
    }
}

QString identityErrorText(prescriptions::IdentityErrc code) {
    using prescriptions::IdentityErrc;
    switch (code) {
    case IdentityErrc::missingName:
        return QCoreApplication::translate("ErrorText", "nom ou prénom manquant");
    case IdentityErrc::nameTooLong:
        return QCoreApplication::translate("ErrorText", "nom trop long");
    case IdentityErrc::controlCharacter:
        return QCoreApplication::translate("ErrorText", "caractère non autorisé dans un nom");
    case IdentityErrc::impossibleDate:
        return QCoreApplication::translate("ErrorText", "date de naissance impossible");
    case IdentityErrc::insKeyMismatch:
    case IdentityErrc::insMalformed:
        return QCoreApplication::translate("ErrorText", "INS incorrect (clé ou format)");
    case IdentityErrc::insSexMismatch:
        return QCoreApplication::translate("ErrorText", "le sexe ne correspond pas à l'INS");
    default:
        return QCoreApplication::translate("ErrorText", "identité incohérente");
    }
}

// The compte rendu's and the consultation record's problems (validateReport, validateRecord).
QString recordErrorText(prescriptions::RecordErrc code) {
    using prescriptions::RecordErrc;
    switch (code) {
    case RecordErrc::missingMotif:
        return QCoreApplication::translate("ErrorText", "motif de consultation à renseigner");
    case RecordErrc::missingConclusion:
        return QCoreApplication::translate("ErrorText", "conclusion à renseigner");
    case RecordErrc::missingField:
        return QCoreApplication::translate("ErrorText", "information manquante");
    case RecordErrc::controlCharacter:
        return QCoreApplication::translate("ErrorText", "caractère non autorisé dans le texte");
    case RecordErrc::textTooLong:
        return QCoreApplication::translate("ErrorText", "texte trop long : raccourcissez-le");
    case RecordErrc::tooManyItems:
        return QCoreApplication::translate("ErrorText", "trop d'éléments dans la liste");
    case RecordErrc::invalidIdentifier:
        return QCoreApplication::translate("ErrorText", "identifiant invalide");
    case RecordErrc::invalidRpps:
        return QCoreApplication::translate("ErrorText", "numéro RPPS du médecin invalide");
    case RecordErrc::invalidDigest:
        return QCoreApplication::translate("ErrorText", "empreinte de fichier invalide");
    case RecordErrc::invalidCode:
        return QCoreApplication::translate("ErrorText", "code LOINC ou unité invalide");
    case RecordErrc::invalidValue:
        return QCoreApplication::translate("ErrorText", "valeur impossible");
    case RecordErrc::invalidTime:
        return QCoreApplication::translate("ErrorText", "heure incohérente");
    case RecordErrc::duplicateId:
        return QCoreApplication::translate("ErrorText", "le même élément figure deux fois");
    case RecordErrc::unknownSource:
        return QCoreApplication::translate(
            "ErrorText", "cet élément d'examen ne correspond à aucun acte de la consultation");
    case RecordErrc::specialtyMisplaced:
        return QCoreApplication::translate(
            "ErrorText", "une spécialité ne se précise que pour un avis spécialisé");
    case RecordErrc::recordMismatch:
        return QCoreApplication::translate("ErrorText",
                                           "ce compte rendu est celui d'une autre consultation");
    case RecordErrc::identityIncomplete:
        return QCoreApplication::translate(
            "ErrorText",
            "identité du patient incomplète (nom de naissance, prénom, date de naissance)");
    }
    return {};
}

// Which part of the console failed, by the error's category.
QString domainText(std::string_view category) {
    struct Domain {
        std::string_view category;
        const char* text;
    };
    static constexpr std::array kDomains{
        Domain{"tc.media", QT_TRANSLATE_NOOP("ErrorText", "incident du moteur multimédia")},
        Domain{"tc.video", QT_TRANSLATE_NOOP("ErrorText", "incident vidéo")},
        Domain{"tc.media.codec", QT_TRANSLATE_NOOP("ErrorText", "incident du codec audio")},
        Domain{"tc.pcm", QT_TRANSLATE_NOOP("ErrorText", "fichier audio illisible")},
        Domain{"tc.recorder", QT_TRANSLATE_NOOP("ErrorText", "incident d'enregistrement")},
        Domain{"tc.recording-repair", QT_TRANSLATE_NOOP("ErrorText", "enregistrement endommagé")},
        Domain{"tc.srtp", QT_TRANSLATE_NOOP("ErrorText", "incident de chiffrement du flux")},
        Domain{"tc.dtls", QT_TRANSLATE_NOOP("ErrorText", "échec de la négociation du chiffrement")},
        Domain{"tc.sdp", QT_TRANSLATE_NOOP("ErrorText", "description média de la cabine refusée")},
        Domain{"tc.packet", QT_TRANSLATE_NOOP("ErrorText", "paquet média invalide")},
        Domain{"tc.ice", QT_TRANSLATE_NOOP("ErrorText", "connexion média impossible")},
        Domain{"tc.protocol.ice",
               QT_TRANSLATE_NOOP("ErrorText", "serveurs STUN/TURN inutilisables")},
        Domain{"tc.protocol.host_address",
               QT_TRANSLATE_NOOP("ErrorText", "aucune interface réseau utilisable")},
        Domain{"tc.document", QT_TRANSLATE_NOOP("ErrorText", "transfert de document refusé")},
        Domain{"tc.prescriptions", QT_TRANSLATE_NOOP("ErrorText", "ordonnance refusée")},
        Domain{"tc.prescriptions.signature", QT_TRANSLATE_NOOP("ErrorText", "échec de signature")},
        Domain{"tc.record", QT_TRANSLATE_NOOP("ErrorText", "compte rendu refusé")},
        Domain{"tc.fhir_document",
               QT_TRANSLATE_NOOP("ErrorText", "document FHIR du compte rendu invalide")},
        Domain{"tc.impairment", QT_TRANSLATE_NOOP("ErrorText", "simulation réseau invalide")},
        Domain{"tc.archive", QT_TRANSLATE_NOOP("ErrorText", "archive refusée")},
        Domain{"tc.archive_transfer", QT_TRANSLATE_NOOP("ErrorText", "envoi à l'archive refusé")},
        Domain{"tc.record", QT_TRANSLATE_NOOP("ErrorText", "dossier de consultation invalide")},
        Domain{"tc.fhir_document", QT_TRANSLATE_NOOP("ErrorText", "document FHIR invalide")},
        Domain{"tc.dossier",
               QT_TRANSLATE_NOOP("ErrorText", "dossier de consultation non constitué")},
    };
    for (const auto& domain : kDomains) {
        if (domain.category == category) {
            return translated(domain.text);
        }
    }
    return QCoreApplication::translate("ErrorText", "incident technique");
}

} // namespace

QString errorText(const boost::system::error_code& error) {
    if (!error) {
        return {};
    }
    const std::string_view category = error.category().name();
    if (category == "system" || category == "generic") {
        return systemErrorText(error.value());
    }
    if (error.category() == protocol::protocolCategory()) {
        return describeError(error);
    }
    if (error.category() == prescriptions::signatureCategory()) {
        if (auto text =
                signatureErrorText(static_cast<prescriptions::SignatureErrc>(error.value()));
            !text.isEmpty()) {
            return text;
        }
    }
    if (error.category() == prescriptions::identityCategory()) {
        return identityErrorText(static_cast<prescriptions::IdentityErrc>(error.value()));
    }
    if (error.category() == prescriptions::recordCategory()) {
        if (auto text = recordErrorText(static_cast<prescriptions::RecordErrc>(error.value()));
            !text.isEmpty()) {
            return text;
        }
    }
    if (error.category() == prescriptions::prescriptionsCategory()) {
        if (auto text = prescriptionErrorText(static_cast<prescriptions::Errc>(error.value()));
            !text.isEmpty()) {
            return text;
        }
    }
    return QCoreApplication::translate("ErrorText", "%1 (code %2/%3)")
        .arg(domainText(category), QString::fromLatin1(error.category().name()))
        .arg(error.value());
}

QString describeError(const boost::system::error_code& error) {
    using protocol::Errc;
    if (error.category() != protocol::protocolCategory()) {
        return QCoreApplication::translate(
                   "ErrorText",
                   "Erreur réseau : %1. Vérifiez la connexion internet ; la reconnexion est "
                   "automatique.")
            .arg(errorText(error));
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
    case Errc::invalidCpts:
    case Errc::unexpectedCpts:
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
        return QCoreApplication::translate("ErrorText", "Erreur : %1").arg(errorText(error));
    }
}

} // namespace tc::app
