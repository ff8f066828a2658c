#include "autopilot.hpp"

#include "archive_uploads.hpp"
#include "connection_controller.hpp"
#include "prescription_delivery.hpp"
#include "prescription_editor.hpp"
#include "queue_model.hpp"
#include "report_editor.hpp"
#include "session_controller.hpp"
#include "signing_choices.hpp"
#include "stethoscope_controller.hpp"
#include "video_controller.hpp"

#include <QCoreApplication>
#include <QDate>
#include <QImage>
#include <QQuickWindow>
#include <QVariantMap>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <utility>

namespace tc::console {

Autopilot::Autopilot(app::ConnectionController* connection, app::QueueModel* queue,
                     app::SessionController* session, QString screenshotPath, QString passphrase,
                     int timeoutSeconds, QObject* parent)
    : QObject(parent)
    , m_connection(connection)
    , m_queue(queue)
    , m_session(session)
    , m_screenshotPath(std::move(screenshotPath))
    , m_passphrase(std::move(passphrase)) {
    connect(connection, &app::ConnectionController::stateChanged, this, &Autopilot::step);
    connect(connection, &app::ConnectionController::onShiftChanged, this, &Autopilot::step);
    connect(queue, &app::QueueModel::countChanged, this, &Autopilot::step);
    connect(session, &app::SessionController::stateChanged, this, &Autopilot::step);
    connect(session->media(), &app::MediaLink::changed, this, &Autopilot::step);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(1,
               QStringLiteral("timed out in state %1 (connection %2, %3 waiting): %4")
                   .arg(app::stateName(m_session->state()), app::stateName(m_connection->state()))
                   .arg(m_queue->count())
                   .arg(m_connection->errorString() + m_session->errorString()));
    });
    m_timeout.start(timeoutSeconds * 1000);

    session->stethoscope()->setRenderObserver(
        [firstSound = m_firstSoundNs](std::span<const std::int16_t> samples) {
            if (firstSound->load(std::memory_order_relaxed) != 0) {
                return;
            }
            // Sound, not the silence a jitter buffer may start with.
            if (std::any_of(samples.begin(), samples.end(),
                            [](std::int16_t s) { return std::abs(s) > 16; })) {
                const auto now = std::chrono::steady_clock::now().time_since_epoch();
                std::int64_t expected = 0;
                firstSound->compare_exchange_strong(
                    expected, std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
            }
        });
    m_firstSoundWatch.setInterval(5);
    connect(&m_firstSoundWatch, &QTimer::timeout, this, &Autopilot::reportFirstSound);
}

void Autopilot::reportFirstSound() {
    const auto played = m_firstSoundNs->load();
    if (played == 0) {
        return;
    }
    m_firstSoundWatch.stop();
    const auto claimed =
        std::chrono::duration_cast<std::chrono::nanoseconds>(m_claimedAt.time_since_epoch());
    std::fprintf(stderr, "autopilot: first stethoscope sample played %.1f ms after the claim\n",
                 static_cast<double>(played - claimed.count()) / 1e6);
}

