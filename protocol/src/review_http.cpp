// The review routes on the archive's HTTPS port: see protocol/README.md, "Review routes".
//
// Policy, checked here where the data is served: a doctor or a coordinator certificate (cabins
// and the service's own: forbidden_role); each record through mayReadRecord with the record's
// site from the review index; a record the requester may not read is answered exactly as one
// that does not exist; a coordinator never receives the patient's identity; every answered read
// is sent to the audit sink first, and a read the sink does not take is not served.

// GCC 12 inlines asio's coroutine frame allocation (aligned_alloc) and its release (the frame's
// operator delete, which calls aligned_delete, i.e. free) and then reports them as mismatched:
// a false positive of -Wmismatched-new-delete on the offloaded store calls below. The pragma
// comes before the includes: GCC places the warning in asio's headers.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "archive_http_exchange.hpp"
#include "archive_routes.hpp"
#include "review_rules.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/protocol/audit_log.hpp"
#include "tc/protocol/cpts_map.hpp"
#include "tc/protocol/quarter_period.hpp"
#include "tc/protocol/review_index.hpp"
#include "tc/protocol/review_indicators.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace tc::protocol::detail {
namespace {

std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The one answer for a record that does not exist and for one the requester may not read: the
// same status and the same bytes, so that ids cannot be enumerated.
Refusal unknownRecord() {
    return Refusal{make_error_code(ArchiveErrc::unknownRecord), {}};
}

bool isHidden(const boost::system::error_code& code) {
    return code == ArchiveErrc::unknownRecord || code == ArchiveErrc::notPermitted;
}

// What a review read needs from the store and the index, on the store's threads.
struct Opened {
    ReviewRow row;
    std::optional<ArchiveRecordReader> reader;
};

errors::Outcome<Opened, Refusal> openForReview(const ArchiveStore& store, ReviewIndex& index,
                                               const std::string& recordId,
                                               const Requester& requester) {
    auto row = index.row(recordId);
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return unknownRecord(); // committed without a row yet is invisible here too
    }
    auto reader = store.openRecord(recordId, requester, (*row)->site);
    if (!reader) {
        if (isHidden(reader.error().code)) {
            return unknownRecord();
        }
        return Refusal(reader.error());
    }
    return Opened{std::move(**row), std::move(*reader)};
}

AuditEvent auditEventOf(const Requester& requester, AuditAction action, std::string recordId,
                        nlohmann::json detail) {
    return AuditEvent{nowUnixMs(), requester.role,      requester.rpps,
                      action,      std::move(recordId), detail.dump()};
}

std::optional<Refusal> audited(const AuditSink& sink, const AuditEvent& event) {
    if (const auto error = sink(event)) {
        return Refusal{make_error_code(ReviewErrc::auditFailed), error.message()};
    }
    return std::nullopt;
}

std::string_view queryOf(std::string_view target) {
    const auto at = target.find('?');
    return at == std::string_view::npos ? std::string_view() : target.substr(at + 1);
}

// A trail entry as the route sends it: the requester's own actions, so no hash chain fields.
nlohmann::json trailEntryJson(const AuditEntry& entry) {
    const auto& e = entry.event;
    return {{"sequence", entry.sequence},
            {"at_ms", e.atUnixMs},
            {"action", wireName(e.action)},
            {"record_id", e.recordId},
            {"detail", e.detailJson}};
}

// How long an indicators request waits for a computation slot before it is refused.
constexpr std::chrono::seconds kIndicatorWait{10};

