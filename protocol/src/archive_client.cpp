// ArchiveClient: HTTPS requests to the archive routes over keep-alive connections, the
// resumable upload and streamed reads. See archive_client.hpp.

#include "tc/protocol/archive_client.hpp"

#include "archive_crypto.hpp"
#include "archive_upload_source.hpp"
#include "websocket_types.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <openssl/ssl.h>

namespace tc::protocol {
namespace {

using namespace detail;
namespace http = beast::http;
using Stream = beast::ssl_stream<beast::tcp_stream>;
using JsonAnswer = http::response<http::string_body>;

constexpr std::size_t kMaxJsonAnswer = 32 * 1024 * 1024; // 65,536 missing hashes take 4.5 MB
constexpr std::size_t kMaxErrorAnswer = 64 * 1024;
constexpr std::size_t kReadBlock = 64 * 1024;

// One keep-alive HTTPS connection to the service.
struct Link {
    Link(const net::any_io_executor& executor, net::ssl::context& tls)
        : stream(executor, tls) {}
    Stream stream;
    beast::flat_buffer buffer;
    bool connected = false;

    void close() {
        boost::system::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream).close();
        connected = false;
    }
};

ArchiveClientFailure failureOf(boost::system::error_code code, std::string detail) {
    return archiveClientFailure(code, std::move(detail));
}

ArchiveClientFailure cancelledFailure() {
    return failureOf(make_error_code(ArchiveTransferErrc::cancelled), {});
}

ArchiveClientFailure transportFailure(const boost::system::error_code& ec,
                                      const std::string& what) {
    if (ec == beast::error::timeout) {
        return failureOf(make_error_code(Errc::timeout), what);
    }
    // In TLS 1.3 the service's verdict on our certificate arrives as an alert on a read.
    return failureOf(classifyTlsError(ec), what + ": " + ec.message());
}

ArchiveClientFailure badResponse(std::string detail) {
    return failureOf(make_error_code(ArchiveTransferErrc::badResponse), std::move(detail));
}

// The typed failure an error answer names ({"error": key, "message": ...}).
ArchiveClientFailure answerFailure(unsigned status, const std::string& body) {
    ArchiveClientFailure failure;
    failure.httpStatus = status;
    const auto document = nlohmann::json::parse(body, nullptr, false);
    if (!document.is_discarded()) {
        if (const auto parsed = errorBodyFromJson(document)) {
            if (const auto code = archiveErrorFromKey(parsed->error)) {
                failure.code = *code;
                failure.detail = parsed->message;
                failure.missingChunks = parsed->missing.value_or(0);
                return failure;
            }
        }
    }
    failure.code = make_error_code(ArchiveTransferErrc::httpStatus);
    failure.detail = "HTTP " + std::to_string(status) + ": " + body.substr(0, 200);
    return failure;
}

// The body of a 200 answer, parsed by `parse`; the named failure otherwise.
template <class Parse>
auto decode(const JsonAnswer& answer, Parse parse) -> ArchiveClientResult<
    typename std::invoke_result_t<Parse, const nlohmann::json&>::value_type> {
    if (answer.result() != http::status::ok) {
        return answerFailure(answer.result_int(), answer.body());
    }
    const auto document = nlohmann::json::parse(answer.body(), nullptr, false);
    if (document.is_discarded()) {
        return badResponse("the answer is not JSON");
    }
    auto parsed = parse(document);
    if (!parsed) {
        return badResponse(parsed.error().detail);
    }
    return std::move(*parsed);
}

} // namespace

struct ArchiveClient::Impl : std::enable_shared_from_this<Impl> {
    Impl(const net::any_io_executor& executor, ArchiveClientConfig c,
         std::shared_ptr<net::ssl::context> context)
        : strand(net::make_strand(executor))
        , config(std::move(c))
        , tls(std::move(context)) {}
    ~Impl() { blocking.join(); }

    net::strand<net::any_io_executor> strand;
    ArchiveClientConfig config;
    std::shared_ptr<net::ssl::context> tls;
    net::thread_pool blocking{1}; // hashing and reading the source files
    // On the strand only.
    std::vector<std::shared_ptr<Link>> idle;
    std::vector<std::weak_ptr<Link>> live;
    bool stopped = false;

