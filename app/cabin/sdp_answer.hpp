#pragma once
// The cabin's SDP answer (RFC 3264) to a doctor's offer: every media section is accepted with
// the offered formats and the opposite direction. The media transport (DTLS-SRTP, candidates)
// extends this in the transport issue.

#include <string>
#include <string_view>

namespace tc::cabin {

std::string answerFor(std::string_view offer);

} // namespace tc::cabin
