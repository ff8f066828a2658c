#include "cabin_printer.hpp"

#include "ipp_codec.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

namespace tc::cabin {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

constexpr const char* kOfflineText = "imprimante hors ligne";

struct Exchanged {
    std::optional<ipp::Response> response;
    bool unreachable = false; // nothing answered: no route, refused, timed out
    bool sent = false;        // connected: the request may have reached the printer
    std::string detail;
};

PrintFailure failure(PrintErrc code, std::string text, std::int32_t job = 0,
                     bool uncertain = false) {
    PrintFailure failed;
    failed.code = make_error_code(code);
    failed.text = std::move(text);
    failed.jobId = job;
    failed.uncertain = uncertain;
    return failed;
}

std::string stripSeverity(std::string keyword) {
    for (const std::string_view suffix : {"-error", "-warning", "-report"}) {
        if (keyword.size() > suffix.size() && keyword.ends_with(suffix)) {
            keyword.resize(keyword.size() - suffix.size());
            break;
        }
    }
    return keyword;
}

class Printer final : public CabinPrinter, public std::enable_shared_from_this<Printer> {
public:
    Printer(net::any_io_executor executor, PrinterUri uri, PrinterTimeouts timeouts)
        : m_executor(std::move(executor))
        , m_uri(std::move(uri))
        , m_timeouts(timeouts) {}

    const PrinterUri& uri() const override { return m_uri; }

    void print(std::string document, std::string jobName, Done done) override {
        net::co_spawn(m_executor, run(shared_from_this(), std::move(document), std::move(jobName)),
                      [done = std::move(done)](std::exception_ptr error, PrintOutcome outcome) {
                          if (error) { // coroutine exceptions end here, as a typed failure
                              // Where it stopped is unknown: a job may exist.
                              outcome = failure(PrintErrc::printerError,
                                                "erreur interne d'impression", 0, true);
                          }
                          if (done) {
                              done(std::move(outcome));
                          }
                      });
    }

private:
    static net::awaitable<Exchanged> exchange(std::shared_ptr<Printer> self, std::string body) {
        const auto executor = co_await net::this_coro::executor;
        Exchanged out;
        tcp::resolver resolver(executor);
        auto [resolveError, endpoints] = co_await resolver.async_resolve(
            self->m_uri.host, std::to_string(self->m_uri.port), kNoThrow);
        if (resolveError) {
            out.unreachable = true;
            out.detail = resolveError.message();
            co_return out;
        }
        beast::tcp_stream stream(executor);
        stream.expires_after(self->m_timeouts.connect);
        auto [connectError, endpoint] = co_await stream.async_connect(endpoints, kNoThrow);
        if (connectError) {
            out.unreachable = true;
            out.detail = connectError.message();
            co_return out;
        }
        http::request<http::string_body> request{http::verb::post, self->m_uri.path, 11};
        request.set(http::field::host, self->m_uri.host + ":" + std::to_string(self->m_uri.port));
        request.set(http::field::content_type, "application/ipp");
        request.set(http::field::user_agent, "telecabine-cabin");
        request.body() = std::move(body);
        request.prepare_payload();
        out.sent = true;
        stream.expires_after(self->m_timeouts.exchange);
        auto [writeError, written] = co_await http::async_write(stream, request, kNoThrow);
        if (writeError) {
            out.unreachable = true;
            out.detail = writeError.message();
            co_return out;
        }
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(1 << 20);
        auto [readError, read] = co_await http::async_read(stream, buffer, parser, kNoThrow);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        if (readError) {
            out.unreachable = true;
            out.detail = readError.message();
            co_return out;
        }
        const auto& response = parser.get();
        if (response.result() != http::status::ok) {
            out.detail = "HTTP " + std::to_string(response.result_int());
            co_return out;
        }
        out.response = ipp::decode(response.body());
        if (!out.response) {
            out.detail = "unreadable IPP response";
        }
        co_return out;
    }

