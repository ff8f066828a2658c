#include "tc/protocol/audit_event.hpp"

#include "tc/errors/table_lookup.hpp"

namespace tc::protocol {

std::string_view wireName(AuditAction action) noexcept {
    static constexpr errors::EnumNames<AuditAction::indicators> names{
        {"list", "open", "play", "export", "purge", "indicators"}};
    return names(action, "open");
}

} // namespace tc::protocol
