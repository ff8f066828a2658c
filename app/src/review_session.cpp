// The console's review session: see review_session.hpp.

// GCC 12 inlines asio's coroutine frame allocation and its release, then reports them as
// mismatched (-Wmismatched-new-delete): the false positive review_http.cpp describes. The pragma
// comes before the includes: GCC places the warning in asio's headers.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "review_session.hpp"

#include "error_text.hpp"
#include "tc/protocol/quarter_period.hpp"
#include "ui_dispatch.hpp"

#include <QDate>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <fstream>
#include <mutex>

namespace tc::app {
namespace net = boost::asio;

namespace detail {

// Hands results to the session on the UI thread, and to nothing once the session is gone: the
// io thread may still finish a request after the session's destructor ran.
class UiRelay {
public:
    explicit UiRelay(QObject* target)
        : m_target(target) {}
    template <class F> void post(F&& functor) {
        const std::lock_guard lock(m_mutex);
        if (m_target != nullptr) {
            postToUi(m_target, std::forward<F>(functor));
        }
    }
    void detach() {
        const std::lock_guard lock(m_mutex);
        m_target = nullptr;
    }

private:
    std::mutex m_mutex;
    QObject* m_target;
};

} // namespace detail

namespace {

QString reviewErrorText(const protocol::ArchiveClientFailure& failure) {
    const auto& code = failure.code;
    if (code == protocol::ArchiveErrc::unknownRecord) {
        return ReviewSession::tr("Ce dossier n'existe pas ou ne vous est pas accessible.");
    }
    if (code == protocol::Errc::forbiddenRole) {
        return ReviewSession::tr("Votre certificat ne donne pas accès à cette revue.");
    }
    if (code == protocol::ReviewErrc::siteNotCovered) {
        return ReviewSession::tr("Ce site n'appartient pas à votre CPTS.");
    }
    if (code == protocol::ReviewErrc::invalidQuarter) {
        return ReviewSession::tr("Trimestre invalide : choisissez-en un dans la liste.");
    }
    if (code == protocol::ReviewErrc::invalidFilter ||
        code == protocol::ReviewErrc::filterTooLarge) {
        return ReviewSession::tr("Filtre invalide : corrigez-le et réessayez.");
    }
    if (code == protocol::ReviewErrc::auditFailed ||
        code == protocol::ReviewErrc::auditUnavailable) {
        return ReviewSession::tr("Le service ne peut pas tracer cet accès : rien n'a été "
                                 "transmis. Réessayez plus tard.");
    }
    if (code == protocol::ArchiveTransferErrc::serviceBusy) {
        return ReviewSession::tr("Le service est occupé : réessayez dans quelques secondes.");
    }
    return ReviewSession::tr("Revue impossible : %1").arg(errorText(code));
}

// A name the service gave, as a path under the record's cache directory: relative, no empty,
// "." or ".." segment.
std::optional<std::filesystem::path> cachePathOf(const std::filesystem::path& directory,
                                                 const std::string& name) {
    if (name.empty() || name.front() == '/') {
        return std::nullopt;
    }
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto end = std::min(name.find('/', start), name.size());
        const auto segment = std::string_view(name).substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") {
            return std::nullopt;
        }
        start = end + 1;
    }
    return directory / name;
}

void makePrivateDirectory(const std::filesystem::path& directory, std::error_code& error) {
    std::filesystem::create_directories(directory, error);
    if (!error) {
        std::filesystem::permissions(directory, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, error);
    }
}

