#pragma once
// The cabin's printer: submits a received PDF to an IPP printer (Print-Job, document-format
// application/pdf), follows the job (Get-Job-Attributes) until it is completed, aborted or
// canceled, and reads printer-state-reasons (Get-Printer-Attributes) to explain a failure. A job
// the printer holds (no paper, jam, offline) is cancelled after `stuck` and reported.
//
// Why our own IPP encoding over Boost.Beast rather than libcups: the cabin's io thread runs
// asio, and the printer is one more asynchronous peer on it (coroutines on the cabin's strand,
// with timeouts), so nothing blocks and no worker thread or C callback is needed. The three
// operations the cabin uses are a few dozen bytes of RFC 8010 encoding each (ipp_codec.hpp);
// libcups' blocking API would have needed a thread of its own and a second event model.

#include "tc/cabin/errc/print_errc.hpp"
#include "tc/errors/outcome.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::cabin {

struct PrinterUri {
    std::string host;
    std::uint16_t port = 631;
    std::string path; // "/ipp/print"
    std::string text; // as given, for printer-uri
};
// ipp://host[:port]/path (the port defaults to 631). Nullopt otherwise.
std::optional<PrinterUri> parsePrinterUri(std::string_view uri);

struct PrintFailure : errors::Failure {
    std::string text; // for the operator and the doctor, in French
    std::int32_t jobId = 0;
    // Failed, but not certainly: the printer may hold a job for the document that was never
    // seen to end (the link broke after Print-Job was sent, the job was lost, a cancel was not
    // accepted, or it aborted after printing pages). It may still come out: never retry it.
    bool uncertain = false;
    std::string reason() const; // the wire reason code, e.g. "media_empty"
};

struct PrintedJob {
    std::int32_t jobId = 0;
};

using PrintOutcome = errors::Outcome<PrintedJob, PrintFailure>;

// Maps printer-state-reasons keywords (with or without -error/-warning/-report) to a reason
// code and its text; nullopt when none of them explains a failure. `blockingOnly` ignores the
// purely informational "-report" ones (what a held job is waiting for).
std::optional<PrintFailure> explainPrinterReasons(const std::vector<std::string>& reasons,
                                                  bool blockingOnly = false);

struct PrinterTimeouts {
    std::chrono::milliseconds connect{5'000};
    std::chrono::milliseconds exchange{15'000};
    std::chrono::milliseconds pollInterval{200};
    std::chrono::milliseconds job{120'000}; // from Print-Job to a final job state
    // A job still not printed after this long while the printer gives a reason (out of paper,
    // jam, offline) is cancelled (Cancel-Job) and reported with that reason: the doctor may
    // then retry without a second copy coming out once the paper is back.
    std::chrono::milliseconds stuck{10'000};
};

class CabinPrinter {
public:
    using Done = std::function<void(PrintOutcome)>;

    // `executor` should be the cabin's strand: `done` is called on it.
    static std::shared_ptr<CabinPrinter> create(boost::asio::any_io_executor executor,
                                                PrinterUri uri, PrinterTimeouts timeouts = {});
    virtual ~CabinPrinter() = default;
    virtual const PrinterUri& uri() const = 0;
    // Prints `document` (PDF bytes) as job `jobName`; never blocks.
    virtual void print(std::string document, std::string jobName, Done done) = 0;
};

} // namespace tc::cabin
