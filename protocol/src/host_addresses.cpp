#include "tc/protocol/host_addresses.hpp"

#include <algorithm>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace tc::protocol {
namespace {

namespace ip = boost::asio::ip;

bool linkLocal(const ip::address& a) {
    if (a.is_v4()) {
        return (a.to_v4().to_uint() & 0xFFFF0000u) == 0xA9FE0000u; // 169.254.0.0/16
    }
    return a.to_v6().is_link_local();
}

} // namespace

boost::system::result<std::vector<InterfaceAddress>> listInterfaceAddresses() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) {
        return HostAddressErrc::interfacesUnreadable;
    }
    std::vector<InterfaceAddress> out;
    for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || (i->ifa_flags & IFF_UP) == 0 ||
            (i->ifa_flags & IFF_RUNNING) == 0) {
            continue;
        }
        InterfaceAddress entry;
        entry.interfaceName = i->ifa_name;
        if (i->ifa_addr->sa_family == AF_INET) {
            const auto* v4 = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            entry.address = ip::address_v4(ntohl(v4->sin_addr.s_addr));
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            const auto* v6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
            ip::address_v6::bytes_type bytes;
            std::copy(std::begin(v6->sin6_addr.s6_addr), std::end(v6->sin6_addr.s6_addr),
                      bytes.begin());
            entry.address = ip::address_v6(bytes);
        } else {
            continue;
        }
        out.push_back(std::move(entry));
    }
    freeifaddrs(list);
    return out;
}

boost::system::result<std::vector<ip::address>>
selectHostAddresses(const std::vector<InterfaceAddress>& available,
                    const HostAddressPolicy& policy) {
    for (const auto& name : policy.interfaces) {
        if (std::none_of(available.begin(), available.end(),
                         [&](const InterfaceAddress& a) { return a.interfaceName == name; })) {
            return HostAddressErrc::unknownInterface;
        }
    }
    std::vector<ip::address> out;
    const auto add = [&](const ip::address& a) {
        if (std::find(out.begin(), out.end(), a) == out.end()) {
            out.push_back(a);
        }
    };
    if (!policy.addresses.empty()) {
        for (const auto& text : policy.addresses) {
            boost::system::error_code ec;
            const auto wanted = ip::make_address(text, ec);
            if (ec) {
                return HostAddressErrc::invalidAddress;
            }
            const auto local = std::find_if(available.begin(), available.end(), [&](const auto& a) {
                return a.address == wanted &&
                       (policy.interfaces.empty() ||
                        std::find(policy.interfaces.begin(), policy.interfaces.end(),
                                  a.interfaceName) != policy.interfaces.end());
            });
            if (local == available.end()) {
                return HostAddressErrc::addressNotLocal;
            }
            add(wanted);
        }
        return out;
    }
    std::vector<ip::address> loopback;
    for (const bool v6 : {true, false}) {
        for (const auto& a : available) {
            if (a.address.is_v6() != v6 || linkLocal(a.address) || a.address.is_unspecified() ||
                a.address.is_multicast() ||
                (a.address.is_v6() && a.address.to_v6().is_v4_mapped())) {
                continue;
            }
            if (!policy.interfaces.empty() &&
                std::find(policy.interfaces.begin(), policy.interfaces.end(), a.interfaceName) ==
                    policy.interfaces.end()) {
                continue;
            }
            if (a.address.is_loopback()) {
                loopback.push_back(a.address);
            } else {
                add(a.address);
            }
        }
    }
    if (out.empty()) {
        // Loopback only when it is all there is (a machine without a network, or an interface
        // named on purpose): IPv4 first, the address every local peer has.
        std::stable_sort(
            loopback.begin(), loopback.end(),
            [](const ip::address& a, const ip::address& b) { return a.is_v4() && !b.is_v4(); });
        for (const auto& a : loopback) {
            add(a);
        }
    }
    if (out.empty()) {
        return HostAddressErrc::noUsableAddress;
    }
    return out;
}

boost::system::result<std::vector<ip::address>> hostAddresses(const HostAddressPolicy& policy) {
    auto available = listInterfaceAddresses();
    if (!available) {
        return available.error();
    }
    return selectHostAddresses(*available, policy);
}

} // namespace tc::protocol
