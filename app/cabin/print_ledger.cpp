#include "print_ledger.hpp"

#include "tc/errors/table_lookup.hpp"
#include "tc/protocol/document_transfer.hpp"
#include "tc/protocol/posix_io.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace tc::cabin {
namespace {

using boost::system::error_code;
using nlohmann::json;

enum class Outcome { none, printed, notPrinted, unconfirmed };

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

error_code lastError() {
    return {errno, boost::system::system_category()};
}

// Every prescription id written in a line that cannot be read (to block them).
std::vector<std::string> salvageIds(std::string_view line) {
    std::vector<std::string> ids;
    std::size_t start = 0;
    // Crockford base32, hyphens, and the check symbols * ~ $ =.
    const auto isIdChar = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               c == '-' || c == '*' || c == '~' || c == '$' || c == '=';
    };
    for (std::size_t i = 0; i <= line.size(); ++i) {
        if (i < line.size() && isIdChar(line[i])) {
            continue;
        }
        if (i > start) {
            if (auto id = protocol::canonicalTransferId(line.substr(start, i - start))) {
                ids.push_back(std::move(*id));
            }
        }
        start = i + 1;
    }
    return ids;
}

bool isSha256(const std::string& text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

error_code fsyncDirectory(const std::filesystem::path& directory) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return lastError();
    }
    const int rc = ::fsync(fd);
    const auto error = rc != 0 ? lastError() : error_code();
    ::close(fd);
    return error;
}

} // namespace

// What the lines say of one id, before its state is decided.
struct PrintLedger::Facts {
    std::string sha256;
    std::uint64_t size = 0;
    std::map<std::uint32_t, Outcome> attempts;
    std::int32_t jobId = 0;
    std::string reason;
    bool blocked = false; // a damaged line names it
};

std::string_view toString(PrintState state) noexcept {
    static constexpr errors::EnumNames<PrintState::unreadable> names{
        {"not_printed", "printing", "printed", "unconfirmed", "unreadable"}};
    return names(state, "unknown");
}

