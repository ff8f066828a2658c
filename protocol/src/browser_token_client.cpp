// BrowserTokenClient: the browser token route over ArchiveClient's connections. See
// browser_token_client.hpp.

#include "tc/protocol/browser_token_client.hpp"

#include "archive_client_impl.hpp"

namespace tc::protocol {

BrowserTokenClient::BrowserTokenClient(ArchiveClient client)
    : m_client(std::move(client)) {}

ArchiveClientResult<BrowserTokenClient> BrowserTokenClient::create(net::any_io_executor executor,
                                                                   ArchiveClientConfig config) {
    auto client = ArchiveClient::create(std::move(executor), std::move(config));
    if (!client) {
        return client.error();
    }
    return BrowserTokenClient(std::move(*client));
}

void BrowserTokenClient::stop() const {
    m_client.stop();
}

net::awaitable<ArchiveClientResult<BrowserToken>> BrowserTokenClient::request() const {
    co_return co_await onStrand(m_client.m_impl,
                                [](std::shared_ptr<ArchiveClient::Impl> self)
                                    -> net::awaitable<ArchiveClientResult<BrowserToken>> {
                                    const std::string target(kBrowserTokenPath);
                                    std::string none;
                                    auto answer = co_await self->post(target, std::move(none));
                                    if (!answer) {
                                        co_return answer.error();
                                    }
                                    co_return decode(*answer, browserTokenFromJson);
                                }(m_client.m_impl));
}

} // namespace tc::protocol
