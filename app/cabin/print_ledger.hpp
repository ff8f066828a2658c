#pragma once
// The cabin's durable print ledger: which prescription ids it has printed, is printing, or may
// have printed. A prescription id prints at most once, across restarts and crashes, because
// every print is written ahead (and fsync'ed) before its job is submitted, and its outcome is
// written after the printer answers. An attempt with no outcome on disk is a crash between the
// two: "printed, not confirmed", and the id never prints again.
//
// The file is `<state directory>/print-ledger.jsonl`: one JSON object per line, appended only
// (format, states and guarantees in app/cabin/README.md, "The print ledger"). Reading it is
// conservative: a torn last line (a crash while writing it) is dropped, since nothing was done
// on its account; any other unreadable line blocks the id it names, and a damaged line that
// names none blocks every print the ledger cannot vouch for.
//
// Synchronous, on the cabin's strand: three small fsync'ed appends per print (a few ms each).

#include "tc/cabin/errc/ledger_errc.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::cabin {

inline constexpr std::size_t kMaxLedgerBytes = 64 * 1024 * 1024;
inline constexpr std::string_view kLedgerFileName = "print-ledger.jsonl";

// What the ledger says of one prescription id.
enum class PrintState {
    notPrinted,  // every attempt ended with the printer certain it printed nothing: may print
    printing,    // written ahead in this process; its outcome is awaited
    printed,     // the printer said completed
    unconfirmed, // an attempt may have printed (crash, printer lost mid-job): never again
    unreadable,  // a damaged line names this id: never again
};
std::string_view toString(PrintState state) noexcept;

struct PrintRecord {
    std::string sha256;
    std::uint64_t size = 0;
    std::uint32_t attempts = 0; // the last attempt's number (1, 2, ...)
    PrintState state = PrintState::notPrinted;
    std::int32_t jobId = 0;
    std::string reason; // the last outcome's reason, e.g. "media_empty", "interrupted"
};

// A line the ledger could not read, with its 1-based number.
struct LedgerProblem {
    std::size_t line = 0;
    LedgerErrc code = LedgerErrc::notJson;
    std::string detail;
    std::optional<std::string> id; // the prescription id found in it, if any (blocked)
};

class PrintLedger {
public:
    // Creates the directory (0700) and the file when missing, reads every line, truncates a torn
    // last line, and locks the file against a second process.
    static boost::system::result<PrintLedger> open(const std::filesystem::path& directory);
    PrintLedger(PrintLedger&& other) noexcept;
    PrintLedger& operator=(PrintLedger&& other) noexcept;
    PrintLedger(const PrintLedger&) = delete;
    PrintLedger& operator=(const PrintLedger&) = delete;
    ~PrintLedger();

    const std::filesystem::path& path() const { return m_path; }
    const PrintRecord* find(const std::string& id) const;
    const std::map<std::string, PrintRecord>& records() const { return m_records; }
    const std::vector<LedgerProblem>& problems() const { return m_problems; }
    // A damaged line names no id: begin() refuses every id not already known as not printed.
    bool damaged() const { return m_damaged; }
    // A write failed: begin() refuses everything until the cabin restarts.
    bool broken() const { return m_broken; }

    // Write-ahead: records (written and fsync'ed) that attempt N of `id` is about to be
    // submitted, and returns N. Refuses with alreadyPrinted, printedUnconfirmed,
    // unreadableEntry, damaged, conflict, printing or cannotWrite; then print nothing.
    boost::system::result<std::uint32_t> begin(const std::string& id, const std::string& sha256,
                                               std::uint64_t size);
    // The attempt's outcome, written and fsync'ed.
    boost::system::error_code printed(const std::string& id, std::uint32_t attempt,
                                      std::int32_t jobId);
    // The printer is certain nothing printed (no job, or the job aborted or was cancelled).
    boost::system::error_code notPrinted(const std::string& id, std::uint32_t attempt,
                                         const std::string& reason);
    // A job may exist that was never seen to finish.
    boost::system::error_code unconfirmed(const std::string& id, std::uint32_t attempt,
                                          std::int32_t jobId, const std::string& reason);

private:
    PrintLedger() = default;
    struct Facts;
    boost::system::error_code append(const std::string& line);
    void load(std::string_view text);
    void apply(std::size_t lineNumber, std::string_view line, std::map<std::string, Facts>& facts);
    void close() noexcept;

    std::filesystem::path m_path;
    int m_fd = -1;
    std::map<std::string, PrintRecord> m_records;
    std::vector<LedgerProblem> m_problems;
    bool m_damaged = false;
    bool m_broken = false;
};

} // namespace tc::cabin