    std::shared_ptr<Link> take() {
        if (!idle.empty()) {
            auto link = std::move(idle.back());
            idle.pop_back();
            return link;
        }
        auto link = std::make_shared<Link>(strand, *tls);
        std::erase_if(live, [](const std::weak_ptr<Link>& weak) { return weak.expired(); });
        live.push_back(link);
        return link;
    }

    void give(const std::shared_ptr<Link>& link) {
        if (!stopped && link->connected) {
            idle.push_back(link);
        } else {
            link->close();
        }
    }

    template <class Body> http::request<Body> request(http::verb method, std::string target) const {
        http::request<Body> request{method, target, 11};
        request.set(http::field::host, config.host);
        request.set(http::field::user_agent, "telecabine-archive/1");
        request.keep_alive(true);
        return request;
    }

    // Runs `work` on the client's own thread; the result comes back on the strand. Not a
    // coroutine, and callers pass named lambdas and named arguments: GCC 12 destroys a
    // temporary built inside a co_await expression (a capturing lambda, a string) twice.
    template <class F> net::awaitable<std::optional<std::invoke_result_t<F&>>> offload(F work) {
        using R = std::invoke_result_t<F&>;
        return net::co_spawn(
            blocking.get_executor(),
            [work = std::move(work)]() mutable -> net::awaitable<std::optional<R>> {
                co_return std::optional<R>(work());
            },
            net::use_awaitable);
    }

    net::awaitable<std::optional<ArchiveClientFailure>> connect(Link& link) {
        const auto where = config.host + ":" + std::to_string(config.port);
        tcp::resolver resolver(strand);
        const auto service = std::to_string(config.port);
        auto [resolveError, endpoints] =
            co_await resolver.async_resolve(config.host, service, kNoThrow);
        if (resolveError) {
            co_return transportFailure(resolveError, "resolving " + where);
        }
        auto& socket = beast::get_lowest_layer(link.stream);
        socket.expires_after(config.connectTimeout);
        auto [connectError, endpoint] = co_await socket.async_connect(endpoints, kNoThrow);
        static_cast<void>(endpoint);
        if (connectError) {
            co_return transportFailure(connectError, "connecting to " + where);
        }
        boost::system::error_code notAnAddress;
        net::ip::make_address(config.host, notAnAddress);
        if (notAnAddress) { // a host name: send SNI (SSL_set_tlsext_host_name without its cast)
            SSL_ctrl(link.stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                     TLSEXT_NAMETYPE_host_name, const_cast<char*>(config.host.c_str()));
        }
        auto [tlsError] =
            co_await link.stream.async_handshake(net::ssl::stream_base::client, kNoThrow);
        if (tlsError) {
            // Our own verdict on the service's certificate is more precise than the alert.
            const long verify = SSL_get_verify_result(link.stream.native_handle());
            co_return failureOf(verify != X509_V_OK ? classifyVerifyResult(verify)
                                                    : classifyTlsError(tlsError),
                                "TLS with " + where + ": " + tlsError.message());
        }
        link.connected = true;
        co_return std::nullopt;
    }

    // Sends `request` and reads the answer's header into `parser` (emplaced per attempt). A
    // kept-alive connection the service closed meanwhile is replaced once: every archive
    // request is idempotent.
    template <class Body, class Parser>
    net::awaitable<ArchiveClientResult<std::shared_ptr<Link>>> send(http::request<Body>& request,
                                                                    std::optional<Parser>& parser) {
        for (int attempt = 0;; ++attempt) {
            if (stopped) {
                co_return cancelledFailure();
            }
            auto link = take();
            const bool reused = link->connected;
            if (!reused) {
                if (auto failed = co_await connect(*link)) {
                    link->close();
                    co_return stopped ? cancelledFailure() : *failed;
                }
            }
            auto& socket = beast::get_lowest_layer(link->stream);
            socket.expires_after(config.requestTimeout);
            auto [ec, written] = co_await http::async_write(link->stream, request, kNoThrow);
            static_cast<void>(written);
            parser.emplace();
            // Each caller bounds the body itself: the header alone must not fail on its length
            // (Beast's default limit is 8 MB, less than a recording).
            parser->body_limit(boost::none);
            if (!ec) {
                auto [readError, read] =
                    co_await http::async_read_header(link->stream, link->buffer, *parser, kNoThrow);
                static_cast<void>(read);
                ec = readError;
            }
            if (!ec) {
                co_return link;
            }
            link->close();
            if (stopped) {
                co_return cancelledFailure();
            }
            if (!(reused && attempt == 0 && ec != beast::error::timeout)) {
                co_return transportFailure(ec, std::string(request.target()));
            }
        }
    }

