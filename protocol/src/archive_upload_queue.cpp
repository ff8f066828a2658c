// ArchiveUploadQueue: the journal (one durable file per record) and the runner that sends the
// records one at a time. See archive_upload_queue.hpp.

#include "tc/protocol/archive_upload_queue.hpp"

#include "archive_internal.hpp"
#include "archive_routes.hpp"
#include "tc/errors/table_lookup.hpp"
#include "websocket_types.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <unistd.h>
#include <variant>

namespace tc::protocol {

std::string_view toString(QueuedUploadState state) noexcept {
    static constexpr errors::EnumNames<QueuedUploadState::done> names{
        {"waiting", "uploading", "retrying", "blocked", "done"}};
    return names(state, "unknown");
}

namespace {

using namespace detail;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kEntrySuffix = ".upload";
constexpr std::size_t kMaxEntryBytes = 64 * 1024;
constexpr int kJournalVersion = 1;

ArchiveClientFailure journalFailure(std::string detail) {
    return archiveClientFailure(make_error_code(ArchiveTransferErrc::journalFailure),
                                std::move(detail));
}

// One entry of the journal, as written in its file.
struct JournalEntry {
    std::string recordId;
    std::filesystem::path directory;
    ConsentScopes consent;
    bool blocked = false;
    std::string error; // the key that blocked it
    std::int64_t enqueuedUnixMs = 0;
};

std::string encode(const JournalEntry& entry) {
    return nlohmann::json{
        {"version", kJournalVersion},
        {"record_id", entry.recordId},
        {"directory", entry.directory.string()},
        {"consent",
         {{"care", entry.consent.care}, {"quality_review", entry.consent.qualityReview}}},
        {"state", entry.blocked ? "blocked" : "pending"},
        {"error", entry.error},
        {"enqueued_unix_ms", entry.enqueuedUnixMs}}
        .dump();
}

std::optional<JournalEntry> decode(const ArchiveBytes& bytes) {
    const auto document = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    try {
        if (document.is_discarded() || document.at("version").get<int>() != kJournalVersion) {
            return std::nullopt;
        }
        JournalEntry entry;
        entry.recordId = document.at("record_id").get<std::string>();
        entry.directory = document.at("directory").get<std::string>();
        entry.consent.care = document.at("consent").at("care").get<bool>();
        entry.consent.qualityReview = document.at("consent").at("quality_review").get<bool>();
        entry.blocked = document.at("state").get<std::string>() == "blocked";
        entry.error = document.at("error").get<std::string>();
        entry.enqueuedUnixMs = document.at("enqueued_unix_ms").get<std::int64_t>();
        if (!isRecordIdSyntax(entry.recordId)) {
            return std::nullopt;
        }
        return entry;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::int64_t unixMsNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class Queue final : public ArchiveUploadQueue, public std::enable_shared_from_this<Queue> {
public:
    Queue(const net::any_io_executor& executor, ArchiveUploadQueueConfig config,
          ArchiveClient client)
        : m_strand(net::make_strand(executor))
        , m_config(std::move(config))
        , m_client(std::move(client))
        , m_wake(m_strand) {}

    // Reads the journal; leftovers of interrupted writes are removed.
    ArchiveClientResult<void> load() {
        const auto& dir = m_config.journalDirectory;
        if (auto made = archive::ensureDirectory(dir); !made) {
            return journalFailure(made.error().message());
        }
        std::error_code ec;
        std::vector<std::filesystem::path> paths;
        for (const auto& item : std::filesystem::directory_iterator(dir, ec)) {
            paths.push_back(item.path());
        }
        if (ec) {
            return journalFailure(dir.string() + ": " + ec.message());
        }
        const std::lock_guard lock(m_mutex);
        for (const auto& path : paths) {
            const auto name = path.filename().string();
            if (path.extension() == ".part") {
                std::filesystem::remove(path, ec);
                continue;
            }
            if (!name.ends_with(kEntrySuffix)) {
                continue;
            }
            const auto id = name.substr(0, name.size() - kEntrySuffix.size());
            const auto bytes = archive::readFile(path, kMaxEntryBytes);
            const auto entry = bytes && *bytes ? decode(**bytes) : std::nullopt;
            Item item;
            if (!entry || entry->recordId != id) {
                item.entry.recordId = id;
                item.status.state = QueuedUploadState::blocked;
                item.status.lastError = journalFailure(path.string() + ": unreadable entry");
            } else {
                item.entry = *entry;
                if (entry->blocked) {
                    item.status.state = QueuedUploadState::blocked;
                    const auto code = archiveErrorFromKey(entry->error);
                    item.status.lastError = archiveClientFailure(
                        code ? *code : make_error_code(ArchiveTransferErrc::journalFailure),
                        "blocked before this start");
                }
            }
            item.status.recordId = item.entry.recordId;
            item.status.directory = item.entry.directory;
            m_items[id] = std::move(item);
        }
        return {};
    }

    ArchiveClientResult<void> enqueue(const std::string& recordId,
                                      const std::filesystem::path& directory,
                                      ConsentScopes consent) override {
        if (!isRecordIdSyntax(recordId)) {
            return archiveClientFailure(make_error_code(ArchiveErrc::invalidRecordId), recordId);
        }
        JournalEntry entry{recordId,   std::filesystem::absolute(directory), consent, false, {},
                           unixMsNow()};
        {
            const std::lock_guard lock(m_mutex);
            if (auto written = write(entry); !written) {
                return written.error();
            }
            auto& item = m_items[recordId];
            item.entry = entry;
            ++item.generation;
            item.retryAt = {};
            item.status = QueuedUploadStatus{recordId, entry.directory};
            notify(item.status);
        }
        wake();
        return {};
    }

    void start() override {
        net::dispatch(m_strand, [self = shared_from_this()] {
            if (self->m_running || self->m_stopped) {
                return;
            }
            self->m_running = true;
            net::co_spawn(self->m_strand, run(self), net::detached);
        });
    }

    void stop() override {
        net::dispatch(m_strand, [self = shared_from_this()] {
            self->m_stopped = true;
            self->m_client.stop();
            self->m_wake.cancel();
        });
    }

    void retry(const std::string& recordId) override {
        {
            const std::lock_guard lock(m_mutex);
            const auto it = m_items.find(recordId);
            if (it == m_items.end() || it->second.status.state != QueuedUploadState::blocked ||
                it->second.entry.directory.empty()) {
                return;
            }
            auto& item = it->second;
            item.entry.blocked = false;
            item.entry.error.clear();
            if (!write(item.entry)) {
                return; // stays blocked: its journal entry says so
            }
            item.status.state = QueuedUploadState::waiting;
            item.retryAt = {};
            notify(item.status);
        }
        wake();
    }

    std::vector<QueuedUploadStatus> snapshot() const override {
        const std::lock_guard lock(m_mutex);
        std::vector<const Item*> ordered;
        for (const auto& [id, item] : m_items) {
            ordered.push_back(&item);
        }
        std::sort(ordered.begin(), ordered.end(), [](const Item* a, const Item* b) {
            return std::tie(a->entry.enqueuedUnixMs, a->entry.recordId) <
                   std::tie(b->entry.enqueuedUnixMs, b->entry.recordId);
        });
        std::vector<QueuedUploadStatus> out;
        for (const auto* item : ordered) {
            out.push_back(item->status);
        }
        return out;
    }

    void setListener(net::any_io_executor executor, Listener listener) override {
        const std::lock_guard lock(m_mutex);
        m_listenerExecutor = std::move(executor);
        m_listener = std::move(listener);
    }

private:
    struct Item {
        JournalEntry entry;
        QueuedUploadStatus status;
        std::uint64_t generation = 0; // enqueue() replaced the entry when it changed
        Clock::time_point retryAt{};
    };

    // With m_mutex held.
    ArchiveClientResult<void> write(const JournalEntry& entry) {
        const auto text = encode(entry);
        const auto path = m_config.journalDirectory / (entry.recordId + std::string(kEntrySuffix));
        auto written =
            archive::writeDurably(m_config.journalDirectory, path, archive::asBytes(text));
        if (!written) {
            return journalFailure(written.error().message());
        }
        return {};
    }

    // With m_mutex held.
    ArchiveClientResult<void> erase(const std::string& recordId) {
        const auto path = m_config.journalDirectory / (recordId + std::string(kEntrySuffix));
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
            return journalFailure(path.string() + ": " + std::strerror(errno));
        }
        if (auto synced = archive::fsyncDirectory(m_config.journalDirectory); !synced) {
            return journalFailure(synced.error().message());
        }
        return {};
    }

    // With m_mutex held.
    void notify(const QueuedUploadStatus& status) {
        if (m_listener && m_listenerExecutor) {
            net::post(m_listenerExecutor, [listener = m_listener, status] { listener(status); });
        }
    }

    void wake() {
        net::post(m_strand, [self = shared_from_this()] { self->m_wake.cancel(); });
    }

    // The next entry to send and its generation, or when to look again.
    std::variant<std::pair<std::string, std::uint64_t>, Clock::time_point> next() {
        const std::lock_guard lock(m_mutex);
        const auto now = Clock::now();
        const Item* best = nullptr;
        auto wakeAt = Clock::time_point::max();
        for (const auto& [id, item] : m_items) {
            const auto state = item.status.state;
            if (state == QueuedUploadState::retrying && item.retryAt > now) {
                wakeAt = std::min(wakeAt, item.retryAt);
                continue;
            }
            if (state != QueuedUploadState::waiting && state != QueuedUploadState::retrying) {
                continue;
            }
            if (best == nullptr || std::tie(item.entry.enqueuedUnixMs, item.entry.recordId) <
                                       std::tie(best->entry.enqueuedUnixMs, best->entry.recordId)) {
                best = &item;
            }
        }
        if (best != nullptr) {
            return std::pair(best->entry.recordId, best->generation);
        }
        return wakeAt;
    }

    static net::awaitable<void> run(std::shared_ptr<Queue> self) {
        while (!self->m_stopped) {
            auto chosen = self->next();
            if (const auto* at = std::get_if<Clock::time_point>(&chosen)) {
                self->m_wake.expires_at(*at);
                co_await self->m_wake.async_wait(kNoThrow);
                continue;
            }
            const auto [recordId, generation] = std::get<0>(chosen);
            try {
                co_await self->send(recordId, generation);
            } catch (const std::exception& e) {
                self->settle(recordId, generation,
                             archiveClientFailure(make_error_code(Errc::internal), e.what()), {});
            }
        }
        self->m_running = false;
    }

    net::awaitable<void> send(const std::string& recordId, std::uint64_t generation) {
        JournalEntry entry;
        {
            const std::lock_guard lock(m_mutex);
            auto& item = m_items.at(recordId);
            entry = item.entry;
            item.status.state = QueuedUploadState::uploading;
            ++item.status.attempts;
            notify(item.status);
        }
        auto source = uploadSourceFromDirectory(entry.recordId, entry.directory, entry.consent);
        if (!source) {
            settle(recordId, generation, source.error(), {});
            co_return;
        }
        const auto progress = [self = shared_from_this(), recordId,
                               generation](const UploadProgress& p) {
            const std::lock_guard lock(self->m_mutex);
            auto& item = self->m_items.at(recordId);
            if (item.generation == generation) {
                item.status.progress = p;
                self->notify(item.status);
            }
        };
        auto report = co_await m_client.upload(std::move(*source), progress);
        settle(recordId, generation, report ? std::nullopt : std::optional(report.error()),
               report ? std::optional(report->record) : std::nullopt);
    }

    void settle(const std::string& recordId, std::uint64_t generation,
                std::optional<ArchiveClientFailure> failure, std::optional<RecordSummary> record) {
        const std::lock_guard lock(m_mutex);
        auto& item = m_items.at(recordId);
        if (item.generation != generation) {
            return; // enqueued again meanwhile: the new entry is sent next
        }
        auto& status = item.status;
        if (!failure) {
            // Acknowledged by the service: only now does the entry leave the journal.
            status.state = QueuedUploadState::done;
            status.record = std::move(record);
            status.progress.bytesAcknowledged = status.progress.bytesTotal;
            status.progress.chunksAcknowledged = status.progress.chunksTotal;
            if (auto erased = erase(recordId); !erased) {
                status.lastError = erased.error(); // sent again at the next start: harmless
            }
        } else if (m_stopped || failure->code == ArchiveTransferErrc::cancelled) {
            status.state = QueuedUploadState::waiting;
            status.lastError = failure;
        } else if (failure->transient()) {
            status.state = QueuedUploadState::retrying;
            status.lastError = failure;
            const auto exponent = std::min(status.attempts, 16U) - 1;
            const auto delay = std::min<std::chrono::milliseconds>(
                m_config.initialRetry * (1LL << exponent), m_config.maxRetry);
            item.retryAt = Clock::now() + delay;
        } else {
            status.state = QueuedUploadState::blocked;
            status.lastError = failure;
            item.entry.blocked = true;
            item.entry.error = std::string(archiveErrorKey(failure->code));
            static_cast<void>(write(item.entry)); // if not, blocked again at the next start
        }
        notify(status);
    }

    net::strand<net::any_io_executor> m_strand;
    ArchiveUploadQueueConfig m_config;
    ArchiveClient m_client;
    net::steady_timer m_wake;
    bool m_running = false; // strand only
    bool m_stopped = false; // strand only
    mutable std::mutex m_mutex;
    std::map<std::string, Item> m_items;
    net::any_io_executor m_listenerExecutor;
    Listener m_listener;
};

} // namespace

ArchiveClientResult<std::shared_ptr<ArchiveUploadQueue>>
ArchiveUploadQueue::open(boost::asio::any_io_executor executor, ArchiveUploadQueueConfig config) {
    auto client = ArchiveClient::create(executor, config.client);
    if (!client) {
        return client.error();
    }
    auto queue = std::make_shared<Queue>(executor, std::move(config), std::move(*client));
    if (auto loaded = queue->load(); !loaded) {
        return loaded.error();
    }
    return std::shared_ptr<ArchiveUploadQueue>(std::move(queue));
}

} // namespace tc::protocol