    // Why the printer failed, from its printer-state-reasons.
    static net::awaitable<std::optional<PrintFailure>> explain(std::shared_ptr<Printer> self,
                                                               bool blockingOnly = false) {
        auto request = ipp::RequestBuilder(ipp::op::getPrinterAttributes, ++self->m_requestId,
                                           self->m_uri.text)
                           .add(ipp::tag::keyword, "requested-attributes", "printer-state")
                           .alsoValue(ipp::tag::keyword, "printer-state-reasons")
                           .alsoValue(ipp::tag::keyword, "printer-state-message")
                           .finish();
        const auto answer = co_await exchange(self, std::move(request));
        if (answer.unreachable) {
            co_return failure(PrintErrc::printerOffline, kOfflineText);
        }
        if (!answer.response || !answer.response->successful()) {
            co_return std::nullopt;
        }
        co_return explainPrinterReasons(answer.response->strings("printer-state-reasons"),
                                        blockingOnly);
    }

    // True when the printer accepted the cancellation: the job will not print.
    static net::awaitable<bool> cancel(std::shared_ptr<Printer> self, std::int32_t jobId) {
        auto request =
            ipp::RequestBuilder(ipp::op::cancelJob, ++self->m_requestId, self->m_uri.text)
                .addInteger(ipp::tag::integer, "job-id", jobId)
                .add(ipp::tag::name, "requesting-user-name", "telecabine-cabin")
                .finish();
        const auto answer = co_await exchange(self, std::move(request));
        co_return answer.response&& answer.response->successful();
    }

    static net::awaitable<PrintOutcome> run(std::shared_ptr<Printer> self, std::string document,
                                            std::string jobName) {
        auto request = ipp::RequestBuilder(ipp::op::printJob, ++self->m_requestId, self->m_uri.text)
                           .add(ipp::tag::name, "requesting-user-name", "telecabine-cabin")
                           .add(ipp::tag::name, "job-name", jobName)
                           .add(ipp::tag::mimeMediaType, "document-format", "application/pdf")
                           .finish(document);
        const auto submitted = co_await exchange(self, std::move(request));
        if (submitted.unreachable) {
            // Once connected, the job may have been created before the link broke.
            co_return failure(PrintErrc::printerOffline, kOfflineText, 0, submitted.sent);
        }
        if (!submitted.response) {
            co_return failure(PrintErrc::printerError,
                              "réponse illisible de l'imprimante (" + submitted.detail + ")", 0,
                              true);
        }
        if (!submitted.response->successful()) {
            if (auto reason = co_await explain(self)) {
                co_return *reason;
            }
            co_return failure(PrintErrc::printerRefused,
                              "l'imprimante refuse le document (" +
                                  ipp::statusName(submitted.response->status) + ")");
        }
        const auto jobId = submitted.response->integer("job-id");
        if (!jobId) {
            co_return failure(PrintErrc::printerError,
                              "l'imprimante n'a pas donné de numéro de travail", 0, true);
        }
        const auto deadline = std::chrono::steady_clock::now() + self->m_timeouts.job;
        const auto stuckAt = std::chrono::steady_clock::now() + self->m_timeouts.stuck;
        net::steady_timer timer(co_await net::this_coro::executor);
        while (true) {
            timer.expires_after(self->m_timeouts.pollInterval);
            co_await timer.async_wait(kNoThrow);
            auto poll = ipp::RequestBuilder(ipp::op::getJobAttributes, ++self->m_requestId,
                                            self->m_uri.text)
                            .addInteger(ipp::tag::integer, "job-id", *jobId)
                            .add(ipp::tag::keyword, "requested-attributes", "job-state")
                            .alsoValue(ipp::tag::keyword, "job-state-reasons")
                            .alsoValue(ipp::tag::keyword, "job-impressions-completed")
                            .finish();
            const auto job = co_await exchange(self, std::move(poll));
            if (job.unreachable) { // the job is on the printer, and may still print
                co_return failure(PrintErrc::printerOffline, kOfflineText, *jobId, true);
            }
            const auto state = job.response && job.response->successful()
                                   ? job.response->integer("job-state")
                                   : std::nullopt;
            if (!state) {
                co_return failure(PrintErrc::printerError, "l'imprimante a perdu le travail",
                                  *jobId, true);
            }
            if (*state == static_cast<int>(ipp::JobState::completed)) {
                co_return PrintedJob{*jobId};
            }
            if (*state == static_cast<int>(ipp::JobState::aborted) ||
                *state == static_cast<int>(ipp::JobState::canceled)) {
                // Stopped after some pages came out: part of it is in the tray.
                const bool partly =
                    job.response->integer("job-impressions-completed").value_or(0) > 0;
                if (auto reason = co_await explain(self)) {
                    reason->jobId = *jobId;
                    reason->uncertain = partly;
                    co_return *reason;
                }
                const bool canceled = *state == static_cast<int>(ipp::JobState::canceled);
                co_return failure(canceled ? PrintErrc::jobCanceled : PrintErrc::jobAborted,
                                  canceled ? "impression annulée à l'imprimante"
                                           : "impression interrompue par l'imprimante",
                                  *jobId, partly);
            }
            if (std::chrono::steady_clock::now() > stuckAt) {
                // Held (waiting for paper, jammed...): give up this job rather than let it
                // print later beside a retry.
                if (auto reason = co_await explain(self, true)) {
                    reason->uncertain = !co_await cancel(self, *jobId);
                    reason->jobId = *jobId;
                    co_return *reason;
                }
            }
            if (std::chrono::steady_clock::now() > deadline) {
                const bool cancelled = co_await cancel(self, *jobId);
                co_return failure(PrintErrc::printerTimeout,
                                  "l'imprimante ne termine pas l'impression", *jobId, !cancelled);
            }
        }
    }