    // One request and its whole JSON answer.
    template <class Body>
    net::awaitable<ArchiveClientResult<JsonAnswer>> exchange(http::request<Body> request) {
        std::optional<http::response_parser<http::string_body>> parser;
        auto link = co_await send(request, parser);
        if (!link) {
            co_return link.error();
        }
        if (parser->content_length() && *parser->content_length() > kMaxJsonAnswer) {
            (*link)->close();
            co_return badResponse("an answer of " + std::to_string(*parser->content_length()) +
                                  " bytes");
        }
        parser->body_limit(kMaxJsonAnswer);
        auto [ec, n] =
            co_await http::async_read((*link)->stream, (*link)->buffer, *parser, kNoThrow);
        static_cast<void>(n);
        if (ec) {
            (*link)->close();
            co_return stopped ? cancelledFailure()
                              : transportFailure(ec, std::string(request.target()));
        }
        auto answer = parser->release();
        if (answer.keep_alive()) {
            give(*link);
        } else {
            (*link)->close();
        }
        co_return answer;
    }

    net::awaitable<ArchiveClientResult<JsonAnswer>> get(const std::string& target) {
        auto message = request<http::empty_body>(http::verb::get, target);
        co_return co_await exchange(std::move(message));
    }

    net::awaitable<ArchiveClientResult<JsonAnswer>> post(const std::string& target,
                                                         std::string body) {
        auto message = request<http::string_body>(http::verb::post, target);
        if (!body.empty()) {
            message.set(http::field::content_type, "application/json");
        }
        message.body() = std::move(body);
        message.prepare_payload();
        co_return co_await exchange(std::move(message));
    }

    net::awaitable<ArchiveClientResult<ArchiveTransferLimits>> limits() {
        const auto target = archiveLimitsPath();
        auto answer = co_await get(target);
        if (!answer) {
            co_return answer.error();
        }
        co_return decode(*answer, limitsFromJson);
    }

    net::awaitable<ArchiveClientResult<UploadState>> begin(const UploadManifest& manifest) {
        const auto target = archiveUploadPath(manifest.recordId);
        auto body = manifestBodyToJson(manifest).dump();
        auto answer = co_await post(target, std::move(body));
        if (!answer) {
            co_return answer.error();
        }
        co_return decode(*answer, uploadStateFromJson);
    }

    net::awaitable<ArchiveClientResult<ChunkReceipt>>
    putChunk(const std::string& recordId, const Sha256Digest& sha256, ArchiveBytes bytes) {
        auto message = request<http::vector_body<std::uint8_t>>(http::verb::put,
                                                                archiveChunkPath(recordId, sha256));
        message.set(http::field::content_type, "application/octet-stream");
        message.body() = std::move(bytes);
        message.prepare_payload();
        auto answer = co_await exchange(std::move(message));
        if (!answer) {
            co_return answer.error();
        }
        co_return decode(*answer, chunkReceiptFromJson);
    }

    net::awaitable<ArchiveClientResult<RecordSummary>> commit(const std::string& recordId) {
        const auto target = archiveCommitPath(recordId);
        std::string none;
        auto answer = co_await post(target, std::move(none));
        if (!answer) {
            co_return answer.error();
        }
        co_return decode(*answer, recordSummaryFromJson);
    }