// Downloads the readable files of `recordId` into `directory` (emptied first); `progress` hears
// the bytes done over the archived total. On the io thread.
net::awaitable<protocol::ArchiveClientResult<std::filesystem::path>>
fetchRecord(std::shared_ptr<protocol::ReviewClient> client, std::string recordId,
            std::filesystem::path cacheRoot, std::function<void(double)> progress) {
    auto record = co_await client->record(recordId);
    if (!record) {
        co_return record.error();
    }
    const auto failed = [](std::string detail) {
        return protocol::archiveClientFailure(make_error_code(protocol::Errc::storageFailure),
                                              std::move(detail));
    };
    std::error_code error;
    makePrivateDirectory(cacheRoot, error);
    const auto directory = cacheRoot / record->row.recordId;
    std::filesystem::remove_all(directory, error);
    makePrivateDirectory(directory, error);
    if (error) {
        co_return failed(directory.string() + ": " + error.message());
    }
    std::vector<protocol::ReviewFile> readable;
    std::uint64_t total = 0;
    for (const auto& file : record->files) {
        if (file.access == "whole" || file.access == "pseudonymised") {
            readable.push_back(file);
            total += file.size;
        }
    }
    auto done = std::make_shared<std::uint64_t>(0);
    for (const auto& file : readable) {
        const auto path = cachePathOf(directory, file.name);
        if (!path) {
            co_return failed("the service named a file " + file.name);
        }
        makePrivateDirectory(path->parent_path(), error);
        auto part = *path;
        part += ".part";
        auto out = std::make_shared<std::ofstream>(part, std::ios::binary | std::ios::trunc);
        if (error || !*out) {
            co_return failed(part.string() + ": cannot be written");
        }
        auto sink = [out, done, total, progress](std::span<const std::uint8_t> bytes) {
            out->write(reinterpret_cast<const char*>(bytes.data()),
                       static_cast<std::streamsize>(bytes.size()));
            *done += bytes.size();
            if (progress && total > 0) {
                progress(std::min(1.0, static_cast<double>(*done) / static_cast<double>(total)));
            }
        };
        auto read = co_await client->readFile(record->row.recordId, file.name, sink);
        out->close();
        if (!read || !*out) {
            std::filesystem::remove(part, error);
            if (!read) {
                co_return read.error();
            }
            co_return failed(part.string() + ": cannot be written");
        }
        std::filesystem::rename(part, *path, error);
        if (error) {
            co_return failed(path->string() + ": " + error.message());
        }
    }
    if (progress) {
        progress(1.0);
    }
    co_return directory;
}

QStringList lastQuarters() {
    QStringList labels;
    const auto zone = protocol::ZoneRules::load();
    const auto now = QDateTime::currentMSecsSinceEpoch();
    auto quarter = zone ? protocol::quarterOf(now, *zone)
                        : protocol::Quarter{QDate::currentDate().year(),
                                            (QDate::currentDate().month() - 1) / 3 + 1};
    for (int i = 0; i < 8; ++i) {
        labels.append(QString::fromStdString(protocol::quarterLabel(quarter)));
        quarter = protocol::previousQuarter(quarter);
    }
    return labels;
}

} // namespace

ReviewSession::ReviewSession(net::any_io_executor io, QString dataDirectory,
                             StethoscopeController* live, QObject* parent)
    : Controller(parent)
    , m_io(std::move(io))
    , m_relay(std::make_shared<detail::UiRelay>(this))
    , m_cacheRoot(std::filesystem::path(dataDirectory.toStdString()) / "review-cache")
    , m_replay(live)
    , m_quarters(lastQuarters()) {
    clearCache();
}

ReviewSession::~ReviewSession() {
    m_relay->detach();
    if (m_client) {
        m_client->stop();
    }
}

template <class T, class Done>
void ReviewSession::launch(net::awaitable<T> op, std::uint64_t Generations::*generation,
                           Done done) {
    const auto expected = m_generation.*generation;
    const auto session = m_generation.session;
    auto apply = [this, generation, expected, session, done = std::move(done)](T result) mutable {
        if (m_generation.*generation == expected && m_generation.session == session) {
            done(std::move(result));
        }
    };
    net::co_spawn(
        m_io,
        [](net::awaitable<T> work, std::shared_ptr<protocol::ReviewClient> client,
           std::shared_ptr<detail::UiRelay> relay, decltype(apply) then) -> net::awaitable<void> {
            std::optional<T> result;
            try {
                result.emplace(co_await std::move(work));
            } catch (const std::exception& e) {
                result.emplace(protocol::archiveClientFailure(
                    make_error_code(protocol::Errc::internal), e.what()));
            }
            client.reset(); // kept alive while its call ran
            relay->post([then = std::move(then), value = std::move(*result)]() mutable {
                then(std::move(value));
            });
        }(std::move(op), m_client, m_relay, std::move(apply)),
        net::detached);
}

void ReviewSession::fail(const protocol::ArchiveClientFailure& failure) {
    fail(reviewErrorText(failure));
}

void ReviewSession::fail(const QString& text) {
    setError(text);
    emit errorOccurred(text);
}