void Autopilot::step() {
    if (m_connection->state() != app::ConnectionState::Connected) {
        return;
    }
    if (m_archiveOnly) {
        // Signed in: the journal's dossiers are listed and resume; wait until none is left.
        if (!m_ended) {
            m_ended = true;
            std::fprintf(stderr, "autopilot: %d dossier(s) pending at sign-in\n",
                         m_archive != nullptr ? m_archive->pending() : 0);
            waitForArchive({}, 600);
        }
        return;
    }
    if (!m_connection->onShift()) {
        m_connection->setOnShift(true);
        return;
    }
    const auto state = m_session->state();
    if (state == app::SessionState::Idle && !m_claimed && m_queue->count() > 0) {
        m_claimed = true;
        const auto claim = [this] {
            std::fprintf(stderr, "autopilot: claiming %s\n", qPrintable(m_queue->visitIdAt(0)));
            m_claimedAt = std::chrono::steady_clock::now();
            m_firstSoundWatch.start();
            m_session->claim(m_queue->visitIdAt(0));
        };
        if (m_screenshotPath.isEmpty()) {
            claim();
            return;
        }
        // The queue as the doctor finds it, once the on-shift switch has finished moving.
        QTimer::singleShot(400, this, [this, claim] {
            if (save(grab(), QStringLiteral("-queue"))) {
                claim();
            }
        });
    } else if (state == app::SessionState::Idle && m_claimed && !m_ended &&
               !m_session->errorString().isEmpty()) {
        // (Back to Idle after the end is the dismissal, whatever the session's last error.)
        finish(1, QStringLiteral("claim failed: ") + m_session->errorString());
    } else if (state == app::SessionState::Active && !m_ending) {
        // When media was negotiated, wait until the cabin's test stream flows and is measured.
        const auto* link = m_session->media();
        const auto media = link->state();
        if (media != app::MediaState::None &&
            (media != app::MediaState::Connected || link->packetsPerSecond() < 50 ||
             link->quality() == QLatin1String("none"))) {
            return;
        }
        std::fprintf(stderr, "autopilot: media %s, %d packets/s, quality %s (%s)\n",
                     qPrintable(app::stateName(media)), link->packetsPerSecond(),
                     qPrintable(link->quality()), qPrintable(link->details()));
        for (const auto& stream : link->streams()) {
            const auto fields = stream.toMap();
            if (!fields.value(QStringLiteral("outbound")).toBool()) {
                std::fprintf(stderr, "autopilot: received %s, payload type %d, %llu packets\n",
                             qPrintable(fields.value(QStringLiteral("name")).toString()),
                             fields.value(QStringLiteral("payloadType")).toInt(),
                             fields.value(QStringLiteral("packets")).toULongLong());
            }
        }
        if (const auto* voice = m_session->voice(); voice->microphoneOn()) {
            std::fprintf(stderr, "autopilot: sent %llu packets of the doctor's voice\n",
                         static_cast<unsigned long long>(voice->packetsSent()));
        }
        m_ending = true;
        if (m_auscultationSeconds > 0) {
            auscultate();
            return;
        }
        // Let the session screen render, then look at it twice: the cabin's video must move.
        QTimer::singleShot(1500, this, [this] { checkVideo(); });
    } else if (state == app::SessionState::Ended) {
        // The end screen, then done.
        if (!save(grab(), QStringLiteral("-ended"))) {
            return;
        }
        if (m_ended) {
            return; // the end screen is seen once
        }
        m_ended = true;
        // With the session's last error, if any (e.g. the cabin's media refused).
        std::fprintf(stderr, "autopilot: session ended: %s%s%s\n",
                     qPrintable(m_session->summary()->endReasonText()),
                     m_session->errorString().isEmpty() ? "" : "; last error: ",
                     qPrintable(m_session->errorString()));
        if (m_archive != nullptr && m_archive->isOpen()) {
            waitForArchive(m_session->sessionId(), 600); // a minute
            return;
        }
        finish(0, QStringLiteral("done"));
    }
}

void Autopilot::auscultate() {
    auto* recorder = m_session->stethoscope()->recorder();
    recorder->start();
    if (!recorder->recording()) {
        finish(1,
               QStringLiteral("the stethoscope could not be recorded: ") + recorder->errorString());
        return;
    }
    std::fprintf(stderr, "autopilot: recording the stethoscope for %d s: %s\n",
                 m_auscultationSeconds, qPrintable(recorder->file()));
    // The room camera's decoded frames at both ends: a benchmark measuring the console over the
    // auscultation (telecabine-bench browser-call) reads its frame rate from them.
    const auto roomFrames = [this] {
        return static_cast<unsigned long long>(
            m_session->video()->stats(QStringLiteral("room")).framesDecoded);
    };
    std::fprintf(stderr, "autopilot: auscultation starts, room camera %llu frames decoded\n",
                 roomFrames());
    QTimer::singleShot(m_auscultationSeconds * 1000, this, [this, recorder, roomFrames] {
        std::fprintf(stderr, "autopilot: auscultation ends, room camera %llu frames decoded\n",
                     roomFrames());
        // Still recording, or the receive path ended the recording itself (and says why).
        const bool wasRecording = recorder->recording();
        recorder->stop();
        if (!wasRecording || !recorder->errorString().isEmpty()) {
            finish(1,
                   QStringLiteral("the stethoscope recording failed: ") + recorder->errorString());
            return;
        }
        const auto* link = m_session->media();
        std::fprintf(stderr, "autopilot: stethoscope recorded: %s; media %s (%s)\n",
                     qPrintable(recorder->file()), qPrintable(app::stateName(link->state())),
                     qPrintable(link->details()));
        checkVideo();
    });
}

