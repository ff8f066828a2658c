// The archive's HTTPS routes on the rendezvous service's port: see archive_http.hpp and
// protocol/README.md, "Archive transfer".

#include "archive_http.hpp"

#include "archive_http_exchange.hpp"
#include "archive_routes.hpp"
#include "tc/protocol/review_index.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>

namespace tc::protocol::detail {
namespace {

http::verb methodOf(RouteKind kind) {
    switch (kind) {
    case RouteKind::upload:
    case RouteKind::commit:
        return http::verb::post;
    case RouteKind::chunk:
        return http::verb::put;
    default:
        return http::verb::get;
    }
}

bool doctorsOnly(RouteKind kind) {
    return kind != RouteKind::files && kind != RouteKind::file;
}

Refusal refusalOf(const ParseError& error) {
    return Refusal{error.code, error.detail};
}

} // namespace

ArchiveHttp::ArchiveHttp(ArchiveServiceConfig config, SessionCheck hadSession,
                         std::function<void(const std::string&)> log,
                         BrowserTokenIssuer browserTokens)
    : m_config(std::move(config))
    , m_hadSession(std::move(hadSession))
    , m_browserTokens(std::move(browserTokens))
    , m_log(std::move(log))
    , m_pool(std::max<std::size_t>(1, m_config.storeThreads)) {
    if (m_config.store) {
        m_limits.store = m_config.store->limits();
    }
    m_limits.maxManifestBytes = m_config.maxManifestBytes;
    m_drainLimit = std::max<std::uint64_t>(4ULL * m_limits.store.maxChunkBytes, 1024 * 1024);
    if (m_config.store && m_config.reviewIndex) {
        // Records committed while indexing failed (or before the index existed) get their row
        // now, off the service's thread.
        net::post(m_pool, [store = m_config.store, index = m_config.reviewIndex, log = m_log] {
            const auto indexed = indexMissingRecords(*store, *index, log);
            if (indexed > 0 && log) {
                log("review index: " + std::to_string(indexed) + " records indexed at start");
            }
        });
    }
}

ArchiveHttp::~ArchiveHttp() {
    m_pool.join();
}

void ArchiveHttp::log(const std::string& line) const {
    if (m_log) {
        m_log(line);
    }
}

void ArchiveHttp::addTo(ServiceStats& stats) const {
    stats.archiveRequests = m_requests.load();
    stats.archiveRefusals = m_refusals.load();
    stats.archiveChunksStored = m_chunksStored.load();
    stats.archiveChunksAlreadyStored = m_chunksAlreadyStored.load();
    stats.archiveCommits = m_commits.load();
    stats.archiveConnectionsOpen = m_open.load();
}

net::awaitable<std::optional<ArchiveResult<MediaPurgeReport>>>
ArchiveHttp::purgeMedia(std::int64_t committedBeforeUnixMs, AuditSink audit) {
    if (!m_config.store) {
        co_return std::nullopt;
    }
    auto work = [store = m_config.store, committedBeforeUnixMs, audit = std::move(audit)] {
        return store->purgeMedia(committedBeforeUnixMs, audit);
    };
    co_return co_await offload(std::move(work));
}

net::awaitable<void> ArchiveHttp::serve(HttpTlsStream& stream, beast::flat_buffer& buffer,
                                        RequestHeaderParser& first,
                                        const Result<Identity>& identity) {
    auto& socket = beast::get_lowest_layer(stream);
    if (m_open >= m_config.maxConnections) {
        ++m_refusals;
        http::response<http::string_body> busy{http::status::service_unavailable,
                                               first.get().version()};
        busy.set(http::field::content_type, "application/json");
        busy.set(http::field::retry_after, "5");
        busy.body() =
            toJson(ArchiveErrorBody{"service_busy",
                                    make_error_code(ArchiveTransferErrc::serviceBusy).message(),
                                    std::nullopt})
                .dump();
        busy.keep_alive(false);
        busy.prepare_payload();
        socket.expires_after(m_config.transferTimeout);
        co_await http::async_write(stream, busy, kNoThrow);
        co_return;
    }
    ++m_open;
    struct Open {
        std::atomic<std::size_t>& open;
        ~Open() { --open; }
    } const counted{m_open};
    std::optional<RequestHeaderParser> next;
    RequestHeaderParser* header = &first;
    while (co_await handle(stream, buffer, *header, identity)) {
        next.emplace();
        next->header_limit(kMaxArchiveHeaderBytes);
        next->body_limit(boost::none); // each route bounds its own body
        socket.expires_after(m_config.idleTimeout);
        auto [ec, n] = co_await http::async_read_header(stream, buffer, *next, kNoThrow);
        static_cast<void>(n);
        if (ec) {
            co_return; // closed by the client, idle, or a header beyond the limit: dropped
        }
        header = &*next;
    }
}

net::awaitable<bool> ArchiveHttp::handle(HttpTlsStream& stream, beast::flat_buffer& buffer,
                                         RequestHeaderParser& header,
                                         const Result<Identity>& identity) {
    ++m_requests;
    const auto& request = header.get();
    Exchange exchange{stream,   buffer,           header,
                      identity, request.method(), std::string(request.target())};
    exchange.version = request.version();
    exchange.keepAlive = request.keep_alive();
    exchange.expectContinue = beast::iequals(request[http::field::expect], "100-continue");
    exchange.bodyPending = !header.is_done();
    Reply reply;
    bool failed = false;
    try {
        reply = co_await route(exchange);
    } catch (const std::exception& e) {
        failed = true;
        log("archive: " + exchange.target + " failed: " + e.what());
    }
    if (failed) {
        reply = Reply::refuse(make_error_code(Errc::internal), "the service failed");
        reply.closeAfter = true;
    }
    if (reply.dropped) {
        co_return false;
    }
    if (reply.streamed) {
        co_return exchange.keepAlive;
    }
    if (exchange.bodyPending) {
        // A refusal before the body was read: the client is still sending it. Read it away
        // (bounded) so that it reads this answer rather than a reset, and the connection goes on.
        co_await drain(exchange);
    }
    if (reply.status >= 400) {
        ++m_refusals;
        const auto who = identity
                             ? std::string(toString(identity->role)) + " " + identity->identifier
                             : std::string("an invalid identity");
        log("archive: " + who + " " + std::string(http::to_string(exchange.method)) + " " +
            exchange.target + " refused: " + std::to_string(reply.status) + " " + reply.key);
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                               exchange.version};
    response.set(http::field::content_type,
                 reply.contentType.empty() ? "application/json" : reply.contentType);
    response.set(http::field::cache_control, "no-store");
    if (!reply.allow.empty()) {
        response.set(http::field::allow, reply.allow);
    }
    response.keep_alive(exchange.keepAlive && !reply.closeAfter && !exchange.bodyPending);
    response.body() = std::move(reply.body);
    response.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(m_config.transferTimeout);
    auto [ec, n] = co_await http::async_write(stream, response, kNoThrow);
    static_cast<void>(n);
    co_return !ec && response.keep_alive();
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::route(Exchange& exchange) {
    if (isBrowserTokenTarget(exchange.target)) {
        co_return co_await browserToken(exchange);
    }
    if (isReviewTarget(exchange.target)) {
        co_return co_await review(exchange);
    }
    auto matched = matchTarget(exchange.target);
    if (!matched) {
        co_return Reply::refuse(matched.error());
    }
    exchange.route = std::move(*matched);
    const auto expected = methodOf(exchange.route.kind);
    if (exchange.method != expected) {
        auto reply =
            Reply::refuse(make_error_code(ArchiveTransferErrc::methodNotAllowed),
                          std::string(http::to_string(exchange.method)) + " " + exchange.target);
        reply.allow = std::string(http::to_string(expected));
        co_return reply;
    }
    if (!m_config.store) {
        co_return Reply::refuse(make_error_code(ArchiveTransferErrc::archiveUnavailable), {});
    }
    if (!exchange.identity) {
        co_return Reply::refuse(exchange.identity.error(), "certificate subject");
    }
    const Identity& identity = *exchange.identity;
    if (doctorsOnly(exchange.route.kind) && identity.role != Role::doctor) {
        co_return Reply::refuse(make_error_code(Errc::forbiddenRole),
                                "the archive takes uploads and listings from doctors only");
    }
    const auto kind = exchange.route.kind;
    if (kind != RouteKind::upload && kind != RouteKind::chunk && exchange.bodyPending) {
        co_return Reply::refuse(make_error_code(ArchiveTransferErrc::malformedRequest),
                                "this route takes no body");
    }
    switch (kind) {
    case RouteKind::limits:
        co_return Reply::json(toJson(m_limits));
    case RouteKind::records:
        co_return co_await list(exchange);
    case RouteKind::upload:
        co_return co_await begin(exchange);
    case RouteKind::chunk:
        co_return co_await putChunk(exchange);
    case RouteKind::commit:
        co_return co_await commit(exchange);
    case RouteKind::files:
        co_return co_await files(exchange);
    case RouteKind::file:
        co_return co_await file(exchange);
    }
    co_return Reply::refuse(make_error_code(ArchiveTransferErrc::unknownRoute), exchange.target);
}

net::awaitable<void> ArchiveHttp::drain(Exchange& exchange) {
    const auto length = exchange.header.content_length();
    // A client waiting for "100 Continue" sends no body after a refusal; a body beyond the
    // limit is not worth reading. Both are answered with "Connection: close".
    if (exchange.headerTaken || exchange.expectContinue || (length && *length > m_drainLimit)) {
        co_return;
    }
    http::request_parser<http::buffer_body> parser(std::move(exchange.header));
    exchange.headerTaken = true;
    parser.body_limit(m_drainLimit);
    std::vector<char> scratch(64 * 1024);
    beast::get_lowest_layer(exchange.stream).expires_after(m_config.transferTimeout);
    while (!parser.is_done()) {
        parser.get().body().data = scratch.data();
        parser.get().body().size = scratch.size();
        auto [ec, n] =
            co_await http::async_read(exchange.stream, exchange.buffer, parser, kNoThrow);
        static_cast<void>(n);
        if (ec && ec != http::error::need_buffer) {
            co_return;
        }
    }
    exchange.bodyPending = false;
}

template <class Body>
net::awaitable<std::optional<ArchiveHttp::Reply>>
ArchiveHttp::readBody(Exchange& exchange, std::uint64_t limit, typename Body::value_type& out) {
    const auto tooLarge = exchange.route.kind == RouteKind::chunk
                              ? make_error_code(ArchiveErrc::chunkTooLarge)
                              : make_error_code(ArchiveTransferErrc::requestTooLarge);
    const auto length = exchange.header.content_length();
    if (length && *length > limit) {
        // Refused from its header, before a byte of the body is read (handle() drains it).
        co_return Reply::refuse(tooLarge, std::to_string(*length) + " bytes, at most " +
                                              std::to_string(limit));
    }
    if (!exchange.bodyPending) {
        co_return std::nullopt;
    }
    auto& socket = beast::get_lowest_layer(exchange.stream);
    socket.expires_after(m_config.transferTimeout);
    if (exchange.expectContinue) {
        http::response<http::empty_body> proceed{http::status::continue_, exchange.version};
        auto [ec, n] = co_await http::async_write(exchange.stream, proceed, kNoThrow);
        static_cast<void>(n);
        if (ec) {
            co_return Reply::drop();
        }
    }
    http::request_parser<Body> parser(std::move(exchange.header));
    exchange.headerTaken = true;
    parser.body_limit(limit);
    auto [ec, n] = co_await http::async_read(exchange.stream, exchange.buffer, parser, kNoThrow);
    static_cast<void>(n);
    if (ec == http::error::body_limit) {
        co_return Reply::refuse(tooLarge, "at most " + std::to_string(limit) + " bytes");
    }
    if (ec) {
        co_return Reply::drop();
    }
    exchange.bodyPending = false;
    out = std::move(parser.release().body());
    co_return std::nullopt;
}

// The browser token route reads its (empty) body too (browser_token_http.cpp).
template net::awaitable<std::optional<ArchiveHttp::Reply>>
ArchiveHttp::readBody<http::string_body>(Exchange&, std::uint64_t, std::string&);

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::begin(Exchange& exchange) {
    std::string body;
    if (auto refused =
            co_await readBody<http::string_body>(exchange, m_limits.maxManifestBytes, body)) {
        co_return *refused;
    }
    const auto& route = exchange.route;
    const std::string owner = exchange.identity->identifier;
    // Parsing a manifest of thousands of chunks takes a while: not on the service's thread.
    auto parse = [body = std::move(body), id = route.recordId, owner,
                  limits = m_limits]() mutable -> errors::Outcome<UploadManifest, Refusal> {
        auto document = nlohmann::json::parse(body, nullptr, false);
        if (document.is_discarded()) {
            return Refusal{make_error_code(Errc::malformedJson), "the manifest is not JSON"};
        }
        auto parsed = manifestBodyFromJson(document, id, limits.store.maxFilesPerRecord,
                                           limits.store.maxChunksPerRecord);
        if (!parsed) {
            return refusalOf(parsed.error());
        }
        parsed->ownerRpps = owner; // the certificate's, never the request's
        if (auto valid = validateManifest(*parsed, limits.store); !valid) {
            return Refusal(valid.error());
        }
        return std::move(*parsed);
    };
    auto parsed = co_await offload(std::move(parse));
    auto& manifest = *parsed;
    if (!manifest) {
        co_return Reply::refuse(manifest.error());
    }
    auto answer = m_hadSession(owner, route.recordId);
    bool hadSession = answer.known.value_or(false);
    if (!answer.known && answer.lookup) {
        const auto looked = co_await offload(std::move(answer.lookup));
        hadSession = looked && *looked;
    }
    if (!hadSession) {
        co_return Reply::refuse(make_error_code(Errc::unknownSession),
                                "session " + route.recordId + " is not one of this doctor's");
    }
    auto work = [store = m_config.store,
                 manifest = std::move(*manifest)]() -> ArchiveResult<std::pair<std::string, bool>> {
        auto begun = store->beginUpload(manifest);
        if (!begun) {
            return begun.error();
        }
        return std::pair(toJson(*begun).dump(), begun->alreadyCommitted);
    };
    auto begun = co_await offload(std::move(work));
    auto& state = *begun;
    if (!state) {
        co_return Reply::refuse(state.error());
    }
    log("archive: doctor " + owner + " began the upload of record " + route.recordId +
        (state->second ? " (committed already)" : ""));
    co_return Reply::jsonText(std::move(state->first));
}

namespace {

// The requester's upload of `recordId`, or why not: unknown_upload (none), not_permitted
// (another owner's).
ArchiveResult<RecordOwnership> ownUpload(const ArchiveStore& store, const std::string& recordId,
                                         const std::string& rpps) {
    auto ownership = store.ownership(recordId);
    if (!ownership) {
        return ownership.error();
    }
    if (!*ownership) {
        return archiveFailure(ArchiveErrc::unknownUpload, recordId);
    }
    if ((*ownership)->ownerRpps != rpps) {
        return archiveFailure(ArchiveErrc::notPermitted,
                              "record " + recordId + " is another doctor's upload");
    }
    return **ownership;
}

} // namespace

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::putChunk(Exchange& exchange) {
    if (exchange.header.chunked() || !exchange.header.content_length()) {
        co_return Reply::refuse(make_error_code(ArchiveTransferErrc::lengthRequired), {});
    }
    auto bytes = std::make_shared<std::vector<std::uint8_t>>();
    if (auto refused = co_await readBody<http::vector_body<std::uint8_t>>(
            exchange, m_limits.store.maxChunkBytes, *bytes)) {
        co_return *refused;
    }
    const auto& route = exchange.route;
    auto work = [store = m_config.store, id = route.recordId, rpps = exchange.identity->identifier,
                 sha = route.sha256, bytes]() -> ArchiveResult<ChunkReceipt> {
        if (auto own = ownUpload(*store, id, rpps); !own) {
            return own.error();
        }
        return store->putChunk(id, sha, *bytes);
    };
    auto result = co_await offload(std::move(work));
    auto& receipt = *result;
    if (!receipt) {
        co_return Reply::refuse(receipt.error());
    }
    ++(receipt->alreadyStored ? m_chunksAlreadyStored : m_chunksStored);
    co_return Reply::json(toJson(*receipt));
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::commit(Exchange& exchange) {
    const auto& route = exchange.route;
    struct Committed {
        RecordSummary summary;
        bool now = false;       // committed by this request (not a repeat)
        std::string indexError; // why the review index has no row for it, if it has none
    };
    auto work = [store = m_config.store, index = m_config.reviewIndex, id = route.recordId,
                 rpps = exchange.identity->identifier]() -> ArchiveResult<Committed> {
        auto own = ownUpload(*store, id, rpps);
        if (!own) {
            return own.error();
        }
        auto summary = store->commit(id);
        if (!summary) {
            return summary.error();
        }
        Committed committed{std::move(*summary), !own->committed, {}};
        // Indexed on every commit, repeats included (idempotent): a row that failed before is
        // written now. A failure here loses nothing: the record is committed, and the service
        // indexes what is missing when it starts.
        if (index) {
            if (auto row = indexRecord(*store, *index, id); !row) {
                committed.indexError = row.error().message();
            }
        }
        return committed;
    };
    auto result = co_await offload(std::move(work));
    auto& committed = *result;
    if (!committed) {
        co_return Reply::refuse(committed.error());
    }
    if (!committed->indexError.empty()) {
        log("review index: record " + route.recordId + " not indexed: " + committed->indexError);
    }
    if (committed->now) {
        ++m_commits;
        log("archive: doctor " + exchange.identity->identifier + " committed record " +
            route.recordId + " (" + std::to_string(committed->summary.fileCount) + " files, " +
            std::to_string(committed->summary.plainBytes) + " bytes)");
    }
    co_return Reply::json(toJson(committed->summary));
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::list(Exchange& exchange) {
    auto work = [store = m_config.store, rpps = exchange.identity->identifier] {
        return store->records(rpps);
    };
    auto result = co_await offload(std::move(work));
    auto& listed = *result;
    if (!listed) {
        co_return Reply::refuse(listed.error());
    }
    co_return Reply::json(recordListToJson(*listed));
}

namespace {

Requester requesterOf(const Identity& identity) {
    const bool rpps = identity.role == Role::doctor || identity.role == Role::coordinator;
    return Requester{identity.role, rpps ? identity.identifier : std::string()};
}

} // namespace

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::files(Exchange& exchange) {
    auto work = [store = m_config.store, id = exchange.route.recordId,
                 requester = requesterOf(*exchange.identity)]() -> ArchiveResult<std::string> {
        auto reader = store->openRecord(id, requester);
        if (!reader) {
            return reader.error();
        }
        return fileListToJson(id, reader->files()).dump();
    };
    auto result = co_await offload(std::move(work));
    auto& listed = *result;
    if (!listed) {
        co_return Reply::refuse(listed.error());
    }
    co_return Reply::jsonText(std::move(*listed));
}

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::file(Exchange& exchange) {
    using Cursor = std::shared_ptr<ArchiveFileCursor>;
    auto open = [store = m_config.store, id = exchange.route.recordId, name = exchange.route.name,
                 requester = requesterOf(*exchange.identity)]() -> ArchiveResult<Cursor> {
        auto reader = store->openRecord(id, requester);
        if (!reader) {
            return reader.error();
        }
        auto cursor = reader->openFile(name);
        if (!cursor) {
            return cursor.error();
        }
        return std::make_shared<ArchiveFileCursor>(std::move(*cursor));
    };
    auto result = co_await offload(std::move(open));
    auto& opened = *result;
    if (!opened) {
        co_return Reply::refuse(opened.error());
    }
    co_return co_await streamFile(exchange, *opened);
}

net::awaitable<ArchiveHttp::Reply>
ArchiveHttp::streamFile(Exchange& exchange, std::shared_ptr<ArchiveFileCursor> cursor) {
    const auto next = [cursor] {
        return cursor->next();
    };
    // The first chunk before the header, so that damage found at once is a 500, not a
    // truncated 200.
    auto read = co_await offload(next);
    auto chunk = std::move(*read);
    if (!chunk) {
        co_return Reply::refuse(chunk.error());
    }
    http::response<http::buffer_body> response{http::status::ok, exchange.version};
    response.set(http::field::content_type, "application/octet-stream");
    response.set(http::field::cache_control, "no-store");
    response.set("Repr-Digest", reprDigest(cursor->file().sha256));
    response.content_length(cursor->file().size);
    response.keep_alive(exchange.keepAlive);
    response.body().data = nullptr;
    response.body().more = true;
    http::response_serializer<http::buffer_body> serializer(response);
    auto& socket = beast::get_lowest_layer(exchange.stream);
    socket.expires_after(m_config.transferTimeout);
    auto [headerError, headerBytes] =
        co_await http::async_write_header(exchange.stream, serializer, kNoThrow);
    static_cast<void>(headerBytes);
    if (headerError) {
        co_return Reply::drop();
    }
    for (;;) {
        if (*chunk) {
            response.body().data = (*chunk)->data();
            response.body().size = (*chunk)->size();
            response.body().more = true;
        } else {
            response.body().data = nullptr;
            response.body().size = 0;
            response.body().more = false;
        }
        socket.expires_after(m_config.transferTimeout);
        auto [ec, n] = co_await http::async_write(exchange.stream, serializer, kNoThrow);
        static_cast<void>(n);
        if (ec && ec != http::error::need_buffer) {
            co_return Reply::drop();
        }
        if (!response.body().more) {
            break;
        }
        read = co_await offload(next);
        chunk = std::move(*read);
        if (!chunk) {
            // The status is sent: the client sees the body cut short, and its digest check
            // fails if it got that far.
            log("archive: record " + exchange.route.recordId + ": " + chunk.error().message());
            co_return Reply::drop();
        }
    }
    Reply reply;
    reply.streamed = true;
    co_return reply;
}

} // namespace tc::protocol::detail
