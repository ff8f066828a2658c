#pragma once
// What the console's controllers need of the rendezvous service, and nothing more: requests
// with a reply on the UI thread, the events the service pushes, and who is signed in.
// ConnectionController is the real one (TLS WebSocket on the protocol thread); the controller
// tests drive QueueModel and SessionController through a fake (tests/app/fake_service_link.hpp)
// with no network at all.

#include "controller.hpp"
#include "tc/protocol/envelope.hpp"
#include "tc/protocol/rendezvous_client.hpp"

#include <QString>
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace tc::app {

class ServiceLink : public Controller {
    Q_OBJECT
public:
    using ReplyCallback = std::function<void(const protocol::Reply&)>;
    using Controller::Controller;

    // The reply callback runs on the UI thread (never within the call).
    virtual void request(const std::string& type, nlohmann::json body, ReplyCallback callback) = 0;
    // The protocol thread, for media transports that live as long as a session.
    virtual boost::asio::any_io_executor ioExecutor() const = 0;
    virtual bool signedIn() const = 0;
    // The signed-in doctor, from the certificate: "Dr Claire Martin", the RPPS number.
    virtual QString identityName() const = 0;
    virtual QString rpps() const = 0;
    // The deployment CA (it also verifies TURN over TLS) and the doctor's identity file.
    virtual QString caPath() const = 0;
    virtual QString bundlePath() const = 0;

signals:
    // UI thread. `resumed` false means subscriptions must be renewed.
    void welcomed(bool resumed);
    void eventReceived(const tc::protocol::Envelope& event);
    // signedIn() may have changed.
    void linkChanged();
};

} // namespace tc::app
