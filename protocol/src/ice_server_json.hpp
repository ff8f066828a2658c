#pragma once
// The optional `ice_servers` field of `visit.claim`'s result and of `visit.claimed`.

#include "json_reader.hpp"
#include "tc/protocol/ice_servers.hpp"

#include <nlohmann/json.hpp>
#include <vector>

namespace tc::protocol::detail {

// Reads "ice_servers" if present: 0-4 entries, each {urls, username?, credential?}; `username`
// and `credential` are required when a URL is turn:/turns: and refused otherwise.
void readIceServers(JsonReader& r, std::vector<IceServer>& out);
// Writes "ice_servers" into `body` unless `servers` is empty.
void writeIceServers(nlohmann::json& body, const std::vector<IceServer>& servers);

} // namespace tc::protocol::detail
