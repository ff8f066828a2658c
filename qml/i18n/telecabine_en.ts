<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr">
<context>
    <name>AccessTrailView</name>
    <message>
        <location filename="../AccessTrailView.qml" line="19"/>
        <source>Mon journal d&apos;accès</source>
        <translation>My access trail</translation>
    </message>
    <message>
        <location filename="../AccessTrailView.qml" line="33"/>
        <source>Actualiser</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../AccessTrailView.qml" line="39"/>
        <source>Chaque consultation de la liste, ouverture de dossier, relecture et export est inscrite au journal d&apos;audit du service, chaîné et signé.</source>
        <translation>Every listing, record opening, replay and export is written to the service&apos;s audit log, hash-chained and signed.</translation>
    </message>
    <message>
        <location filename="../AccessTrailView.qml" line="48"/>
        <source>Heure</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../AccessTrailView.qml" line="49"/>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../AccessTrailView.qml" line="50"/>
        <source>Dossier</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../AccessTrailView.qml" line="51"/>
        <source>Détail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location filename="../AccessTrailView.qml" line="110"/>
        <source>Aucun accès enregistré</source>
        <translation>No access recorded</translation>
    </message>
</context>
<context>
    <name>ArchivePanel</name>
    <message>
        <location filename="../ArchivePanel.qml" line="28"/>
        <source>Dossiers en cours d&apos;archivage</source>
        <translation>Dossiers being archived</translation>
    </message>
    <message>
        <location filename="../ArchivePanel.qml" line="29"/>
        <source>Dossiers archivés</source>
        <translation>Archived dossiers</translation>
    </message>
    <message>
        <location filename="../ArchivePanel.qml" line="85"/>
        <source>Réessayer</source>
        <translation>Retry</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <location filename="../BarChart.qml" line="31"/>
        <source>Aucune donnée</source>
        <translation>No data</translation>
    </message>
</context>
<context>
    <name>ConsultationReplayView</name>
    <message>
        <location filename="../ConsultationReplayView.qml" line="35"/>
        <source>Jalons</source>
        <translation>Milestones</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="36"/>
        <source>Auscultations</source>
        <translation>Auscultations</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="37"/>
        <source>Mesures</source>
        <translation>Measurements</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="38"/>
        <source>Photos</source>
        <translation>Stills</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="39"/>
        <source>Incidents techniques</source>
        <translation>Technical incidents</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="40"/>
        <source>Documents signés</source>
        <translation>Signed documents</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="94"/>
        <source>Préparation des enregistrements…</source>
        <translation>Preparing the recordings…</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="121"/>
        <source>❚❚ Pause (Espace)</source>
        <translation>❚❚ Pause (Space)</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="121"/>
        <source>▶ Lecture (Espace)</source>
        <translation>▶ Play (Space)</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="133"/>
        <source>vitesse %1</source>
        <translation>speed %1</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="149"/>
        <source>Espace lecture · ←/→ 5 s · [ ] auscultations · Pg↑/Pg↓ incidents · D/Maj+D documents · 1 2 3 vitesse</source>
        <translation>Space play · ←/→ 5 s · [ ] auscultations · PgUp/PgDn incidents · D/Shift+D documents · 1 2 3 speed</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="282"/>
        <source>Pas encore de photo à ce moment</source>
        <translation>No still yet at this moment</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="293"/>
        <source>♥ Auscultation : %1</source>
        <translation>♥ Auscultation: %1</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="294"/>
        <source>Pas d&apos;auscultation à ce moment</source>
        <translation>No auscultation at this moment</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="299"/>
        <source>Mesures prises jusqu&apos;ici</source>
        <translation>Measurements taken so far</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="308"/>
        <source>%1 : %2 %3  (%4)</source>
        <extracomment>A measurement: its name, value, unit and when it was taken.</extracomment>
        <translation>%1: %2 %3  (%4)</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="335"/>
        <source>ECG D II · 25 mm/s · 10 mm/mV</source>
        <translation>ECG lead II · 25 mm/s · 10 mm/mV</translation>
    </message>
    <message>
        <location filename="../ConsultationReplayView.qml" line="360"/>
        <source>Pléthysmogramme</source>
        <translation>Plethysmogram</translation>
    </message>
</context>
<context>
    <name>EndReasonDialog</name>
    <message>
        <location filename="../EndReasonDialog.qml" line="11"/>
        <source>Terminer la consultation</source>
        <translation>End the consultation</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="19"/>
        <source>Terminer</source>
        <translation>End</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="24"/>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="31"/>
        <source>Consultation terminée</source>
        <translation>Consultation completed</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="32"/>
        <source>Orienté vers une consultation en présentiel</source>
        <translation>Referred to an in-person consultation</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="33"/>
        <source>Orienté vers les urgences</source>
        <translation>Referred to the emergency department</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="34"/>
        <source>Téléconsultation non adaptée</source>
        <translation>Teleconsultation not suitable</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="35"/>
        <source>Patient parti</source>
        <translation>Patient left</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="36"/>
        <source>Problème technique</source>
        <translation>Technical problem</translation>
    </message>
    <message>
        <location filename="../EndReasonDialog.qml" line="59"/>
        <source>Note (facultative)</source>
        <translation>Note (optional)</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <location filename="../../app/src/error_text.cpp" line="25"/>
        <source>fichier ou dossier introuvable</source>
        <translation>file or folder not found</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="28"/>
        <source>accès refusé (droits du fichier ou du périphérique)</source>
        <translation>access denied (file or device permissions)</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="32"/>
        <source>disque plein : libérez de la place</source>
        <translation>disk full: free some space</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="34"/>
        <source>disque en lecture seule</source>
        <translation>read-only disk</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="36"/>
        <source>périphérique occupé par un autre programme</source>
        <translation>device in use by another program</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="40"/>
        <source>périphérique absent ou débranché</source>
        <translation>device missing or unplugged</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="42"/>
        <source>port réseau déjà utilisé par un autre programme</source>
        <translation>network port already used by another program</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="45"/>
        <source>adresse réseau indisponible sur ce poste</source>
        <translation>network address not available on this computer</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="47"/>
        <source>connexion refusée par le serveur</source>
        <translation>connection refused by the server</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="50"/>
        <source>connexion coupée par l&apos;autre côté</source>
        <translation>connection closed by the other side</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="53"/>
        <source>réseau inaccessible</source>
        <translation>network unreachable</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="55"/>
        <source>délai dépassé</source>
        <translation>timed out</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="57"/>
        <source>erreur système n° %1</source>
        <translation>system error no. %1</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="65"/>
        <source>phrase secrète incorrecte</source>
        <translation>wrong passphrase</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="70"/>
        <source>fichier d&apos;identité inutilisable (clé ou certificat manquant)</source>
        <translation>unusable identity file (key or certificate missing)</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="73"/>
        <source>code PIN refusé par la carte (attention : la carte se bloque après plusieurs codes faux)</source>
        <translation>PIN refused by the card (careful: the card locks after several wrong PINs)</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="77"/>
        <source>carte absente ou retirée : réinsérez-la puis réessayez</source>
        <translation>card missing or removed: insert it again and retry</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="81"/>
        <source>le module de la carte ne se charge pas</source>
        <translation>the card&apos;s module does not load</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="84"/>
        <source>la carte ne porte pas la clé de ce certificat</source>
        <translation>the card does not hold this certificate&apos;s key</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="87"/>
        <source>certificat expiré</source>
        <translation>certificate expired</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="89"/>
        <source>certificat pas encore valide</source>
        <translation>certificate not yet valid</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="91"/>
        <source>le certificat est celui d&apos;un autre prescripteur</source>
        <translation>the certificate is another prescriber&apos;s</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="94"/>
        <source>le certificat n&apos;est pas celui d&apos;un prescripteur</source>
        <translation>the certificate is not a prescriber&apos;s</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="105"/>
        <source>l&apos;ordonnance comporte des erreurs à corriger</source>
        <translation>the prescription has errors to fix</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="108"/>
        <source>une ordonnance porte déjà ce numéro</source>
        <translation>a prescription already has this number</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="110"/>
        <source>l&apos;ordonnance à remplacer est inconnue</source>
        <translation>the prescription to replace is unknown</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="112"/>
        <source>l&apos;ordonnance à remplacer a déjà été annulée</source>
        <translation>the prescription to replace was already cancelled</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="115"/>
        <source>une ordonnance modifiée garde le même prescripteur et le même patient</source>
        <translation>an amended prescription keeps the same prescriber and patient</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="126"/>
        <source>nom ou prénom manquant</source>
        <translation>missing name or first name</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="128"/>
        <source>nom trop long</source>
        <translation>name too long</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="130"/>
        <source>caractère non autorisé dans un nom</source>
        <translation>character not allowed in a name</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="132"/>
        <source>date de naissance impossible</source>
        <translation>impossible date of birth</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="135"/>
        <source>INS incorrect (clé ou format)</source>
        <translation>incorrect INS (key or format)</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="137"/>
        <source>le sexe ne correspond pas à l&apos;INS</source>
        <translation>the sex does not match the INS</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="139"/>
        <source>identité incohérente</source>
        <translation>inconsistent identity</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="148"/>
        <source>motif de consultation à renseigner</source>
        <translation>reason for the consultation to fill in</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="150"/>
        <source>conclusion à renseigner</source>
        <translation>conclusion to fill in</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="152"/>
        <source>information manquante</source>
        <translation>missing information</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="154"/>
        <source>caractère non autorisé dans le texte</source>
        <translation>character not allowed in the text</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="156"/>
        <source>texte trop long : raccourcissez-le</source>
        <translation>text too long: shorten it</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="158"/>
        <source>trop d&apos;éléments dans la liste</source>
        <translation>too many items in the list</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="160"/>
        <source>identifiant invalide</source>
        <translation>invalid identifier</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="162"/>
        <source>numéro RPPS du médecin invalide</source>
        <translation>invalid RPPS number for the doctor</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="164"/>
        <source>empreinte de fichier invalide</source>
        <translation>invalid file digest</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="166"/>
        <source>code LOINC ou unité invalide</source>
        <translation>invalid LOINC code or unit</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="168"/>
        <source>valeur impossible</source>
        <translation>impossible value</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="170"/>
        <source>heure incohérente</source>
        <translation>inconsistent time</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="172"/>
        <source>le même élément figure deux fois</source>
        <translation>the same item appears twice</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="174"/>
        <source>cet élément d&apos;examen ne correspond à aucun acte de la consultation</source>
        <translation>this examination item matches no act of the consultation</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="177"/>
        <source>une spécialité ne se précise que pour un avis spécialisé</source>
        <translation>a specialty is given only for a specialist referral</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="180"/>
        <source>ce compte rendu est celui d&apos;une autre consultation</source>
        <translation>this report belongs to another consultation</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="183"/>
        <source>identité du patient incomplète (nom de naissance, prénom, date de naissance)</source>
        <translation>patient identity incomplete (birth name, first name, date of birth)</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="197"/>
        <source>incident du moteur multimédia</source>
        <translation>media engine failure</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="198"/>
        <source>incident vidéo</source>
        <translation>video failure</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="199"/>
        <source>incident du codec audio</source>
        <translation>audio codec failure</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="200"/>
        <source>fichier audio illisible</source>
        <translation>unreadable audio file</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="201"/>
        <source>incident d&apos;enregistrement</source>
        <translation>recording failure</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="202"/>
        <source>enregistrement endommagé</source>
        <translation>damaged recording</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="203"/>
        <source>incident de chiffrement du flux</source>
        <translation>stream encryption failure</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="204"/>
        <source>échec de la négociation du chiffrement</source>
        <translation>encryption negotiation failed</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="205"/>
        <source>description média de la cabine refusée</source>
        <translation>the cabin&apos;s media description was refused</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="206"/>
        <source>paquet média invalide</source>
        <translation>invalid media packet</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="207"/>
        <source>connexion média impossible</source>
        <translation>media connection impossible</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="209"/>
        <source>serveurs STUN/TURN inutilisables</source>
        <translation>STUN/TURN servers unusable</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="211"/>
        <source>aucune interface réseau utilisable</source>
        <translation>no usable network interface</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="212"/>
        <source>transfert de document refusé</source>
        <translation>document transfer refused</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="213"/>
        <source>ordonnance refusée</source>
        <translation>prescription refused</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="214"/>
        <source>échec de signature</source>
        <translation>signature failed</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="215"/>
        <source>compte rendu refusé</source>
        <translation>report refused</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="217"/>
        <source>document FHIR du compte rendu invalide</source>
        <translation>invalid FHIR document for the report</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="218"/>
        <source>simulation réseau invalide</source>
        <translation>invalid network simulation</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="219"/>
        <source>archive refusée</source>
        <translation>archive refused</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="220"/>
        <source>envoi à l&apos;archive refusé</source>
        <translation>upload to the archive refused</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="221"/>
        <source>dossier de consultation invalide</source>
        <translation>invalid consultation record</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="222"/>
        <source>document FHIR invalide</source>
        <translation>invalid FHIR document</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="224"/>
        <source>dossier de consultation non constitué</source>
        <translation>consultation dossier not assembled</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="231"/>
        <source>incident technique</source>
        <translation>technical failure</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="269"/>
        <source>%1 (code %2/%3)</source>
        <translation>%1 (code %2/%3)</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="277"/>
        <source>Erreur réseau : %1. Vérifiez la connexion internet ; la reconnexion est automatique.</source>
        <translation>Network error: %1. Check the internet connection; reconnection is automatic.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="285"/>
        <source>Le service exige un certificat. Choisissez votre fichier d&apos;identité (.p12).</source>
        <translation>The service requires a certificate. Choose your identity file (.p12).</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="289"/>
        <source>Certificat non reconnu : il n&apos;a pas été émis par l&apos;autorité de ce service. Vérifiez le fichier d&apos;identité ou l&apos;adresse du service.</source>
        <translation>Certificate not recognised: it was not issued by this service&apos;s authority. Check the identity file or the service address.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="294"/>
        <source>Certificat expiré ou pas encore valide. Demandez un nouveau certificat à votre administrateur.</source>
        <translation>Certificate expired or not yet valid. Ask your administrator for a new certificate.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="298"/>
        <source>Certificat refusé (serveur inattendu ou certificat invalide). Vérifiez l&apos;adresse du service.</source>
        <translation>Certificate refused (unexpected server or invalid certificate). Check the service address.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="305"/>
        <source>Ce certificat ne porte pas une identité valide (RPPS, rôle). Contactez votre administrateur.</source>
        <translation>This certificate does not carry a valid identity (RPPS, role). Contact your administrator.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="310"/>
        <source>Impossible d&apos;ouvrir le fichier d&apos;identité : phrase de passe incorrecte ou fichier illisible.</source>
        <translation>Cannot open the identity file: wrong passphrase or unreadable file.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="315"/>
        <source>Un autre médecin a déjà pris en charge ce patient. Choisissez un autre patient dans la file.</source>
        <translation>Another doctor has already taken this patient. Choose another patient from the queue.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="320"/>
        <source>Vous êtes en pause. Passez « en service » pour prendre un patient en charge.</source>
        <translation>You are on a break. Go “on shift” to take a patient.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="324"/>
        <source>La cabine est occupée ou en cours de désinfection. Réessayez dans un instant.</source>
        <translation>The cabin is busy or being disinfected. Try again in a moment.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="328"/>
        <source>Ce patient n&apos;est plus dans la file (parti ou pris en charge).</source>
        <translation>This patient is no longer in the queue (left or taken).</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="331"/>
        <source>Votre certificat ne permet pas cette action.</source>
        <translation>Your certificate does not allow this action.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="335"/>
        <source>Connexion au service perdue. Reconnexion automatique en cours…</source>
        <translation>Connection to the service lost. Reconnecting automatically…</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="338"/>
        <source>Le service ne répond pas. Réessayez ; la connexion est surveillée.</source>
        <translation>The service does not answer. Try again; the connection is being monitored.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="341"/>
        <source>La cabine ne répond plus et n&apos;est pas revenue à temps.</source>
        <translation>The cabin stopped answering and did not come back in time.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="344"/>
        <source>Trop de demandes en peu de temps. Patientez quelques secondes.</source>
        <translation>Too many requests in a short time. Wait a few seconds.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="347"/>
        <source>Action impossible à ce stade de la consultation.</source>
        <translation>This action is not possible at this stage of the consultation.</translation>
    </message>
    <message>
        <location filename="../../app/src/error_text.cpp" line="350"/>
        <source>Erreur : %1</source>
        <translation>Error: %1</translation>
    </message>
