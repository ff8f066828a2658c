#include "tc/protocol/audit_event.hpp"

namespace tc::protocol {

std::string_view wireName(AuditAction action) noexcept {
    switch (action) {
    case AuditAction::list:
        return "list";
    case AuditAction::open:
        return "open";
    case AuditAction::play:
        return "play";
    case AuditAction::export_:
        return "export";
    case AuditAction::purge:
        return "purge";
    case AuditAction::indicators:
        return "indicators";
    }
    return "open";
}

} // namespace tc::protocol
