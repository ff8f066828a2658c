#include "cluster_log.hpp"

#include "cluster_schema.hpp"
#include "pg_connection.hpp"
#include "random_id.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <poll.h>
#include <thread>
#include <unistd.h>

namespace tc::protocol::detail {
namespace {

// Held by each command insert until its commit: seq order is commit order.
constexpr const char* kLogLock = "SELECT pg_advisory_xact_lock(5117346212)";
constexpr std::size_t kMaxBatch = 500;
constexpr int kFetchLimit = 2000;
constexpr std::chrono::milliseconds kReconnectMin{100};
constexpr std::chrono::milliseconds kReconnectMax{2000};
// The reader also looks at the table this often, whatever NOTIFY says.
constexpr int kReaderPollMs = 1000;

using Clock = std::chrono::steady_clock;

std::string hostName() {
    char name[256] = {};
    return gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("unknown");
}

std::optional<std::string> optionalNumber(const std::optional<std::int64_t>& value) {
    return value ? std::optional<std::string>(std::to_string(*value)) : std::nullopt;
}

} // namespace

struct ClusterLog::Impl {
    ClusterLogConfig config;
    Callbacks callbacks;
    std::atomic<std::int64_t> node{0};
    // When the writer last beat (steady clock, ns): the service's watchdog reads it.
    std::atomic<std::int64_t> lastBeatNs{Clock::now().time_since_epoch().count()};

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<ClusterCommand> pendingCommands;
    std::vector<SequencedEvent> pendingEvents;
    bool stopping = false;

    std::optional<PgConnection> writer; // the writer thread's
    std::mutex lookupMutex;
    std::optional<PgConnection> lookup; // claimingDoctor's
    std::thread writerThread;
    std::thread readerThread;
    std::int64_t readerStartsAfter = 0;

    void log(const std::string& line) const {
        if (config.log) {
            config.log("cluster: " + line);
        }
    }

    bool stopped() {
        const std::lock_guard lock(mutex);
        return stopping;
    }

    // Sleeps `delay` unless stopping; false when stopping.
    bool pause(std::chrono::milliseconds delay) {
        std::unique_lock lock(mutex);
        return !wake.wait_for(lock, delay, [&] { return stopping; });
    }

    std::optional<PgConnection> connect() {
        std::string why;
        // A partitioned server must not hold a statement for TCP's retransmission minutes
        // (tcp_user_timeout), and a transaction this node left open must not hold the log's
        // lock for the others (idle_in_transaction_session_timeout, on the server's side).
        const auto bound = std::max<std::int64_t>(500, config.nodeLossTimeout.count() / 4);
        const std::string url =
            config.url + (config.url.find('?') == std::string::npos ? "?" : "&") +
            "tcp_user_timeout=" + std::to_string(bound) +
            "&options=-c%20idle_in_transaction_session_timeout%3D" + std::to_string(bound) +
            "%20-c%20statement_timeout%3D" + std::to_string(config.nodeLossTimeout.count());
        auto connection = PgConnection::open(url, why);
        if (!connection) {
            log("database unreachable: " + why);
            return std::nullopt;
        }
        return std::move(*connection);
    }

    // Registers a node row; `previous`, when not 0, is declared lost in the same transaction
    // (this process served under it until it was fenced).
    Result<std::int64_t> registerNode(PgConnection& db, std::int64_t previous) {
        if (!db.script("BEGIN")) {
            return make_error_code(ClusterErrc::unreachable);
        }
        // Registrations one at a time, so that two nodes started together with different
        // settings cannot both pass the check.
        const auto others = db.exec(
            "SELECT pg_advisory_xact_lock(5117346214), (SELECT string_agg(node_id::text || ' on "
            "' || host, ', ') FROM nodes WHERE NOT lost AND settings <> $1 AND seen_at > now() - "
            "$2 * interval '1 millisecond')",
            {config.settings, std::to_string(config.nodeLossTimeout.count())});
        if (!others) {
            static_cast<void>(db.script("ROLLBACK"));
            return make_error_code(ClusterErrc::queryFailed);
        }
        if (!others->isNull(0, 1)) {
            log("refused: node " + std::string(others->text(0, 1)) +
                " runs with other settings; this node's: " + config.settings);
            static_cast<void>(db.script("ROLLBACK"));
            return make_error_code(ClusterErrc::settingsMismatch);
        }
        auto inserted =
            db.exec("INSERT INTO nodes (host, pid, settings) VALUES ($1, $2, $3) RETURNING node_id",
                    {hostName(), std::to_string(getpid()), config.settings});
        if (!inserted || inserted->rows() != 1) {
            static_cast<void>(db.script("ROLLBACK"));
            return make_error_code(ClusterErrc::queryFailed);
        }
        if (previous != 0 && !declareLost(db, previous)) {
            static_cast<void>(db.script("ROLLBACK"));
            return make_error_code(ClusterErrc::queryFailed);
        }
        if (!db.script("COMMIT")) {
            return make_error_code(ClusterErrc::unreachable);
        }
        return inserted->integer(0, 0);
    }