</context>
<context>
    <name>HeaderBar</name>
    <message>
        <location filename="../HeaderBar.qml" line="38"/>
        <source>DÉMONSTRATION</source>
        <translation>DEMONSTRATION</translation>
    </message>
    <message>
        <location filename="../HeaderBar.qml" line="59"/>
        <source>%1  ·  coordination CPTS</source>
        <translation>%1  ·  CPTS coordination</translation>
    </message>
    <message>
        <location filename="../HeaderBar.qml" line="70"/>
        <source>En service</source>
        <translation>On shift</translation>
    </message>
    <message>
        <location filename="../HeaderBar.qml" line="70"/>
        <source>En pause</source>
        <translation>On break</translation>
    </message>
    <message>
        <location filename="../HeaderBar.qml" line="76"/>
        <source>Se déconnecter</source>
        <translation>Sign out</translation>
    </message>
</context>
<context>
    <name>IdentityCorrectionDialog</name>
    <message>
        <location filename="../IdentityCorrectionDialog.qml" line="14"/>
        <source>Corriger l&apos;identité du patient</source>
        <translation>Correct the patient&apos;s identity</translation>
    </message>
    <message>
        <location filename="../IdentityCorrectionDialog.qml" line="20"/>
        <source>Corriger</source>
        <translation>Correct</translation>
    </message>
    <message>
        <location filename="../IdentityCorrectionDialog.qml" line="25"/>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../IdentityCorrectionDialog.qml" line="49"/>
        <source>Nom de naissance</source>
        <translation>Birth name</translation>
    </message>
    <message>
        <location filename="../IdentityCorrectionDialog.qml" line="51"/>
        <source>Prénoms</source>
        <translation>First names</translation>
    </message>
    <message>
        <location filename="../IdentityCorrectionDialog.qml" line="53"/>
        <source>Né(e) le (AAAA-MM-JJ)</source>
        <translation>Born on (YYYY-MM-DD)</translation>
    </message>
    <message>
        <location filename="../IdentityCorrectionDialog.qml" line="60"/>
        <source>La correction est signalée sur l&apos;ordonnance et le compte rendu.</source>
        <translation>The correction is shown on the prescription and the report.</translation>
    </message>
</context>
<context>
    <name>IndicatorsView</name>
    <message>
        <location filename="../IndicatorsView.qml" line="29"/>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="32"/>
        <source>p50 %1 · p90 %2</source>
        <translation>p50 %1 · p90 %2</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="50"/>
        <source>Exporter les indicateurs en CSV</source>
        <translation>Export the indicators as CSV</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="52"/>
        <source>Fichiers CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="64"/>
        <source>Indicateurs trimestriels</source>
        <translation>Quarterly indicators</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="75"/>
        <source>Trimestre</source>
        <translation>Quarter</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="81"/>
        <source>Tous mes sites</source>
        <translation>All my sites</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="83"/>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="87"/>
        <source>Afficher</source>
        <translation>Show</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="93"/>
        <source>Exporter CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="101"/>
        <source>Indicateurs exportés dans %1</source>
        <translation>Indicators exported to %1</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="122"/>
        <source>Choisissez un trimestre puis « Afficher »</source>
        <translation>Choose a quarter, then “Show”</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="139"/>
        <source>Trimestre %1 · %2</source>
        <translation>Quarter %1 · %2</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="140"/>
        <source>tous mes sites</source>
        <translation>all my sites</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="152"/>
        <source>Consultations</source>
        <translation>Consultations</translation>
    </message>
    <message numerus="yes">
        <location filename="../IndicatorsView.qml" line="154"/>
        <source>%n dossier(s) indexé(s)</source>
        <translation>
            <numerusform>%n indexed record</numerusform>
            <numerusform>%n indexed records</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="159"/>
        <source>Attente avant prise en charge (médiane)</source>
        <translation>Wait before a doctor takes the patient (median)</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="161"/>
        <location filename="../IndicatorsView.qml" line="168"/>
        <source>p90 %1</source>
        <translation>p90 %1</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="166"/>
        <source>Durée de consultation (médiane)</source>
        <translation>Consultation length (median)</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="173"/>
        <source>Satisfaction des patients</source>
        <translation>Patient satisfaction</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="174"/>
        <source>%1 / 5</source>
        <translation>%1 / 5</translation>
    </message>
    <message numerus="yes">
        <location filename="../IndicatorsView.qml" line="175"/>
        <source>%n réponse(s)</source>
        <translation>
            <numerusform>%n answer</numerusform>
            <numerusform>%n answers</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="180"/>
        <source>Consultations avec incident technique</source>
        <translation>Consultations with a technical incident</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="188"/>
        <source>Ordonnances par consultation</source>
        <translation>Prescriptions per consultation</translation>
    </message>
    <message numerus="yes">
        <location filename="../IndicatorsView.qml" line="190"/>
        <source>%n ordonnance(s)</source>
        <translation>
            <numerusform>%n prescription</numerusform>
            <numerusform>%n prescriptions</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="196"/>
        <source>Visites annulées avant prise en charge (délais d&apos;accès)</source>
        <translation>Visits cancelled before a doctor took them (access delays)</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="198"/>
        <source>attente avant l&apos;annulation : %1</source>
        <translation>wait before cancelling: %1</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="211"/>
        <source>Satisfaction (note de 1 à 5)</source>
        <translation>Satisfaction (score 1 to 5)</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="219"/>
        <source>Orientation des patients</source>
        <translation>Where patients were sent next</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="243"/>
        <source>Motifs de fin</source>
        <translation>End reasons</translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="226"/>
        <source>Consultations par site</source>
        <translation>Consultations per site</translation>
    </message>
    <message numerus="yes">
        <location filename="../IndicatorsView.qml" line="182"/>
        <source>%1 sur %n dossier(s)</source>
        <translation>
            <numerusform>%1 of %n record</numerusform>
            <numerusform>%1 of %n records</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../IndicatorsView.qml" line="233"/>
        <source>Attente médiane par site</source>
        <translation>Median wait per site</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../app/src/labels.cpp" line="21"/>
        <source>Femme</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="21"/>
        <source>Homme</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="22"/>
        <source>Autre</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="28"/>
        <source>sans accompagnant</source>
        <translation>no assistant</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="29"/>
        <source>infirmier·e</source>
        <translation>nurse</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="29"/>
        <source>pharmacien·ne</source>
        <translation>pharmacist</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="30"/>
        <source>assistant·e médical·e</source>
        <translation>medical assistant</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="36"/>
        <source>Stéthoscope</source>
        <translation>Stethoscope</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="36"/>
        <source>Caméra</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="37"/>
        <source>Otoscope</source>
        <translation>Otoscope</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="37"/>
        <source>Dermatoscope</source>
        <translation>Dermatoscope</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="38"/>
        <source>Tensiomètre</source>
        <translation>Blood pressure</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="38"/>
        <source>Oxymètre</source>
        <translation>Oximeter</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="39"/>
        <source>Thermomètre</source>
        <translation>Thermometer</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="39"/>
        <source>Balance</source>
        <translation>Scales</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="40"/>
        <source>ECG</source>
        <translation>ECG</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="40"/>
        <source>Glucomètre</source>
        <translation>Glucometer</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="54"/>
        <source>Consultation terminée</source>
        <translation>Consultation completed</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="55"/>
        <source>Orienté vers une consultation en présentiel</source>
        <translation>Referred to an in-person consultation</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="56"/>
        <source>Orienté vers les urgences</source>
        <translation>Referred to the emergency department</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="57"/>
        <source>Téléconsultation non adaptée</source>
        <translation>Teleconsultation not suitable</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="58"/>
        <source>Patient parti</source>
        <translation>Patient left</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="59"/>
        <source>Problème technique</source>
        <translation>Technical problem</translation>
    </message>
    <message>
        <location filename="../../app/src/labels.cpp" line="60"/>
        <source>Cabine injoignable</source>
        <translation>Cabin unreachable</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../Main.qml" line="22"/>
        <source>telecabine — console médecin</source>
        <translation>telecabine — physician console</translation>
    </message>