    net::awaitable<ArchiveClientResult<std::vector<RecordSummary>>> records() {
        const auto target = archiveRecordsPath();
        auto answer = co_await get(target);
        if (!answer) {
            co_return answer.error();
        }
        co_return decode(*answer, recordListFromJson);
    }

    net::awaitable<ArchiveClientResult<std::vector<ArchivedFile>>>
    files(const std::string& recordId) {
        const auto target = archiveFilesPath(recordId);
        auto answer = co_await get(target);
        if (!answer) {
            co_return answer.error();
        }
        co_return decode(*answer, fileListFromJson);
    }

    net::awaitable<ArchiveClientResult<ArchivedFile>>
    readFile(const std::string& recordId, const std::string& name, const ArchiveSink& sink);
    net::awaitable<ArchiveClientResult<UploadReport>> upload(UploadSource source,
                                                             UploadProgressHandler progress);

    struct UploadRun;
    static net::awaitable<void> uploadWorker(std::shared_ptr<Impl> self,
                                             std::shared_ptr<UploadRun> run);
};

net::awaitable<ArchiveClientResult<ArchivedFile>>
ArchiveClient::Impl::readFile(const std::string& recordId, const std::string& name,
                              const ArchiveSink& sink) {
    auto message = request<http::empty_body>(http::verb::get, archiveFilePath(recordId, name));
    std::optional<http::response_parser<http::buffer_body>> parser;
    auto sent = co_await send(message, parser);
    if (!sent) {
        co_return sent.error();
    }
    const auto link = *sent;
    auto& socket = beast::get_lowest_layer(link->stream);
    const auto lost = [&](const boost::system::error_code& ec) {
        link->close();
        return stopped ? cancelledFailure() : transportFailure(ec, "reading " + name);
    };
    if (parser->get().result() != http::status::ok) {
        http::response_parser<http::string_body> error(std::move(*parser));
        error.body_limit(kMaxErrorAnswer);
        auto [ec, n] = co_await http::async_read(link->stream, link->buffer, error, kNoThrow);
        static_cast<void>(n);
        if (ec) {
            co_return lost(ec);
        }
        error.get().keep_alive() ? give(link) : link->close();
        co_return answerFailure(error.get().result_int(), error.get().body());
    }
    const auto digest = parseReprDigest(parser->get()["Repr-Digest"]);
    if (!digest) {
        link->close();
        co_return badResponse("a file without its Repr-Digest sha-256");
    }
    archive::Sha256Stream whole;
    std::uint64_t size = 0;
    ArchiveBytes block(kReadBlock);
    while (!parser->is_done()) {
        parser->get().body().data = block.data();
        parser->get().body().size = block.size();
        socket.expires_after(config.requestTimeout);
        auto [ec, n] = co_await http::async_read(link->stream, link->buffer, *parser, kNoThrow);
        static_cast<void>(n);
        if (ec && ec != http::error::need_buffer) {
            co_return lost(ec);
        }
        const auto got = block.size() - parser->get().body().size;
        if (got > 0) {
            const std::span<const std::uint8_t> bytes(block.data(), got);
            whole.update(bytes);
            size += got;
            if (sink) {
                sink(bytes);
            }
        }
    }
    parser->get().keep_alive() ? give(link) : link->close();
    if (whole.finish() != *digest) {
        co_return failureOf(make_error_code(ArchiveErrc::corrupt),
                            "'" + name + "' does not match the SHA-256 the service announced");
    }
    co_return ArchivedFile{name, size, *digest};
}

struct ArchiveClient::Impl::UploadRun {
    explicit UploadRun(const net::any_io_executor& executor)
        : done(executor) {}
    std::string recordId;
    std::deque<Sha256Digest> queue;
    const UploadPlan* plan = nullptr;
    std::optional<ArchiveClientFailure> failure;
    unsigned running = 0;
    net::steady_timer done; // cancelled when the last worker ends
    UploadProgress progress;
    UploadProgressHandler handler;
    std::uint64_t sent = 0;
    std::uint64_t bytesSent = 0;
};

