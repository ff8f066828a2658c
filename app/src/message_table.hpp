#pragma once
// Handlers keyed by protocol constant: a service event's type (protocol::type::*) or a session
// message's kind (protocol::kind::*, session_kinds.hpp). A controller fills one table in its
// constructor, one row per message it handles, and dispatches what arrives through it: adding a
// message is adding a row (app/README.md, "Adding a session message").

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

namespace tc::app {

class MessageTable {
public:
    using Handler = std::function<void(std::string_view key, const nlohmann::json& body)>;

    // `key` must be a protocol constant (static storage): the table keeps the view. A second
    // handler for a key replaces the first.
    void on(std::string_view key, Handler handler) { m_handlers[key] = std::move(handler); }
    template <class Keys> void on(const Keys& keys, const Handler& handler) {
        for (const std::string_view key : keys) {
            on(key, handler);
        }
    }

    // Runs the key's handler; false when no row has that key (the caller decides whether an
    // unknown key is an error or a newer peer's message to ignore).
    bool dispatch(std::string_view key, const nlohmann::json& body) const {
        const auto found = m_handlers.find(key);
        if (found == m_handlers.end()) {
            return false;
        }
        found->second(key, body);
        return true;
    }
    bool handles(std::string_view key) const { return m_handlers.contains(key); }

private:
    std::unordered_map<std::string_view, Handler> m_handlers;
};

} // namespace tc::app