QImage Autopilot::grab() const {
    return m_window != nullptr ? m_window->grabWindow() : QImage();
}

bool Autopilot::save(const QImage& image, const QString& suffix) {
    if (m_screenshotPath.isEmpty()) {
        return true;
    }
    QString path = m_screenshotPath;
    if (!suffix.isEmpty()) {
        path.insert(path.lastIndexOf(QLatin1Char('.')), suffix);
    }
    if (image.isNull() || !image.save(path)) {
        finish(1, QStringLiteral("could not save the screenshot ") + path);
        return false;
    }
    return true;
}

void Autopilot::checkVideo() {
    auto* video = m_session->video();
    const auto first = grab();
    const auto framesBefore = video->stats(QStringLiteral("room")).framesDecoded;
    QTimer::singleShot(700, this, [this, video, first, framesBefore] {
        const auto second = grab();
        const auto frames = video->stats(QStringLiteral("room")).framesDecoded;
        std::fprintf(stderr, "autopilot: room camera %llu -> %llu frames decoded, screen %s\n",
                     static_cast<unsigned long long>(framesBefore),
                     static_cast<unsigned long long>(frames),
                     first != second ? "changed" : "unchanged");
        if (!save(second, {})) {
            return;
        }
        // The doctor asks for the otoscope and makes it the main view.
        m_session->workspace()->requestInstrument(QStringLiteral("otoscope"), true);
        waitForInstrument(second, 80);
    });
}

void Autopilot::waitForInstrument(const QImage& roomView, int triesLeft) {
    auto* video = m_session->video();
    const auto frames = video->stats(QStringLiteral("otoscope")).framesDecoded;
    if (frames < 10 && triesLeft > 0) {
        QTimer::singleShot(
            100, this, [this, roomView, triesLeft] { waitForInstrument(roomView, triesLeft - 1); });
        return;
    }
    video->setMainStream(QStringLiteral("otoscope"));
    QTimer::singleShot(700, this, [this, video, roomView] {
        const auto view = grab();
        std::fprintf(
            stderr, "autopilot: main view %s, %llu otoscope frames decoded, screen %s\n",
            qPrintable(video->mainStream()),
            static_cast<unsigned long long>(video->stats(QStringLiteral("otoscope")).framesDecoded),
            view != roomView ? "changed" : "unchanged");
        if (!save(view, QStringLiteral("-otoscope"))) {
            return;
        }
        // A still of the ear for the record.
        const QString still = video->snapshot(QStringLiteral("otoscope"));
        std::fprintf(stderr, "autopilot: still of the otoscope: %s\n",
                     still.isEmpty() ? qPrintable(video->errorString()) : qPrintable(still));
        checkVitals();
    });
}

void Autopilot::checkVitals() {
    // The doctor asks for the oxygen saturation and opens the vitals tab.
    auto* vitals = m_session->vitals();
    vitals->requestMeasurement(QStringLiteral("oximetry"));
    vitals->requestMeasurement(QStringLiteral("temperature"));
    m_session->workspace()->setCurrent(app::Workspace::Vitals);
    waitForVitals(100);
}

