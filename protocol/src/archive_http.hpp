#pragma once
// The archive's HTTPS routes on the rendezvous service's port (protocol/README.md, "Archive
// transfer"). RendezvousService hands over every connection whose first request is not a
// WebSocket upgrade, once that request's header is read. The connection's coroutine runs on the
// service's executor; every store call (blocking file and index I/O, encryption) runs on a small
// pool of threads of its own, so that the WebSocket connections never wait for the disk.
//
// Policy, checked here, where the data is served:
// - uploads (begin, chunks, commit), the listing and the limits: a doctor certificate only; the
//   owner is the certificate's RPPS; a doctor begins an upload only for a session they had
//   (`SessionCheck`), and sends chunks or commits only for their own uploads;
// - reads: ArchiveStore::openRecord's rule (mayReadRecord), with the requester read from the
//   certificate;
// - browser cabin tokens (POST /cabin/v1/browser-token, browser_token_http.cpp): a cabin
//   certificate only, for itself.

#include "tc/protocol/archive_transfer.hpp"
#include "tc/protocol/browser_token.hpp"
#include "tc/protocol/identity.hpp"
#include "tc/protocol/rendezvous_service.hpp"
#include "tls_stream.hpp"
#include "websocket_types.hpp"

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <string>

namespace tc::protocol::detail {

namespace http = beast::http;
// The service's connection stream (tls_stream.hpp).
using HttpTlsStream = TlsStream;
using RequestHeaderParser = http::request_parser<http::empty_body>;

// The most a request header may take (request line and fields).
inline constexpr std::uint32_t kMaxArchiveHeaderBytes = 8192;

class ArchiveHttp {
public:
    // Whether the doctor of RPPS `doctorRpps` had the session `sessionId`: known at once from
    // the live state, or to be looked up in the durable log by `lookup`, which may block (a
    // cluster's PostgreSQL) and runs on the archive's pool, never on the executor.
    struct SessionAnswer {
        std::optional<bool> known;
        std::function<bool()> lookup; // thread-safe; set when `known` is not
    };
    // Called on the service's executor.
    using SessionCheck =
        std::function<SessionAnswer(const std::string& doctorRpps, const std::string& sessionId)>;

    // A browser cabin token for the cabin certificate `cabin`, its URL on the host of
    // `hostHeader` (the request's Host), or the refusal. Null: the service has no browser
    // listener. Called on the service's executor.
    using BrowserTokenIssuer = std::function<errors::Outcome<BrowserToken, errors::Failure>(
        const Identity& cabin, std::string_view hostHeader)>;

    ArchiveHttp(ArchiveServiceConfig config, SessionCheck hadSession,
                std::function<void(const std::string&)> log, BrowserTokenIssuer browserTokens = {});
    ArchiveHttp(const ArchiveHttp&) = delete;
    ArchiveHttp& operator=(const ArchiveHttp&) = delete;
    ~ArchiveHttp(); // waits for the store calls in flight

    // Serves the requests of one connection, the first one's header already read into `first`
    // (bytes after it in `buffer`), until the client closes, a timeout, or an answer that ends
    // the connection. The caller drops the TCP connection afterwards.
    net::awaitable<void> serve(HttpTlsStream& stream, beast::flat_buffer& buffer,
                               RequestHeaderParser& first, const Result<Identity>& identity);

    void addTo(ServiceStats& stats) const;

    // ArchiveStore::purgeMedia on the store's threads; nullopt when the service holds no
    // archive.
    net::awaitable<std::optional<ArchiveResult<MediaPurgeReport>>>
    purgeMedia(std::int64_t committedBeforeUnixMs, AuditSink audit);

private:
    struct Exchange;
    struct Reply;

    net::awaitable<bool> handle(HttpTlsStream& stream, beast::flat_buffer& buffer,
                                RequestHeaderParser& header, const Result<Identity>& identity);
    net::awaitable<Reply> route(Exchange& exchange);
    net::awaitable<Reply> begin(Exchange& exchange);
    net::awaitable<Reply> putChunk(Exchange& exchange);
    net::awaitable<Reply> commit(Exchange& exchange);
    net::awaitable<Reply> list(Exchange& exchange);
    net::awaitable<Reply> files(Exchange& exchange);
    net::awaitable<Reply> file(Exchange& exchange);
    // Sends the cursor's file as the answer, each chunk verified before it is sent.
    net::awaitable<Reply> streamFile(Exchange& exchange, std::shared_ptr<ArchiveFileCursor> cursor);
    // The review routes (review_http.cpp, protocol/README.md "Review routes").
    net::awaitable<Reply> review(Exchange& exchange);
    net::awaitable<Reply> reviewList(Exchange& exchange, const Requester& requester);
    net::awaitable<Reply> reviewOpen(Exchange& exchange, const Requester& requester);
    net::awaitable<Reply> reviewFile(Exchange& exchange, const Requester& requester);
    net::awaitable<Reply> reviewScope(const Identity& identity, const Requester& requester);
    net::awaitable<Reply> reviewIndicators(Exchange& exchange, const Requester& requester);
    net::awaitable<Reply> reviewTrail(Exchange& exchange, const Requester& requester);
    // POST /cabin/v1/browser-token (browser_token_http.cpp).
    net::awaitable<Reply> browserToken(Exchange& exchange);
    // Reads the request's body (at most `limit` bytes) into `out`; a Reply when it cannot.
    template <class Body>
    net::awaitable<std::optional<Reply>> readBody(Exchange& exchange, std::uint64_t limit,
                                                  typename Body::value_type& out);
    // Reads and discards the rest of a refused request's body, at most m_drainLimit bytes.
    net::awaitable<void> drain(Exchange& exchange);
    // Runs `work` on the store's threads; the result comes back on the awaiting coroutine's
    // executor. Not a coroutine itself, and callers pass named lambdas: GCC 12 destroys a
    // capturing lambda built inside a co_await expression twice.
    template <class F> net::awaitable<std::optional<std::invoke_result_t<F&>>> offload(F work);

    void log(const std::string& line) const;

    ArchiveServiceConfig m_config;
    ArchiveTransferLimits m_limits;
    std::uint64_t m_drainLimit = 0; // the most of a refused body read away
    SessionCheck m_hadSession;
    BrowserTokenIssuer m_browserTokens;
    std::function<void(const std::string&)> m_log;
    boost::asio::thread_pool m_pool;
    std::atomic<std::size_t> m_open{0}; // connections being served
    // Indicator computations in flight (ArchiveServiceConfig::maxIndicatorRuns); shared with
    // the work on the store's threads, which releases its slot.
    std::shared_ptr<std::atomic<std::size_t>> m_indicatorRuns =
        std::make_shared<std::atomic<std::size_t>>(0);
    std::atomic<std::uint64_t> m_requests{0};
    std::atomic<std::uint64_t> m_refusals{0};
    std::atomic<std::uint64_t> m_chunksStored{0};
    std::atomic<std::uint64_t> m_chunksAlreadyStored{0};
    std::atomic<std::uint64_t> m_commits{0};
};

} // namespace tc::protocol::detail
