#include "archive_uploads.hpp"

#include "error_text.hpp"
#include "ui_dispatch.hpp"

#include <QDateTime>
#include <QFile>
#include <QPointer>
#include <algorithm>

namespace tc::app {

namespace {

QString stateOf(protocol::QueuedUploadState state) {
    return QString::fromLatin1(protocol::toString(state).data());
}

// A queued upload's state (QueuedUploadState's wire name) in words; tr() at the point of use.
struct StateWords {
    const char* state;
    const char* words;
};
constexpr StateWords kStateWords[] = {
    {"writing", QT_TRANSLATE_NOOP("tc::app::ArchiveUploads", "Préparation du dossier…")},
    {"written", QT_TRANSLATE_NOOP("tc::app::ArchiveUploads", "Prêt, en attente de connexion")},
    {"waiting", QT_TRANSLATE_NOOP("tc::app::ArchiveUploads", "En attente d'envoi")},
    {"retrying", QT_TRANSLATE_NOOP("tc::app::ArchiveUploads", "Nouvel essai bientôt")},
    {"blocked", QT_TRANSLATE_NOOP("tc::app::ArchiveUploads", "Bloqué")},
    {"done", QT_TRANSLATE_NOOP("tc::app::ArchiveUploads", "Archivé")},
};

} // namespace

ArchiveUploads::ArchiveUploads(QObject* parent)
    : QAbstractListModel(parent) {
    m_writer.setMaxThreadCount(1);
}

ArchiveUploads::~ArchiveUploads() {
    close();
    m_writer.waitForDone(); // a dossier being written finishes (its record.json is last)
}

void ArchiveUploads::open(boost::asio::any_io_executor executor,
                          std::filesystem::path journalDirectory,
                          protocol::ArchiveClientConfig client) {
    close();
    // <data>/archive-queue/ holds one journal per doctor; only this user reads it.
    std::error_code ignored;
    std::filesystem::create_directories(journalDirectory.parent_path(), ignored);
    std::filesystem::permissions(journalDirectory.parent_path(), std::filesystem::perms::owner_all,
                                 ignored);
    protocol::ArchiveUploadQueueConfig config;
    config.journalDirectory = std::move(journalDirectory);
    config.client = std::move(client);
    auto queue = protocol::ArchiveUploadQueue::open(executor, std::move(config));
    if (!queue) {
        qWarning("archive: the upload journal cannot be opened: %s (%s)",
                 queue.error().message().c_str(), queue.error().detail.c_str());
        m_error = tr("Archivage impossible : %1").arg(errorText(queue.error().code));
        emit summaryChanged();
        return;
    }
    m_error.clear();
    m_queue = std::move(*queue);
    QPointer<ArchiveUploads> self(this);
    m_queue->setListener(executor, [self](const protocol::QueuedUploadStatus& status) {
        // The protocol thread: one queued call per change into the UI thread.
        if (self) {
            postToUi(self.data(), [self, status] {
                if (self) {
                    self->apply(status);
                }
            });
        }
    });
    // What the journal holds from an earlier run is listed now, before it resumes.
    for (const auto& status : m_queue->snapshot()) {
        apply(status);
    }
    // Dossiers written while the queue was closed (signed out) go in now.
    for (auto& row : m_rows) {
        if (row.state == QLatin1String("written")) {
            enqueue(row);
        }
    }
    m_queue->start();
    emit summaryChanged();
}

void ArchiveUploads::close() {
    if (m_queue) {
        m_queue->stop();
        m_queue.reset();
    }
}

void ArchiveUploads::submit(DossierContent content, protocol::ConsentScopes consent) {
    const QString recordId = QString::fromStdString(content.record.consultationId);
    Row& row = rowFor(recordId);
    row.title = titleOf(content.record);
    row.state = QStringLiteral("writing");
    row.detail.clear();
    row.progress = 0;
    row.directory = m_dossierRoot / content.record.consultationId;
    row.consent = consent;
    changed(row);
    QPointer<ArchiveUploads> self(this);
    m_writer.start(
        [self, content = std::move(content), directory = row.directory, recordId]() mutable {
            auto written = writeDossier(std::move(content), directory);
            if (!self) {
                return;
            }
            postToUi(self.data(), [self, recordId, written = std::move(written)] {
                if (!self) {
                    return;
                }
                Row& done = self->rowFor(recordId);
                if (!written) {
                    qWarning("archive: dossier %s not written: %s", qPrintable(recordId),
                             written.error().detail.c_str());
                    done.state = QStringLiteral("failed");
                    done.detail = errorText(written.error().code);
                    self->changed(done);
                    return;
                }
                done.state = QStringLiteral("written");
                self->enqueue(done);
            });
        });
}

void ArchiveUploads::enqueue(Row& row) {
    if (!m_queue) {
        changed(row); // written; queued when the doctor signs in
        return;
    }
    const auto queued = m_queue->enqueue(row.recordId.toStdString(), row.directory, row.consent);
    if (!queued) {
        row.state = QStringLiteral("failed");
        row.detail = errorText(queued.error().code);
    } else {
        row.state = QStringLiteral("waiting");
    }
    changed(row);
}

void ArchiveUploads::retry(const QString& recordId) {
    if (m_queue) {
        m_queue->retry(recordId.toStdString());
    }
}

void ArchiveUploads::apply(const protocol::QueuedUploadStatus& status) {
    Row& row = rowFor(QString::fromStdString(status.recordId));
    row.state = stateOf(status.state);
    row.directory = status.directory;
    if (row.title.isEmpty()) {
        row.title = titleFromDirectory(row.directory);
    }
    const auto& p = status.progress;
    row.progress = p.bytesTotal > 0 ? static_cast<double>(p.bytesAcknowledged) /
                                          static_cast<double>(p.bytesTotal)
                                    : (status.state == protocol::QueuedUploadState::done ? 1 : 0);
    row.detail = status.lastError ? errorText(status.lastError->code) : QString();
    changed(row);
    if (status.state == protocol::QueuedUploadState::done) {
        // The archive holds it now; the workstation keeps its own files (recordings, stills,
        // documents) where they were, not this second copy of the patient's data.
        std::error_code ignored;
        std::filesystem::remove_all(row.directory, ignored);
        emit archived(row.recordId);
    }
}

ArchiveUploads::Row& ArchiveUploads::rowFor(const QString& recordId) {
    const auto it = std::find_if(m_rows.begin(), m_rows.end(),
                                 [&](const Row& r) { return r.recordId == recordId; });
    if (it != m_rows.end()) {
        return *it;
    }
    const int at = static_cast<int>(m_rows.size());
    beginInsertRows({}, at, at);
    m_rows.push_back(Row{recordId, {}, QStringLiteral("waiting"), 0, {}, {}, {}});
    endInsertRows();
    return m_rows.back();
}

void ArchiveUploads::changed(const Row& row) {
    const auto at = static_cast<int>(&row - m_rows.data());
    emit dataChanged(index(at), index(at));
    emit summaryChanged();
}

int ArchiveUploads::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant ArchiveUploads::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size())) {
        return {};
    }
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case RecordIdRole:
        return row.recordId;
    case TitleRole:
        return row.title.isEmpty() ? tr("Consultation %1").arg(row.recordId) : row.title;
    case StateRole:
        return row.state;
    case StateTextRole: {
        const auto& s = row.state;
        if (s == QLatin1String("uploading")) {
            return tr("Envoi : %1 %").arg(qRound(row.progress * 100));
        }
        for (const auto& [state, words] : kStateWords) {
            if (s == QLatin1String(state)) {
                return tr(words);
            }
        }
        return tr("Dossier non constitué");
    }
    case ProgressRole:
        return row.progress;
    case DetailRole:
        return row.detail;
    default:
        return {};
    }
}