// An indicator slot: released by the work as it ends (before its answer is sent, so that a
// client's next request finds it free), or, if the work never ran, when it is destroyed.
class RunSlot {
public:
    explicit RunSlot(std::shared_ptr<std::atomic<std::size_t>> runs)
        : m_runs(std::move(runs)) {}
    RunSlot(const RunSlot&) = delete;
    RunSlot& operator=(const RunSlot&) = delete;
    ~RunSlot() { release(); }
    void release() {
        if (m_held.exchange(false)) {
            --*m_runs;
        }
    }

private:
    std::shared_ptr<std::atomic<std::size_t>> m_runs;
    std::atomic<bool> m_held{true};
};

} // namespace

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::review(Exchange& exchange) {
    const std::string_view target = exchange.target;
    const auto queryAt = target.find('?');
    const auto path = target.substr(0, queryAt);
    const bool hasQuery = queryAt != std::string_view::npos;
    if (exchange.method != http::verb::get) {
        auto reply =
            Reply::refuse(make_error_code(ArchiveTransferErrc::methodNotAllowed),
                          std::string(http::to_string(exchange.method)) + " " + std::string(path));
        reply.allow = "GET";
        co_return reply;
    }
    if (!m_config.store) {
        co_return Reply::refuse(make_error_code(ArchiveTransferErrc::archiveUnavailable), {});
    }
    if (!exchange.identity) {
        co_return Reply::refuse(exchange.identity.error(), "certificate subject");
    }
    const Identity& identity = *exchange.identity;
    if (identity.role != Role::doctor && identity.role != Role::coordinator) {
        co_return Reply::refuse(make_error_code(Errc::forbiddenRole),
                                "the review routes serve doctors and coordinators only");
    }
    if (!m_config.audit) {
        co_return Reply::refuse(make_error_code(ReviewErrc::auditUnavailable), {});
    }
    if (!m_config.reviewIndex) {
        co_return Reply::refuse(make_error_code(ReviewErrc::reviewUnavailable), {});
    }
    if (exchange.bodyPending) {
        co_return Reply::refuse(make_error_code(ArchiveTransferErrc::malformedRequest),
                                "this route takes no body");
    }
    Requester requester{identity.role, identity.identifier, {}, false};
    if (identity.role == Role::coordinator && m_config.cptsMap) {
        requester.reviewSites = m_config.cptsMap->sitesOf(identity.cpts);
    }
    const auto segments =
        segmentsOf(path.substr(std::min(path.size(), kReviewRoutePrefix.size() + 1)));
    const auto unknown = [&] {
        return Reply::refuse(make_error_code(ArchiveTransferErrc::unknownRoute), std::string(path));
    };
    if (segments.empty() || path.size() <= kReviewRoutePrefix.size()) {
        co_return unknown();
    }
    if (segments.size() == 1 && segments[0] == "scope") {
        if (hasQuery) {
            co_return Reply::refuse(make_error_code(ArchiveTransferErrc::malformedRequest),
                                    "the scope takes no query");
        }
        co_return co_await reviewScope(identity, requester);
    }
    if (segments.size() == 1 && segments[0] == "indicators") {
        co_return co_await reviewIndicators(exchange, requester);
    }
    if (segments.size() == 1 && segments[0] == "trail") {
        co_return co_await reviewTrail(exchange, requester);
    }
    if (segments[0] != "records") {
        co_return unknown();
    }
    if (segments.size() == 1) {
        co_return co_await reviewList(exchange, requester);
    }
    if (hasQuery) {
        co_return Reply::refuse(make_error_code(ArchiveTransferErrc::malformedRequest),
                                "only the list takes a query");
    }
    exchange.route.recordId = std::string(segments[1]);
    if (!isRecordIdSyntax(exchange.route.recordId)) {
        co_return Reply::refuse(make_error_code(ArchiveErrc::invalidRecordId),
                                exchange.route.recordId);
    }
    if (segments.size() == 2) {
        co_return co_await reviewOpen(exchange, requester);
    }
    if (segments.size() >= 4 && segments[2] == "files") {
        // The file's name is the rest of the path, slashes included.
        const auto offset = kReviewRoutePrefix.size() + 1 + segments[0].size() +
                            segments[1].size() + segments[2].size() + 3;
        exchange.route.name = std::string(path.substr(offset));
        co_return co_await reviewFile(exchange, requester);
    }
    co_return unknown();
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::reviewList(Exchange& exchange,
                                                           const Requester& requester) {
    const std::string_view target = exchange.target;
    const auto queryAt = target.find('?');
    nlohmann::json filters;
    auto parsed = parseReviewQuery(queryAt == std::string_view::npos ? std::string_view()
                                                                     : target.substr(queryAt + 1),
                                   filters);
    if (!parsed) {
        co_return Reply::refuse(parsed.error());
    }
    ReviewQuery query = std::move(*parsed);
    if (requester.role == Role::doctor) {
        query.ownerRpps = requester.rpps;
    } else {
        query.consentedSites = requester.reviewSites;
    }
    auto work = [index = m_config.reviewIndex, audit = m_config.audit, query, requester,
                 filters]() -> errors::Outcome<std::string, Refusal> {
        auto rows = index->page(query);
        if (!rows) {
            return rows.error();
        }
        nlohmann::json records = nlohmann::json::array();
        for (const auto& row : *rows) {
            records.push_back(reviewRowJson(row));
        }
        nlohmann::json next = nullptr;
        if (!rows->empty() && rows->size() == query.limit) {
            next = cursorAfter(rows->back());
        }
        if (auto refused = audited(audit, auditEventOf(requester, AuditAction::list, {},
                                                       nlohmann::json{{"filters", filters},
                                                                      {"rows", rows->size()}}))) {
            return *refused;
        }
        return nlohmann::json{{"records", std::move(records)}, {"next", std::move(next)}}.dump();
    };
    auto result = co_await offload(std::move(work));
    co_return Reply::of(std::move(*result));
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::reviewOpen(Exchange& exchange,
                                                           const Requester& requester) {
    auto work = [store = m_config.store, index = m_config.reviewIndex, audit = m_config.audit,
                 id = exchange.route.recordId,
                 requester]() -> errors::Outcome<std::string, Refusal> {
        auto opened = openForReview(*store, *index, id, requester);
        if (!opened) {
            return opened.error();
        }
        nlohmann::json files = nlohmann::json::array();
        for (const auto& file : opened->reader->files()) {
            const auto access = requester.role == Role::coordinator ? coordinatorAccessOf(file.name)
                                                                    : CoordinatorAccess::whole;
            files.push_back({{"name", file.name},
                             {"size", file.size},
                             {"sha256", toHex(file.sha256)},
                             {"access", wireName(access)}});
        }
        if (auto refused = audited(
                audit, auditEventOf(requester, AuditAction::open, id, nlohmann::json::object()))) {
            return *refused;
        }
        return nlohmann::json{{"record", reviewRowJson(opened->row)}, {"files", std::move(files)}}
            .dump();
    };
    auto result = co_await offload(std::move(work));
    co_return Reply::of(std::move(*result));
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::reviewFile(Exchange& exchange,
                                                           const Requester& requester) {
    // Either JSON text to send (pseudonymised) or a cursor to stream (as archived).
    struct Served {
        std::optional<std::string> json;
        std::shared_ptr<ArchiveFileCursor> cursor;
    };
    auto work = [store = m_config.store, index = m_config.reviewIndex, audit = m_config.audit,
                 id = exchange.route.recordId, name = exchange.route.name,
                 requester]() -> errors::Outcome<Served, Refusal> {
        auto opened = openForReview(*store, *index, id, requester);
        if (!opened) {
            return opened.error();
        }
        const auto& reader = *opened->reader;
        auto cursor = reader.openFile(name);
        if (!cursor) {
            return Refusal(cursor.error());
        }
        const auto access = requester.role == Role::coordinator ? coordinatorAccessOf(name)
                                                                : CoordinatorAccess::whole;
        if (access == CoordinatorAccess::refused) {
            return Refusal{make_error_code(ReviewErrc::identityBearing), name};
        }
        Served served;
        if (access == CoordinatorAccess::pseudonymised) {
            auto bytes = reader.read(name);
            auto recordBytes = reader.read("record.json");
            if (!bytes || !recordBytes) {
                return Refusal(!bytes ? bytes.error() : recordBytes.error());
            }
            auto record = prescriptions::parseConsultationRecord(std::string_view(
                reinterpret_cast<const char*>(recordBytes->data()), recordBytes->size()));
            auto document = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
            if (!record || document.is_discarded()) {
                // Not a file the service can vouch for: it does not leave.
                return Refusal{make_error_code(ReviewErrc::identityBearing),
                               name + " cannot be pseudonymised"};
            }
            pseudonymise(document, opened->row.ageBand, opened->row.sex);
            auto text = document.dump();
            // A FHIR Patient resource names the patient outside any "patient" member.
            if (containsAny(text, identityNeedles(record->patient)) ||
                text.find(R"("resourceType":"Patient")") != std::string::npos) {
                return Refusal{make_error_code(ReviewErrc::identityBearing),
                               name + " names the patient outside a patient object"};
            }
            served.json = std::move(text);
        } else {
            served.cursor = std::make_shared<ArchiveFileCursor>(std::move(*cursor));
        }
        const auto action = isMediaFile(name) ? AuditAction::play : AuditAction::open;
        if (auto refused = audited(audit, auditEventOf(requester, action, id, {{"file", name}}))) {
            return *refused;
        }
        return served;
    };
    auto result = co_await offload(std::move(work));
    auto& served = *result;
    if (!served) {
        co_return Reply::refuse(served.error());
    }
    if (served->json) {
        co_return Reply::jsonText(std::move(*served->json));
    }
    co_return co_await streamFile(exchange, std::move(served->cursor));
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::reviewScope(const Identity& identity,
                                                            const Requester& requester) {
    // What the certificate and the CPTS map say: no record is read, so nothing is audited.
    nlohmann::json scope{{"role", toString(identity.role)},
                         {"cpts", nullptr},
                         {"name", nullptr},
                         {"sites", requester.reviewSites}};
    if (identity.role == Role::coordinator) {
        scope["cpts"] = identity.cpts;
        if (m_config.cptsMap) {
            for (const auto& entry : m_config.cptsMap->entries()) {
                if (entry.id == identity.cpts) {
                    scope["name"] = entry.name;
                }
            }
        }
    }
    co_return Reply::json(scope);
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::reviewIndicators(Exchange& exchange,
                                                                 const Requester& requester) {
    if (requester.role != Role::coordinator) {
        co_return Reply::refuse(make_error_code(Errc::forbiddenRole),
                                "the indicators are for CPTS coordinators");
    }
    auto parsed = parseIndicatorsQuery(queryOf(exchange.target));
    if (!parsed) {
        co_return Reply::refuse(parsed.error());
    }
    if (m_config.indicatorsDatabase.empty()) {
        co_return Reply::refuse(make_error_code(ReviewErrc::reviewUnavailable), {});
    }
    std::vector<std::string> sites = requester.reviewSites;
    if (parsed->site) {
        if (std::find(sites.begin(), sites.end(), *parsed->site) == sites.end()) {
            co_return Reply::refuse(make_error_code(ReviewErrc::siteNotCovered), *parsed->site);
        }
        sites = {*parsed->site};
    }
    // One slot per computation. A request that finds them taken waits its turn for a while (a
    // coordinator's second click, the screen and the export at once), polling rather than
    // queueing CPU work; still taken after kIndicatorWait, it is refused, to be retried.
    const auto waitUntil = std::chrono::steady_clock::now() + kIndicatorWait;
    while (++*m_indicatorRuns > std::max<std::size_t>(1, m_config.maxIndicatorRuns)) {
        --*m_indicatorRuns;
        if (std::chrono::steady_clock::now() >= waitUntil) {
            co_return Reply::refuse(make_error_code(ArchiveTransferErrc::serviceBusy),
                                    "indicators are being computed; retry shortly");
        }
        net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(20));
        co_await pause.async_wait(net::use_awaitable);
    }
    auto work = [database = m_config.indicatorsDatabase, zoneFile = m_config.timeZoneFile,
                 audit = m_config.audit, requester, sites, request = *parsed,
                 slot = std::make_shared<RunSlot>(
                     m_indicatorRuns)]() -> errors::Outcome<std::string, Refusal> {
        const struct Release {
            RunSlot& held;
            ~Release() { held.release(); }
        } released{*slot};
        auto zone = ZoneRules::load(zoneFile);
        if (!zone) {
            return Refusal{make_error_code(ReviewErrc::indicatorsFailed),
                           "time zone " + zoneFile.string() + ": " + zone.error().message()};
        }
        const auto period = quarterPeriod(request.quarter, *zone);
        auto indicators = computeIndicators(database, period, sites);
        if (!indicators) {
            return Refusal{make_error_code(ReviewErrc::indicatorsFailed),
                           indicators.error().message()};
        }
        const auto action = request.csv ? AuditAction::export_ : AuditAction::indicators;
        nlohmann::json detail{{"quarter", period.label}, {"sites", sites}};
        if (request.csv) {
            detail["format"] = "csv";
        }
        if (auto refused = audited(audit, auditEventOf(requester, action, {}, detail))) {
            return *refused;
        }
        return request.csv ? toCsv(*indicators) : toJson(*indicators).dump();
    };
    const bool csv = parsed->csv;
    auto result = co_await offload(std::move(work));
    auto reply = Reply::of(std::move(*result));
    if (csv && reply.status == 200) {
        reply.contentType = "text/csv; charset=utf-8";
    }
    co_return reply;
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::reviewTrail(Exchange& exchange,
                                                            const Requester& requester) {
    auto parsed = parseTrailQuery(queryOf(exchange.target));
    if (!parsed) {
        co_return Reply::refuse(parsed.error());
    }
    if (!m_config.auditLog) {
        co_return Reply::refuse(make_error_code(ReviewErrc::auditUnavailable),
                                "this service cannot read its audit trail back");
    }
    // Reading one's own trail is not audited: an entry per look would fill the very trail
    // shown (each refresh adding a line), and it discloses no record, only what the requester
    // did.
    auto work = [log = m_config.auditLog, actor = requester.rpps,
                 request = *parsed]() -> errors::Outcome<std::string, Refusal> {
        auto page = log->byActorNewestFirst(actor, request.before, request.limit);
        if (!page) {
            return Refusal{make_error_code(ReviewErrc::auditFailed), page.error().message()};
        }
        nlohmann::json entries = nlohmann::json::array();
        for (const auto& entry : page->entries) {
            entries.push_back(trailEntryJson(entry));
        }
        return nlohmann::json{{"entries", std::move(entries)},
                              {"next", page->next ? nlohmann::json(*page->next) : nullptr}}
            .dump();
    };
    auto result = co_await offload(std::move(work));
    co_return Reply::of(std::move(*result));
}

} // namespace tc::protocol::detail
