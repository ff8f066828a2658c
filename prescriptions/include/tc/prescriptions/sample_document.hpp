#pragma once
// A one-page A5 document with text lines and the QR code, rendered through QPdfWriter: the
// stand-in for the ordonnance layout in tests and benchmarks. Text needs a QGuiApplication
// (fonts); QT_QPA_PLATFORM=offscreen is enough.

#include "tc/prescriptions/signature_errors.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace tc::prescriptions {

struct SampleDocument {
    std::string title = "Ordonnance";
    std::vector<std::string> lines; // UTF-8
    std::string qrText;             // empty: no QR code
    double qrSideMm = 35;           // quiet zone included; bottom right of the page
};

boost::system::result<std::vector<std::byte>> renderSampleDocument(const SampleDocument& document);

} // namespace tc::prescriptions
