#pragma once
// Typed errors of the consultation archive (archive_store.hpp, archive_index.hpp). Every value
// has a stable snake_case key (logs, the wire, the audit trail) and an English message; see
// protocol/README.md, "Archive store".

#include "tc/errors/outcome.hpp"
#include "tc/protocol/errc/archive_errc.hpp"

#include <boost/system/error_code.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tc::protocol {

// A failure of the archive: its code, a detail for logs (which file, which limit), and for
// `chunksMissing` how many distinct chunks the store still lacks.
struct ArchiveFailure : errors::Failure {
    std::size_t missingChunks = 0;
};

ArchiveFailure archiveFailure(ArchiveErrc code, std::string detail = {});

template <class T> using ArchiveResult = errors::Outcome<T, ArchiveFailure>;

} // namespace tc::protocol