void Autopilot::waitForVitals(int triesLeft) {
    auto* vitals = m_session->vitals();
    QString oximetry;
    for (const auto& reading : vitals->readings()) {
        const auto fields = reading.toMap();
        if (fields.value(QStringLiteral("kind")).toString() == QLatin1String("oximetry") &&
            fields.value(QStringLiteral("taken")).toBool()) {
            for (const auto& value : fields.value(QStringLiteral("values")).toList()) {
                const auto v = value.toMap();
                oximetry += v.value(QStringLiteral("quantity")).toString() + QLatin1Char(' ') +
                            v.value(QStringLiteral("valueText")).toString() + QLatin1Char(' ') +
                            v.value(QStringLiteral("unit")).toString() + QStringLiteral(" (") +
                            v.value(QStringLiteral("flagText")).toString() + QStringLiteral("); ");
            }
        }
    }
    // Two seconds of ECG drawn, and the reading back.
    const bool traced = vitals->ecgFramesDrawn() > 30 && vitals->ecgTrace().endUs().has_value();
    if ((!traced || oximetry.isEmpty()) && triesLeft > 0) {
        QTimer::singleShot(100, this, [this, triesLeft] { waitForVitals(triesLeft - 1); });
        return;
    }
    std::fprintf(stderr, "autopilot: vitals: %s, %d ECG strip frames drawn, oximetry: %s\n",
                 qPrintable(vitals->waveformText()), vitals->ecgFramesDrawn(),
                 oximetry.isEmpty() ? "none" : qPrintable(oximetry));
    if (!save(grab(), QStringLiteral("-vitals"))) {
        return;
    }
    writePrescription();
}

void Autopilot::writePrescription() {
    // The ordonnance tab, filled in the way the doctor would: the patient's traits (from the
    // cabin's identity when it sent one), the practice's details, then an amoxicilline line by
    // its DCI.
    auto* editor = m_session->prescription();
    m_session->workspace()->setCurrent(app::Workspace::Prescription);
    const QDate born =
        QDate::currentDate().addYears(-std::max(m_session->visit()->age(), 0)).addDays(-40);
    const std::pair<const char*, QVariant> fields[] = {
        {"/patient/familyName", QStringLiteral("Lefèvre")},
        {"/patient/givenName", QStringLiteral("Camille")},
        {"/patient/birthDate", born.toString(Qt::ISODate)},
        {"/patient/weightKg", QStringLiteral("64")},
        {"/prescriber/address/lines/0", QStringLiteral("Maison de santé, 4 place Carnot")},
        {"/prescriber/address/postalCode", QStringLiteral("58000")},
        {"/prescriber/address/city", QStringLiteral("Nevers")},
        {"/prescriber/telephone", QStringLiteral("+33386000000")},
        {"/prescriber/email", QStringLiteral("cabinet@example.fr")}};
    for (const auto& [path, value] : fields) {
        // The cabin's identity, when it sent one, already named the patient.
        const bool identityField =
            QByteArray(path).startsWith("/patient/") && QByteArray(path) != "/patient/weightKg";
        if (!(identityField && m_session->patient()->known())) {
            editor->setValue(QString::fromLatin1(path), value);
        }
    }
    editor->addMedication(QStringLiteral("amoxicilline"));
    QTimer::singleShot(800, this, [this, editor] {
        QStringList issues;
        for (const auto& issue : editor->validation()->issues()) {
            const auto issueFields = issue.toMap();
            issues << issueFields.value(QStringLiteral("location")).toString() +
                          QStringLiteral(": ") +
                          issueFields.value(QStringLiteral("message")).toString();
        }
        std::fprintf(stderr, "autopilot: ordonnance %s: %d line(s), %d issue(s) to fix%s%s\n",
                     qPrintable(editor->idText()), static_cast<int>(editor->lines().size()),
                     editor->validation()->errorCount(), issues.isEmpty() ? "" : ": ",
                     qPrintable(issues.join(QStringLiteral("; "))));
        if (!save(grab(), QStringLiteral("-prescription"))) {
            return;
        }
        signAndSend();
    });
}