net::awaitable<void> ArchiveClient::Impl::uploadWorker(std::shared_ptr<Impl> self,
                                                       std::shared_ptr<UploadRun> run) {
    try {
        while (!run->failure && !run->queue.empty()) {
            if (self->stopped) {
                run->failure = cancelledFailure();
                break;
            }
            const auto sha256 = run->queue.front();
            run->queue.pop_front();
            const auto where = run->plan->locations.at(sha256);
            auto read = [where, sha256] {
                return readChunk(where, sha256);
            };
            auto done = co_await self->offload(std::move(read));
            auto& bytes = *done;
            if (!bytes) {
                run->failure = bytes.error();
                break;
            }
            const auto size = bytes->size();
            auto receipt = co_await self->putChunk(run->recordId, sha256, std::move(*bytes));
            if (!receipt) {
                if (!run->failure) {
                    run->failure = receipt.error();
                }
                break;
            }
            ++run->sent;
            run->bytesSent += size;
            ++run->progress.chunksAcknowledged;
            run->progress.bytesAcknowledged += size;
            if (run->handler) {
                run->handler(run->progress);
            }
        }
    } catch (const std::exception& e) {
        if (!run->failure) {
            run->failure = failureOf(make_error_code(Errc::internal), e.what());
        }
    }
    if (--run->running == 0) {
        run->done.cancel();
    }
}

net::awaitable<ArchiveClientResult<UploadReport>>
ArchiveClient::Impl::upload(UploadSource source, UploadProgressHandler progress) {
    auto limits = co_await this->limits();
    if (!limits) {
        co_return limits.error();
    }
    const auto chunkBytes = std::min(config.chunkBytes, limits->store.maxChunkBytes);
    auto describe = [source = std::move(source), chunkBytes] {
        return planUpload(source, chunkBytes);
    };
    auto planned = co_await offload(std::move(describe));
    auto& plan = *planned;
    if (!plan) {
        co_return plan.error();
    }
    const auto& recordId = plan->manifest.recordId;
    UploadReport report;
    report.chunksTotal = plan->locations.size();
    // A commit that finds chunks missing (an object lost on the service) begins again.
    for (int round = 0; round < 3; ++round) {
        auto state = co_await begin(plan->manifest);
        if (!state) {
            co_return state.error();
        }
        if (!state->alreadyCommitted) {
            auto run = std::make_shared<UploadRun>(strand);
            run->recordId = recordId;
            run->plan = &*plan;
            run->handler = progress;
            run->queue.assign(state->missing.begin(), state->missing.end());
            std::uint64_t missingBytes = 0;
            for (const auto& hash : state->missing) {
                const auto found = plan->locations.find(hash);
                if (found == plan->locations.end()) {
                    co_return badResponse("the service asks for a chunk the record does not have");
                }
                missingBytes += found->second.size;
            }
            run->progress = {plan->distinctBytes - missingBytes, plan->distinctBytes,
                             report.chunksTotal - state->missing.size(), report.chunksTotal};
            if (round == 0) {
                report.chunksSkipped = run->progress.chunksAcknowledged;
            }
            if (progress) {
                progress(run->progress);
            }
            const auto self = shared_from_this();
            const auto workers = std::min<std::size_t>(std::clamp(config.parallelUploads, 1U, 8U),
                                                       run->queue.size());
            run->running = static_cast<unsigned>(workers);
            for (std::size_t i = 0; i < workers; ++i) {
                net::co_spawn(strand, uploadWorker(self, run), net::detached);
            }
            while (run->running > 0) {
                run->done.expires_at(net::steady_timer::time_point::max());
                co_await run->done.async_wait(kNoThrow);
            }
            report.chunksSent += run->sent;
            report.bytesSent += run->bytesSent;
            if (run->failure) {
                co_return *run->failure;
            }
        }
        auto committed = co_await commit(recordId);
        if (committed) {
            report.record = std::move(*committed);
            report.alreadyCommitted = state->alreadyCommitted;
            co_return report;
        }
        if (committed.error().code != ArchiveErrc::chunksMissing) {
            co_return committed.error();
        }
    }
    co_return failureOf(make_error_code(ArchiveErrc::chunksMissing),
                        "record " + recordId + ": the service still misses chunks");
}