</context>
<context>
    <name>MediaQualityPanel</name>
    <message>
        <location filename="../MediaQualityPanel.qml" line="51"/>
        <source>Flux ▴</source>
        <translation>Streams ▴</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="51"/>
        <source>Flux ▾</source>
        <translation>Streams ▾</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="54"/>
        <source>Masquer le détail des flux</source>
        <translation>Hide the streams&apos; details</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="55"/>
        <source>Afficher le détail des flux</source>
        <translation>Show the streams&apos; details</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="81"/>
        <source>↑ %1</source>
        <translation>↑ %1</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="82"/>
        <source>↓ %1</source>
        <translation>↓ %1</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="81"/>
        <location filename="../MediaQualityPanel.qml" line="87"/>
        <source>%L1 paquets</source>
        <translation>%L1 packets</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="83"/>
        <source>perdus %L1 %</source>
        <translation>lost %L1 %</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="84"/>
        <source>récupérés %L1</source>
        <translation>recovered %L1</translation>
    </message>
    <message>
        <location filename="../MediaQualityPanel.qml" line="85"/>
        <source>gigue %L1 ms</source>
        <translation>jitter %L1 ms</translation>
    </message>
</context>
<context>
    <name>ParseErrorText</name>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="29"/>
        <location filename="../../app/src/parse_error_text.cpp" line="42"/>
        <location filename="../../app/src/parse_error_text.cpp" line="58"/>
        <source>valeur illisible</source>
        <translation>unreadable value</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="33"/>
        <source>date attendue sous la forme AAAA-MM-JJ (1970-02-14)</source>
        <translation>a date is expected as YYYY-MM-DD (1970-02-14)</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="36"/>
        <source>date et heure illisibles</source>
        <translation>unreadable date and time</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="38"/>
        <source>champ obligatoire</source>
        <translation>required field</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="41"/>
        <source>nombre attendu (78 ou 78,5)</source>
        <translation>a number is expected (78 or 78.5)</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="45"/>
        <source>nombre hors des limites</source>
        <translation>number out of range</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="46"/>
        <source>texte refusé (trop long ou caractères de contrôle)</source>
        <translation>text refused (too long, or control characters)</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="49"/>
        <source>choix inconnu : choisissez dans la liste</source>
        <translation>unknown choice: choose from the list</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="54"/>
        <source>numéro d&apos;ordonnance invalide</source>
        <translation>invalid prescription number</translation>
    </message>
    <message>
        <location filename="../../app/src/parse_error_text.cpp" line="56"/>
        <source>caractères illisibles</source>
        <translation>unreadable characters</translation>
    </message>
</context>
<context>
    <name>PrescriptionPanel</name>
    <message>
        <location filename="../PrescriptionPanel.qml" line="73"/>
        <source>Signer…</source>
        <translation>Sign…</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="79"/>
        <source>Envoyer à la cabine</source>
        <translation>Send to the cabin</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="84"/>
        <source>Nouvelle version</source>
        <translation>New version</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="105"/>
        <source>Réessayer l&apos;impression</source>
        <translation>Retry printing</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="116"/>
        <source>Signer l&apos;ordonnance</source>
        <translation>Sign the prescription</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="145"/>
        <source>Ordonnance</source>
        <translation>Prescription</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="157"/>
        <source>À corriger : %1</source>
        <translation>To fix: %1</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="158"/>
        <source>Avertissements : %1</source>
        <translation>Warnings: %1</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="159"/>
        <source>✓ complète</source>
        <translation>✓ complete</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="171"/>
        <source>N° %1</source>
        <translation>No. %1</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="178"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="182"/>
        <source>Nom</source>
        <translation>Family name</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="183"/>
        <source>Prénom</source>
        <translation>Given name</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="184"/>
        <source>Né(e) le (AAAA-MM-JJ)</source>
        <translation>Born on (YYYY-MM-DD)</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="185"/>
        <source>Poids (kg)</source>
        <translation>Weight (kg)</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="186"/>
        <source>Taille (cm)</source>
        <translation>Height (cm)</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="189"/>
        <source>Lignes de l&apos;ordonnance</source>
        <translation>Prescription lines</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="212"/>
        <source>Ligne %1</source>
        <translation>Line %1</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="218"/>
        <source>Retirer</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="227"/>
        <source>DCI</source>
        <translation>INN</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="228"/>
        <source>Dose</source>
        <translation>Dose</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="231"/>
        <source>Unité</source>
        <translation>Unit</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="241"/>
        <source>Fois par jour</source>
        <translation>Times a day</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="242"/>
        <source>Durée</source>
        <translation>Duration</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="245"/>
        <source>en</source>
        <translation>in</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="254"/>
        <source>Boîtes</source>
        <translation>Packs</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="255"/>
        <source>Renouveler</source>
        <translation>Renewals</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="259"/>
        <source>Non substituable</source>
        <translation>Not substitutable</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="268"/>
        <source>Motif (MTE, EFG, CIF)…</source>
        <translation>Reason (MTE, EFG, CIF)…</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="278"/>
        <source>Examens de biologie</source>
        <translation>Laboratory tests</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="279"/>
        <source>Imagerie</source>
        <translation>Imaging</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="279"/>
        <source>Motif de l&apos;avis</source>
        <translation>Reason for referral</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="286"/>
        <source>Spécialité</source>
        <translation>Specialty</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="313"/>
        <source>Ajouter un médicament (DCI)…</source>
        <translation>Add a medication (INN)…</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="316"/>
        <source>+ Biologie</source>
        <translation>+ Laboratory</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="317"/>
        <source>+ Imagerie</source>
        <translation>+ Imaging</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="318"/>
        <source>+ Avis spécialisé</source>
        <translation>+ Referral</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="340"/>
        <source>Prescripteur (mémorisé sur ce poste)</source>
        <translation>Prescriber (remembered on this workstation)</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="344"/>
        <source>Qualification</source>
        <translation>Qualification</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="345"/>
        <source>Adresse du cabinet</source>
        <translation>Practice address</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="346"/>
        <source>Code postal</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="347"/>
        <source>Ville</source>
        <translation>City</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="348"/>
        <source>Téléphone (+33…)</source>
        <translation>Telephone (+33…)</translation>
    </message>
    <message>
        <location filename="../PrescriptionPanel.qml" line="349"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
</context>
<context>
    <name>QueueCard</name>
    <message>
        <location filename="../QueueCard.qml" line="51"/>
        <source>d&apos;attente</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../QueueCard.qml" line="71"/>
        <source>URGENT</source>
        <translation>URGENT</translation>
    </message>
    <message>
        <location filename="../QueueCard.qml" line="78"/>
        <source>%1, %2 ans</source>
        <translation>%1, %2 years</translation>
    </message>
    <message>
        <location filename="../QueueCard.qml" line="85"/>
        <source>· accompagné·e de son représentant légal</source>
        <translation>· with their legal guardian</translation>
    </message>
    <message>
        <location filename="../QueueCard.qml" line="101"/>
        <source>avec %1</source>
        <translation>with a %1</translation>
    </message>
    <message>
        <location filename="../QueueCard.qml" line="102"/>
        <source>sans accompagnant</source>
        <translation>no assistant</translation>
    </message>
    <message>
        <location filename="../QueueCard.qml" line="123"/>
        <source>Prendre en charge</source>
        <translation>Take patient</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../QueueView.qml" line="23"/>
        <source>Patients en attente</source>
        <translation>Waiting patients</translation>
    </message>
    <message numerus="yes">
        <location filename="../QueueView.qml" line="31"/>
        <source>%n patient(s) en attente</source>
        <translation>
            <numerusform>%n patient waiting</numerusform>
            <numerusform>%n patients waiting</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../QueueView.qml" line="39"/>
        <source>Vous êtes en pause : passez « En service » pour prendre un patient en charge.</source>
        <translation>You are on a break: switch to “On shift” to take a patient.</translation>
    </message>
    <message>
        <location filename="../QueueView.qml" line="65"/>
        <source>Fermer</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <location filename="../QueueView.qml" line="88"/>
        <source>Aucun patient en attente</source>
        <translation>No patient waiting</translation>
    </message>
</context>
<context>
    <name>ReplayBar</name>
    <message>
        <location filename="../ReplayBar.qml" line="40"/>
        <source>Ouvrir</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../ReplayBar.qml" line="25"/>
        <source>↺ Réécouter le dernier enregistrement</source>
        <translation>↺ Listen again to the last recording</translation>
    </message>
    <message>
        <location filename="../ReplayBar.qml" line="46"/>
        <source>❚❚ Pause (P)</source>
        <translation>❚❚ Pause (P)</translation>
    </message>
    <message>
        <location filename="../ReplayBar.qml" line="46"/>
        <source>▶ Lecture (P)</source>
        <translation>▶ Play (P)</translation>
    </message>
    <message>
        <location filename="../ReplayBar.qml" line="51"/>
        <source>◀ site ([)</source>
        <translation>◀ site ([)</translation>
    </message>
    <message>
        <location filename="../ReplayBar.qml" line="65"/>
        <source>site (]) ▶</source>
        <translation>site (]) ▶</translation>
    </message>
    <message>
        <location filename="../ReplayBar.qml" line="78"/>
        <source>½ vitesse</source>
        <translation>½ speed</translation>
    </message>
    <message>
        <location filename="../ReplayBar.qml" line="86"/>
        <source>Boucle (L)</source>
        <translation>Loop (L)</translation>
    </message>
    <message>
        <location filename="../ReplayBar.qml" line="93"/>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>ReplayDocuments</name>
    <message>
        <location filename="../../app/src/review_replay_waveforms.cpp" line="174"/>
        <source>Tracés ECG et pléthysmogramme illisibles (%1)</source>
        <translation>ECG and plethysmogram traces unreadable (%1)</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="104"/>
        <source>Motif</source>
        <translation>Reason for visit</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="105"/>
        <source>Histoire de la maladie</source>
        <translation>History of the illness</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="106"/>
        <source>Examen</source>
        <translation>Examination</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="107"/>
        <source>Conclusion</source>
        <translation>Conclusion</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="108"/>
        <source>Orientation</source>
        <translation>Orientation</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="111"/>
        <source>Remarques</source>
        <translation>Remarks</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="118"/>
        <source>Compte rendu</source>
        <translation>Report</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="120"/>
        <source>Compte rendu signé le %1</source>
        <translation>Report signed on %1</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="150"/>
        <source>Biologie</source>
        <translation>Laboratory</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="152"/>
        <source>Imagerie</source>
        <translation>Imaging</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="153"/>
        <source>Avis spécialisé</source>
        <translation>Specialist opinion</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="154"/>
        <source>%1 : %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="186"/>
        <location filename="../../app/src/review_replay_documents.cpp" line="253"/>
        <source>Ordonnance %1</source>
        <translation>Prescription %1</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="188"/>
        <source>Ordonnance %1 du %2</source>
        <translation>Prescription %1, issued %2</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay_documents.cpp" line="258"/>
        <source>Documents illisibles : %1</source>
        <translation>Unreadable documents: %1</translation>
    </message>
