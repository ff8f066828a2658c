// The parts the oversized controllers were split into (DESIGN.md section 1: one concern each,
// about a dozen properties at most): the stethoscope's meter and recording, the ordonnance's
// validation and vocabulary, each a CONSTANT property of its owner; and the values QML compares
// as enums (states.hpp), never as strings: the filter mode and a vital sign's flag.
#include "prescription_editor.hpp"
#include "report_editor.hpp"
#include "states.hpp"
#include "stethoscope_controller.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/media/stethoscope_receiver.hpp"
#include "tc/protocol/session_kinds.hpp"
#include "vitals_controller.hpp"

#include <QFile>
#include <QMetaProperty>
#include <QSignalSpy>
#include <catch2/catch.hpp>

using namespace tc;

namespace {

// A property of `object` that never changes, holding a QObject: what QML reads as `owner.part`.
QObject* constantPart(const QObject& object, const char* name) {
    const QMetaObject* meta = object.metaObject();
    const int index = meta->indexOfProperty(name);
    REQUIRE(index >= 0);
    CHECK(meta->property(index).isConstant());
    return meta->property(index).read(&object).value<QObject*>();
}

// The properties a class declares itself (errorString comes from app::Controller).
int ownProperties(const QMetaObject& meta) {
    return meta.propertyCount() - meta.propertyOffset();
}

} // namespace

TEST_CASE("split controllers: each part is a CONSTANT property of its owner, and none passes a "
          "dozen properties",
          "[app]") {
    app::StethoscopeController stethoscope;
    CHECK(constantPart(stethoscope, "meter") == stethoscope.meter());
    CHECK(constantPart(stethoscope, "recorder") == stethoscope.recorder());
    app::PrescriptionEditor editor;
    CHECK(constantPart(editor, "validation") == editor.validation());
    CHECK(constantPart(editor, "vocabulary") == editor.vocabulary());
    app::ReportEditor report;
    CHECK(constantPart(report, "validation") == report.validation());
    CHECK(constantPart(report, "signing") == report.signing());
    CHECK(constantPart(report, "copyDelivery") == report.copyDelivery());

    for (const QMetaObject* meta :
         {&app::StethoscopeController::staticMetaObject, &app::StethoscopeMeter::staticMetaObject,
          &app::StethoscopeRecording::staticMetaObject, &app::PrescriptionEditor::staticMetaObject,
          &app::PrescriptionValidation::staticMetaObject,
          &app::PrescriptionVocabulary::staticMetaObject, &app::ReportEditor::staticMetaObject,
          &app::ReportValidation::staticMetaObject}) {
        INFO(meta->className());
        CHECK(ownProperties(*meta) <= 12);
    }
    // The recording can fail, so it says why the way every controller does.
    CHECK(app::StethoscopeRecording::staticMetaObject.inherits(&app::Controller::staticMetaObject));
}

TEST_CASE("stethoscope: the filter mode is an enum, named as the media library names the filters",
          "[app][stethoscope]") {
    for (const auto mode : {app::StethoscopeMode::Bell, app::StethoscopeMode::Diaphragm,
                            app::StethoscopeMode::Extended, app::StethoscopeMode::Raw}) {
        CHECK(app::stateName(mode) ==
              QLatin1String(media::toString(app::StethoscopeController::filterOf(mode)).data()));
    }
    app::StethoscopeController stethoscope;
    QSignalSpy changed(&stethoscope, &app::StethoscopeController::controlsChanged);
    CHECK(stethoscope.mode() == app::StethoscopeMode::Bell);
    // As QML writes it: a number.
    REQUIRE(stethoscope.setProperty("mode", static_cast<int>(app::StethoscopeMode::Raw)));
    CHECK(stethoscope.mode() == app::StethoscopeMode::Raw);
    CHECK(changed.count() == 1);
    stethoscope.setProperty("mode", 42); // not a mode: ignored
    CHECK(stethoscope.mode() == app::StethoscopeMode::Raw);
    CHECK(changed.count() == 1);
}

TEST_CASE("stethoscope: a recording that cannot start says why in the recorder's errorString, "
          "and the controls carry on",
          "[app][stethoscope][recording]") {
    test::TempDir dir;
    // The recording directory would have to be inside a file.
    const QString blocker = QString::fromStdString((dir.path() / "not-a-directory").string());
    QFile file(blocker);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.close();

    app::StethoscopeController stethoscope;
    stethoscope.setAudioSink("none");
    auto* recorder = stethoscope.recorder();
    recorder->setDirectory(blocker + QStringLiteral("/recordings"));
    recorder->start(); // no stream yet: nothing to record, nothing said
    CHECK_FALSE(recorder->recording());
    CHECK(recorder->errorString().isEmpty());

    stethoscope.attach(std::make_shared<media::StethoscopeReceiver>(media::StethoscopeFormat{}),
                       QStringLiteral("S-test"));
    REQUIRE(stethoscope.available());
    QSignalSpy recordingChanged(recorder, &app::StethoscopeRecording::recordingChanged);
    QSignalSpy errorChanged(recorder, &app::Controller::errorStringChanged);
    recorder->toggle();
    CHECK_FALSE(recorder->recording());
    CHECK(recorder->errorString().startsWith(QStringLiteral("Enregistrement impossible")));
    CHECK(recordingChanged.count() == 1);
    CHECK(errorChanged.count() == 1);
    CHECK(recorder->seconds() == 0);
    CHECK(recorder->file().isEmpty());
    // The controller's own errorString is the cabin's refusals only.
    CHECK(stethoscope.errorString().isEmpty());
    stethoscope.setGainDb(20);
    CHECK(stethoscope.gainDb() == 20);
    stethoscope.detach();
    CHECK_FALSE(stethoscope.available());
}

