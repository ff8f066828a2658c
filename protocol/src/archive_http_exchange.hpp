#pragma once
// One request of an archive connection and its answer, shared by the archive's routes
// (archive_http.cpp) and the review routes (review_http.cpp).

#include "archive_http.hpp"
#include "archive_routes.hpp"
#include "tc/protocol/archive_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <string>

namespace tc::protocol::detail {

using Refusal = errors::Failure;

struct ArchiveHttp::Exchange {
    HttpTlsStream& stream;
    beast::flat_buffer& buffer;
    RequestHeaderParser& header; // moved from once the body is read
    const Result<Identity>& identity;
    http::verb method;
    std::string target;
    unsigned version = 11;
    bool keepAlive = true;
    bool expectContinue = false;
    bool bodyPending = false; // bytes of the request's body are still on the wire
    bool headerTaken = false; // `header` moved into a body parser
    Route route;
};

struct ArchiveHttp::Reply {
    unsigned status = 200;
    std::string body; // JSON, unless contentType says otherwise
    std::string allow;
    bool closeAfter = false; // the connection cannot carry another request
    bool dropped = false;    // the connection failed: nothing more can be written
    bool streamed = false;   // the route wrote its answer itself
    std::string key;         // the error's key, for the log
    std::string contentType; // empty: application/json

    static Reply json(const nlohmann::json& value) { return Reply{200, value.dump()}; }
    static Reply jsonText(std::string text) { return Reply{200, std::move(text)}; }
    static Reply refuse(const Refusal& refusal, std::optional<std::uint64_t> missing = {}) {
        Reply reply;
        reply.status = archiveHttpStatus(refusal.code);
        reply.key = std::string(archiveErrorKey(refusal.code));
        reply.body = toJson(ArchiveErrorBody{reply.key, refusal.message(), missing}).dump();
        return reply;
    }
    static Reply refuse(const ArchiveFailure& failure) {
        return refuse(static_cast<const Refusal&>(failure),
                      failure.code == ArchiveErrc::chunksMissing
                          ? std::optional<std::uint64_t>(failure.missingChunks)
                          : std::nullopt);
    }
    static Reply refuse(boost::system::error_code code, std::string detail) {
        return refuse(Refusal{code, std::move(detail)});
    }
    // A store call's answer: its JSON text, or its refusal.
    static Reply of(errors::Outcome<std::string, Refusal>&& answer) {
        return answer ? jsonText(std::move(*answer)) : refuse(answer.error());
    }
    static Reply drop() {
        Reply reply;
        reply.dropped = true;
        return reply;
    }
};

template <class F>
net::awaitable<std::optional<std::invoke_result_t<F&>>> ArchiveHttp::offload(F work) {
    using R = std::invoke_result_t<F&>;
    return net::co_spawn(
        m_pool.get_executor(),
        [work = std::move(work)]() mutable -> net::awaitable<std::optional<R>> {
            co_return std::optional<R>(work());
        },
        net::use_awaitable);
}

} // namespace tc::protocol::detail
