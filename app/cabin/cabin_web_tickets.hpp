#pragma once
// Where the cabin's web server gets its tokens: the rendezvous service's token route, asked with
// the cabin's certificate (protocol::BrowserTokenClient), one request per GET /config.

#include "cabin_web_server.hpp"
#include "tc/protocol/browser_token_client.hpp"

namespace tc::cabin {

// Each call asks the service for a fresh token; a refusal carries the service's key
// (browser_cabins_disabled, forbidden_role, ...) or the local one (a TLS refusal, a timeout).
TicketSource serviceTickets(protocol::BrowserTokenClient client);

} // namespace tc::cabin