void Autopilot::signAndSend() {
    // With the card when one is there and its PIN is known, as the doctor would.
    auto* editor = m_session->prescription();
    auto* signing = editor->signing();
    signing->refresh();
    QString key = QStringLiteral("file");
    QString with = QStringLiteral("the identity file");
    for (const auto& choice : signing->choices()) {
        const auto fields = choice.toMap();
        if (!m_cardPin.isEmpty() &&
            fields.value(QStringLiteral("kind")) == QLatin1String("token")) {
            key = fields.value(QStringLiteral("key")).toString();
            with = QStringLiteral("the card ") + fields.value(QStringLiteral("label")).toString();
            break;
        }
    }
    // The signature runs off the GUI thread: the console keeps drawing the cabin meanwhile.
    connect(
        editor, &app::PrescriptionEditor::signFinished, this,
        [this, editor, with](bool signedOk) {
            if (!signedOk) {
                finish(1, QStringLiteral("ordonnance not signed with ") + with +
                              QStringLiteral(": ") + editor->signText());
                return;
            }
            std::fprintf(stderr, "autopilot: ordonnance %s signed with %s: %s\n",
                         qPrintable(editor->idText()), qPrintable(with),
                         qPrintable(editor->signedPdfPath()));
            if (!editor->send()) {
                finish(1, QStringLiteral("ordonnance not sent: ") +
                              m_session->delivery()->statusText());
                return;
            }
            waitForPrint(200);
        },
        Qt::SingleShotConnection);
    if (!editor->sign(key == QLatin1String("file") ? m_passphrase : m_cardPin, key)) {
        finish(1, QStringLiteral("nothing to sign: ") + editor->signText());
    }
}

void Autopilot::waitForPrint(int triesLeft) {
    const auto* delivery = m_session->delivery();
    const auto state = delivery->state();
    const bool settled =
        state == app::DeliveryState::Printed || state == app::DeliveryState::Failed;
    if (!settled && triesLeft > 0) {
        QTimer::singleShot(100, this, [this, triesLeft] { waitForPrint(triesLeft - 1); });
        return;
    }
    std::fprintf(stderr, "autopilot: ordonnance %s delivery: %s (%d chunk(s)) %s\n",
                 qPrintable(delivery->prescriptionId()), qPrintable(app::stateName(state)),
                 delivery->chunkCount(), qPrintable(delivery->statusText()));
    // The signed ordonnance drawn in the preview, with the cabin's answer beside it.
    QTimer::singleShot(500, this, [this] {
        if (!save(grab(), QStringLiteral("-prescription-printed"))) {
            return;
        }
        writeReport();
    });
}

void Autopilot::writeReport() {
    // The compte rendu tab: a template for the motif, the doctor's conclusion, a follow-up.
    auto* report = m_session->report();
    m_session->workspace()->setCurrent(app::Workspace::Report);
    report->applyTemplate(QStringLiteral("fever_ent"));
    report->setValue(QStringLiteral("conclusion"),
                     QStringLiteral("Angine probablement virale. Traitement symptomatique."));
    report->setFollowUp(app::ReportFollowUp::GpInPerson);
    report->setPatientCopy(true);
    QTimer::singleShot(800, this, [this, report] {
        std::fprintf(stderr, "autopilot: compte rendu %s: %d item(s), %d issue(s)%s\n",
                     qPrintable(report->idText()), static_cast<int>(report->items().size()),
                     report->validation()->issueCount(),
                     report->validation()->issueCount() > 0
                         ? qPrintable(QStringLiteral(": ") + report->validation()
                                                                 ->issues()
                                                                 .first()
                                                                 .toMap()
                                                                 .value(QStringLiteral("message"))
                                                                 .toString())
                         : "");
        if (!save(grab(), QStringLiteral("-report"))) {
            return;
        }
        signReport();
    });
}

