// telecabine-rendezvous audit verify|export|trail: the audit log read from the command line
// (protocol/README.md, "Audit log"). The logic is tc::protocol's (audit_log.hpp); this file
// parses options and prints.
#include "audit_command.hpp"

#include "tc/protocol/audit_log.hpp"

#include <iostream>

namespace tc::rendezvous {
namespace {

int usage(const char* usageText, const std::string& problem) {
    std::cerr << "telecabine-rendezvous: " << problem << "\n" << usageText;
    return 2;
}

// How the log is named in the output: a PostgreSQL URL may carry a password.
std::string named(const std::string& target) {
    const bool url = target.starts_with("postgresql://") || target.starts_with("postgres://");
    return url ? "on PostgreSQL" : target;
}

std::string problemOf(const protocol::AuditFailure& failure) {
    return std::string(protocol::wireName(static_cast<protocol::AuditErrc>(failure.code.value()))) +
           ": " + failure.message();
}

int verify(cli::CommandLine& args, const std::string& file, const char* usageText) {
    const auto ca = args.value("ca");
    const auto cert = args.value("cert");
    if (ca.has_value() == cert.has_value()) {
        return usage(usageText, "audit verify takes --ca CA.pem or --cert SERVICE.pem");
    }
    auto trust = protocol::readFile(ca ? *ca : *cert);
    if (!trust) {
        std::cerr << "telecabine-rendezvous: cannot read " << (ca ? *ca : *cert) << "\n";
        return 1;
    }
    const auto verified = protocol::verifyAuditLog(file, *trust);
    if (!verified) {
        const auto& failure = verified.error();
        std::cout << "audit log " << named(file) << ": NOT INTACT";
        if (failure.sequence > 0) {
            std::cout << " at entry " << failure.sequence;
        }
        std::cout << ": " << problemOf(failure) << "\n";
        return 1;
    }
    std::cout << "audit log " << named(file) << ": intact, " << verified->entries << " entries, "
              << verified->checkpoints << " signed checkpoints, the last at entry "
              << verified->lastCheckpointSequence << " (" << verified->entriesAfterLastCheckpoint
              << " entries after it)\n";
    return 0;
}

// Every page of `query`, printed as lines or CSV.
template <class Query> int print(Query query, bool csv) {
    if (csv) {
        std::cout << protocol::auditCsvHeader();
    }
    std::int64_t after = 0;
    for (;;) {
        auto page = query(after);
        if (!page) {
            std::cerr << "telecabine-rendezvous: " << problemOf(page.error()) << "\n";
            return 1;
        }
        for (const auto& entry : page->entries) {
            std::cout << (csv ? protocol::auditCsvRow(entry)
                              : protocol::auditEntryLine(entry) + "\n");
        }
        if (!page->next) {
            return 0;
        }
        after = *page->next;
    }
}

} // namespace

int auditCommand(cli::CommandLine& args, const char* usageText) {
    const auto& words = args.positional();
    const auto file = args.value("audit-log");
    if (words.size() != 2 || !file) {
        return usage(usageText, "audit takes verify, export or trail, and --audit-log FILE|URL");
    }
    if (words[1] == "verify") {
        return verify(args, *file, usageText);
    }
    const bool csv = args.flag("csv");
    if (words[1] != "export" && words[1] != "trail") {
        return usage(usageText, "unknown audit command " + words[1]);
    }
    const bool exportRecord = words[1] == "export";
    const auto key = args.value(exportRecord ? "record" : "actor");
    if (!key) {
        return usage(usageText, exportRecord ? "audit export needs --record ID"
                                             : "audit trail needs --actor RPPS");
    }
    auto log = protocol::AuditLog::openReadOnly(*file);
    if (!log) {
        std::cerr << "telecabine-rendezvous: " << problemOf(log.error()) << "\n";
        return 1;
    }
    const auto& opened = **log;
    return print(
        [&](std::int64_t after) {
            return exportRecord ? opened.byRecord(*key, after, protocol::kMaxAuditPage)
                                : opened.byActor(*key, after, protocol::kMaxAuditPage);
        },
        csv);
}

} // namespace tc::rendezvous
