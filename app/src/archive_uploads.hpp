#pragma once
// The consultations' dossiers on their way to the deployment's archive, as the doctor sees them:
// a list (one row per dossier: being written, waiting, sending with its progress, retrying,
// blocked with why, archived) and a one-line summary for the header.
//
// A dossier handed over at the end of a consultation is written on a worker thread
// (writeDossier), then put in the durable upload queue (protocol::ArchiveUploadQueue, journal
// in <data>/archive-queue/<RPPS>/), which sends it in the background while the doctor takes the
// next patient. The queue is opened when the doctor signs in; what an earlier run left in its
// journal (a console killed mid-upload) is listed at once and resumes.
//
// Threading: the model lives on the UI thread; the queue runs on the protocol thread and its
// listener posts each change here (one queued call per change).

#include "consultation_dossier.hpp"
#include "controller.hpp"
#include "tc/protocol/archive_upload_queue.hpp"

#include <QAbstractListModel>
#include <QString>
#include <QThreadPool>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace tc::app {

class ArchiveUploads : public QAbstractListModel {
    Q_OBJECT
    // Dossiers not yet archived (written, waiting, sending, retrying or blocked).
    Q_PROPERTY(int pending READ pending NOTIFY summaryChanged)
    Q_PROPERTY(bool blocked READ blocked NOTIFY summaryChanged)
    // "Archivage : 1 dossier en cours (45 %)", "" when nothing is pending.
    Q_PROPERTY(QString text READ text NOTIFY summaryChanged)
    // Why the archive cannot be reached at all ("" when it can): no identity, journal refused.
    Q_PROPERTY(QString errorString READ errorString NOTIFY summaryChanged)

public:
    enum Role {
        RecordIdRole = Qt::UserRole + 1,
        StateRole,    // "writing", "waiting", "uploading", "retrying", "blocked", "done", "failed"
        StateTextRole, // in words
        ProgressRole, // 0..1
        DetailRole,   // why it is blocked or retried, in words
        TitleRole,    // "MERCIER Françoise · 14:02", from the dossier's record
    };

    explicit ArchiveUploads(QObject* parent = nullptr);
    ~ArchiveUploads() override;

    // Opens the doctor's journal and starts sending (replacing an earlier doctor's queue).
    void open(boost::asio::any_io_executor executor, std::filesystem::path journalDirectory,
              protocol::ArchiveClientConfig client);
    void close();
    bool isOpen() const { return m_queue != nullptr; }
    // Where dossiers are written before they are sent: <dossiers>/<record id>/.
    void setDossierRoot(std::filesystem::path root) { m_dossierRoot = std::move(root); }

    // A consultation's dossier: written on a worker thread, then queued (and sent if open).
    void submit(DossierContent content, protocol::ConsentScopes consent);

    Q_INVOKABLE void retry(const QString& recordId);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int pending() const;
    bool blocked() const;
    QString text() const;
    QString errorString() const { return m_error; }

    // For tests: the rows as they stand.
    struct Row {
        QString recordId;
        QString title;
        QString state;
        double progress = 0;
        QString detail;
        std::filesystem::path directory;
        protocol::ConsentScopes consent;
    };
    const std::vector<Row>& rows() const { return m_rows; }

signals:
    void summaryChanged();
    // A dossier was archived (the service committed it).
    void archived(const QString& recordId);

private:
    void apply(const protocol::QueuedUploadStatus& status);
    Row& rowFor(const QString& recordId);
    void changed(const Row& row);
    void enqueue(Row& row);
    // The patient and the time of a dossier, read from its record (for one the journal listed).
    static QString titleOf(const prescriptions::ConsultationRecord& record);
    static QString titleFromDirectory(const std::filesystem::path& directory);

    std::shared_ptr<protocol::ArchiveUploadQueue> m_queue;
    std::filesystem::path m_dossierRoot;
    std::vector<Row> m_rows;
    QString m_error;
    QThreadPool m_writer; // one dossier written at a time; waited for before the model goes
};

} // namespace tc::app
