#include "machine_description.hpp"

#include <fstream>
#include <string>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace tc::bench {

nlohmann::json machineDescription() {
    std::string cpu = "unknown";
    std::ifstream info("/proc/cpuinfo");
    for (std::string line; std::getline(info, line);) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            cpu = colon == std::string::npos ? line : line.substr(colon + 2);
            break;
        }
    }
    std::string load;
    std::getline(std::ifstream("/proc/loadavg"), load);
    utsname name{};
    ::uname(&name);
    const auto pages = ::sysconf(_SC_PHYS_PAGES);
    const auto pageSize = ::sysconf(_SC_PAGESIZE);
    return {{"cpu", cpu},
            {"cores", std::thread::hardware_concurrency()},
            {"memory_gib", pages > 0 && pageSize > 0
                               ? static_cast<double>(pages) * static_cast<double>(pageSize) /
                                     (1024.0 * 1024 * 1024)
                               : 0.0},
            {"kernel", std::string(name.sysname) + " " + name.release},
            {"loadavg", load}};
}

} // namespace tc::bench