    net::any_io_executor m_executor;
    PrinterUri m_uri;
    PrinterTimeouts m_timeouts;
    std::uint32_t m_requestId = 0;
};

} // namespace

std::optional<PrinterUri> parsePrinterUri(std::string_view uri) {
    constexpr std::string_view scheme = "ipp://";
    if (!uri.starts_with(scheme)) {
        return std::nullopt;
    }
    const auto rest = uri.substr(scheme.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) {
        return std::nullopt;
    }
    PrinterUri out;
    out.text = std::string(uri);
    out.path = std::string(rest.substr(slash));
    auto authority = rest.substr(0, slash);
    if (const auto colon = authority.rfind(':');
        colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        const auto port = authority.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
            return std::nullopt;
        }
        out.port = static_cast<std::uint16_t>(value);
        authority = authority.substr(0, colon);
    }
    if (authority.empty() || authority.find_first_of(" @?#") != std::string_view::npos) {
        return std::nullopt;
    }
    out.host = std::string(authority);
    return out;
}

std::optional<PrintFailure> explainPrinterReasons(const std::vector<std::string>& reasons,
                                                  bool blockingOnly) {
    struct Known {
        std::string_view keyword;
        PrintErrc reason;
        std::string_view text;
    };
    static constexpr Known kKnown[] = {
        {"media-empty", PrintErrc::mediaEmpty, "plus de papier"},
        {"media-needed", PrintErrc::mediaEmpty, "plus de papier"},
        {"input-tray-missing", PrintErrc::mediaEmpty, "bac à papier absent"},
        {"media-jam", PrintErrc::mediaJam, "bourrage papier"},
        {"toner-empty", PrintErrc::tonerEmpty, "plus d'encre"},
        {"marker-supply-empty", PrintErrc::tonerEmpty, "plus d'encre"},
        {"door-open", PrintErrc::coverOpen, "capot de l'imprimante ouvert"},
        {"cover-open", PrintErrc::coverOpen, "capot de l'imprimante ouvert"},
        {"offline", PrintErrc::printerOffline, kOfflineText},
        {"shutdown", PrintErrc::printerOffline, kOfflineText},
        {"connecting-to-device", PrintErrc::printerOffline, kOfflineText},
        {"timed-out", PrintErrc::printerOffline, kOfflineText},
    };
    for (const auto& known : kKnown) {
        for (const auto& keyword : reasons) {
            if (blockingOnly && keyword.ends_with("-report")) {
                continue;
            }
            if (stripSeverity(keyword) == known.keyword) {
                return failure(known.reason, std::string(known.text));
            }
        }
    }
    return std::nullopt;
}

std::string PrintFailure::reason() const {
    return code.category() == printCategory() ? std::string(wireName(PrintErrc(code.value())))
                                              : std::string(wireName(PrintErrc::printerError));
}

std::shared_ptr<CabinPrinter> CabinPrinter::create(net::any_io_executor executor, PrinterUri uri,
                                                   PrinterTimeouts timeouts) {
    return std::make_shared<Printer>(std::move(executor), std::move(uri), timeouts);
}

} // namespace tc::cabin
