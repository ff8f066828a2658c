#include "tc/protocol/audit_event.hpp"

#include "tc/errors/table_lookup.hpp"

namespace tc::protocol {

std::string_view wireName(AuditAction action) noexcept {
    static constexpr errors::EnumNames<AuditAction::purge> names{
        {"list", "open", "play", "export", "purge"}};
    return names(action, "open");
}

} // namespace tc::protocol
