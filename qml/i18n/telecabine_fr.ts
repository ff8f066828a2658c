<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="fr">
<context>
    <name>QueueView</name>
    <message numerus="yes">
        <location filename="../QueueView.qml" line="31"/>
        <source>%n patient(s) en attente</source>
        <translation>
            <numerusform>%n patient en attente</numerusform>
            <numerusform>%n patients en attente</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SessionView</name>
    <message numerus="yes">
        <location filename="../SessionView.qml" line="216"/>
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tc::app::ArchiveUploads</name>
    <message numerus="yes">
        <location filename="../../app/src/archive_uploads.cpp" line="282"/>
        <source>Archivage : %n dossier(s) en attente, envoi %1 %</source>
        <translation>
            <numerusform>Archivage : %n dossier en attente, envoi %1 %</numerusform>
            <numerusform>Archivage : %n dossiers en attente, envoi %1 %</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/src/archive_uploads.cpp" line="286"/>
        <source>Archivage bloqué : %n dossier(s) en attente</source>
        <translation>
            <numerusform>Archivage bloqué : %n dossier en attente</numerusform>
            <numerusform>Archivage bloqué : %n dossiers en attente</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/src/archive_uploads.cpp" line="288"/>
        <source>Archivage : %n dossier(s) en attente</source>
        <translation>
            <numerusform>Archivage : %n dossier en attente</numerusform>
            <numerusform>Archivage : %n dossiers en attente</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tc::app::MediaLink</name>
    <message numerus="yes">
        <location filename="../../app/src/media_link.cpp" line="497"/>
        <source>%n paquet(s) perdu(s)</source>
        <translation>
            <numerusform>%n paquet perdu</numerusform>
            <numerusform>%n paquets perdus</numerusform>
        </translation>
    </message>
</context>
</TS>
