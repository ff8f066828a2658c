#pragma once
// Internal to ArchiveClient: its state, its keep-alive connections and the requests over them,
// shared by archive_client.cpp (the routes, reads, the public calls) and
// archive_client_upload.cpp (the resumable upload).

#include "archive_crypto.hpp"
#include "archive_upload_source.hpp"
#include "tc/protocol/archive_client.hpp"
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
namespace detail::client {

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

inline ArchiveClientFailure failureOf(boost::system::error_code code, std::string detail) {
    return archiveClientFailure(code, std::move(detail));
}

inline ArchiveClientFailure cancelledFailure() {
    return failureOf(make_error_code(ArchiveTransferErrc::cancelled), {});
}

inline ArchiveClientFailure transportFailure(const boost::system::error_code& ec,
                                             const std::string& what) {
    if (ec == beast::error::timeout) {
        return failureOf(make_error_code(Errc::timeout), what);
    }
    // In TLS 1.3 the service's verdict on our certificate arrives as an alert on a read.
    return failureOf(classifyTlsError(ec), what + ": " + ec.message());
}

inline ArchiveClientFailure badResponse(std::string detail) {
    return failureOf(make_error_code(ArchiveTransferErrc::badResponse), std::move(detail));
}

// The typed failure an error answer names ({"error": key, "message": ...}).
inline ArchiveClientFailure answerFailure(unsigned status, const std::string& body) {
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

} // namespace detail::client

using namespace detail;
using namespace detail::client;

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

    // Closes idle connections beyond `count`: the parallel ones are not needed between records.
    void keepIdle(std::size_t count) {
        while (idle.size() > count) {
            idle.back()->close();
            idle.pop_back();
        }
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
    // Streams the answer to GET `target` to `sink`. With a Repr-Digest, the content is checked
    // against it (corrupt otherwise); without one it is refused when `digestRequired`, else
    // taken as a JSON answer of at most kMaxJsonAnswer bytes (a review route's pseudonymised
    // file). The result's sha256 is the content's.
    net::awaitable<ArchiveClientResult<ArchivedFile>> readAt(const std::string& target,
                                                             const std::string& name,
                                                             const ArchiveSink& sink,
                                                             bool digestRequired);
    net::awaitable<ArchiveClientResult<UploadReport>> upload(UploadSource source,
                                                             UploadProgressHandler progress);

    struct UploadRun;
    static net::awaitable<void> uploadWorker(std::shared_ptr<Impl> self,
                                             std::shared_ptr<UploadRun> run);
};

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

} // namespace tc::protocol