namespace {

// Runs an operation on the client's strand; its result, or an exception turned into
// `internal`, comes back on the awaiting coroutine's executor.
template <class T>
net::awaitable<ArchiveClientResult<T>> onStrand(std::shared_ptr<ArchiveClient::Impl> impl,
                                                net::awaitable<ArchiveClientResult<T>> op) {
    try {
        co_return co_await net::co_spawn(impl->strand, std::move(op), net::use_awaitable);
    } catch (const std::exception& e) {
        co_return failureOf(make_error_code(Errc::internal), e.what());
    }
}

} // namespace

ArchiveClient::ArchiveClient(std::shared_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

ArchiveClientResult<ArchiveClient> ArchiveClient::create(net::any_io_executor executor,
                                                         ArchiveClientConfig config) {
    auto tls = makeClientContext(config.tls, config.host);
    if (!tls) {
        return failureOf(tls.error(), "the doctor's credentials or the deployment CA");
    }
    return ArchiveClient(std::make_shared<Impl>(executor, std::move(config), std::move(*tls)));
}

void ArchiveClient::stop() const {
    net::dispatch(m_impl->strand, [impl = m_impl] {
        impl->stopped = true;
        impl->idle.clear();
        for (const auto& weak : impl->live) {
            if (const auto link = weak.lock()) {
                link->close();
            }
        }
    });
}

net::awaitable<ArchiveClientResult<UploadReport>>
ArchiveClient::upload(UploadSource source, UploadProgressHandler progress) const {
    return onStrand(m_impl, m_impl->upload(std::move(source), std::move(progress)));
}

net::awaitable<ArchiveClientResult<ArchiveTransferLimits>> ArchiveClient::limits() const {
    return onStrand(m_impl, m_impl->limits());
}

net::awaitable<ArchiveClientResult<UploadState>>
ArchiveClient::begin(UploadManifest manifest) const {
    auto impl = m_impl;
    return onStrand(impl,
                    [](std::shared_ptr<Impl> self,
                       UploadManifest m) -> net::awaitable<ArchiveClientResult<UploadState>> {
                        co_return co_await self->begin(m);
                    }(impl, std::move(manifest)));
}

net::awaitable<ArchiveClientResult<ChunkReceipt>>
ArchiveClient::putChunk(std::string recordId, Sha256Digest sha256, ArchiveBytes bytes) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self, std::string id, Sha256Digest sha,
                       ArchiveBytes data) -> net::awaitable<ArchiveClientResult<ChunkReceipt>> {
                        co_return co_await self->putChunk(id, sha, std::move(data));
                    }(m_impl, std::move(recordId), sha256, std::move(bytes)));
}

net::awaitable<ArchiveClientResult<RecordSummary>>
ArchiveClient::commit(std::string recordId) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self,
                       std::string id) -> net::awaitable<ArchiveClientResult<RecordSummary>> {
                        co_return co_await self->commit(id);
                    }(m_impl, std::move(recordId)));
}

net::awaitable<ArchiveClientResult<std::vector<RecordSummary>>> ArchiveClient::records() const {
    return onStrand(m_impl, m_impl->records());
}

net::awaitable<ArchiveClientResult<std::vector<ArchivedFile>>>
ArchiveClient::files(std::string recordId) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self, std::string id)
                        -> net::awaitable<ArchiveClientResult<std::vector<ArchivedFile>>> {
                        co_return co_await self->files(id);
                    }(m_impl, std::move(recordId)));
}

net::awaitable<ArchiveClientResult<ArchivedFile>>
ArchiveClient::readFile(std::string recordId, std::string name, ArchiveSink sink) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self, std::string id, std::string file,
                       ArchiveSink to) -> net::awaitable<ArchiveClientResult<ArchivedFile>> {
                        co_return co_await self->readFile(id, file, to);
                    }(m_impl, std::move(recordId), std::move(name), std::move(sink)));
}

} // namespace tc::protocol
