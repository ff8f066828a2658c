import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.Media
import Telecabine.States

// The compte rendu (F4): a template for the common motifs, the sections, the examination as
// it was done in the cabin (each item opens its act on a click), the follow-up, and the
// signature, with the report as it will print beside it. Every keystroke is autosaved.
Rectangle {
    id: panel
    // ReportEditor: open, idText, revision, templates, items, followUp, value(section),
    // setValue(section, text), setItemText(i, text), resetItemText(i), applyTemplate(wire,
    // replaceTyped), showSource(i), issueAt(path), saveNow(), sign(secret, key), amend(),
    // patientCopy; validation (issueCount, valid, issues); signing (SigningChoices).
    required property var editor
    // The sections a template left as the doctor typed them (offered for replacing).
    property var keptSections: []
    property string lastTemplate: ""
    readonly property bool editable: panel.editor.signingState === SigningState.Unsigned

    function sectionLabel(name) {
        switch (name) {
        case "motif": return qsTr("Motif")
        case "history": return qsTr("Histoire et antécédents")
        case "examination": return qsTr("Examen")
        case "followUp": return qsTr("Suite")
        default: return name
        }
    }

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border

    // The report as it will print, and what to do with it.
    ColumnLayout {
        id: sidebar
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 12
        width: Math.min(300, parent.width * 0.38)
        spacing: 8
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: "#e9ecef"
            border.color: Theme.border
            VideoSurface {
                id: preview
                objectName: "reportPreview"
                anchors.fill: parent
                anchors.margins: 2
            }
            Component.onCompleted: panel.editor.setPreviewSurface(preview)
            Component.onDestruction: panel.editor.setPreviewSurface(null)
        }
        Label {
            objectName: "reportSignText"
            visible: text !== ""
            Layout.fillWidth: true
            text: panel.editor.signText
            color: panel.editor.signingState === SigningState.Signed ? Theme.ok : Theme.urgent
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
        CheckBox {
            objectName: "patientCopy"
            Layout.fillWidth: true
            text: qsTr("Imprimer une copie pour le patient (avec l'ordonnance)")
            checked: panel.editor.patientCopy
            onToggled: panel.editor.patientCopy = checked
            contentItem: Label {
                leftPadding: parent.indicator.width + parent.spacing
                text: parent.text
                wrapMode: Text.WordWrap
                font.pixelSize: Theme.fontSmall
                color: Theme.text
                verticalAlignment: Text.AlignVCenter
            }
        }
        Label {
            objectName: "copyDeliveryText"
            readonly property var delivery: panel.editor.copyDelivery !== undefined ? panel.editor.copyDelivery : null
            visible: text !== ""
            Layout.fillWidth: true
            text: delivery === null || delivery.statusText === "" ? "" : qsTr("Copie patient : %1").arg(delivery.statusText)
            color: delivery !== null && delivery.state === DeliveryState.Failed ? Theme.urgent : Theme.text
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
        Flow {
            Layout.fillWidth: true
            spacing: 6
            PrimaryButton {
                objectName: "reportSignButton"
                visible: panel.editor.signingState !== SigningState.Signed
                enabled: panel.editor.validation.valid && panel.editor.signingState !== SigningState.Signing
                text: qsTr("Signer…")
                onClicked: signDialog.open()
            }
            Button {
                objectName: "sendPatientCopy"
                // Not yet on its way (or failed): once sent, the line above follows it.
                visible: panel.editor.signingState === SigningState.Signed && panel.editor.patientCopy
                         && (panel.editor.copyDelivery === null || panel.editor.copyDelivery === undefined
                             || panel.editor.copyDelivery.state === DeliveryState.Idle
                             || panel.editor.copyDelivery.state === DeliveryState.Failed)
                text: qsTr("Imprimer la copie maintenant")
                onClicked: panel.editor.sendPatientCopy()
            }
            Button {
                objectName: "reportAmend"
                visible: panel.editor.signingState === SigningState.Signed
                text: qsTr("Nouvelle version")
                onClicked: panel.editor.amend()
            }
        }
        // What failed beside the signature (the autosave...); a refusal is signText's already.
        Label {
            visible: text !== "" && text !== panel.editor.signText
            Layout.fillWidth: true
            text: panel.editor.errorString
            color: Theme.urgent
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
    }

    SigningDialog {
        id: signDialog
        objectName: "reportSignDialog"
        editor: panel.editor
        anchors.centerIn: parent
        title: qsTr("Signer le compte rendu")
    }

    ScrollView {
        id: scroll
        objectName: "reportScroll"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.bottom: parent.bottom
        anchors.right: sidebar.left
        anchors.margins: 12
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 10
            enabled: panel.editable

            Item {
                Layout.fillWidth: true
                implicitHeight: title.implicitHeight
                Label {
                    id: title
                    anchors.left: parent.left
                    anchors.right: summary.left
                    anchors.rightMargin: 8
                    text: qsTr("Compte rendu")
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                    color: Theme.text
                    elide: Text.ElideRight
                }
                Label {
                    id: summary
                    objectName: "reportIssueSummary"
                    anchors.right: parent.right
                    anchors.baseline: title.baseline
                    text: panel.editor.validation.issueCount > 0
                          ? qsTr("À compléter : %1").arg(panel.editor.validation.issueCount)
                          : qsTr("✓ complet")
                    color: panel.editor.validation.issueCount > 0 ? Theme.urgent : Theme.ok
                    font.bold: true
                }
            }
            Label {
                objectName: "reportId"
                Layout.fillWidth: true
                Layout.topMargin: -6
                text: qsTr("N° %1").arg(panel.editor.idText)
                color: Theme.muted
                font.pixelSize: Theme.fontSmall
                font.family: "monospace"
                elide: Text.ElideLeft
            }
            // What the doctor cannot fix here (no identity from the cabin...), said once.
            Label {
                objectName: "recordIssue"
                visible: text !== ""
                Layout.fillWidth: true
                text: { panel.editor.revision; const i = panel.editor.issueAt("/record"); return i !== "" ? qsTr("Dossier : %1").arg(i) : "" }
                color: Theme.urgent
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.WordWrap
            }

            // A template fills the empty sections; what the doctor typed is replaced only on
            // request.
            Flow {
                Layout.fillWidth: true
                spacing: 6
                ComboBox {
                    id: templatePicker
                    objectName: "templatePicker"
                    width: Math.min(260, parent.width)
                    model: panel.editor.templates
                    textRole: "label"
                    displayText: currentIndex < 0 ? qsTr("Modèle…") : currentText
                    currentIndex: -1
                }
                Button {
                    objectName: "applyTemplate"
                    enabled: templatePicker.currentIndex >= 0
                    text: qsTr("Appliquer le modèle")
                    onClicked: {
                        panel.lastTemplate = panel.editor.templates[templatePicker.currentIndex].wire
                        panel.keptSections = panel.editor.applyTemplate(panel.lastTemplate, false)
                    }
                }
            }
            RowLayout {
                visible: panel.keptSections.length > 0
                Layout.fillWidth: true
                Label {
                    objectName: "keptSections"
                    Layout.fillWidth: true
                    text: qsTr("Déjà rédigé, conservé : %1").arg(panel.keptSections.map(panel.sectionLabel).join(", "))
                    color: Theme.warning
                    font.pixelSize: Theme.fontSmall
                    wrapMode: Text.WordWrap
                }
                Button {
                    objectName: "replaceTyped"
                    text: qsTr("Remplacer aussi")
                    font.pixelSize: Theme.fontSmall
                    onClicked: {
                        panel.editor.applyTemplate(panel.lastTemplate, true)
                        panel.keptSections = []
                    }
                }
            }

            ReportField { editor: panel.editor; section: "motif"; path: "/motif"; label: qsTr("Motif"); multiline: false }
            ReportField { editor: panel.editor; section: "history"; path: "/history"; label: qsTr("Histoire et antécédents") }

            Label { text: qsTr("Examen"); font.bold: true; color: Theme.text }
            Label {
                visible: panel.editor.items.length === 0
                Layout.fillWidth: true
                text: qsTr("Aucun acte enregistré pour l'instant : mesures, auscultations et photos s'ajoutent ici.")
                color: Theme.muted
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.WordWrap
            }
            Repeater {
                model: panel.editor.items
                delegate: RowLayout {
                    id: itemRow
                    required property var modelData
                    objectName: "examItem_" + modelData.index
                    Layout.fillWidth: true
                    spacing: 6
                    // The act behind the item: the vitals tab, the recording in replay, the photo.
                    Button {
                        objectName: "examSource_" + itemRow.modelData.index
                        text: itemRow.modelData.kind === "measurement" ? qsTr("Mesure")
                              : (itemRow.modelData.kind === "recording" ? qsTr("Écouter") : qsTr("Photo"))
                        font.pixelSize: Theme.fontSmall
                        enabled: true
                        onClicked: panel.editor.showSource(itemRow.modelData.index)
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Afficher l'acte (%1)").arg(itemRow.modelData.sourceId)
                    }
                    TextField {
                        objectName: "examItemText_" + itemRow.modelData.index
                        Layout.fillWidth: true
                        text: itemRow.modelData.text
                        font.italic: itemRow.modelData.edited
                        // Written when the doctor leaves the line (Enter, Tab, a click elsewhere):
                        // the items' list is rebuilt on each change, which would take the focus.
                        onEditingFinished: panel.editor.setItemText(itemRow.modelData.index, text)
                    }
                    Button {
                        visible: itemRow.modelData.edited
                        text: "↺"
                        onClicked: panel.editor.resetItemText(itemRow.modelData.index)
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Revenir au texte de l'acte")
                    }
                }
            }
            ReportField { editor: panel.editor; section: "examination"; path: "/examination/text"; placeholder: qsTr("Vos constatations…") }
            ReportField { editor: panel.editor; section: "conclusion"; path: "/conclusion"; label: qsTr("Conclusion") }

            Label { text: qsTr("Suite"); font.bold: true; color: Theme.text }
            Flow {
                objectName: "followUp"
                Layout.fillWidth: true
                spacing: 4
                Repeater {
                    model: [
                        { value: ReportFollowUp.None, label: qsTr("Pas de suite") },
                        { value: ReportFollowUp.GpInPerson, label: qsTr("Médecin traitant en présentiel") },
                        { value: ReportFollowUp.Emergency, label: qsTr("Urgences") },
                        { value: ReportFollowUp.Specialist, label: qsTr("Avis spécialisé") }
                    ]
                    delegate: RadioButton {
                        required property var modelData
                        text: modelData.label
                        checked: panel.editor.followUp === modelData.value
                        onToggled: if (checked) panel.editor.followUp = modelData.value
                    }
                }
            }
            ReportField {
                visible: panel.editor.followUp === ReportFollowUp.Specialist
                editor: panel.editor; section: "specialty"; path: "/followUp/specialty"
                label: qsTr("Spécialité"); placeholder: qsTr("cardiologie, dermatologie…"); multiline: false
            }
            ReportField { editor: panel.editor; section: "freeText"; path: "/freeText"; label: qsTr("Remarques") }
        }
    }
}