QHash<int, QByteArray> ArchiveUploads::roleNames() const {
    return {{RecordIdRole, "recordId"}, {StateRole, "state"},   {StateTextRole, "stateText"},
            {ProgressRole, "progress"}, {DetailRole, "detail"}, {TitleRole, "title"}};
}

QString ArchiveUploads::titleOf(const prescriptions::ConsultationRecord& record) {
    const auto& patient = record.patient;
    const QString name = QString::fromStdString(patient.displayFamilyName()) + QLatin1Char(' ') +
                         QString::fromStdString(patient.displayFirstName());
    const QString when = QDateTime::fromMSecsSinceEpoch(record.times.claimMs)
                             .toLocalTime()
                             .toString(QStringLiteral("dd/MM HH:mm"));
    return name.trimmed().isEmpty() ? when : name.trimmed() + QStringLiteral(" · ") + when;
}

QString ArchiveUploads::titleFromDirectory(const std::filesystem::path& directory) {
    QFile file(QString::fromStdString((directory / "record.json").string()));
    if (!file.open(QIODevice::ReadOnly) ||
        file.size() > static_cast<qint64>(prescriptions::kMaxRecordBytes)) {
        return {};
    }
    const QByteArray bytes = file.readAll();
    const auto record = prescriptions::parseConsultationRecord(
        std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
    return record ? titleOf(*record) : QString();
}

int ArchiveUploads::pending() const {
    return static_cast<int>(std::count_if(m_rows.begin(), m_rows.end(), [](const Row& r) {
        return r.state != QLatin1String("done") && r.state != QLatin1String("failed");
    }));
}

bool ArchiveUploads::blocked() const {
    return std::any_of(m_rows.begin(), m_rows.end(), [](const Row& r) {
        return r.state == QLatin1String("blocked") || r.state == QLatin1String("failed");
    });
}

QString ArchiveUploads::text() const {
    const int count = pending();
    if (count == 0) {
        return blocked() ? tr("Archivage : un dossier n'a pas pu être constitué") : QString();
    }
    const auto sending = std::find_if(m_rows.begin(), m_rows.end(), [](const Row& r) {
        return r.state == QLatin1String("uploading");
    });
    if (sending != m_rows.end()) {
        return tr("Archivage : %n dossier(s) en attente, envoi %1 %", "", count)
            .arg(qRound(sending->progress * 100));
    }
    if (blocked()) {
        return tr("Archivage bloqué : %n dossier(s) en attente", "", count);
    }
    return tr("Archivage : %n dossier(s) en attente", "", count);
}

} // namespace tc::app