</context>
<context>
    <name>ReplayDocumentsPanel</name>
    <message>
        <location filename="../ReplayDocumentsPanel.qml" line="25"/>
        <source>Documents signés</source>
        <translation>Signed documents</translation>
    </message>
    <message>
        <location filename="../ReplayDocumentsPanel.qml" line="50"/>
        <source>Ni compte rendu signé ni ordonnance dans ce dossier</source>
        <translation>No signed report or prescription in this record</translation>
    </message>
    <message>
        <location filename="../ReplayDocumentsPanel.qml" line="132"/>
        <source>Durée : %1</source>
        <translation>Duration: %1</translation>
    </message>
</context>
<context>
    <name>ReportPanel</name>
    <message>
        <location filename="../ReportPanel.qml" line="24"/>
        <location filename="../ReportPanel.qml" line="248"/>
        <source>Motif</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="25"/>
        <location filename="../ReportPanel.qml" line="249"/>
        <source>Histoire et antécédents</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="26"/>
        <location filename="../ReportPanel.qml" line="251"/>
        <source>Examen</source>
        <translation>Examination</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="27"/>
        <location filename="../ReportPanel.qml" line="300"/>
        <source>Suite</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="71"/>
        <source>Imprimer une copie pour le patient (avec l&apos;ordonnance)</source>
        <translation>Print a copy for the patient (with the prescription)</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="88"/>
        <source>Copie patient : %1</source>
        <translation>Patient copy: %1</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="100"/>
        <source>Signer…</source>
        <translation>Sign…</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="110"/>
        <source>Imprimer la copie maintenant</source>
        <translation>Print the copy now</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="116"/>
        <source>Nouvelle version</source>
        <translation>New version</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="136"/>
        <source>Signer le compte rendu</source>
        <translation>Sign the report</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="163"/>
        <source>Compte rendu</source>
        <translation>Consultation report</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="175"/>
        <source>À compléter : %1</source>
        <translation>To complete: %1</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="176"/>
        <source>✓ complet</source>
        <translation>✓ complete</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="185"/>
        <source>N° %1</source>
        <translation>No. %1</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="196"/>
        <source>Dossier : %1</source>
        <translation>Record: %1</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="213"/>
        <source>Modèle…</source>
        <translation>Template…</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="219"/>
        <source>Appliquer le modèle</source>
        <translation>Apply the template</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="232"/>
        <source>Déjà rédigé, conservé : %1</source>
        <translation>Already written, kept: %1</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="239"/>
        <source>Remplacer aussi</source>
        <translation>Replace them too</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="255"/>
        <source>Aucun acte enregistré pour l&apos;instant : mesures, auscultations et photos s&apos;ajoutent ici.</source>
        <translation>No act recorded yet: measurements, auscultations and photos are added here.</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="271"/>
        <source>Mesure</source>
        <translation>Measurement</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="272"/>
        <source>Écouter</source>
        <translation>Listen</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="272"/>
        <source>Photo</source>
        <translation>Photo</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="277"/>
        <source>Afficher l&apos;acte (%1)</source>
        <translation>Show the act (%1)</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="293"/>
        <source>Revenir au texte de l&apos;acte</source>
        <translation>Back to the act&apos;s text</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="297"/>
        <source>Vos constatations…</source>
        <translation>Your findings…</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="298"/>
        <source>Conclusion</source>
        <translation>Conclusion</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="307"/>
        <source>Pas de suite</source>
        <translation>No follow-up</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="308"/>
        <source>Médecin traitant en présentiel</source>
        <translation>GP in person</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="309"/>
        <source>Urgences</source>
        <translation>Emergency department</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="310"/>
        <source>Avis spécialisé</source>
        <translation>Specialist</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="323"/>
        <source>Spécialité</source>
        <translation>Specialty</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="323"/>
        <source>cardiologie, dermatologie…</source>
        <translation>cardiology, dermatology…</translation>
    </message>
    <message>
        <location filename="../ReportPanel.qml" line="325"/>
        <source>Remarques</source>
        <translation>Remarks</translation>
    </message>
</context>
<context>
    <name>ReviewFilters</name>
    <message>
        <location filename="../ReviewFilters.qml" line="16"/>
        <source>Toute période</source>
        <translation>Any period</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="17"/>
        <source>Ce trimestre</source>
        <translation>This quarter</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="18"/>
        <source>Trimestre précédent</source>
        <translation>Last quarter</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="19"/>
        <source>30 derniers jours</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="20"/>
        <source>Dates choisies</source>
        <translation>Chosen dates</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="55"/>
        <source>Date invalide : écrivez-la AAAA-MM-JJ.</source>
        <translation>Invalid date: write it YYYY-MM-DD.</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="59"/>
        <source>La date de fin précède la date de début.</source>
        <translation>The end date is before the start date.</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="64"/>
        <source>Le RPPS d&apos;un médecin a 11 chiffres.</source>
        <translation>A doctor&apos;s RPPS number has 11 digits.</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="101"/>
        <location filename="../ReviewFilters.qml" line="113"/>
        <source>Période</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="102"/>
        <location filename="../ReviewFilters.qml" line="121"/>
        <source>Du</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="103"/>
        <location filename="../ReviewFilters.qml" line="130"/>
        <source>Au</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="104"/>
        <location filename="../ReviewFilters.qml" line="139"/>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="105"/>
        <location filename="../ReviewFilters.qml" line="148"/>
        <source>Médecin (RPPS)</source>
        <translation>Doctor (RPPS)</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="120"/>
        <location filename="../ReviewFilters.qml" line="129"/>
        <source>AAAA-MM-JJ</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="138"/>
        <source>Tous les sites</source>
        <translation>All sites</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="145"/>
        <source>11 chiffres</source>
        <translation>11 digits</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="153"/>
        <location filename="../ReviewFilters.qml" line="163"/>
        <source>Motif de fin</source>
        <translation>End reason</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="154"/>
        <location filename="../ReviewFilters.qml" line="172"/>
        <source>Orientation</source>
        <translation>Orientation</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="155"/>
        <location filename="../ReviewFilters.qml" line="179"/>
        <source>Incident technique</source>
        <translation>Technical incident</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="162"/>
        <source>Tous</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="170"/>
        <source>Toutes</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="178"/>
        <source>Indifférent</source>
        <translation>Either</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="178"/>
        <source>Avec incident</source>
        <translation>With an incident</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="178"/>
        <source>Sans incident</source>
        <translation>Without incidents</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="187"/>
        <source>Réinitialiser</source>
        <translation>Reset</translation>
    </message>
    <message>
        <location filename="../ReviewFilters.qml" line="193"/>
        <source>Appliquer</source>
        <translation>Apply</translation>
    </message>
</context>
<context>
    <name>ReviewLabels</name>
    <message>
        <location filename="../ReviewLabels.qml" line="13"/>
        <source>Consultation terminée</source>
        <translation>Consultation completed</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="14"/>
        <source>Orienté vers une consultation en présentiel</source>
        <translation>Referred to an in-person consultation</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="15"/>
        <source>Orienté vers les urgences</source>
        <translation>Referred to the emergency department</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="16"/>
        <source>Téléconsultation non adaptée</source>
        <translation>Teleconsultation not suitable</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="17"/>
        <source>Patient parti</source>
        <translation>Patient left</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="18"/>
        <source>Problème technique</source>
        <translation>Technical problem</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="19"/>
        <source>Cabine injoignable</source>
        <translation>Cabin unreachable</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="25"/>
        <source>Pas de suivi particulier</source>
        <translation>No particular follow-up</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="26"/>
        <source>Médecin traitant en présentiel</source>
        <translation>Own GP, in person</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="27"/>
        <source>Urgences</source>
        <translation>Emergency department</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="28"/>
        <source>Spécialiste</source>
        <translation>Specialist</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="29"/>
        <source>Sans compte rendu signé</source>
        <translation>No signed report</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="35"/>
        <source>femme</source>
        <translation>female</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="36"/>
        <source>homme</source>
        <translation>male</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="37"/>
        <source>autre</source>
        <translation>other</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="38"/>
        <source>sexe inconnu</source>
        <translation>sex unknown</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="43"/>
        <source>âge inconnu</source>
        <translation>age unknown</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="43"/>
        <source>%1 ans</source>
        <translation>%1 years</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="47"/>
        <source>Liste consultée</source>
        <translation>List viewed</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="48"/>
        <source>Dossier ouvert</source>
        <translation>Record opened</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="49"/>
        <source>Média relu</source>
        <translation>Media replayed</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="50"/>
        <source>Export CSV</source>
        <translation>CSV export</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="51"/>
        <source>Indicateurs consultés</source>
        <translation>Indicators viewed</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="61"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="64"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../ReviewLabels.qml" line="65"/>
        <source>%1 h %2</source>
        <translation>%1 h %2</translation>
    </message>
</context>
<context>
    <name>ReviewListView</name>
    <message>
        <location filename="../ReviewListView.qml" line="77"/>
        <source>Réessayer</source>
        <translation>Retry</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="88"/>
        <source>Téléchargement du dossier…</source>
        <translation>Downloading the record…</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="89"/>
        <source>Préparation de la relecture…</source>
        <translation>Preparing the replay…</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="110"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="110"/>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="111"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="111"/>
        <source>Durée</source>
        <translation>Duration</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="112"/>
        <source>Attente</source>
        <translation>Wait</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="112"/>
        <source>Motif de fin</source>
        <translation>End reason</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="113"/>
        <source>Orientation</source>
        <translation>Orientation</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="113"/>
        <source>Incidents</source>
        <translation>Incidents</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="114"/>
        <source>Ordonn.</source>
        <translation>Rx</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="159"/>
        <source>Charger plus</source>
        <translation>Load more</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="172"/>
        <source>Aucune consultation pour ces critères</source>
        <translation>No consultation matches these criteria</translation>
    </message>
    <message>
        <location filename="../ReviewListView.qml" line="179"/>
        <source>↑/↓ choisir · Entrée ouvrir · double clic ouvrir · Échap revenir à la liste</source>
        <translation>↑/↓ choose · Enter open · double-click open · Esc back to the list</translation>
    </message>
</context>
<context>
    <name>ReviewRecordRow</name>
    <message numerus="yes">
        <location filename="../ReviewRecordRow.qml" line="104"/>
        <source>⚠ %n incident(s)</source>
        <translation>
            <numerusform>⚠ %n incident</numerusform>
            <numerusform>⚠ %n incidents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewReplayPage</name>
    <message>
        <location filename="../ReviewReplayPage.qml" line="28"/>
        <source>← Retour à la liste (Échap)</source>
        <translation>← Back to the list (Esc)</translation>
    </message>
    <message>
        <location filename="../ReviewReplayPage.qml" line="32"/>
        <source>Consultation %1</source>
        <translation>Consultation %1</translation>
    </message>
</context>
<context>
    <name>ReviewView</name>
    <message>
        <location filename="../ReviewView.qml" line="74"/>
        <source>Revue des consultations · coordination CPTS</source>
        <translation>Consultation review · CPTS coordination</translation>
    </message>
    <message>
        <location filename="../ReviewView.qml" line="75"/>
        <source>Revue de mes consultations</source>
        <translation>Review of my consultations</translation>
    </message>
    <message>
        <location filename="../ReviewView.qml" line="87"/>
        <source>Consultations</source>
        <translation>Consultations</translation>
    </message>
    <message>
        <location filename="../ReviewView.qml" line="91"/>
        <source>Indicateurs</source>
        <translation>Indicators</translation>
    </message>
    <message>
        <location filename="../ReviewView.qml" line="95"/>
        <source>Mon journal d&apos;accès</source>
        <translation>My access trail</translation>
    </message>