void ReviewSession::clearCache() {
    std::error_code ignored;
    std::filesystem::remove_all(m_cacheRoot, ignored);
}

void ReviewSession::start(protocol::ArchiveClientConfig config) {
    stop();
    auto client = protocol::ReviewClient::create(m_io, std::move(config));
    if (!client) {
        fail(client.error());
        return;
    }
    m_client = std::make_shared<protocol::ReviewClient>(std::move(*client));
    loadScope();
    loadPage();
}

void ReviewSession::stop() {
    ++m_generation.session; // every result in flight is stale
    if (m_client) {
        m_client->stop();
        m_client.reset();
    }
    m_records.clear();
    m_next.reset();
    m_filters = {};
    m_listing = false;
    emit listingChanged();
    m_cptsName.clear();
    m_cptsId.clear();
    m_sites.clear();
    m_coordinator = false;
    emit scopeChanged();
    m_replay.close();
    m_openRecordId.clear();
    setOpening(false, 0);
    m_indicators.clear();
    m_indicatorsLoading = false;
    m_indicatorsQuarter.clear();
    emit indicatorsChanged();
    m_trail.clear();
    m_trailLoading = false;
    emit trailChanged();
    setError({});
    clearCache();
}

void ReviewSession::loadScope() {
    ++m_generation.scope;
    launch(m_client->scope(), &Generations::scope,
           [this](protocol::ArchiveClientResult<protocol::ReviewScope> scope) {
               if (!scope) {
                   fail(scope.error());
                   return;
               }
               m_coordinator = scope->role == protocol::Role::coordinator;
               m_cptsId = QString::fromStdString(scope->cpts.value_or(""));
               m_cptsName = QString::fromStdString(scope->name.value_or(""));
               m_sites.clear();
               for (const auto& site : scope->sites) {
                   m_sites.append(QString::fromStdString(site));
               }
               emit scopeChanged();
           });
}

void ReviewSession::applyFilters(const QVariantMap& filters) {
    protocol::ReviewFilters f;
    const auto ms = [&](const char* key) -> std::optional<std::int64_t> {
        const auto value = filters.value(QString::fromLatin1(key)).toDouble();
        return value > 0 ? std::optional<std::int64_t>(static_cast<std::int64_t>(value))
                         : std::nullopt;
    };
    const auto text = [&](const char* key) -> std::optional<std::string> {
        const auto value = filters.value(QString::fromLatin1(key)).toString();
        return value.isEmpty() ? std::nullopt : std::optional<std::string>(value.toStdString());
    };
    f.fromMs = ms("from");
    f.toMs = ms("to");
    f.site = text("site");
    f.doctorRpps = text("doctor");
    f.endReason = text("endReason");
    f.orientation = text("orientation");
    if (f.orientation == "none_signed") {
        f.orientation = std::string(); // the route's "without a signed report"
    }
    const auto incident = filters.value(QStringLiteral("incident")).toString();
    if (incident == QLatin1String("yes") || incident == QLatin1String("no")) {
        f.incident = incident == QLatin1String("yes");
    }
    m_filters = std::move(f);
    refresh();
}

void ReviewSession::refresh() {
    m_records.clear();
    m_next.reset();
    loadPage();
}

void ReviewSession::loadMore() {
    if (m_listing || !m_next) {
        return;
    }
    loadPage();
}

bool ReviewSession::begin(std::uint64_t Generations::*generation, bool& busy,
                          void (ReviewSession::*changed)()) {
    if (!m_client) {
        return false;
    }
    ++(m_generation.*generation);
    busy = true;
    emit(this->*changed)();
    return true;
}

void ReviewSession::loadPage() {
    if (!begin(&Generations::list, m_listing, &ReviewSession::listingChanged)) {
        return;
    }
    launch(m_client->records(m_filters, m_next.value_or(std::string()), kPageSize),
           &Generations::list, [this](protocol::ArchiveClientResult<protocol::ReviewPage> page) {
               m_listing = false;
               if (!page) {
                   emit listingChanged();
                   fail(page.error());
                   return;
               }
               m_next = page->next;
               m_records.append(std::move(page->records));
               setError({});
               emit listingChanged();
           });
}

void ReviewSession::setOpening(bool opening, double progress) {
    if (m_opening != opening || m_openingProgress != progress) {
        m_opening = opening;
        m_openingProgress = progress;
        emit openingChanged();
    }
}

