#include "ice_server_json.hpp"

#include <string>

namespace tc::protocol::detail {
namespace {

constexpr std::size_t kMaxUriBytes = 300;

void readIceServer(const nlohmann::json& object, const std::string& path, IceServer& out,
                   JsonReader& parent) {
    JsonReader r(object, path);
    bool hasTurn = false;
    if (const auto* urls = r.array("urls", kMaxIceUris)) {
        if (urls->empty()) {
            r.fail(Errc::invalidField, r.pathOf("urls") + ": at least one URL");
        }
        for (std::size_t i = 0; i < urls->size() && r.ok(); ++i) {
            const auto& item = (*urls)[i];
            const std::string itemPath = r.pathOf("urls") + "[" + std::to_string(i) + "]";
            if (!item.is_string()) {
                r.fail(Errc::wrongFieldType, itemPath + ": expected a string");
                break;
            }
            const auto& text = item.get_ref<const std::string&>();
            const auto uri = text.size() <= kMaxUriBytes ? parseIceServerUri(text)
                                                         : make_error_code(IceConfigErrc::badUri);
            if (!uri) {
                r.fail(Errc::invalidField, itemPath + ": not a stun:, stuns:, turn: or turns: URI");
                break;
            }
            hasTurn = hasTurn || uri->isTurn();
            out.urls.push_back(text);
        }
    }
    if (r.ok() && !hasTurn) {
        for (const char* key : {"username", "credential"}) {
            if (object.contains(key)) {
                r.fail(Errc::invalidField, r.pathOf(key) + ": only with a turn: or turns: URL");
                break;
            }
        }
    }
    r.string("username", out.username, 1, kMaxTurnUsernameBytes, hasTurn);
    r.string("credential", out.credential, 1, kMaxTurnCredentialBytes, hasTurn);
    r.finish();
    parent.merge(r);
}

} // namespace

void readIceServers(JsonReader& r, std::vector<IceServer>& out) {
    const auto* list = r.array("ice_servers", kMaxIceServers, false);
    if (list == nullptr) {
        return;
    }
    out.resize(list->size());
    for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
        readIceServer((*list)[i], r.pathOf("ice_servers") + "[" + std::to_string(i) + "]", out[i],
                      r);
    }
}

void writeIceServers(nlohmann::json& body, const std::vector<IceServer>& servers) {
    if (servers.empty()) {
        return;
    }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& server : servers) {
        nlohmann::json urls = nlohmann::json::array();
        for (const auto& url : server.urls) {
            urls.push_back(url);
        }
        nlohmann::json entry{{"urls", std::move(urls)}};
        if (!server.username.empty() || !server.credential.empty()) {
            entry["username"] = server.username;
            entry["credential"] = server.credential;
        }
        list.push_back(std::move(entry));
    }
    body["ice_servers"] = std::move(list);
}

} // namespace tc::protocol::detail