    // Marks `lost` lost and logs its node_lost command, once. Inside a transaction.
    Result<void> declareLost(PgConnection& db, std::int64_t lost) {
        const auto marked =
            db.exec("UPDATE nodes SET lost = true WHERE node_id = $1 AND NOT lost RETURNING 1",
                    {std::to_string(lost)});
        if (!marked) {
            return marked.error();
        }
        if (marked->rows() == 0) {
            return {};
        }
        log("node " + std::to_string(lost) + " declared lost");
        std::deque<ClusterCommand> one{ClusterCommand{.id = randomHex(16),
                                                      .node = node.load(),
                                                      .seed = randomHex(32),
                                                      .kind = "node_lost",
                                                      .body = std::to_string(lost)}};
        return insertCommands(db, one, one.size());
    }

    // Inserts the first `count` commands of `batch` in their order, inside a transaction.
    Result<void> insertCommands(PgConnection& db, const std::deque<ClusterCommand>& batch,
                                std::size_t count) {
        if (!db.exec(kLogLock)) {
            return make_error_code(ClusterErrc::unreachable);
        }
        // One time for the batch: the database's clock, never below the log's last.
        std::string sql =
            "INSERT INTO commands (command_id, node_id, at_ms, seed, kind, connection, body) "
            "SELECT v.id, v.node::bigint, t.at_ms, v.seed, v.kind, v.connection::bigint, v.body "
            "FROM (SELECT GREATEST((extract(epoch FROM clock_timestamp()) * 1000)::bigint, "
            "COALESCE((SELECT at_ms FROM commands ORDER BY seq DESC LIMIT 1), 0)) AS at_ms) t, "
            "(VALUES ";
        PgParams params;
        params.reserve(count * 6);
        for (std::size_t i = 0; i < count; ++i) {
            const auto& c = batch[i];
            const auto base = i * 6;
            sql += (i == 0 ? "(" : ",(") + std::to_string(i);
            for (std::size_t p = 1; p <= 6; ++p) {
                sql += ",$" + std::to_string(base + p);
            }
            sql += ")";
            params.emplace_back(c.id);
            params.emplace_back(std::to_string(c.node));
            params.emplace_back(c.seed);
            params.emplace_back(c.kind);
            params.emplace_back(std::to_string(static_cast<std::int64_t>(c.connection)));
            params.emplace_back(c.body);
        }
        // Rows are numbered in the order the sorted SELECT yields them: the batch's order.
        sql += ") AS v(ord, id, node, seed, kind, connection, body) ORDER BY v.ord "
               "ON CONFLICT (command_id) DO NOTHING";
        if (!db.exec(sql, params) || !db.exec("NOTIFY tc_commands")) {
            return make_error_code(ClusterErrc::queryFailed);
        }
        return {};
    }

    Result<void> insertEvents(PgConnection& db, const std::vector<SequencedEvent>& events) {
        constexpr std::size_t kColumns = 11;
        constexpr std::size_t kRows = 400;
        for (std::size_t start = 0; start < events.size(); start += kRows) {
            const auto end = std::min(events.size(), start + kRows);
            std::string sql = "INSERT INTO events (sequence, at_unix_ms, kind, visit_id, "
                              "session_id, site_code, doctor_rpps, reason, wait_ms, "
                              "duration_ms, detail) VALUES ";
            PgParams params;
            params.reserve((end - start) * kColumns);
            for (std::size_t i = start; i < end; ++i) {
                const auto base = (i - start) * kColumns;
                sql += (i == start ? "(" : ",(");
                for (std::size_t p = 1; p <= kColumns; ++p) {
                    sql += "$" + std::to_string(base + p) + (p == kColumns ? ")" : ",");
                }
                const auto& e = events[i].event;
                params.emplace_back(std::to_string(events[i].sequence));
                params.emplace_back(std::to_string(e.atUnixMs));
                params.emplace_back(e.kind);
                params.emplace_back(e.visitId);
                params.emplace_back(e.sessionId);
                params.emplace_back(e.siteCode);
                params.emplace_back(e.doctorRpps);
                params.emplace_back(e.reason);
                params.emplace_back(optionalNumber(e.waitMs));
                params.emplace_back(optionalNumber(e.durationMs));
                params.emplace_back(e.detailJson.empty() ? std::string("{}") : e.detailJson);
            }
            sql += " ON CONFLICT (sequence) DO NOTHING";
            if (!db.exec(sql, params)) {
                return make_error_code(ClusterErrc::queryFailed);
            }
        }
        return {};
    }