</context>
<context>
    <name>SessionView</name>
    <message>
        <location filename="../SessionView.qml" line="496"/>
        <source>Stéthoscope (F1)</source>
        <translation>Stethoscope (F1)</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="501"/>
        <source>Constantes et ECG (F2)</source>
        <translation>Vital signs and ECG (F2)</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="507"/>
        <source>Ordonnance (F3)</source>
        <translation>Prescription (F3)</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="513"/>
        <source>Compte rendu (F4)</source>
        <translation>Report (F4)</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="591"/>
        <source>La cabine n&apos;envoie pas de stéthoscope.</source>
        <translation>The cabin sends no stethoscope.</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="390"/>
        <source>Caméra coupée</source>
        <translation>Camera off</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="399"/>
        <source>Caméra allumée (C)</source>
        <translation>Camera on (C)</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="399"/>
        <source>Caméra coupée (C)</source>
        <translation>Camera off (C)</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="80"/>
        <source>%1, %2 ans</source>
        <translation>%1, %2 years</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="90"/>
        <source>URGENT</source>
        <translation>URGENT</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="119"/>
        <source>Identité non transmise par la cabine</source>
        <translation>Identity not sent by the cabin</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="126"/>
        <source>né(e) le %1</source>
        <translation>born %1</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="163"/>
        <source>Corriger l&apos;identité</source>
        <translation>Correct the identity</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="206"/>
        <source>Lieu</source>
        <translation>Place</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="207"/>
        <source>Cabine</source>
        <translation>Cabin</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="208"/>
        <source>Horaires du site</source>
        <translation>Opening hours</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="209"/>
        <source>Accompagnant</source>
        <translation>Assistant</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="211"/>
        <source>Représentant légal</source>
        <translation>Legal guardian</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="212"/>
        <source>présent</source>
        <translation>present</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="212"/>
        <source>non (patient majeur)</source>
        <translation>no (adult patient)</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="215"/>
        <source>Consentement</source>
        <translation>Consent</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="216"/>
        <source>Attente</source>
        <translation>Waited</translation>
    </message>
    <message numerus="yes">
        <location filename="../SessionView.qml" line="216"/>
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="220"/>
        <source>Instruments disponibles</source>
        <translation>Available instruments</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="256"/>
        <source>Prise en charge…</source>
        <translation>Taking the patient…</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="257"/>
        <source>Connexion à la cabine…</source>
        <translation>Connecting to the cabin…</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="258"/>
        <source>En consultation  ·  %1</source>
        <translation>In consultation  ·  %1</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="259"/>
        <source>Fin de la consultation…</source>
        <translation>Ending the consultation…</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="260"/>
        <source>Consultation terminée</source>
        <translation>Consultation completed</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="269"/>
        <source>Cabine déconnectée — reconnexion en cours</source>
        <translation>Cabin disconnected — reconnecting</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="283"/>
        <source>Raccourcis clavier</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="285"/>
        <source>Raccourcis clavier (?)</source>
        <translation>Keyboard shortcuts (?)</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="290"/>
        <source>Terminer la consultation</source>
        <translation>End the consultation</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="425"/>
        <source>Médias de la cabine</source>
        <translation>Cabin media</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="431"/>
        <source>En attente de la réponse de la cabine…</source>
        <translation>Waiting for the cabin&apos;s answer…</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="457"/>
        <source>Durée : %1</source>
        <translation>Duration: %1</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="463"/>
        <source>La cabine passe en désinfection avant le patient suivant.</source>
        <translation>The cabin is disinfected before the next patient.</translation>
    </message>
    <message>
        <location filename="../SessionView.qml" line="469"/>
        <source>Retour à la file d&apos;attente</source>
        <translation>Back to the queue</translation>
    </message>
</context>
<context>
    <name>ShortcutHelp</name>
    <message>
        <location filename="../ShortcutHelp.qml" line="18"/>
        <source>Pendant la consultation</source>
        <translation>During the consultation</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="19"/>
        <source>Onglet stéthoscope</source>
        <translation>Stethoscope tab</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="20"/>
        <source>Onglet constantes et ECG</source>
        <translation>Vital signs and ECG tab</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="21"/>
        <source>Onglet ordonnance</source>
        <translation>Prescription tab</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="22"/>
        <source>Onglet compte rendu</source>
        <translation>Report tab</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="23"/>
        <source>Allumer ou couper votre caméra</source>
        <translation>Turn your camera on or off</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="24"/>
        <source>Afficher cette aide</source>
        <translation>Show this help</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="25"/>
        <source>Échap</source>
        <translation>Esc</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="25"/>
        <source>Fermer cette aide</source>
        <translation>Close this help</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="27"/>
        <source>Stéthoscope (onglet F1)</source>
        <translation>Stethoscope (F1 tab)</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="28"/>
        <source>Filtre cloche</source>
        <translation>Bell filter</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="29"/>
        <source>Filtre membrane</source>
        <translation>Diaphragm filter</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="30"/>
        <source>Filtre étendu</source>
        <translation>Extended filter</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="31"/>
        <source>Sans filtre (brut)</source>
        <translation>No filter (raw)</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="32"/>
        <source>Gain : plus ou moins 1 dB</source>
        <translation>Gain: 1 dB up or down</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="33"/>
        <source>Enregistrer, arrêter l&apos;enregistrement</source>
        <translation>Record, stop recording</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="34"/>
        <source>Couper, rétablir votre micro</source>
        <translation>Mute, unmute your microphone</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="36"/>
        <source>Réécoute d&apos;un enregistrement</source>
        <translation>Replaying a recording</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="37"/>
        <source>Lecture, pause</source>
        <translation>Play, pause</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="38"/>
        <source>Boucle autour de l&apos;instant</source>
        <translation>Loop around the current moment</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="39"/>
        <source>Foyer précédent, suivant</source>
        <translation>Previous, next site</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="57"/>
        <source>Raccourcis clavier</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../ShortcutHelp.qml" line="64"/>
        <source>Fermer (Échap)</source>
        <translation>Close (Esc)</translation>
    </message>