TEST_CASE("stethoscope: the cabin's refusal to move the stethoscope is the controller's error, "
          "cleared by the next request",
          "[app][stethoscope]") {
    app::StethoscopeController stethoscope;
    std::vector<std::string> sent;
    stethoscope.setMessageSender(
        [&](const std::string&, const std::string& site) { sent.push_back(site); });
    stethoscope.requestSite(QStringLiteral("aortic"));
    REQUIRE(sent == std::vector<std::string>{"aortic"});
    stethoscope.onSiteAcknowledged(QStringLiteral("aortic"), false);
    CHECK(stethoscope.errorString().contains(app::StethoscopeController::labelOf("aortic")));
    CHECK(stethoscope.recorder()->errorString().isEmpty());
    stethoscope.requestSite(QStringLiteral("mitral"));
    CHECK(stethoscope.errorString().isEmpty());
}

TEST_CASE("prescription editor: the validation follows every edit; the vocabulary offers codes "
          "and labels",
          "[app][prescriptions]") {
    app::PrescriptionEditor editor;
    auto* validation = editor.validation();
    CHECK_FALSE(validation->valid());
    CHECK(validation->issues().isEmpty());

    QSignalSpy changed(validation, &app::PrescriptionValidation::changed);
    editor.begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::female);
    CHECK(changed.count() >= 1);
    CHECK_FALSE(validation->valid()); // no patient yet
    CHECK(validation->errorCount() > 0);
    CHECK(validation->issues().size() == validation->errorCount() + validation->warningCount());
    CHECK(editor.issueAt(QStringLiteral("/patient/familyName")) ==
          validation->issueAt(QStringLiteral("/patient/familyName")));
    CHECK_FALSE(editor.issueAt(QStringLiteral("/patient/familyName")).isEmpty());

    // Unreadable: an error at its field, in words.
    const int before = validation->errorCount();
    const auto seen = changed.count();
    editor.setValue(QStringLiteral("/patient/weightKg"), QStringLiteral("soixante"));
    CHECK(changed.count() == seen + 1);
    CHECK(validation->errorCount() == before + 1);
    CHECK(validation->issueAt(QStringLiteral("/patient/weightKg")).startsWith("À corriger"));
    // Typed again as a number, even with a decimal comma.
    editor.setValue(QStringLiteral("/patient/weightKg"), QStringLiteral("64,5"));
    CHECK(editor.value(QStringLiteral("/patient/weightKg")).toDouble() == Approx(64.5));
    CHECK(validation->errorCount() == before);

    editor.close();
    CHECK(validation->issues().isEmpty());
    CHECK(validation->errorCount() == 0);
    CHECK_FALSE(validation->valid());

    const auto* vocabulary = editor.vocabulary();
    for (const auto& list : {vocabulary->doseUnits(), vocabulary->forms(), vocabulary->routes(),
                             vocabulary->durationUnits(), vocabulary->nonSubstitutionReasons()}) {
        REQUIRE_FALSE(list.isEmpty());
        for (const auto& choice : list) {
            CHECK_FALSE(choice.toMap().value("code").toString().isEmpty());
            CHECK_FALSE(choice.toMap().value("label").toString().isEmpty());
        }
    }
    // A pack is dispensed, never a dose.
    for (const auto& unit : vocabulary->doseUnits()) {
        CHECK(unit.toMap().value("code").toString() != QStringLiteral("{pack}"));
    }
}

TEST_CASE("vitals: each value's flag is a VitalFlag, as QML compares it", "[app][vitals]") {
    app::VitalsController vitals;
    vitals.begin(45, [](const std::string&, nlohmann::json) {});
    vitals.handleMessage(std::string(protocol::kind::vitalsMeasurement), nlohmann::json::parse(R"({
      "request_id": "m-1", "measurement": "blood_pressure",
      "values": [
        {"quantity": "systolic", "code": "8480-6", "value": 168, "unit": "mm[Hg]"},
        {"quantity": "diastolic", "code": "8462-4", "value": 82, "unit": "mm[Hg]"},
        {"quantity": "heart_rate", "code": "8867-4", "value": 45, "unit": "/min"}
      ],
      "instrument": "cuff-1", "source": "instrument", "acquired_at_us": 1000, "quality": "good"
    })"));
    REQUIRE(vitals.errorString().isEmpty());
    std::map<QString, QVariant> flags;
    for (const auto& reading : vitals.readings()) {
        for (const auto& value : reading.toMap().value("values").toList()) {
            flags[value.toMap().value("quantity").toString()] = value.toMap().value("flag");
        }
    }
    REQUIRE(flags.size() == 3);
    CHECK(flags["systolic"].toInt() == app::VitalFlag::High);
    CHECK(flags["diastolic"].toInt() == app::VitalFlag::Normal);
    CHECK(flags["heart_rate"].toInt() == app::VitalFlag::Low);
    CHECK(flags["systolic"].typeId() == QMetaType::Int); // a number in QML, never a string
}
