// The cabin web server's tokens from the rendezvous service: see cabin_web_tickets.hpp.
#include "cabin_web_tickets.hpp"

#include "tc/protocol/errc/archive_errc.hpp"
#include "tc/protocol/errc/archive_transfer_errc.hpp"
#include "tc/protocol/errc/browser_errc.hpp"
#include "tc/protocol/errc/protocol_errc.hpp"

namespace tc::cabin {
namespace {

namespace net = boost::asio;

// The stable key of a failure's code, whichever table it comes from.
std::string keyOf(const boost::system::error_code& code) {
    using namespace tc::protocol;
    const auto& category = code.category();
    if (category == browserCategory()) {
        return std::string(wireName(static_cast<BrowserErrc>(code.value())));
    }
    if (category == protocolCategory()) {
        return std::string(wireName(static_cast<Errc>(code.value())));
    }
    if (category == archiveTransferCategory()) {
        return std::string(wireName(static_cast<ArchiveTransferErrc>(code.value())));
    }
    if (category == archiveCategory()) {
        return std::string(wireName(static_cast<ArchiveErrc>(code.value())));
    }
    return std::string(category.name()) + ":" + std::to_string(code.value());
}

// A coroutine of its own (not a capturing lambda): the client outlives the call.
net::awaitable<TicketOutcome> askService(std::shared_ptr<protocol::BrowserTokenClient> client) {
    auto answer = co_await client->request();
    if (!answer) {
        const auto& failure = answer.error();
        co_return TicketOutcome{std::nullopt,
                                {keyOf(failure.code), failure.message(), failure.httpStatus}};
    }
    co_return TicketOutcome{BrowserTicket{answer->browserUrl, answer->token, answer->expiresAtMs,
                                          answer->site, answer->name},
                            {}};
}

} // namespace

TicketSource serviceTickets(protocol::BrowserTokenClient client) {
    auto shared = std::make_shared<protocol::BrowserTokenClient>(std::move(client));
    return [shared] {
        return askService(shared);
    };
}

} // namespace tc::cabin