void ReviewSession::openRecord(const QString& recordId) {
    if (!m_client) {
        fail(tr("Connectez-vous pour revoir une consultation."));
        return;
    }
    ++m_generation.open;
    m_replay.close();
    m_openRecordId = recordId;
    m_opening = false; // setOpening emits openingChanged for the new id too
    setOpening(true, 0);
    const auto generation = m_generation.open;
    const auto session = m_generation.session;
    auto progress = [relay = m_relay, this, generation, session, last = -1.0](double done) mutable {
        // At most a hundred steps reach the UI thread.
        if (done < 1.0 && done - last < 0.01) {
            return;
        }
        last = done;
        relay->post([this, generation, session, done] {
            if (m_generation.open == generation && m_generation.session == session && m_opening) {
                setOpening(true, done);
            }
        });
    };
    launch(fetchRecord(m_client, recordId.toStdString(), m_cacheRoot, std::move(progress)),
           &Generations::open,
           [this, recordId](protocol::ArchiveClientResult<std::filesystem::path> directory) {
               if (!directory) {
                   setOpening(false, 0);
                   fail(directory.error());
                   return;
               }
               m_replay.openDossier(QString::fromStdString(directory->string()));
               setOpening(false, 1);
               if (!m_replay.isOpen() || m_replay.recordId() != recordId) {
                   fail(m_replay.errorString().isEmpty() ? tr("Ce dossier ne peut pas être rejoué.")
                                                         : m_replay.errorString());
                   return;
               }
               setError({});
               emit recordOpened();
           });
}

void ReviewSession::loadIndicators(const QString& quarter, const QString& site) {
    m_indicatorsQuarter = quarter;
    m_indicatorsSite = site;
    if (!begin(&Generations::indicators, m_indicatorsLoading, &ReviewSession::indicatorsChanged)) {
        return;
    }
    launch(m_client->indicators(quarter.toStdString(), site.toStdString(), false),
           &Generations::indicators, [this](protocol::ArchiveClientResult<std::string> text) {
               m_indicatorsLoading = false;
               if (!text) {
                   m_indicators.clear();
                   emit indicatorsChanged();
                   fail(text.error());
                   return;
               }
               const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(*text));
               m_indicators = document.object().toVariantMap();
               setError({});
               emit indicatorsChanged();
           });
}

void ReviewSession::exportIndicatorsCsv(const QUrl& file) {
    if (!m_client) {
        return;
    }
    if (m_indicatorsQuarter.isEmpty()) {
        fail(tr("Choisissez d'abord un trimestre."));
        return;
    }
    const auto path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    ++m_generation.exported;
    launch(m_client->indicators(m_indicatorsQuarter.toStdString(), m_indicatorsSite.toStdString(),
                                true),
           &Generations::exported, [this, path](protocol::ArchiveClientResult<std::string> csv) {
               if (!csv) {
                   fail(csv.error());
                   return;
               }
               QSaveFile out(path);
               if (!out.open(QIODevice::WriteOnly) ||
                   out.write(csv->data(), static_cast<qint64>(csv->size())) !=
                       static_cast<qint64>(csv->size()) ||
                   !out.commit()) {
                   fail(tr("Impossible d'écrire %1.").arg(path));
                   return;
               }
               emit indicatorsExported(path);
           });
}

void ReviewSession::loadTrail() {
    if (!begin(&Generations::trail, m_trailLoading, &ReviewSession::trailChanged)) {
        return;
    }
    launch(m_client->trail(0, 200), &Generations::trail,
           [this](protocol::ArchiveClientResult<protocol::TrailPage> page) {
               m_trailLoading = false;
               if (!page) {
                   emit trailChanged();
                   fail(page.error());
                   return;
               }
               m_trail.clear();
               for (const auto& entry : page->entries) {
                   m_trail.append(QVariantMap{
                       {QStringLiteral("sequence"), static_cast<double>(entry.sequence)},
                       {QStringLiteral("time"), static_cast<double>(entry.atMs)},
                       {QStringLiteral("action"), QString::fromStdString(entry.action)},
                       {QStringLiteral("recordId"), QString::fromStdString(entry.recordId)},
                       {QStringLiteral("detail"), QString::fromStdString(entry.detail)},
                   });
               }
               emit trailChanged();
           });
}

} // namespace tc::app
