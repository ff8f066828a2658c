#pragma once

#include "../cli/command_line.hpp"

namespace tc::bench {

// N cabins and M doctors over loopback TLS against a service in a child process.
int runRendezvous(cli::CommandLine& args);

// Our SRTP protect/unprotect against bare libsrtp calls, both suites, 160 and 1200 bytes.
int runSrtp(cli::CommandLine& args);

} // namespace tc::bench