boost::system::result<PrintLedger> PrintLedger::open(const std::filesystem::path& directory) {
    if (directory.empty()) {
        return make_error_code(LedgerErrc::cannotOpen);
    }
    std::error_code fsError;
    if (!std::filesystem::exists(directory, fsError)) {
        if (!std::filesystem::create_directories(directory, fsError) || fsError) {
            return make_error_code(LedgerErrc::cannotOpen);
        }
        std::filesystem::permissions(directory, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, fsError);
        const auto parent =
            directory.has_parent_path() ? directory.parent_path() : std::filesystem::path(".");
        static_cast<void>(fsyncDirectory(parent)); // the new directory's entry
    }
    PrintLedger ledger;
    ledger.m_path = directory / kLedgerFileName;
    bool created = true;
    ledger.m_fd =
        ::open(ledger.m_path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (ledger.m_fd < 0 && errno == EEXIST) {
        created = false;
        ledger.m_fd = ::open(ledger.m_path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    }
    if (ledger.m_fd < 0) {
        return make_error_code(LedgerErrc::cannotOpen);
    }
    if (::flock(ledger.m_fd, LOCK_EX | LOCK_NB) != 0) {
        return make_error_code(errno == EWOULDBLOCK ? LedgerErrc::inUse : LedgerErrc::cannotOpen);
    }
    if (created && (::fsync(ledger.m_fd) != 0 || fsyncDirectory(directory))) {
        return make_error_code(LedgerErrc::cannotOpen);
    }
    struct stat info {};
    if (::fstat(ledger.m_fd, &info) != 0) {
        return make_error_code(LedgerErrc::cannotOpen);
    }
    if (static_cast<std::uint64_t>(info.st_size) > kMaxLedgerBytes) {
        return make_error_code(LedgerErrc::tooLarge);
    }
    std::string text(static_cast<std::size_t>(info.st_size), '\0');
    if (protocol::readFull(ledger.m_fd, text.data(), text.size(), 0) != text.size()) {
        return make_error_code(LedgerErrc::cannotOpen);
    }
    // A torn last line: the crash came while it was written, so its fsync never returned and
    // nothing was done on its account. Cut it off, so that the next line starts cleanly.
    const auto lastNewline = text.rfind('\n');
    const std::size_t complete = lastNewline == std::string::npos ? 0 : lastNewline + 1;
    if (complete < text.size()) {
        const auto torn = std::string_view(text).substr(complete);
        const auto lineNumber =
            static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
        ledger.m_problems.push_back({lineNumber, LedgerErrc::tornLine,
                                     std::to_string(torn.size()) + " bytes dropped", std::nullopt});
        if (::ftruncate(ledger.m_fd, static_cast<off_t>(complete)) != 0 ||
            ::fsync(ledger.m_fd) != 0) {
            return make_error_code(LedgerErrc::cannotOpen);
        }
        text.resize(complete);
    }
    ledger.load(text);
    return ledger;
}

void PrintLedger::load(std::string_view text) {
    std::map<std::string, Facts> facts;
    std::size_t lineNumber = 0;
    while (!text.empty()) {
        const auto end = text.find('\n'); // every line ends with one: the torn tail is gone
        ++lineNumber;
        apply(lineNumber, text.substr(0, end), facts);
        text.remove_prefix(end + 1);
    }
    for (auto& [id, f] : facts) {
        PrintRecord record;
        record.sha256 = f.sha256;
        record.size = f.size;
        record.attempts = f.attempts.empty() ? 0 : f.attempts.rbegin()->first;
        record.jobId = f.jobId;
        record.reason = f.reason;
        bool printed = false;
        bool uncertain = false;
        for (const auto& [attempt, outcome] : f.attempts) {
            printed = printed || outcome == Outcome::printed;
            uncertain = uncertain || outcome == Outcome::none || outcome == Outcome::unconfirmed;
            if (outcome == Outcome::none) {
                record.reason = "interrupted"; // written ahead, then the cabin stopped
            }
        }
        record.state = printed     ? PrintState::printed
                       : f.blocked ? PrintState::unreadable
                       : uncertain ? PrintState::unconfirmed
                                   : PrintState::notPrinted;
        m_records.emplace(id, std::move(record));
    }
}

void PrintLedger::apply(std::size_t lineNumber, std::string_view line,
                        std::map<std::string, Facts>& facts) {
    const auto refuse = [&](LedgerErrc code, std::string detail) {
        const auto ids = salvageIds(line);
        for (const auto& id : ids) {
            facts[id].blocked = true;
        }
        m_damaged = m_damaged || ids.empty();
        m_problems.push_back({lineNumber, code, std::move(detail),
                              ids.empty() ? std::nullopt : std::optional(ids.front())});
    };
    const auto parsed = json::parse(line, nullptr, false);
    if (parsed.is_discarded()) {
        refuse(LedgerErrc::notJson, "not JSON");
        return;
    }
    if (!parsed.is_object()) {
        refuse(LedgerErrc::notAnObject, "not an object");
        return;
    }
    const auto string = [&](const char* key) -> std::optional<std::string> {
        const auto it = parsed.find(key);
        return it != parsed.end() && it->is_string() ? std::optional(it->get<std::string>())
                                                     : std::nullopt;
    };
    const auto integer = [&](const char* key, std::int64_t min,
                             std::int64_t max) -> std::optional<std::int64_t> {
        const auto it = parsed.find(key);
        if (it == parsed.end() || !it->is_number_integer()) {
            return std::nullopt;
        }
        const auto value = it->get<std::int64_t>();
        return value >= min && value <= max ? std::optional(value) : std::nullopt;
    };
    const auto version = integer("v", 0, std::numeric_limits<std::int64_t>::max());
    if (version != 1) {
        refuse(version ? LedgerErrc::unknownVersion : LedgerErrc::badField, "v is not 1");
        return;
    }
    const auto id = string("id");
    const auto canonical = id ? protocol::canonicalTransferId(*id) : std::nullopt;
    if (!canonical || *canonical != *id) {
        refuse(LedgerErrc::badId, "id is not a canonical prescription id");
        return;
    }
    const auto event = string("event");
    const auto attempt = integer("attempt", 1, std::numeric_limits<std::uint32_t>::max());
    if (!event || !attempt || !integer("at_ms", 0, std::numeric_limits<std::int64_t>::max())) {
        refuse(LedgerErrc::badField, "event, attempt or at_ms");
        return;
    }
    std::vector<std::string> allowed{"v", "at_ms", "id", "event", "attempt"};
    Outcome outcome = Outcome::none;
    std::optional<std::string> sha256;
    std::optional<std::int64_t> size;
    std::optional<std::int64_t> job;
    std::optional<std::string> reason;
    if (*event == "printing") {
        sha256 = string("sha256");
        size = integer("size", 1, std::numeric_limits<std::int64_t>::max());
        allowed.insert(allowed.end(), {"sha256", "size"});
        if (!sha256 || !isSha256(*sha256) || !size) {
            refuse(LedgerErrc::badField, "printing: sha256 or size");
            return;
        }
    } else if (*event == "printed" || *event == "unconfirmed" || *event == "not_printed") {
        outcome = *event == "printed"       ? Outcome::printed
                  : *event == "unconfirmed" ? Outcome::unconfirmed
                                            : Outcome::notPrinted;
        job = integer("job", 0, std::numeric_limits<std::int32_t>::max());
        reason = string("reason");
        allowed.insert(allowed.end(), {"job", "reason"});
        if (!job || (outcome != Outcome::printed && (!reason || reason->empty()))) {
            refuse(LedgerErrc::badField, *event + ": job or reason");
            return;
        }
    } else {
        refuse(LedgerErrc::unknownEvent, "event \"" + *event + "\"");
        return;
    }
    for (const auto& [key, value] : parsed.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            refuse(LedgerErrc::badField, "unknown field \"" + key + "\"");
            return;
        }
    }
    auto& f = facts[*id];
    const auto n = static_cast<std::uint32_t>(*attempt);
    if (sha256) {
        if (!f.sha256.empty() &&
            (f.sha256 != *sha256 || f.size != static_cast<std::uint64_t>(*size))) {
            f.blocked = true; // two documents under one id: never ours to write
            m_problems.push_back(
                {lineNumber, LedgerErrc::badField, "another sha256 for this id", *id});
        }
        if (f.sha256.empty()) {
            f.sha256 = *sha256;
            f.size = static_cast<std::uint64_t>(*size);
        }
        f.attempts.emplace(n, Outcome::none); // a repeated line keeps its outcome
        return;
    }
    auto& recorded = f.attempts[n];
    // Outcomes only ever make an attempt more certain to have printed, never less.
    if (recorded != Outcome::printed &&
        !(recorded == Outcome::unconfirmed && outcome == Outcome::notPrinted)) {
        recorded = outcome;
    }
    if (job && *job > 0) {
        f.jobId = static_cast<std::int32_t>(*job);
    }
    f.reason = reason.value_or(std::string());
}

PrintLedger::PrintLedger(PrintLedger&& other) noexcept
    : m_path(std::move(other.m_path))
    , m_fd(std::exchange(other.m_fd, -1))
    , m_records(std::move(other.m_records))
    , m_problems(std::move(other.m_problems))
    , m_damaged(other.m_damaged)
    , m_broken(other.m_broken) {}

PrintLedger& PrintLedger::operator=(PrintLedger&& other) noexcept {
    if (this != &other) {
        close();
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_records = std::move(other.m_records);
        m_problems = std::move(other.m_problems);
        m_damaged = other.m_damaged;
        m_broken = other.m_broken;
    }
    return *this;
}

PrintLedger::~PrintLedger() {
    close();
}

void PrintLedger::close() noexcept {
    if (m_fd >= 0) {
        ::close(m_fd); // releases the lock
        m_fd = -1;
    }
}

const PrintRecord* PrintLedger::find(const std::string& id) const {
    const auto it = m_records.find(id);
    return it == m_records.end() ? nullptr : &it->second;
}

error_code PrintLedger::append(const std::string& line) {
    if (m_broken || m_fd < 0) {
        return make_error_code(LedgerErrc::cannotWrite);
    }
    if (!protocol::writeAll(m_fd, line.data(), line.size())) {
        m_broken = true; // a partial line may be on disk: write nothing after it
        return errno != 0 ? lastError() : make_error_code(LedgerErrc::cannotWrite);
    }
    if (::fdatasync(m_fd) != 0) {
        m_broken = true; // after a failed fsync the data's fate is unknown
        return lastError();
    }
    return {};
}

boost::system::result<std::uint32_t>
PrintLedger::begin(const std::string& id, const std::string& sha256, std::uint64_t size) {
    auto* record = m_records.contains(id) ? &m_records[id] : nullptr;
    if (record) {
        const bool sameDocument =
            record->sha256.empty() || (record->sha256 == sha256 && record->size == size);
        switch (record->state) {
        case PrintState::printed:
            return make_error_code(sameDocument ? LedgerErrc::alreadyPrinted
                                                : LedgerErrc::conflict);
        case PrintState::unconfirmed:
            return make_error_code(LedgerErrc::printedUnconfirmed);
        case PrintState::unreadable:
            return make_error_code(LedgerErrc::unreadableEntry);
        case PrintState::printing:
            return make_error_code(LedgerErrc::printing);
        case PrintState::notPrinted:
            if (!sameDocument) {
                return make_error_code(LedgerErrc::conflict);
            }
            break;
        }
    }
    if (m_damaged) {
        return make_error_code(LedgerErrc::damaged);
    }
    if (m_broken) {
        return make_error_code(LedgerErrc::cannotWrite);
    }
    const std::uint32_t attempt = record ? record->attempts + 1 : 1;
    const json line{{"v", 1},
                    {"at_ms", nowMs()},
                    {"id", id},
                    {"event", "printing"},
                    {"attempt", attempt},
                    {"sha256", sha256},
                    {"size", size}};
    if (const auto error = append(line.dump() + "\n")) {
        return error;
    }
    auto& written = m_records[id];
    written.sha256 = sha256;
    written.size = size;
    written.attempts = attempt;
    written.state = PrintState::printing;
    written.jobId = 0;
    written.reason.clear();
    return attempt;
}

error_code PrintLedger::printed(const std::string& id, std::uint32_t attempt, std::int32_t jobId) {
    const json line{
        {"v", 1},      {"at_ms", nowMs()}, {"id", id}, {"event", "printed"}, {"attempt", attempt},
        {"job", jobId}};
    const auto error = append(line.dump() + "\n");
    auto& record = m_records[id];
    record.state = PrintState::printed; // it did print, whatever the disk says
    record.jobId = jobId;
    record.reason.clear();
    return error;
}

error_code PrintLedger::notPrinted(const std::string& id, std::uint32_t attempt,
                                   const std::string& reason) {
    const json line{
        {"v", 1},   {"at_ms", nowMs()}, {"id", id}, {"event", "not_printed"}, {"attempt", attempt},
        {"job", 0}, {"reason", reason}};
    const auto error = append(line.dump() + "\n");
    auto& record = m_records[id];
    // Unwritten, the disk still says the attempt began: after a restart it is unconfirmed. In
    // this run, a broken ledger refuses every print anyway.
    record.state = PrintState::notPrinted;
    record.reason = reason;
    return error;
}

error_code PrintLedger::unconfirmed(const std::string& id, std::uint32_t attempt,
                                    std::int32_t jobId, const std::string& reason) {
    const json line{{"v", 1},
                    {"at_ms", nowMs()},
                    {"id", id},
                    {"event", "unconfirmed"},
                    {"attempt", attempt},
                    {"job", jobId},
                    {"reason", reason}};
    const auto error = append(line.dump() + "\n");
    auto& record = m_records[id];
    record.state = PrintState::unconfirmed;
    record.jobId = jobId;
    record.reason = reason;
    return error;
}

} // namespace tc::cabin
