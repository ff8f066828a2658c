#pragma once
// A real IPP printer on loopback for the demo and the tests: CUPS' `ippeveprinter`
// (cups-ipp-utils) as a child process, on a free port, spooling under a given directory. It is
// started with fork + exec and killed (SIGTERM, then SIGKILL) when this object goes, or by the
// kernel (PR_SET_PDEATHSIG) if this process dies first.
//
// ippeveprinter will not start without a reachable D-Bus system bus (its Avahi client needs
// one even with DNS-SD off: "Unable to initialize DNS-SD"). When the machine has none, a private
// `dbus-daemon` is started beside it and given to it as DBUS_SYSTEM_BUS_ADDRESS.

#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace tc::cabin {

struct IppPrinterOptions {
    std::filesystem::path directory; // spool (documents kept, -k) and logs go here
    std::string name = "Telecabine";
    // Run for each job (ippeveprinter -c): receives the document's path; STATE: lines on its
    // stderr change printer-state-reasons, a non-zero exit aborts the job.
    std::optional<std::filesystem::path> command;
    std::uint16_t port = 0; // 0: a free loopback port
    std::chrono::milliseconds startTimeout{10'000};
};

class IppPrinterProcess {
public:
    // The ippeveprinter binary, if installed.
    static std::optional<std::filesystem::path> findBinary();
    // Fails if the binary is absent, cannot be spawned, or does not listen in time.
    static boost::system::result<std::unique_ptr<IppPrinterProcess>>
    start(const IppPrinterOptions& options);
    ~IppPrinterProcess();
    IppPrinterProcess(const IppPrinterProcess&) = delete;
    IppPrinterProcess& operator=(const IppPrinterProcess&) = delete;

    std::uint16_t port() const { return m_port; }
    std::string uri() const; // ipp://127.0.0.1:PORT/ipp/print
    const std::filesystem::path& spoolDirectory() const { return m_spool; }
    const std::filesystem::path& logFile() const { return m_log; }
    // Stops the printer (for "printer offline" tests); the port stays known.
    void stop();

private:
    IppPrinterProcess() = default;
    pid_t m_printer = -1;
    pid_t m_bus = -1;
    std::uint16_t m_port = 0;
    std::filesystem::path m_spool;
    std::filesystem::path m_log;
};

// A loopback TCP port nothing listens on at the time of the call.
std::uint16_t freeLoopbackPort();

} // namespace tc::cabin
