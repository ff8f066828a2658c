import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Telecabine.Media
import Telecabine.States

// The ordonnance being written: the patient, the prescriber's practice details, the lines
// (medications by their DCI with autocompletion from the shipped table, structured dosage;
// laboratory, imaging, referral), and every validation issue at its field.
Rectangle {
    id: panel
    // PrescriptionEditor: lines, open, idText, revision, value(path), setValue(path, value),
    // issueAt(path), searchDci(prefix), addMedication(dci), addNonDrug(kind), removeLine(i);
    // validation (PrescriptionValidation: issues, errorCount, warningCount, valid); vocabulary
    // (PrescriptionVocabulary: doseUnits, durationUnits, nonSubstitutionReasons, ...).
    required property var editor
    // PrescriptionDeliveryController: statusText, reasonText, canRetry, progress, retry().
    property var delivery: null

    function choiceIndex(choices, code) {
        for (let i = 0; i < choices.length; ++i)
            if (choices[i].code === code)
                return i
        return -1
    }

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border

    // The ordonnance as it will print, and what to do with it.
    ColumnLayout {
        id: sidebar
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 12
        width: Math.min(320, parent.width * 0.42)
        spacing: 8
        // The page letterboxed in what the column leaves (A5 portrait).
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: "#e9ecef"
            border.color: Theme.border
            VideoSurface {
                id: preview
                objectName: "ordonnancePreview"
                anchors.fill: parent
                anchors.margins: 2
            }
            Component.onCompleted: panel.editor.setPreviewSurface(preview)
            Component.onDestruction: panel.editor.setPreviewSurface(null)
        }
        Label {
            objectName: "signText"
            visible: text !== ""
            Layout.fillWidth: true
            text: panel.editor.signText
            color: panel.editor.signingState === SigningState.Signed ? Theme.ok : Theme.urgent
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
        // A Flow: in the session screen's working pane the column is about 250 px wide and
        // "Envoyer à la cabine" and "Nouvelle version" go one under the other.
        Flow {
            Layout.fillWidth: true
            spacing: 6
            PrimaryButton {
                objectName: "signButton"
                visible: panel.editor.signingState !== SigningState.Signed
                enabled: panel.editor.validation.valid && panel.editor.signingState !== SigningState.Signing
                text: qsTr("Signer…")
                onClicked: passphraseDialog.open()
            }
            PrimaryButton {
                objectName: "sendButton"
                visible: panel.editor.signingState === SigningState.Signed
                text: qsTr("Envoyer à la cabine")
                onClicked: panel.editor.send()
            }
            Button {
                visible: panel.editor.signingState === SigningState.Signed
                text: qsTr("Nouvelle version")
                onClicked: panel.editor.amend()
            }
        }
        Label {
            objectName: "deliveryText"
            visible: panel.delivery !== null && panel.delivery.statusText !== ""
            Layout.fillWidth: true
            text: panel.delivery === null ? ""
                  : panel.delivery.statusText + (panel.delivery.reasonText !== "" ? " — " + panel.delivery.reasonText : "")
            color: panel.delivery !== null && panel.delivery.state === DeliveryState.Failed ? Theme.urgent : Theme.text
            wrapMode: Text.WordWrap
        }
        ProgressBar {
            visible: panel.delivery !== null && panel.delivery.state === DeliveryState.Sending
            Layout.fillWidth: true
            value: panel.delivery !== null ? panel.delivery.progress : 0
        }
        Button {
            objectName: "retryButton"
            visible: panel.delivery !== null && panel.delivery.canRetry
            text: qsTr("Réessayer l'impression")
            onClicked: panel.delivery.retry()
        }
    }

    // What to sign with and its secret (SigningDialog.qml, shared with the compte rendu).
    SigningDialog {
        id: passphraseDialog
        objectName: "passphraseDialog"
        editor: panel.editor
        anchors.centerIn: parent
        title: qsTr("Signer l'ordonnance")
    }
    ScrollView {
        id: scroll
        objectName: "editorScroll"
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
            // What is signed, or being signed, no longer changes (amend makes a new version).
            enabled: panel.editor.signingState === SigningState.Unsigned

            // Anchored rather than laid out: Qt 6.4's RowLayout kept the summary's first width
            // when its text changed ("✓ complete" came out clipped).
            Item {
                Layout.fillWidth: true
                implicitHeight: title.implicitHeight
                Label {
                    id: title
                    anchors.left: parent.left
                    anchors.right: summary.left
                    anchors.rightMargin: 8
                    text: qsTr("Ordonnance")
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                    color: Theme.text
                    elide: Text.ElideRight
                }
                Label {
                    id: summary
                    objectName: "issueSummary"
                    anchors.right: parent.right
                    anchors.baseline: title.baseline
                    text: panel.editor.validation.errorCount > 0
                          ? qsTr("À corriger : %1").arg(panel.editor.validation.errorCount)
                          : (panel.editor.validation.warningCount > 0 ? qsTr("Avertissements : %1").arg(panel.editor.validation.warningCount)
                                                                      : qsTr("✓ complète"))
                    color: panel.editor.validation.errorCount > 0 ? Theme.urgent
                           : (panel.editor.validation.warningCount > 0 ? Theme.warning : Theme.ok)
                    font.bold: true
                }
            }
            // The identifier on its own line, whole where there is room (the pharmacist reads
            // it out on the telephone), elided from the left where there is not.
            Label {
                objectName: "prescriptionId"
                Layout.fillWidth: true
                Layout.topMargin: -6
                text: qsTr("N° %1").arg(panel.editor.idText)
                color: Theme.muted
                font.pixelSize: Theme.fontSmall
                font.family: "monospace"
                elide: Text.ElideLeft
            }

            Label { text: qsTr("Patient"); font.bold: true; color: Theme.text }
            Flow {
                Layout.fillWidth: true
                spacing: 10
                RxField { editor: panel.editor; path: "/patient/familyName"; label: qsTr("Nom"); fieldWidth: 150 }
                RxField { editor: panel.editor; path: "/patient/givenName"; label: qsTr("Prénom"); fieldWidth: 130 }
                RxField { editor: panel.editor; path: "/patient/birthDate"; label: qsTr("Né(e) le (AAAA-MM-JJ)"); placeholder: "1970-02-14"; fieldWidth: 130 }
                RxField { editor: panel.editor; path: "/patient/weightKg"; label: qsTr("Poids (kg)"); fieldWidth: 70 }
                RxField { editor: panel.editor; path: "/patient/heightCm"; label: qsTr("Taille (cm)"); fieldWidth: 70 }
            }

            Label { text: qsTr("Lignes de l'ordonnance"); font.bold: true; color: Theme.text }
            Repeater {
                model: panel.editor.lines
                delegate: Rectangle {
                    id: lineCard
                    required property var modelData
                    readonly property string base: "/lines/" + modelData.index
                    readonly property bool medication: modelData.kind === "medication"
                    objectName: "line_" + modelData.index
                    Layout.fillWidth: true
                    implicitHeight: lineColumn.implicitHeight + 16
                    radius: 6
                    color: Theme.background
                    border.color: modelData.hasError ? Theme.urgent : Theme.border
                    ColumnLayout {
                        id: lineColumn
                        x: 8; y: 8
                        width: parent.width - 16
                        spacing: 6
                        RowLayout {
                            Layout.fillWidth: true
                            Label {
                                Layout.fillWidth: true
                                text: lineCard.modelData.text !== "" ? lineCard.modelData.text : qsTr("Ligne %1").arg(lineCard.modelData.index + 1)
                                font.bold: true
                                color: Theme.text
                                wrapMode: Text.WordWrap
                            }
                            Button {
                                text: qsTr("Retirer")
                                font.pixelSize: Theme.fontSmall
                                onClicked: panel.editor.removeLine(lineCard.modelData.index)
                            }
                        }
                        Flow {
                            visible: lineCard.medication
                            Layout.fillWidth: true
                            spacing: 8
                            RxField { editor: panel.editor; path: lineCard.base + "/dci"; label: qsTr("DCI"); fieldWidth: 200 }
                            RxField { editor: panel.editor; path: lineCard.base + "/dosage/dose/value"; label: qsTr("Dose"); fieldWidth: 60 }
                            ColumnLayout {
                                spacing: 2
                                Label { text: qsTr("Unité"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
                                ComboBox {
                                    objectName: "doseUnit_" + lineCard.modelData.index
                                    Layout.preferredWidth: 130
                                    model: panel.editor.vocabulary.doseUnits
                                    textRole: "label"
                                    currentIndex: { panel.editor.revision; return panel.choiceIndex(panel.editor.vocabulary.doseUnits, panel.editor.value(lineCard.base + "/dosage/dose/unit")) }
                                    onActivated: (i) => panel.editor.setValue(lineCard.base + "/dosage/dose/unit", panel.editor.vocabulary.doseUnits[i].code)
                                }
                            }
                            RxField { editor: panel.editor; path: lineCard.base + "/dosage/frequency/value"; label: qsTr("Fois par jour"); fieldWidth: 60 }
                            RxField { editor: panel.editor; path: lineCard.base + "/dosage/duration/value"; label: qsTr("Durée"); fieldWidth: 60 }
                            ColumnLayout {
                                spacing: 2
                                Label { text: qsTr("en"); color: Theme.muted; font.pixelSize: Theme.fontSmall }
                                ComboBox {
                                    Layout.preferredWidth: 100
                                    model: panel.editor.vocabulary.durationUnits
                                    textRole: "label"
                                    currentIndex: { panel.editor.revision; return panel.choiceIndex(panel.editor.vocabulary.durationUnits, panel.editor.value(lineCard.base + "/dosage/duration/unit")) }
                                    onActivated: (i) => panel.editor.setValue(lineCard.base + "/dosage/duration/unit", panel.editor.vocabulary.durationUnits[i].code)
                                }
                            }
                            RxField { editor: panel.editor; path: lineCard.base + "/dispense/packs"; label: qsTr("Boîtes"); fieldWidth: 50 }
                            RxField { editor: panel.editor; path: lineCard.base + "/renewals"; label: qsTr("Renouveler"); fieldWidth: 50 }
                            ColumnLayout {
                                spacing: 2
                                CheckBox {
                                    text: qsTr("Non substituable")
                                    checked: { panel.editor.revision; return panel.editor.value(lineCard.base + "/nonSubstitutable") === true }
                                    onToggled: panel.editor.setValue(lineCard.base + "/nonSubstitutable", checked)
                                }
                                ComboBox {
                                    visible: { panel.editor.revision; return panel.editor.value(lineCard.base + "/nonSubstitutable") === true }
                                    Layout.preferredWidth: 220
                                    model: panel.editor.vocabulary.nonSubstitutionReasons
                                    textRole: "label"
                                    displayText: currentIndex < 0 ? qsTr("Motif (MTE, EFG, CIF)…") : currentText
                                    currentIndex: { panel.editor.revision; return panel.choiceIndex(panel.editor.vocabulary.nonSubstitutionReasons, panel.editor.value(lineCard.base + "/nonSubstitutionReason")) }
                                    onActivated: (i) => panel.editor.setValue(lineCard.base + "/nonSubstitutionReason", panel.editor.vocabulary.nonSubstitutionReasons[i].code)
                                }
                            }
                        }
                        RxField {
                            visible: !lineCard.medication
                            editor: panel.editor
                            path: lineCard.base + "/text"
                            label: lineCard.modelData.kind === "laboratory" ? qsTr("Examens de biologie")
                                   : (lineCard.modelData.kind === "imaging" ? qsTr("Imagerie") : qsTr("Motif de l'avis"))
                            fieldWidth: 420
                        }
                        RxField {
                            visible: lineCard.modelData.kind === "referral"
                            editor: panel.editor
                            path: lineCard.base + "/specialty"
                            label: qsTr("Spécialité")
                            fieldWidth: 200
                        }
                        // Issues of the line that belong to no single field (a dose above the
                        // table's maximum, a missing mention).
                        Label {
                            visible: text !== ""
                            Layout.fillWidth: true
                            text: { panel.editor.revision; const i = panel.editor.issueAt(lineCard.base); return i !== "" ? "⚠ " + i : "" }
                            color: Theme.urgent
                            font.pixelSize: Theme.fontSmall
                            wrapMode: Text.WordWrap
                        }
                    }
                }
            }

            // A new medication by its common name, completed from the shipped table.
            // A Flow, like the field rows: in a narrow column the buttons go under the search
            // field rather than past the edge.
            Flow {
                Layout.fillWidth: true
                spacing: 6
                TextField {
                    id: dciSearch
                    objectName: "dciSearch"
                    width: Math.min(260, parent.width)
                    placeholderText: qsTr("Ajouter un médicament (DCI)…")
                    onAccepted: if (text.trim() !== "") { panel.editor.addMedication(suggestions.count > 0 ? suggestions.model[0].dci : text); text = "" }
                }
                Button { objectName: "addLaboratory"; text: qsTr("+ Biologie"); onClicked: panel.editor.addNonDrug("laboratory") }
                Button { objectName: "addImaging"; text: qsTr("+ Imagerie"); onClicked: panel.editor.addNonDrug("imaging") }
                Button { objectName: "addReferral"; text: qsTr("+ Avis spécialisé"); onClicked: panel.editor.addNonDrug("referral") }
            }
            ListView {
                id: suggestions
                objectName: "dciSuggestions"
                visible: count > 0
                Layout.fillWidth: true
                Layout.maximumWidth: 520
                Layout.preferredHeight: Math.min(count, 5) * 34
                clip: true
                model: panel.editor.searchDci(dciSearch.text)
                delegate: ItemDelegate {
                    required property var modelData
                    required property int index
                    objectName: "suggestion_" + index
                    width: ListView.view.width
                    height: 34
                    text: modelData.dci + "  ·  " + modelData.strengths.slice(0, 3).join(", ")
                    onClicked: { panel.editor.addMedication(modelData.dci); dciSearch.text = "" }
                }
            }

            Label { text: qsTr("Prescripteur (mémorisé sur ce poste)"); font.bold: true; color: Theme.text }
            Flow {
                Layout.fillWidth: true
                spacing: 10
                RxField { editor: panel.editor; path: "/prescriber/qualification"; label: qsTr("Qualification"); fieldWidth: 170 }
                RxField { editor: panel.editor; path: "/prescriber/address/lines/0"; label: qsTr("Adresse du cabinet"); fieldWidth: 220 }
                RxField { editor: panel.editor; path: "/prescriber/address/postalCode"; label: qsTr("Code postal"); fieldWidth: 70 }
                RxField { editor: panel.editor; path: "/prescriber/address/city"; label: qsTr("Ville"); fieldWidth: 130 }
                RxField { editor: panel.editor; path: "/prescriber/telephone"; label: qsTr("Téléphone (+33…)"); fieldWidth: 130 }
                RxField { editor: panel.editor; path: "/prescriber/email"; label: qsTr("E-mail"); fieldWidth: 190 }
            }
        }
    }
}
