#pragma once
// One access to the consultation archive, as the service records it in its audit trail: who
// (the TLS certificate's role and identifier), what (list, open, play, export, purge), which
// record, when. The review routes (review_routes) emit them; the audit log (audit_log.hpp)
// chains and signs them. Every read is audited before it is answered: a read that cannot be
// audited is refused.

#include "tc/protocol/identity.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

namespace tc::protocol {

enum class AuditAction {
    list,       // a page of the review list (recordId empty; detail: the filters)
    open,       // a record's summary or a non-media file read
    play,       // a media file read (stethoscope recording, still)
    export_,    // indicators or a list exported (CSV)
    purge,      // a record's media removed by the retention rule (actor: the service)
    indicators, // a coordinator's indicators read (recordId empty; detail: quarter and sites)
};

std::string_view wireName(AuditAction action) noexcept;

struct AuditEvent {
    std::int64_t atUnixMs = 0;
    Role actorRole = Role::service;
    std::string actorId; // RPPS, site code or service name
    AuditAction action = AuditAction::open;
    std::string recordId;   // empty for list and export
    std::string detailJson; // compact JSON object, "{}" when none (file name, filters, ...)
};

// Where the service sends each event. An error means "not recorded": the caller refuses the
// access it was about to grant.
using AuditSink = std::function<std::error_code(const AuditEvent&)>;

} // namespace tc::protocol
