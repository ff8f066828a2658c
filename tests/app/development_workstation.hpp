#pragma once
// A workstation for one editor test: its settings out of $HOME, a temporary directory, the
// development PKI in it, and editors (PrescriptionEditor, ReportEditor) that sign with the
// development doctor's identity file, or the cabin's to be refused, no card looked for.

#include "tc/protocol/pki.hpp"

#include <QCoreApplication>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <optional>
#include <utility>

namespace tc::test {

struct DevelopmentWorkstation {
    // `outputName`: where the editors write their documents, inside the temporary directory.
    explicit DevelopmentWorkstation(QString outputName)
        : m_outputName(std::move(outputName)) {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("telecabine-tests"));
        auto made = protocol::ensureDevelopmentPki((dir.path() + "/pki").toStdString());
        REQUIRE(made.has_value());
        pki = std::move(*made);
    }
    template <class Editor> void configure(Editor& editor, bool cabin = false) const {
        editor.signing()->setPkcs11Module({});
        editor.setBundlePath(
            QString::fromStdString((cabin ? pki->cabinBundle() : pki->doctorBundle()).string()));
        editor.setOutputDirectory(output());
    }
    QString output() const { return dir.filePath(m_outputName); }

    QTemporaryDir dir;
    std::optional<protocol::DevelopmentPki> pki;

private:
    QString m_outputName;
};

} // namespace tc::test
