#include "tc/protocol/archive_errors.hpp"

namespace tc::protocol {

ArchiveFailure archiveFailure(ArchiveErrc code, std::string detail) {
    ArchiveFailure failure;
    failure.code = make_error_code(code);
    failure.detail = std::move(detail);
    return failure;
}

} // namespace tc::protocol