    // Beats; declares the nodes whose beat is too old lost. False: this node itself has been
    // declared lost.
    Result<bool> heartbeat(PgConnection& db, bool mayJudgeOthers) {
        const auto self = std::to_string(node.load());
        const auto beat = db.exec(
            "UPDATE nodes SET seen_at = now() WHERE node_id = $1 AND NOT lost RETURNING 1", {self});
        if (!beat) {
            return Result<bool>(boost::system::in_place_error, beat.error());
        }
        if (beat->rows() == 0) {
            return false;
        }
        if (!mayJudgeOthers) {
            return true;
        }
        const auto stale =
            db.exec("SELECT node_id FROM nodes WHERE NOT lost AND node_id <> $1 AND "
                    "seen_at < now() - make_interval(secs => $2::double precision / 1000)",
                    {self, std::to_string(config.nodeLossTimeout.count())});
        if (!stale) {
            return Result<bool>(boost::system::in_place_error, stale.error());
        }
        for (int row = 0; row < stale->rows(); ++row) {
            if (!db.script("BEGIN")) {
                return Result<bool>(boost::system::in_place_error,
                                    make_error_code(ClusterErrc::unreachable));
            }
            if (const auto declared = declareLost(db, stale->integer(row, 0)); !declared) {
                static_cast<void>(db.script("ROLLBACK"));
                return Result<bool>(boost::system::in_place_error, declared.error());
            }
            if (!db.script("COMMIT")) {
                return Result<bool>(boost::system::in_place_error,
                                    make_error_code(ClusterErrc::unreachable));
            }
        }
        return true;
    }

    // A node stopping in order: what its connections' ends logged is written, and the node
    // declares itself lost, so that the others need not wait for the loss timeout. Bounded
    // by the connection's statement and TCP timeouts.
    void leave() {
        if (!writer || !writer->healthy()) {
            return;
        }
        std::deque<ClusterCommand> rest;
        {
            const std::lock_guard lock(mutex);
            rest.swap(pendingCommands);
        }
        while (!rest.empty()) {
            const auto count = std::min(rest.size(), kMaxBatch);
            if (!writer->script("BEGIN") || !insertCommands(*writer, rest, count) ||
                !writer->script("COMMIT")) {
                return;
            }
            rest.erase(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(count));
        }
        if (writer->script("BEGIN") && declareLost(*writer, node.load()) &&
            writer->script("COMMIT")) {
            log("node " + std::to_string(node.load()) + " left the cluster");
        }
    }