</context>
<context>
    <name>SignInView</name>
    <message>
        <location filename="../SignInView.qml" line="34"/>
        <source>Connexion</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="41"/>
        <source>Identifiez-vous avec votre certificat professionnel (fichier PKCS#12).</source>
        <translation>Sign in with your professional certificate (PKCS#12 file).</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="46"/>
        <source>Fichier d&apos;identité (.p12)</source>
        <translation>Identity file (.p12)</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="58"/>
        <source>Démonstration :</source>
        <translation>Demo:</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="64"/>
        <source>Médecin</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="72"/>
        <source>Coordination CPTS (revue)</source>
        <translation>CPTS coordination (review)</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="79"/>
        <source>Phrase de passe</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="90"/>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="98"/>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../SignInView.qml" line="118"/>
        <source>Se connecter</source>
        <translation>Sign in</translation>
    </message>
</context>
<context>
    <name>SigningDialog</name>
    <message>
        <location filename="../SigningDialog.qml" line="21"/>
        <source>Signer</source>
        <translation>Sign</translation>
    </message>
    <message>
        <location filename="../SigningDialog.qml" line="27"/>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../SigningDialog.qml" line="52"/>
        <source>Signer avec :</source>
        <translation>Sign with:</translation>
    </message>
    <message>
        <location filename="../SigningDialog.qml" line="70"/>
        <source>Aucune identité de signature sur ce poste.</source>
        <translation>No signing identity on this workstation.</translation>
    </message>
</context>
<context>
    <name>StethoscopePanel</name>
    <message>
        <location filename="../StethoscopePanel.qml" line="279"/>
        <source>Micro :</source>
        <translation>Microphone:</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="291"/>
        <source>Écoute :</source>
        <translation>Listen on:</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="28"/>
        <source>Cloche</source>
        <translation>Bell</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="28"/>
        <source>20–1000 Hz · cœur, souffles graves</source>
        <translation>20–1000 Hz · heart, low murmurs</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="29"/>
        <source>Membrane</source>
        <translation>Diaphragm</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="29"/>
        <source>20–2000 Hz · poumons, bruits aigus</source>
        <translation>20–2000 Hz · lungs, high-pitched sounds</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="30"/>
        <source>Étendu</source>
        <translation>Extended</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="30"/>
        <source>20–2000 Hz · large</source>
        <translation>20–2000 Hz · wide</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="31"/>
        <source>Brut</source>
        <translation>Raw</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="31"/>
        <source>sans filtre</source>
        <translation>no filter</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="61"/>
        <source>Stéthoscope</source>
        <translation>Stethoscope</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="90"/>
        <source>Placé : %1</source>
        <translation>Placed: %1</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="92"/>
        <source>demandé : %1 (en attente de l&apos;opérateur)</source>
        <translation>requested: %1 (waiting for the operator)</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="81"/>
        <source>Demander ce placement</source>
        <translation>Request this placement</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="121"/>
        <source>■ Arrêter (R)  %1</source>
        <translation>■ Stop (R)  %1</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="122"/>
        <source>● Enregistrer (R)</source>
        <translation>● Record (R)</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="133"/>
        <source>Gain</source>
        <translation>Gain</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="143"/>
        <source>+%1 dB</source>
        <translation>+%1 dB</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="155"/>
        <source>saturation</source>
        <translation>clipping</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="155"/>
        <source>niveau sûr</source>
        <translation>safe level</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="181"/>
        <source>Volume stéthoscope</source>
        <translation>Stethoscope volume</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="192"/>
        <source>Voix cabine</source>
        <translation>Cabin voice</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="209"/>
        <source>Micro coupé (M)</source>
        <translation>Microphone muted (M)</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="210"/>
        <source>Micro ouvert (M)</source>
        <translation>Microphone on (M)</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="252"/>
        <source>Enregistrement brut (FLAC, sans filtre ni gain) : %1</source>
        <translation>Raw recording (FLAC, no filter or gain): %1</translation>
    </message>
    <message>
        <location filename="../StethoscopePanel.qml" line="274"/>
        <source>Touches : ?</source>
        <translation>Keys: ?</translation>
    </message>
</context>
<context>
    <name>VideoPanel</name>
    <message>
        <location filename="../VideoPanel.qml" line="121"/>
        <source>⏸ Image figée depuis %1 s : la cabine n&apos;envoie plus d&apos;images</source>
        <translation>⏸ Picture frozen for %1 s: the cabin sends no more images</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="204"/>
        <source>⏸ %1 (figée)</source>
        <translation>⏸ %1 (frozen)</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="35"/>
        <source>Démarrer l&apos;otoscope</source>
        <translation>Start the otoscope</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="37"/>
        <source>Démarrer le dermatoscope</source>
        <translation>Start the dermatoscope</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="38"/>
        <source>Démarrer : %1</source>
        <translation>Start: %1</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="42"/>
        <source>Arrêter l&apos;otoscope</source>
        <translation>Stop the otoscope</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="44"/>
        <source>Arrêter le dermatoscope</source>
        <translation>Stop the dermatoscope</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="45"/>
        <source>Arrêter : %1</source>
        <translation>Stop: %1</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="73"/>
        <source>Photo enregistrée</source>
        <translation>Photo saved</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="105"/>
        <location filename="../VideoPanel.qml" line="106"/>
        <location filename="../VideoPanel.qml" line="194"/>
        <source>Pas de vidéo</source>
        <translation>No video</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="149"/>
        <source>Photo</source>
        <translation>Photo</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="150"/>
        <source>Enregistre l&apos;image en pleine résolution dans le dossier de la consultation</source>
        <translation>Saves the picture at full resolution in the consultation&apos;s folder</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="219"/>
        <source>Afficher en grand : %1</source>
        <translation>Show large: %1</translation>
    </message>
    <message>
        <location filename="../VideoPanel.qml" line="252"/>
        <source>En attente de la cabine…</source>
        <translation>Waiting for the cabin…</translation>
    </message>
</context>
<context>
    <name>VitalsPanel</name>
    <message>
        <location filename="../VitalsPanel.qml" line="60"/>
        <source>Constantes</source>
        <translation>Vital signs</translation>
    </message>
    <message>
        <location filename="../VitalsPanel.qml" line="93"/>
        <source>ECG D II · 25 mm/s · 10 mm/mV</source>
        <translation>ECG lead II · 25 mm/s · 10 mm/mV</translation>
    </message>
    <message>
        <location filename="../VitalsPanel.qml" line="102"/>
        <source>Bruits du cœur (stéthoscope)</source>
        <translation>Heart sounds (stethoscope)</translation>
    </message>
    <message>
        <location filename="../VitalsPanel.qml" line="125"/>
        <source>Pléthysmogramme</source>
        <translation>Plethysmogram</translation>
    </message>
    <message>
        <location filename="../VitalsPanel.qml" line="177"/>
        <source>Mesurer</source>
        <translation>Measure</translation>
    </message>
    <message>
        <location filename="../VitalsPanel.qml" line="186"/>
        <source>Mesurer : %1</source>
        <translation>Measure: %1</translation>
    </message>
    <message>
        <location filename="../VitalsPanel.qml" line="238"/>
        <source>Pas encore mesuré</source>
        <translation>Not measured yet</translation>
    </message>
    <message>
        <location filename="../VitalsPanel.qml" line="246"/>
        <source> · saisie manuelle</source>
        <translation> · entered by hand</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/console/main.cpp" line="33"/>
        <source>GStreamer indisponible</source>
        <translation>GStreamer unavailable</translation>
    </message>
    <message>
        <location filename="../../app/console/main.cpp" line="37"/>
        <source>%1 · chaîne média complète</source>
        <translation>%1 · media chain complete</translation>
    </message>
    <message>
        <location filename="../../app/console/main.cpp" line="283"/>
        <source> · affichage sans accélération graphique</source>
        <translation> · display without graphics acceleration</translation>
    </message>
    <message>
        <location filename="../../app/console/main.cpp" line="48"/>
        <source>Éléments média manquants : installez %1</source>
        <translation>Missing media elements: install %1</translation>
    </message>
</context>
<context>
    <name>tc::app::ArchiveUploads</name>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="61"/>
        <source>Archivage impossible : %1</source>
        <translation>Archiving impossible: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="210"/>
        <source>Consultation %1</source>
        <translation>Consultation %1</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="25"/>
        <source>Préparation du dossier…</source>
        <translation>Preparing the dossier…</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="26"/>
        <source>Prêt, en attente de connexion</source>
        <translation>Ready, waiting for a connection</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="27"/>
        <source>En attente d&apos;envoi</source>
        <translation>Waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="216"/>
        <source>Envoi : %1 %</source>
        <translation>Sending: %1 %</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="28"/>
        <source>Nouvel essai bientôt</source>
        <translation>Retrying soon</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="29"/>
        <source>Bloqué</source>
        <translation>Blocked</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="30"/>
        <source>Archivé</source>
        <translation>Archived</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="223"/>
        <source>Dossier non constitué</source>
        <translation>Dossier not assembled</translation>
    </message>
    <message>
        <location filename="../../app/src/archive_uploads.cpp" line="276"/>
        <source>Archivage : un dossier n&apos;a pas pu être constitué</source>
        <translation>Archive: a dossier could not be assembled</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/src/archive_uploads.cpp" line="282"/>
        <source>Archivage : %n dossier(s) en attente, envoi %1 %</source>
        <translation>
            <numerusform>Archive: %n dossier pending, sending %1 %</numerusform>
            <numerusform>Archive: %n dossiers pending, sending %1 %</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/src/archive_uploads.cpp" line="286"/>
        <source>Archivage bloqué : %n dossier(s) en attente</source>
        <translation>
            <numerusform>Archive blocked: %n dossier pending</numerusform>
            <numerusform>Archive blocked: %n dossiers pending</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/src/archive_uploads.cpp" line="288"/>
        <source>Archivage : %n dossier(s) en attente</source>
        <translation>
            <numerusform>Archive: %n dossier pending</numerusform>
            <numerusform>Archive: %n dossiers pending</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tc::app::CameraController</name>
    <message>
        <location filename="../../app/src/camera_controller.cpp" line="20"/>
        <source>Caméra désactivée sur ce poste : la cabine ne vous voit pas.</source>
        <translation>Camera disabled on this workstation: the cabin cannot see you.</translation>
    </message>
    <message>
        <location filename="../../app/src/camera_controller.cpp" line="35"/>
        <source>Vidéo sortante impossible : %1</source>
        <translation>Outgoing video impossible: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/camera_controller.cpp" line="55"/>
        <source>Caméra inutilisable : %1</source>
        <translation>Camera unusable: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/camera_controller.cpp" line="62"/>
        <source>Pas de caméra : la cabine voit une mire de test.</source>
        <translation>No camera: the cabin sees a test pattern.</translation>
    </message>
</context>
<context>
    <name>tc::app::ConnectionController</name>
    <message>
        <location filename="../../app/src/connection_controller.cpp" line="53"/>
        <source>Connecté</source>
        <translation>Connected</translation>
    </message>
    <message>
        <location filename="../../app/src/connection_controller.cpp" line="56"/>
        <source>Connexion…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <location filename="../../app/src/connection_controller.cpp" line="59"/>
        <source>Reconnexion…</source>
        <translation>Reconnecting…</translation>
    </message>
    <message>
        <location filename="../../app/src/connection_controller.cpp" line="61"/>
        <source>Déconnecté</source>
        <translation>Disconnected</translation>
    </message>
    <message>
        <location filename="../../app/src/connection_controller.cpp" line="87"/>
        <source>Adresse du service invalide.</source>
        <translation>Invalid service address.</translation>
    </message>
    <message>
        <location filename="../../app/src/connection_controller.cpp" line="92"/>
        <source>Fichier d&apos;identité introuvable : %1</source>
        <translation>Identity file not found: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/connection_controller.cpp" line="97"/>
        <source>Certificat de l&apos;autorité introuvable : %1</source>
        <translation>Authority certificate not found: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/connection_controller.cpp" line="108"/>
        <source>Ce fichier n&apos;est pas une identité de médecin ni de coordinateur de CPTS.</source>
        <translation>This file is not a doctor&apos;s or a CPTS coordinator&apos;s identity.</translation>
    </message>
</context>
<context>
    <name>tc::app::MediaLink</name>
    <message>
        <location filename="../../app/src/media_link.cpp" line="147"/>
        <source>Aucune adresse réseau pour le média : %1</source>
        <translation>No network address for the media: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="42"/>
        <source>Otoscope</source>
        <translation>Otoscope</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="45"/>
        <source>Dermatoscope</source>
        <translation>Dermatoscope</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="197"/>
        <source>Flux du stéthoscope impossible à décoder : %1</source>
        <translation>The stethoscope stream cannot be decoded: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="33"/>
        <source>Stéthoscope</source>
        <translation>Stethoscope</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="36"/>
        <source>Voix</source>
        <translation>Voice</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="39"/>
        <source>Caméra</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="58"/>
        <source>relayé par %1 (TURN %2)</source>
        <translation>relayed by %1 (TURN %2)</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="65"/>
        <source>relayé par le serveur TURN de la cabine</source>
        <translation>relayed by the cabin&apos;s TURN server</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="67"/>
        <source>direct (réseau local)</source>
        <translation>direct (local network)</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="68"/>
        <source>direct (à travers le NAT)</source>
        <translation>direct (through the NAT)</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="156"/>
        <source>Port média indisponible : %1</source>
        <translation>Media port unavailable: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="162"/>
        <source>Certificat média impossible à créer.</source>
        <translation>Could not create the media certificate.</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="169"/>
        <source>Offre média invalide.</source>
        <translation>Invalid media offer.</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="183"/>
        <source>La cabine n&apos;a pas négocié de média : %1</source>
        <translation>The cabin did not negotiate media: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="187"/>
        <source>Réponse de la cabine incohérente (chiffrement) : %1</source>
        <translation>Inconsistent answer from the cabin (encryption): %1</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="266"/>
        <source>Clés média invalides.</source>
        <translation>Invalid media keys.</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="319"/>
        <source>Message ICE de la cabine refusé : %1</source>
        <translation>The cabin&apos;s ICE message was refused: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="325"/>
        <source>La cabine relance la connexion (ICE restart)</source>
        <translation>The cabin restarts the connection (ICE restart)</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="338"/>
        <source>Chemin média : %1</source>
        <translation>Media path: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="375"/>
        <source>Reconnexion : le chemin média a changé ou a été perdu</source>
        <translation>Reconnecting: the media path changed or was lost</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="377"/>
        <source>Média interrompu : plus de trafic authentifié</source>
        <translation>Media interrupted: no more authenticated traffic</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="399"/>
        <source>Serveur %1 inutilisable : %2</source>
        <translation>Server %1 unusable: %2</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="477"/>
        <source>perte réseau %1 %</source>
        <translation>network loss %1 %</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="480"/>
        <source>tout récupéré</source>
        <translation>all recovered</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="483"/>
        <source>gigue %1 ms</source>
        <translation>jitter %1 ms</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="485"/>
        <source>aller-retour %1 ms</source>
        <translation>round trip %1 ms</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="495"/>
        <source>Média : vérification du chemin réseau…</source>
        <translation>Media: verifying the network path…</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="497"/>
        <source>Média : échange des clés de chiffrement (DTLS)…</source>
        <translation>Media: exchanging encryption keys (DTLS)…</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="499"/>
        <source>Média refusé : %1</source>
        <translation>Media refused: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="501"/>
        <source>Média interrompu : plus de trafic authentifié depuis 5 s</source>
        <translation>Media interrupted: no authenticated traffic for 5 s</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="503"/>
        <source>Média : reconnexion…</source>
        <translation>Media: reconnecting…</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="507"/>
        <source>Liaison chiffrée : bonne · %1 paquets/s</source>
        <translation>Encrypted link: good · %1 packets/s</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="509"/>
        <source>Liaison chiffrée : moyenne · %1 paquets/s</source>
        <translation>Encrypted link: fair · %1 packets/s</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="511"/>
        <source>Liaison chiffrée : mauvaise · %1 paquets/s</source>
        <translation>Encrypted link: poor · %1 packets/s</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="515"/>
        <source>Liaison chiffrée : connectée</source>
        <translation>Encrypted link: connected</translation>
    </message>
    <message>
        <location filename="../../app/src/media_link.cpp" line="519"/>
        <source>Média : non négocié</source>
        <translation>Media: not negotiated</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/src/media_link.cpp" line="481"/>
        <source>%n paquet(s) perdu(s)</source>
        <translation>
            <numerusform>%n packet lost</numerusform>
            <numerusform>%n packets lost</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tc::app::PatientIdentityView</name>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="43"/>
        <source>(née %1)</source>
        <translation>(née %1)</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="43"/>
        <source>(né %1)</source>
        <translation>(born %1)</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="75"/>
        <source> (INS de test)</source>
        <translation> (test INS)</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="77"/>
        <source> (NIA)</source>
        <translation> (NIA)</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="94"/>
        <source>Identité qualifiée (INS vérifié)</source>
        <translation>Qualified identity (INS checked)</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="58"/>
        <source> (lieu %1)</source>
        <translation> (place %1)</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="65"/>
        <source>sans INS</source>
        <translation>no INS</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="97"/>
        <source>Identité provisoire (carte Vitale)</source>
        <translation>Provisional identity (Carte Vitale)</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="98"/>
        <source>Identité provisoire</source>
        <translation>Provisional identity</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="100"/>
        <source>Identité non vérifiée</source>
        <translation>Unverified identity</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="104"/>
        <source>Identité non transmise par la cabine</source>
        <translation>Identity not sent by the cabin</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="111"/>
        <source>Corrigée par le médecin</source>
        <translation>Corrected by the doctor</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="156"/>
        <source>Date de naissance à corriger : AAAA-MM-JJ.</source>
        <translation>Date of birth to fix: YYYY-MM-DD.</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="168"/>
        <source>Identité qualifiée : elle ne se corrige pas ici.</source>
        <translation>Qualified identity: it cannot be corrected here.</translation>
    </message>
    <message>
        <location filename="../../app/src/patient_identity_view.cpp" line="169"/>
        <source>Correction refusée : %1</source>
        <translation>Correction refused: %1</translation>
    </message>
</context>
<context>
    <name>tc::app::PrescriptionDeliveryController</name>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="60"/>
        <source>Envoi à la cabine… %1/%2</source>
        <translation>Sending to the cabin… %1/%2</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="63"/>
        <source>Reçue par la cabine</source>
        <translation>Received by the cabin</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="66"/>
        <source>Impression en cours dans la cabine</source>
        <translation>Printing in the cabin</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="69"/>
        <source>Imprimée dans la cabine</source>
        <translation>Printed in the cabin</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="72"/>
        <source>Échec : %1</source>
        <translation>Failed: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="19"/>
        <source>plus de papier</source>
        <translation>out of paper</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="21"/>
        <source>imprimante hors ligne</source>
        <translation>printer offline</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="22"/>
        <source>bourrage papier</source>
        <translation>paper jam</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="23"/>
        <source>plus d&apos;encre</source>
        <translation>out of ink</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="25"/>
        <source>capot de l&apos;imprimante ouvert</source>
        <translation>printer cover open</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="26"/>
        <source>la cabine n&apos;a pas d&apos;imprimante</source>
        <translation>the cabin has no printer</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="29"/>
        <source>une autre ordonnance porte déjà cet identifiant dans la cabine</source>
        <translation>another prescription already has this identifier in the cabin</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="31"/>
        <source>document altéré en route ; renvoyez-le</source>
        <translation>document altered in transit; send it again</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="34"/>
        <source>aucune consultation en cours</source>
        <translation>no consultation in progress</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="88"/>
        <source>la cabine n&apos;a pas pu vérifier la signature du compte rendu (%1)</source>
        <translation>the cabin could not verify the report&apos;s signature (%1)</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_delivery.cpp" line="92"/>
        <source>document refusé (%1)</source>
        <translation>document refused (%1)</translation>
    </message>
</context>
<context>
    <name>tc::app::PrescriptionEditor</name>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="86"/>
        <source>Signature en cours…</source>
        <translation>Signing…</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="114"/>
        <source>Signature refusée : %1</source>
        <translation>Signature refused: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="133"/>
        <source>Signature impossible : %1</source>
        <translation>Cannot sign: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="152"/>
        <source>Signée électroniquement (PAdES) · n° %1</source>
        <translation>Signed electronically (PAdES) · no. %1</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="174"/>
        <source> — mais l&apos;enregistrement dans %1 a échoué</source>
        <translation> — but saving in %1 failed</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="193"/>
        <source>Nouvelle version : elle annulera la précédente une fois signée.</source>
        <translation>New version: once signed it cancels the previous one.</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="203"/>
        <source>Ordonnance %1</source>
        <translation>Prescription %1</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="254"/>
        <source>Médecin généraliste</source>
        <translation>General practitioner</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="124"/>
        <source>Signature refusée : ce certificat est celui du RPPS %1, pas celui du prescripteur (%2).</source>
        <translation>Signature refused: this certificate is RPPS %1&apos;s, not the prescriber&apos;s (%2).</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="128"/>
        <source>Signature refusée : ce certificat n&apos;est pas celui d&apos;un prescripteur (médecin identifié par son RPPS).</source>
        <translation>Signature refused: this certificate is not a prescriber&apos;s (a doctor named by an RPPS).</translation>
    </message>
    <message>
        <location filename="../../app/src/prescription_editor.cpp" line="120"/>
        <source>Signature refusée : ce certificat a expiré le %1.</source>
        <translation>Signature refused: this certificate expired on %1.</translation>
    </message>
</context>
<context>
    <name>tc::app::PrescriptionValidation</name>
    <message>
        <location filename="../../app/src/prescription_validation.cpp" line="32"/>
        <location filename="../../app/src/prescription_validation.cpp" line="52"/>
        <source>À corriger : %1</source>
        <translation>To fix: %1</translation>
    </message>
</context>
<context>
    <name>tc::app::ReplayController</name>
    <message>
        <location filename="../../app/src/replay_controller.cpp" line="58"/>
        <source> · récupéré après un arrêt</source>
        <translation> · recovered after a stop</translation>
    </message>
    <message>
        <location filename="../../app/src/replay_controller.cpp" line="55"/>
        <source>%1 · %2 s</source>
        <translation>%1 · %2 s</translation>
    </message>
    <message>
        <location filename="../../app/src/replay_controller.cpp" line="111"/>
        <location filename="../../app/src/replay_controller.cpp" line="124"/>
        <source>Réécoute impossible : %1</source>
        <translation>Replay impossible: %1</translation>
    </message>
</context>
<context>
    <name>tc::app::ReportEditor</name>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="90"/>
        <location filename="../../app/src/report_editor_signing.cpp" line="80"/>
        <source>Signé électroniquement (PAdES) · n° %1</source>
        <translation>Signed electronically (PAdES) · no. %1</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="99"/>
        <source>Compte rendu impossible à ouvrir : %1</source>
        <translation>The report cannot be opened: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="337"/>
        <source>Sauvegarde automatique du compte rendu impossible : %1</source>
        <translation>The report cannot be saved automatically: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="348"/>
        <source>Fièvre, symptômes ORL</source>
        <translation>Fever, ENT symptoms</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="349"/>
        <source>Toux, symptômes respiratoires</source>
        <translation>Cough, respiratory symptoms</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="350"/>
        <source>Symptômes urinaires</source>
        <translation>Urinary symptoms</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="351"/>
        <source>Lésion cutanée</source>
        <translation>Skin lesion</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="352"/>
        <source>Renouvellement, suivi de traitement chronique</source>
        <translation>Renewal, follow-up of a long-term treatment</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor.cpp" line="354"/>
        <source>Contrôle tensionnel</source>
        <translation>Blood pressure check</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor_signing.cpp" line="33"/>
        <source>Signature en cours…</source>
        <translation>Signing…</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor_signing.cpp" line="67"/>
        <source>Signature impossible : le compte rendu ou le dossier de la consultation comporte des erreurs à corriger.</source>
        <translation>Cannot sign: the report or the consultation record has errors to correct.</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor_signing.cpp" line="85"/>
        <source> — mais l&apos;enregistrement dans %1 a échoué (%2)</source>
        <translation> — but saving it in %1 failed (%2)</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor_signing.cpp" line="103"/>
        <source>Nouvelle version impossible : %1</source>
        <translation>No new version possible: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor_signing.cpp" line="110"/>
        <source>Nouvelle version du compte rendu : à signer de nouveau.</source>
        <translation>New version of the report: sign it again.</translation>
    </message>
    <message>
        <location filename="../../app/src/report_editor_signing.cpp" line="124"/>
        <source>Compte rendu %1 (copie patient)</source>
        <translation>Report %1 (patient copy)</translation>
    </message>
</context>
<context>
    <name>tc::app::ReviewReplayController</name>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="87"/>
        <source>Dossier illisible : %1</source>
        <translation>Unreadable dossier: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="93"/>
        <source>Dossier illisible : record.json n&apos;est pas un dossier de consultation</source>
        <translation>Unreadable dossier: record.json is not a consultation record</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="139"/>
        <source>Enregistrement %1 illisible : %2</source>
        <translation>Recording %1 unreadable: %2</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="320"/>
        <source>Réécoute impossible : %1</source>
        <translation>Replay impossible: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="356"/>
        <source>arrivée en cabine</source>
        <translation>arrival in the cabin</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="359"/>
        <source>prise en charge</source>
        <translation>taken by the doctor</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="362"/>
        <source>début de la téléconsultation</source>
        <translation>teleconsultation start</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="365"/>
        <source>fin</source>
        <translation>end</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="367"/>
        <source>compte rendu signé</source>
        <translation>report signed</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="380"/>
        <source>photo</source>
        <translation>still</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="389"/>
        <source>changement de chemin du média</source>
        <translation>media path change</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="390"/>
        <source>consentement réseau perdu</source>
        <translation>network consent lost</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="391"/>
        <source>média interrompu puis rétabli</source>
        <translation>media interrupted then restored</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="392"/>
        <source>pertes de paquets</source>
        <translation>packet loss</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="393"/>
        <source>gigue</source>
        <translation>jitter</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="394"/>
        <source>vidéo figée</source>
        <translation>frozen video</translation>
    </message>
    <message>
        <location filename="../../app/src/review_replay.cpp" line="395"/>
        <source>périphérique audio en erreur</source>
        <translation>audio device error</translation>
    </message>
</context>
<context>
    <name>tc::app::ReviewSession</name>
    <message>
        <location filename="../../app/src/review_session.cpp" line="60"/>
        <source>Ce dossier n&apos;existe pas ou ne vous est pas accessible.</source>
        <translation>This record does not exist or is not available to you.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="63"/>
        <source>Votre certificat ne donne pas accès à cette revue.</source>
        <translation>Your certificate does not give access to this review.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="66"/>
        <source>Ce site n&apos;appartient pas à votre CPTS.</source>
        <translation>This site does not belong to your CPTS.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="69"/>
        <source>Trimestre invalide : choisissez-en un dans la liste.</source>
        <translation>Invalid quarter: choose one from the list.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="73"/>
        <source>Filtre invalide : corrigez-le et réessayez.</source>
        <translation>Invalid filter: correct it and try again.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="77"/>
        <source>Le service ne peut pas tracer cet accès : rien n&apos;a été transmis. Réessayez plus tard.</source>
        <translation>The service cannot record this access: nothing was sent. Try again later.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="81"/>
        <source>Le service est occupé : réessayez dans quelques secondes.</source>
        <translation>The service is busy: try again in a few seconds.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="83"/>
        <source>Revue impossible : %1</source>
        <translation>Review failed: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="402"/>
        <source>Connectez-vous pour revoir une consultation.</source>
        <translation>Sign in to review a consultation.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="435"/>
        <source>Ce dossier ne peut pas être rejoué.</source>
        <translation>This record cannot be replayed.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="471"/>
        <source>Choisissez d&apos;abord un trimestre.</source>
        <translation>Choose a quarter first.</translation>
    </message>
    <message>
        <location filename="../../app/src/review_session.cpp" line="488"/>
        <source>Impossible d&apos;écrire %1.</source>
        <translation>Cannot write %1.</translation>
    </message>
</context>
<context>
    <name>tc::app::SessionController</name>
    <message>
        <location filename="../../app/src/session_controller.cpp" line="450"/>
        <source>Vidéo de la cabine impossible à décoder : %1</source>
        <translation>The cabin&apos;s video cannot be decoded: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/session_controller.cpp" line="193"/>
        <source>Réponse du service illisible.</source>
        <translation>Unreadable answer from the service.</translation>
    </message>
    <message>
        <location filename="../../app/src/session_controller.cpp" line="245"/>
        <source>Motif de fin invalide.</source>
        <translation>Invalid end reason.</translation>
    </message>
    <message>
        <location filename="../../app/src/session_controller.cpp" line="439"/>
        <source>Média de la cabine refusé (%1) : %2</source>
        <translation>Cabin media refused (%1): %2</translation>
    </message>
</context>
<context>
    <name>tc::app::SessionSummary</name>
    <message>
        <location filename="../../app/src/session_summary.cpp" line="29"/>
        <source>par vous</source>
        <translation>by you</translation>
    </message>
    <message>
        <location filename="../../app/src/session_summary.cpp" line="30"/>
        <source>par la cabine</source>
        <translation>by the cabin</translation>
    </message>
    <message>
        <location filename="../../app/src/session_summary.cpp" line="31"/>
        <source>par le service</source>
        <translation>by the service</translation>
    </message>
</context>
<context>
    <name>tc::app::SessionWorkspace</name>
    <message>
        <location filename="../../app/src/session_workspace.cpp" line="39"/>
        <source>La cabine n&apos;a pas pu %1 : %2</source>
        <translation>The cabin could not %1: %2</translation>
    </message>
    <message>
        <location filename="../../app/src/session_workspace.cpp" line="40"/>
        <source>démarrer la caméra</source>
        <translation>start the camera</translation>
    </message>
    <message>
        <location filename="../../app/src/session_workspace.cpp" line="40"/>
        <source>arrêter la caméra</source>
        <translation>stop the camera</translation>
    </message>
</context>
<context>
    <name>tc::app::SigningChoices</name>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="49"/>
        <source>Certificat du poste (fichier PKCS#12)</source>
        <translation>This workstation&apos;s certificate (PKCS#12 file)</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="52"/>
        <source>Phrase secrète de votre identité de signature :</source>
        <translation>Passphrase of your signing identity:</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="56"/>
        <source>Aucun module PKCS#11 configuré : la carte CPS n&apos;est pas recherchée.</source>
        <translation>No PKCS#11 module configured: no CPS card is looked for.</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="60"/>
        <source>Le module de carte %1 ne se charge pas.</source>
        <translation>The card module %1 does not load.</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="62"/>
        <source>Aucune carte CPS ni jeton de signature détecté.</source>
        <translation>No CPS card or signing token found.</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="76"/>
        <source>Carte « %1 » — %2</source>
        <translation>Card “%1” — %2</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="80"/>
        <source>certificat expiré le %1</source>
        <translation>certificate expired on %1</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="80"/>
        <source>certificat valable jusqu&apos;au %1</source>
        <translation>certificate valid until %1</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="83"/>
        <source>Code PIN de la carte :</source>
        <translation>Card PIN:</translation>
    </message>
    <message>
        <location filename="../../app/src/signing_choices.cpp" line="115"/>
        <source>fichier d&apos;identité introuvable ou illisible</source>
        <translation>identity file missing or unreadable</translation>
    </message>
</context>
<context>
    <name>tc::app::StethoscopeController</name>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="216"/>
        <source>La cabine n&apos;a pas pu placer le stéthoscope : %1</source>
        <translation>The cabin could not place the stethoscope: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="73"/>
        <source>Sortie audio par défaut du système</source>
        <translation>System default audio output</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="75"/>
        <source>Aucune sortie (réglage du poste)</source>
        <translation>No output (workstation setting)</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="76"/>
        <source>Sortie configurée (%1)</source>
        <translation>Configured output (%1)</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="80"/>
        <source>Aucune (enregistrement seul)</source>
        <translation>None (record only)</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="58"/>
        <source>Aucune sortie audio disponible : écoute impossible, enregistrement possible.</source>
        <translation>No audio output available: listening impossible, recording possible.</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="168"/>
        <source>foyer aortique</source>
        <translation>aortic focus</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="169"/>
        <source>foyer pulmonaire</source>
        <translation>pulmonary focus</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="170"/>
        <source>foyer tricuspide</source>
        <translation>tricuspid focus</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="171"/>
        <source>foyer mitral</source>
        <translation>mitral focus</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="172"/>
        <source>poumon droit, haut</source>
        <translation>right lung, upper</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="173"/>
        <source>poumon gauche, haut</source>
        <translation>left lung, upper</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="174"/>
        <source>poumon droit, bas</source>
        <translation>right lung, lower</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="175"/>
        <source>poumon gauche, bas</source>
        <translation>left lung, lower</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="176"/>
        <source>poumon droit, postérieur</source>
        <translation>right lung, posterior</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="177"/>
        <source>poumon gauche, postérieur</source>
        <translation>left lung, posterior</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_controller.cpp" line="201"/>
        <source>site inconnu</source>
        <translation>unknown site</translation>
    </message>
</context>
<context>
    <name>tc::app::StethoscopeRecording</name>
    <message>
        <location filename="../../app/src/stethoscope_recording.cpp" line="58"/>
        <source>Enregistrement impossible : %1</source>
        <translation>Recording impossible: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_recording.cpp" line="75"/>
        <source>Fin d&apos;enregistrement incomplète : %1</source>
        <translation>Recording ended incompletely: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/stethoscope_recording.cpp" line="91"/>
        <source>Enregistrement interrompu : %1</source>
        <translation>Recording interrupted: %1</translation>
    </message>
</context>
<context>
    <name>tc::app::VideoController</name>
    <message>
        <location filename="../../app/src/video_controller.cpp" line="76"/>
        <source>Impossible d&apos;afficher la vidéo « %1 » : %2</source>
        <translation>Cannot show the “%1” video: %2</translation>
    </message>
    <message>
        <location filename="../../app/src/video_controller.cpp" line="279"/>
        <source>Photo impossible : aucun dossier de consultation n&apos;est ouvert.</source>
        <translation>Cannot take a photo: no consultation folder is open.</translation>
    </message>
    <message>
        <location filename="../../app/src/video_controller.cpp" line="292"/>
        <source>Photo impossible : aucune image reçue de « %1 ».</source>
        <translation>Cannot take a photo: no picture received from “%1”.</translation>
    </message>
    <message>
        <location filename="../../app/src/video_controller.cpp" line="314"/>
        <source>La photo n&apos;a pas pu être enregistrée dans %1 (%2).</source>
        <translation>The photo could not be saved in %1 (%2).</translation>
    </message>
    <message>
        <location filename="../../app/src/video_controller.cpp" line="327"/>
        <source>Caméra de la salle</source>
        <translation>Room camera</translation>
    </message>
    <message>
        <location filename="../../app/src/video_controller.cpp" line="330"/>
        <source>Otoscope</source>
        <translation>Otoscope</translation>
    </message>
    <message>
        <location filename="../../app/src/video_controller.cpp" line="333"/>
        <source>Dermatoscope</source>
        <translation>Dermatoscope</translation>
    </message>
</context>
<context>
    <name>tc::app::VisitDetails</name>
    <message>
        <location filename="../../app/src/visit_details.cpp" line="20"/>
        <source>non recueilli</source>
        <translation>not recorded</translation>
    </message>
    <message>
        <location filename="../../app/src/visit_details.cpp" line="24"/>
        <source>recueilli par écrit</source>
        <translation>recorded in writing</translation>
    </message>
    <message>
        <location filename="../../app/src/visit_details.cpp" line="27"/>
        <source>recueilli électroniquement</source>
        <translation>recorded electronically</translation>
    </message>
    <message>
        <location filename="../../app/src/visit_details.cpp" line="29"/>
        <source>recueilli oralement</source>
        <translation>recorded orally</translation>
    </message>
</context>
<context>
    <name>tc::app::VitalsController</name>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="93"/>
        <location filename="../../app/src/vitals_controller.cpp" line="392"/>
        <source>ECG et pléthysmogramme en direct</source>
        <translation>ECG and plethysmogram live</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="94"/>
        <source>Plus de tracé reçu de la cabine : ce qui s&apos;affiche est ancien.</source>
        <translation>No more traces from the cabin: what shows is old.</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="133"/>
        <source>En attente des tracés de la cabine…</source>
        <translation>Waiting for the cabin&apos;s traces…</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="134"/>
        <source>La cabine n&apos;envoie pas de tracés (ECG, pléthysmogramme).</source>
        <translation>The cabin sends no traces (ECG, plethysmogram).</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="169"/>
        <source>Mesure reçue mais refusée (%1 : %2).</source>
        <translation>Measurement received but refused (%1: %2).</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="205"/>
        <source>Refusée : l&apos;instrument mesure déjà</source>
        <translation>Refused: the instrument is already measuring</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="207"/>
        <source>Refusée : pas d&apos;instrument pour cette mesure dans la cabine</source>
        <translation>Refused: the cabin has no instrument for this</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="208"/>
        <source>Refusée par la cabine</source>
        <translation>Refused by the cabin</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="212"/>
        <source>Mesure en cours…</source>
        <translation>Measuring…</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="229"/>
        <source>Demande envoyée à la cabine…</source>
        <translation>Request sent to the cabin…</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="244"/>
        <source>à l&apos;instant</source>
        <translation>just now</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="247"/>
        <source>il y a %1 s</source>
        <translation>%1 s ago</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="250"/>
        <source>il y a %1 min</source>
        <translation>%1 min ago</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="252"/>
        <source>il y a %1 h %2</source>
        <translation>%1 h %2 ago</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="257"/>
        <source>Systolique</source>
        <translation>Systolic</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="258"/>
        <source>Diastolique</source>
        <translation>Diastolic</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="259"/>
        <source>Moyenne</source>
        <translation>Mean</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="260"/>
        <location filename="../../app/src/vitals_controller.cpp" line="262"/>
        <source>Pouls</source>
        <translation>Pulse</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="261"/>
        <source>SpO₂</source>
        <translation>SpO₂</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="263"/>
        <source>Perfusion</source>
        <translation>Perfusion</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="26"/>
        <location filename="../../app/src/vitals_controller.cpp" line="264"/>
        <source>Température</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="265"/>
        <source>Poids</source>
        <translation>Weight</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="266"/>
        <source>Taille</source>
        <translation>Height</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="267"/>
        <source>IMC</source>
        <translation>BMI</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="268"/>
        <source>Glycémie</source>
        <translation>Glucose</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="24"/>
        <source>Tension artérielle</source>
        <translation>Blood pressure</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="25"/>
        <source>Oxymétrie</source>
        <translation>Oximetry</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="27"/>
        <source>Poids et taille</source>
        <translation>Weight and height</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="28"/>
        <source>Glycémie capillaire</source>
        <translation>Capillary glucose</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="287"/>
        <source>Mesure en cours… (encore %1 s environ)</source>
        <translation>Measuring… (about %1 s left)</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="303"/>
        <source>artefact signalé par l&apos;instrument</source>
        <translation>artefact flagged by the instrument</translation>
    </message>
    <message>
        <location filename="../../app/src/vitals_controller.cpp" line="305"/>
        <source>valeur douteuse (signal faible)</source>
        <translation>doubtful value (weak signal)</translation>
    </message>
</context>
<context>
    <name>tc::app::VoiceController</name>
    <message>
        <location filename="../../app/src/voice_controller.cpp" line="53"/>
        <source>Micro par défaut du système</source>
        <translation>System default microphone</translation>
    </message>
    <message>
        <location filename="../../app/src/voice_controller.cpp" line="56"/>
        <source>Aucun micro (réglage du poste)</source>
        <translation>No microphone (workstation setting)</translation>
    </message>
    <message>
        <location filename="../../app/src/voice_controller.cpp" line="57"/>
        <source>Micro configuré (%1)</source>
        <translation>Configured microphone (%1)</translation>
    </message>
    <message>
        <location filename="../../app/src/voice_controller.cpp" line="61"/>
        <source>Aucun (la cabine ne m&apos;entend pas)</source>
        <translation>None (the cabin cannot hear me)</translation>
    </message>
    <message>
        <location filename="../../app/src/voice_controller.cpp" line="150"/>
        <source>Micro désactivé sur ce poste</source>
        <translation>Microphone disabled on this workstation</translation>
    </message>
    <message>
        <location filename="../../app/src/voice_controller.cpp" line="114"/>
        <source>Voix sortante impossible : %1</source>
        <translation>Outgoing voice impossible: %1</translation>
    </message>
    <message>
        <location filename="../../app/src/voice_controller.cpp" line="172"/>
        <source>Aucun micro utilisable : la cabine ne vous entend pas (%1).</source>
        <translation>No usable microphone: the cabin cannot hear you (%1).</translation>
    </message>
    <message>
        <location filename="../../app/src/voice_controller.cpp" line="54"/>
        <location filename="../../app/src/voice_controller.cpp" line="180"/>
        <source>Micro de test (voix de synthèse)</source>
        <translation>Test microphone (synthetic voice)</translation>
    </message>
</context>
</TS>
