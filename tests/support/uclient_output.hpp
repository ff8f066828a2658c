#pragma once
// What coturn's test client, turnutils_uclient, must print after relaying through a TURN server:
// the NAT lab's relays and the protocol suite's coturn tests read it the same way. Header only,
// with no dependency on tc's libraries (the NAT lab has none).

#include <catch2/catch.hpp>
#include <string>

namespace tc::test {

// The client's run (exit status, stdout and stderr) went through the relays: no error, messages
// received, none lost.
inline void requireUclientRelayed(int status, const std::string& output) {
    INFO(output);
    REQUIRE(status == 0);
    CHECK(output.find("ERROR") == std::string::npos);
    // The final summary.
    const auto summary = output.rfind("tot_recv_msgs=");
    REQUIRE(summary != std::string::npos);
    CHECK(std::stoi(output.substr(summary + 14)) > 0);
    CHECK(output.find("Total lost packets 0 (") != std::string::npos);
}

} // namespace tc::test
