<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="fr">
<context>
    <name>IndicatorsView</name>
    <message numerus="yes">
        <location filename="../IndicatorsView.qml" line="154"/>
        <source>%n dossier(s) indexé(s)</source>
        <translation>
            <numerusform>%n dossier indexé</numerusform>
            <numerusform>%n dossiers indexés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../IndicatorsView.qml" line="175"/>
        <source>%n réponse(s)</source>
        <translation>
            <numerusform>%n réponse</numerusform>
            <numerusform>%n réponses</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../IndicatorsView.qml" line="182"/>
        <source>%1 sur %n dossier(s)</source>
        <translation>
            <numerusform>%1 sur %n dossier</numerusform>
            <numerusform>%1 sur %n dossiers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../IndicatorsView.qml" line="190"/>
        <source>%n ordonnance(s)</source>
        <translation>
            <numerusform>%n ordonnance</numerusform>
            <numerusform>%n ordonnances</numerusform>
        </translation>
    </message>
</context>
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
        <location filename="../../app/src/media_link.cpp" line="481"/>
        <source>%n paquet(s) perdu(s)</source>
        <translation>
            <numerusform>%n paquet perdu</numerusform>
            <numerusform>%n paquets perdus</numerusform>
        </translation>
    </message>
</context>
</TS>
