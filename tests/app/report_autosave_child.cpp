// A console's compte rendu being typed, for test_report_editor's kill -9 tests: a ReportEditor on
// the record and directory given, typing as the doctor would, until the test kills it.
//   report_autosave_child DIR RECORD.json script   the edits of kScript, then "typed" on stdout
//   report_autosave_child DIR RECORD.json burst    freeText "edit 1", "edit 2"... every 7 ms
#include "report_editor.hpp"
#include "tc/prescriptions/consultation_record.hpp"

#include <QCoreApplication>
#include <QFile>
#include <QTimer>
#include <cstdio>

using namespace tc;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: report_autosave_child DIR RECORD.json script|burst\n");
        return 2;
    }
    QFile file(QString::fromLocal8Bit(argv[2]));
    if (!file.open(QIODevice::ReadOnly)) {
        return 2;
    }
    const auto record = prescriptions::parseConsultationRecord(file.readAll().toStdString());
    if (!record) {
        std::fprintf(stderr, "unreadable record\n");
        return 2;
    }
    app::ReportEditor editor;
    editor.setOutputDirectory(QString::fromLocal8Bit(argv[1]));
    editor.setRecord(*record);
    if (QByteArray(argv[3]) == "script") {
        editor.setValue(QStringLiteral("motif"), QStringLiteral("Fièvre et mal de gorge"));
        editor.setValue(QStringLiteral("history"), QStringLiteral("Depuis deux jours."));
        editor.setItemText(0, QStringLiteral("PA 128/82 mmHg, contrôlée"));
        editor.setValue(QStringLiteral("conclusion"), QStringLiteral("Angine virale."));
        editor.setFollowUp(app::ReportFollowUp::Specialist);
        editor.setPatientCopy(true);
        editor.setValue(QStringLiteral("specialty"), QStringLiteral("cardiologie"));
        std::printf("typed %s\n", qPrintable(editor.idText()));
        std::fflush(stdout);
    } else {
        auto* timer = new QTimer(&app);
        int count = 0;
        QObject::connect(timer, &QTimer::timeout, &app, [&] {
            ++count;
            editor.setValue(QStringLiteral("freeText"), QStringLiteral("edit %1").arg(count));
            // Now and then at once, as leaving the tab does: writes land at any moment.
            if (count % 5 == 0) {
                editor.saveNow();
            }
        });
        timer->start(7);
        std::printf("typing %s\n", qPrintable(editor.idText()));
        std::fflush(stdout);
    }
    return app.exec();
}
