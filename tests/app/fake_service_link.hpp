#pragma once
// A rendezvous service link with no network, for controller unit tests: it records every
// request, and the test answers them and pushes events, on the UI thread like the real link.

#include "service_link.hpp"
#include "tc/protocol/io_thread.hpp"

#include <deque>
#include <optional>

namespace tc::test {

class FakeServiceLink : public app::ServiceLink {
public:
    struct Request {
        std::string type;
        nlohmann::json body;
        ReplyCallback callback;
    };

    void request(const std::string& type, nlohmann::json body, ReplyCallback callback) override {
        m_requests.push_back({type, std::move(body), std::move(callback)});
    }
    boost::asio::any_io_executor ioExecutor() const override { return m_io->executor(); }
    bool signedIn() const override { return m_signedIn; }
    QString identityName() const override { return QStringLiteral("Dr Claire Martin"); }
    QString rpps() const override { return QStringLiteral("10101234564"); }
    QString caPath() const override { return {}; }
    QString bundlePath() const override { return {}; }

    // The service welcomes the doctor (a fresh session: subscriptions to renew).
    void welcome() {
        m_signedIn = true;
        emit linkChanged();
        emit welcomed(false);
    }
    void drop() {
        m_signedIn = false;
        emit linkChanged();
    }
    void push(std::string_view type, nlohmann::json body) {
        emit eventReceived(
            protocol::Envelope{protocol::kProtocolVersion, std::string(type), {}, std::move(body)});
    }

    // The oldest request not answered yet of that type, taken out; nothing if none.
    std::optional<Request> take(std::string_view type) {
        for (auto it = m_requests.begin(); it != m_requests.end(); ++it) {
            if (it->type == type) {
                auto found = std::move(*it);
                m_requests.erase(it);
                return found;
            }
        }
        return std::nullopt;
    }
    // Answers the oldest request of that type; false if there was none.
    bool reply(std::string_view type, nlohmann::json body) {
        auto found = take(type);
        if (!found) {
            return false;
        }
        if (found->callback) {
            found->callback(protocol::Reply{{}, {}, std::move(body)});
        }
        return true;
    }
    bool refuse(std::string_view type, boost::system::error_code code) {
        auto found = take(type);
        if (!found) {
            return false;
        }
        if (found->callback) {
            found->callback(protocol::Reply{code, code.message(), {}});
        }
        return true;
    }
    std::size_t pending(std::string_view type) const {
        return static_cast<std::size_t>(
            std::count_if(m_requests.begin(), m_requests.end(),
                          [&](const Request& r) { return r.type == type; }));
    }

private:
    std::unique_ptr<protocol::IoThread> m_io = std::make_unique<protocol::IoThread>("fake-link");
    std::deque<Request> m_requests;
    bool m_signedIn = false;
};

} // namespace tc::test
