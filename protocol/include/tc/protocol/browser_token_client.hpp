#pragma once
// The cabin's side of the browser token route (protocol/README.md, "Browser cabins"): a cabin
// process holding its certificate asks the service for a browser cabin token to hand to its
// kiosk browser (telecabine-cabin --web). HTTPS on the service's main port with the cabin's
// certificate, over ArchiveClient's connections and verification (the deployment CA, the host,
// the role "service"); the same threading. Failures are ArchiveClientFailure: the key the
// service named (forbidden_role, browser_cabins_disabled, ...) or a local one. No Qt.

#include "tc/protocol/archive_client.hpp"
#include "tc/protocol/browser_token.hpp"

namespace tc::protocol {

class BrowserTokenClient {
public:
    // Builds the TLS context (pki_failure for unusable credentials); connects on first use.
    // `config.tls` holds the cabin's certificate and key and the deployment CA.
    static ArchiveClientResult<BrowserTokenClient> create(boost::asio::any_io_executor executor,
                                                          ArchiveClientConfig config);

    // POST /cabin/v1/browser-token: a fresh token, valid for the service's token lifetime.
    boost::asio::awaitable<ArchiveClientResult<BrowserToken>> request() const;

    // As ArchiveClient::stop.
    void stop() const;

private:
    explicit BrowserTokenClient(ArchiveClient client);
    ArchiveClient m_client;
};

} // namespace tc::protocol