void Autopilot::signReport() {
    // Signed as the ordonnance was (the card when its PIN is known), then the patient's copy to
    // the cabin, which verifies it before it prints.
    auto* report = m_session->report();
    report->signing()->refresh();
    QString key = QStringLiteral("file");
    for (const auto& choice : report->signing()->choices()) {
        const auto fields = choice.toMap();
        if (!m_cardPin.isEmpty() &&
            fields.value(QStringLiteral("kind")) == QLatin1String("token")) {
            key = fields.value(QStringLiteral("key")).toString();
            break;
        }
    }
    connect(
        report, &app::ReportEditor::signFinished, this,
        [this, report](bool signedOk) {
            if (!signedOk) {
                finish(1, QStringLiteral("compte rendu not signed: ") + report->signText());
                return;
            }
            std::fprintf(stderr, "autopilot: compte rendu %s signed: %s\n",
                         qPrintable(report->idText()), qPrintable(report->signedPdfPath()));
            if (!report->sendPatientCopy()) {
                finish(1, QStringLiteral("patient copy not sent: ") +
                              report->copyDelivery()->statusText());
                return;
            }
            waitForCopy(300);
        },
        Qt::SingleShotConnection);
    if (!report->sign(key == QLatin1String("file") ? m_passphrase : m_cardPin, key)) {
        finish(1, QStringLiteral("compte rendu: nothing to sign: ") + report->signText());
    }
}

void Autopilot::waitForCopy(int triesLeft) {
    const auto* copy = m_session->report()->copyDelivery();
    const auto state = copy->state();
    if (state != app::DeliveryState::Printed && state != app::DeliveryState::Failed &&
        triesLeft > 0) {
        QTimer::singleShot(100, this, [this, triesLeft] { waitForCopy(triesLeft - 1); });
        return;
    }
    std::fprintf(stderr, "autopilot: patient copy of the compte rendu: %s %s %s\n",
                 qPrintable(app::stateName(state)), qPrintable(copy->statusText()),
                 qPrintable(copy->reasonText()));
    QTimer::singleShot(500, this, [this] {
        if (!save(grab(), QStringLiteral("-report-printed"))) {
            return;
        }
        m_session->end(QStringLiteral("completed"), QStringLiteral("autopilot"));
    });
}

void Autopilot::waitForArchive(const QString& recordId, int triesLeft) {
    if (recordId.isEmpty()) { // every dossier of the journal
        if (m_archive->pending() > 0 && triesLeft > 0) {
            QTimer::singleShot(100, this, [this, triesLeft] { waitForArchive({}, triesLeft - 1); });
            return;
        }
        for (const auto& row : m_archive->rows()) {
            std::fprintf(stderr, "autopilot: dossier %s: %s %s\n", qPrintable(row.recordId),
                         qPrintable(row.state), qPrintable(row.detail));
        }
        finish(m_archive->pending() == 0 && !m_archive->blocked() ? 0 : 1, QStringLiteral("done"));
        return;
    }
    const auto& rows = m_archive->rows();
    const auto row = std::find_if(rows.begin(), rows.end(),
                                  [&](const auto& r) { return r.recordId == recordId; });
    const QString state = row != rows.end() ? row->state : QString();
    const bool settled = state == QLatin1String("done") || state == QLatin1String("blocked") ||
                         state == QLatin1String("failed");
    if (!settled && triesLeft > 0) {
        QTimer::singleShot(
            100, this, [this, recordId, triesLeft] { waitForArchive(recordId, triesLeft - 1); });
        return;
    }
    std::fprintf(stderr, "autopilot: dossier %s: %s %s\n", qPrintable(recordId),
                 state.isEmpty() ? "never handed over" : qPrintable(state),
                 row != rows.end() ? qPrintable(row->detail) : "");
    // Back to the queue, whose archive panel lists the dossier.
    m_session->dismiss();
    const int code = state == QLatin1String("done") ? 0 : 1;
    QTimer::singleShot(500, this, [this, code] {
        if (save(grab(), QStringLiteral("-archive"))) {
            finish(code, QStringLiteral("done"));
        }
    });
}

void Autopilot::finish(int code, const QString& message) {
    std::fprintf(stderr, "autopilot: %s\n", qPrintable(message));
    QCoreApplication::exit(code);
}

} // namespace tc::console
