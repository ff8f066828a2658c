#pragma once
// Reads the QR codes printed on an ordonnance as a pharmacist's scanner would see them:
// poppler-cpp rasterises a page (grey, antialiased), libzbar decodes the QR symbols. The code
// sits beside the signature block, right after the last line (R5132-4 CSP), so the pages are
// read from the last one back, and reading stops at the first page with a QR symbol.

#include "tc/prescriptions/signature_errors.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tc::verify {

// Every QR symbol's text on the last page that has one, in zbar's order. Per page: a fast pass at
// 2/3 of `dpi` scanning every second line, then, if it found nothing, a full pass at `dpi` on every
// line. Errors: renderFailed (poppler cannot open or render the document), qrNotFound (no QR symbol
// on any page).
boost::system::result<std::vector<std::string>> readPageQrCodes(std::span<const std::byte> pdf,
                                                                double dpi = 150);

} // namespace tc::verify
