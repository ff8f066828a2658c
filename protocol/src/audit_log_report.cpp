// The audit log's reports: one line per entry, or CSV.

#include "tc/protocol/audit_log.hpp"

#include <ctime>

namespace tc::protocol {
namespace {

// RFC 4180 quoting, and a cell a spreadsheet would evaluate (=, +, -, @, tab, CR) is prefixed
// with an apostrophe: the export may be opened by anyone, the fields come from certificates
// and requests.
std::string csvCell(std::string_view text) {
    std::string cell(text);
    if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string::npos) {
        cell.insert(cell.begin(), '\'');
    }
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
        return cell;
    }
    std::string quoted = "\"";
    for (const char c : cell) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

} // namespace

std::string formatUtcMs(std::int64_t unixMs) {
    const std::time_t seconds = static_cast<std::time_t>(unixMs / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(unixMs % 1000));
    return std::string(text, n) + millis;
}

std::string auditEntryLine(const AuditEntry& entry) {
    const auto& e = entry.event;
    std::string line = std::to_string(entry.sequence) + " " + formatUtcMs(e.atUnixMs) + " " +
                       std::string(toString(e.actorRole)) + " " + e.actorId + " " +
                       std::string(wireName(e.action));
    line += " " + (e.recordId.empty() ? std::string("-") : e.recordId);
    return line + " " + e.detailJson;
}

std::string auditCsvHeader() {
    return "sequence,time_utc,actor_role,actor_id,action,record_id,detail\r\n";
}

std::string auditCsvRow(const AuditEntry& entry) {
    const auto& e = entry.event;
    return std::to_string(entry.sequence) + "," + formatUtcMs(e.atUnixMs) + "," +
           csvCell(toString(e.actorRole)) + "," + csvCell(e.actorId) + "," +
           csvCell(wireName(e.action)) + "," + csvCell(e.recordId) + "," + csvCell(e.detailJson) +
           "\r\n";
}

} // namespace tc::protocol
