#pragma once
// What the queue and the session need from the rendezvous link: send a request and get its
// reply on the UI thread. ConnectionController implements it over the real client; the tests
// substitute a fake that answers on demand.

#include "tc/protocol/rendezvous_client.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

class QObject;

namespace tc::app {

class ServiceLink {
public:
    using ReplyCallback = std::function<void(const protocol::Reply&)>;

    virtual ~ServiceLink() = default;

    // Sends a `type` request. Call from the UI thread. `callback` (may be empty) later runs on
    // the UI thread with the reply or a typed error (not_connected, timeout, connection_lost,
    // or the service's refusal); it is dropped if `context` is destroyed first.
    virtual void request(std::string_view type, nlohmann::json body, QObject* context,
                         ReplyCallback callback) = 0;

protected:
    ServiceLink() = default;
    ServiceLink(const ServiceLink&) = default;
    ServiceLink& operator=(const ServiceLink&) = default;
};

} // namespace tc::app
