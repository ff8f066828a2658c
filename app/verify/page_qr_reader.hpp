#pragma once
// Reads the QR codes printed on page 1 of a PDF as a pharmacist's scanner would see them:
// poppler-cpp rasterises the page (grey, antialiased), libzbar decodes the QR symbols.

#include "tc/prescriptions/signature_errors.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tc::verify {

// Every QR symbol's text, in zbar's order. A fast pass at 2/3 of `dpi` scanning every second
// line, then, if it found nothing, a full pass at `dpi` on every line. Errors: renderFailed
// (poppler cannot open or render the document), qrNotFound (no QR symbol on page 1).
boost::system::result<std::vector<std::string>> readPageQrCodes(std::span<const std::byte> pdf,
                                                                double dpi = 150);

} // namespace tc::verify