    void writerLoop() {
        auto lastBeat = Clock::now();
        const auto beaten = [&] {
            lastBeat = Clock::now();
            lastBeatNs = lastBeat.time_since_epoch().count();
        };
        auto connectedSince = Clock::now();
        bool fenced = false;
        auto backoff = kReconnectMin;
        while (!stopped()) {
            if (!writer || !writer->healthy()) {
                writer.reset();
                if (!fenced && Clock::now() - lastBeat > config.nodeLossTimeout / 2) {
                    fenced = true;
                    log("database out of reach for " +
                        std::to_string(config.nodeLossTimeout.count() / 2) +
                        " ms: this node stops serving");
                    callbacks.fenced();
                }
                writer = connect();
                if (!writer) {
                    if (!pause(backoff)) {
                        return;
                    }
                    backoff = std::min(backoff * 2, kReconnectMax);
                    continue;
                }
                backoff = kReconnectMin;
                connectedSince = Clock::now();
                // The service's watchdog fences on the same clock (sinceLastBeat).
                if (!fenced && Clock::now() - lastBeat > config.nodeLossTimeout / 2) {
                    fenced = true;
                    callbacks.fenced();
                }
                if (fenced) {
                    const auto previous = node.load();
                    const auto registered = registerNode(*writer, previous);
                    if (!registered) {
                        log("cannot register again: " + writer->lastError());
                        writer.reset();
                        continue;
                    }
                    node = *registered;
                    fenced = false;
                    beaten();
                    log("serving again as node " + std::to_string(*registered));
                    callbacks.rejoined(*registered);
                }
            }
            const auto silent = [&] {
                return Clock::now() - lastBeat > config.nodeLossTimeout / 2;
            };
            if (!fenced && silent()) {
                // Too long without a beat, wherever the time went (a slow statement, a lock):
                // the watchdog has fenced or is about to; register again.
                fenced = true;
                callbacks.fenced();
                writer.reset();
                continue;
            }
            if (!fenced && Clock::now() - lastBeat >= config.heartbeat) {
                // Only a node that has itself been connected for a whole loss timeout judges
                // the others: after the database's own restart, everyone's beat is old.
                const auto beat =
                    heartbeat(*writer, Clock::now() - connectedSince > config.nodeLossTimeout);
                if (!beat) {
                    log("heartbeat failed: " + writer->lastError());
                    writer.reset();
                    continue;
                }
                if (!*beat) {
                    log("the other nodes declared this node lost: it stops serving");
                    fenced = true;
                    callbacks.fenced();
                    writer.reset(); // registers again on the next turn
                    continue;
                }
                if (silent()) {
                    continue; // the beat came too late: fenced above on the next turn
                }
                beaten();
            }
            std::deque<ClusterCommand> batch;
            std::vector<SequencedEvent> events;
            {
                std::unique_lock lock(mutex);
                wake.wait_for(lock, config.heartbeat / 2, [&] {
                    return stopping || !pendingCommands.empty() || !pendingEvents.empty();
                });
                if (stopping) {
                    lock.unlock();
                    leave();
                    return;
                }
                const auto count = std::min(pendingCommands.size(), kMaxBatch);
                batch.assign(pendingCommands.begin(),
                             pendingCommands.begin() + static_cast<std::ptrdiff_t>(count));
                events.swap(pendingEvents);
            }
            if (!batch.empty()) {
                const bool written = writer->script("BEGIN") &&
                                     insertCommands(*writer, batch, batch.size()) &&
                                     writer->script("COMMIT");
                if (!written) {
                    log("writing commands failed (retried): " + writer->lastError());
                    static_cast<void>(writer->script("ROLLBACK"));
                    requeueEvents(std::move(events));
                    writer.reset();
                    continue;
                }
                const std::lock_guard lock(mutex);
                pendingCommands.erase(pendingCommands.begin(),
                                      pendingCommands.begin() +
                                          static_cast<std::ptrdiff_t>(batch.size()));
            }
            if (!events.empty() && !insertEvents(*writer, events)) {
                log("writing events failed (retried): " + writer->lastError());
                requeueEvents(std::move(events));
                writer.reset();
            }
        }
    }

    void requeueEvents(std::vector<SequencedEvent> events) {
        const std::lock_guard lock(mutex);
        events.insert(events.end(), std::make_move_iterator(pendingEvents.begin()),
                      std::make_move_iterator(pendingEvents.end()));
        pendingEvents = std::move(events);
    }

