#pragma once
// The cabin's web server (telecabine-cabin --web): serves the browser cabin page (app/cabin/web,
// embedded at build time) to the cabin's own kiosk browser, and hands it, on GET /config, a fresh
// browser cabin token that this process obtains from the rendezvous service with the cabin's
// certificate (the page itself holds no certificate). HTTP/1.1 on loopback by default, Beast on
// the executor given to start() (the cabin's io thread). See app/cabin/README.md, "The browser
// cabin".
//
// Routes: GET /, /cabin.js, /cabin.css (the page; a query string is ignored), GET /config (JSON);
// anything else 404, other methods 405, a request over 8 KiB 431 or 413 (then closed). Every
// answer says Cache-Control: no-store and carries the page's Content-Security-Policy. Errors are
// JSON {code, message, detail?} with the keys of WebErrc (errors.json).

#include "tc/cabin/errc/web_errc.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tc::cabin {

// A browser cabin token as the service issued it (POST /cabin/v1/browser-token).
struct BrowserTicket {
    std::string browserUrl; // wss://host:port/v1/browser
    std::string token;
    std::int64_t expiresAtMs = 0;
    std::string site;
    std::string name;
};

// Why no token came: the service's typed refusal, or no answer at all.
struct TicketRefusal {
    std::string code;        // the service's key (browser_cabins_disabled, …) or a local one
    std::string message;     // English, for logs and the page's diagnostics
    unsigned httpStatus = 0; // the service's status; 0 when it did not answer
};

struct TicketOutcome {
    std::optional<BrowserTicket> ticket; // set on success
    TicketRefusal refusal;               // otherwise
};

// Asks the service for a token; called once per GET /config, on the server's executor.
using TicketSource = std::function<boost::asio::awaitable<TicketOutcome>()>;

struct CabinWebConfig {
    std::string bindAddress = "127.0.0.1";
    std::uint16_t port = 0; // 0: ephemeral (tests)
    // The service's host as the cabin dials it: the page's connect-src names wss://HOST:* until
    // a token has named the browser port, then exactly the token's origin.
    std::string serviceHost = "127.0.0.1";
    nlohmann::json patients =
        nlohmann::json::array(); // visit.checkin bodies, as the script has them
    TicketSource tickets;
    std::function<void(const std::string&)> log; // one line per refusal and per token
};

// The page's files, embedded (web_assets.cpp, generated from app/cabin/web by CMake).
struct WebAsset {
    std::string_view path; // "/", "/cabin.js", "/cabin.css"
    std::string_view contentType;
    std::string_view body;
};
const WebAsset* findWebAsset(std::string_view path) noexcept;

class CabinWebServer {
public:
    // Binds and listens at once (so that a port in use is reported at start), then serves on
    // `executor` until stop().
    static boost::system::result<std::shared_ptr<CabinWebServer>>
    start(boost::asio::any_io_executor executor, CabinWebConfig config);
    virtual ~CabinWebServer() = default;
    virtual std::uint16_t port() const noexcept = 0;
    // Closes the listener and every connection; returns at once (the work ends on the executor).
    virtual void stop() = 0;
};

// The Content-Security-Policy of every answer: only this server's own files, and WebSocket to the
// service (`connectOrigin`, e.g. "wss://rdv.example:9443" or "wss://rdv.example:*").
std::string contentSecurityPolicy(std::string_view connectOrigin);

} // namespace tc::cabin
