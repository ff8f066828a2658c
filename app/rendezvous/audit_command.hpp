#pragma once
// telecabine-rendezvous audit verify|export|trail (audit_command.cpp).

#include "../cli/command_line.hpp"

namespace tc::rendezvous {

// The exit status: 0 done (verify: the log is intact), 1 a problem (verify: not intact), 2 a
// usage error (then `usageText` is printed).
int auditCommand(cli::CommandLine& args, const char* usageText);

} // namespace tc::rendezvous