    void readerLoop() {
        std::int64_t last = readerStartsAfter;
        std::optional<PgConnection> db;
        auto backoff = kReconnectMin;
        while (!stopped()) {
            if (!db || !db->healthy()) {
                db = connect();
                if (!db || !db->script("LISTEN tc_commands")) {
                    db.reset();
                    if (!pause(backoff)) {
                        return;
                    }
                    backoff = std::min(backoff * 2, kReconnectMax);
                    continue;
                }
                backoff = kReconnectMin;
                // Whatever was logged while this node was not listening is read now, below.
            }
            const auto rows =
                db->exec("SELECT seq, command_id, node_id, at_ms, seed, kind, connection, body "
                         "FROM commands WHERE seq > $1 ORDER BY seq LIMIT " +
                             std::to_string(kFetchLimit),
                         {std::to_string(last)});
            if (!rows) {
                log("reading the log failed: " + db->lastError());
                db.reset();
                continue;
            }
            if (rows->rows() > 0) {
                std::vector<ClusterCommand> commands;
                commands.reserve(static_cast<std::size_t>(rows->rows()));
                for (int r = 0; r < rows->rows(); ++r) {
                    commands.push_back(
                        ClusterCommand{rows->integer(r, 0), std::string(rows->text(r, 1)),
                                       rows->integer(r, 2), rows->integer(r, 3),
                                       std::string(rows->text(r, 4)), std::string(rows->text(r, 5)),
                                       static_cast<std::uint64_t>(rows->integer(r, 6)),
                                       std::string(rows->text(r, 7))});
                }
                last = commands.back().seq;
                callbacks.commands(std::move(commands));
                if (rows->rows() == kFetchLimit) {
                    continue;
                }
            }
            // Wait for a NOTIFY (or look again after a while).
            pollfd fd{db->socket(), POLLIN, 0};
            const int ready = ::poll(&fd, 1, kReaderPollMs);
            if (ready < 0 && errno != EINTR) {
                db.reset();
                continue;
            }
            if (!db->takeNotifications()) {
                db.reset();
            }
        }
    }
};

ClusterLog::ClusterLog(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

ClusterLog::~ClusterLog() {
    stop();
}

Result<std::unique_ptr<ClusterLog>> ClusterLog::open(ClusterLogConfig config, Callbacks callbacks) {
    auto impl = std::make_unique<Impl>();
    impl->config = std::move(config);
    impl->callbacks = std::move(callbacks);
    std::string why;
    auto db = PgConnection::open(impl->config.url, why);
    if (!db) {
        impl->log("cannot connect: " + why);
        return db.error();
    }
    if (auto migrated = migrateClusterSchema(*db, why); !migrated) {
        impl->log("schema: " + why);
        return migrated.error();
    }
    const auto registered = impl->registerNode(*db, 0);
    if (!registered) {
        impl->log("cannot register the node: " + db->lastError());
        return registered.error();
    }
    impl->node = *registered;
    impl->writer = std::move(*db);
    impl->writerThread = std::thread([raw = impl.get()] { raw->writerLoop(); });
    impl->readerThread = std::thread([raw = impl.get()] { raw->readerLoop(); });
    return std::unique_ptr<ClusterLog>(new ClusterLog(std::move(impl)));
}

std::int64_t ClusterLog::node() const noexcept {
    return m_impl->node.load();
}

std::chrono::milliseconds ClusterLog::nodeLossTimeout() const noexcept {
    return m_impl->config.nodeLossTimeout;
}

std::chrono::steady_clock::duration ClusterLog::sinceLastBeat() const noexcept {
    return std::chrono::steady_clock::now() -
           std::chrono::steady_clock::time_point(
               std::chrono::steady_clock::duration(m_impl->lastBeatNs.load()));
}

void ClusterLog::submit(std::string kind, std::uint64_t connection, std::string body) {
    {
        const std::lock_guard lock(m_impl->mutex);
        m_impl->pendingCommands.push_back(ClusterCommand{.id = randomHex(16),
                                                         .node = m_impl->node.load(),
                                                         .seed = randomHex(32),
                                                         .kind = std::move(kind),
                                                         .connection = connection,
                                                         .body = std::move(body)});
    }
    m_impl->wake.notify_all();
}

void ClusterLog::writeEvents(std::vector<SequencedEvent> events) {
    if (events.empty()) {
        return;
    }
    {
        const std::lock_guard lock(m_impl->mutex);
        m_impl->pendingEvents.insert(m_impl->pendingEvents.end(),
                                     std::make_move_iterator(events.begin()),
                                     std::make_move_iterator(events.end()));
    }
    m_impl->wake.notify_all();
}

Result<std::optional<std::string>> ClusterLog::claimingDoctor(const std::string& sessionId) {
    const std::lock_guard lock(m_impl->lookupMutex);
    if (!m_impl->lookup || !m_impl->lookup->healthy()) {
        m_impl->lookup = m_impl->connect();
        if (!m_impl->lookup) {
            return make_error_code(ClusterErrc::unreachable);
        }
    }
    const auto rows = m_impl->lookup->exec(
        "SELECT doctor_rpps FROM events WHERE session_id = $1 AND kind = 'claim' LIMIT 1",
        {sessionId});
    if (!rows) {
        return rows.error();
    }
    if (rows->rows() == 0) {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(std::string(rows->text(0, 0)));
}

void ClusterLog::stop() {
    {
        const std::lock_guard lock(m_impl->mutex);
        m_impl->stopping = true;
    }
    m_impl->wake.notify_all();
    if (m_impl->writerThread.joinable()) {
        m_impl->writerThread.join();
    }
    if (m_impl->readerThread.joinable()) {
        m_impl->readerThread.join();
    }
}

} // namespace tc::protocol::detail
