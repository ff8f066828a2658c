#pragma once
// Where a media transport gathers its host candidates (RFC 8445 5.1.1.1): every address of every
// interface that is up, IPv4 and IPv6, without link-local addresses (169.254/16, fe80::/10: not
// routable beyond the link, and ambiguous without their scope) and without loopback unless it is
// all the machine has (a peer on another host can never reach 127.0.0.1 or ::1). The doctor or
// the operator may restrict them to named interfaces or addresses (--media-interface,
// --media-address), e.g. to keep media off a VPN.

#include "tc/protocol/errc/host_address_errc.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

struct InterfaceAddress {
    std::string interfaceName;
    boost::asio::ip::address address;
};

// The addresses of the interfaces that are up and running, in the kernel's order.
boost::system::result<std::vector<InterfaceAddress>> listInterfaceAddresses();

struct HostAddressPolicy {
    std::vector<std::string> interfaces; // empty: any
    std::vector<std::string> addresses;  // empty: any; an address given is used even if loopback
};

// The addresses to bind, one host candidate each, from `available` (listInterfaceAddresses), in
// order of preference: the policy's order when it names addresses, else IPv6 before IPv4 (RFC
// 8421), then the kernel's order. Duplicates are dropped.
boost::system::result<std::vector<boost::asio::ip::address>>
selectHostAddresses(const std::vector<InterfaceAddress>& available,
                    const HostAddressPolicy& policy = {});

// Both steps, on this machine.
boost::system::result<std::vector<boost::asio::ip::address>>
hostAddresses(const HostAddressPolicy& policy = {});

} // namespace tc::protocol
