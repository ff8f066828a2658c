// libFuzzer target: the PDF reader behind the signer and the pharmacist's verifier (xref
// tables, trailers, objects, streams, the signature field, /ByteRange, the CMS in /Contents,
// the embedded-file name tree). Hostile PDFs must yield typed errors, never crash.
#include "tc/prescriptions/pdf_verification.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
    (void)tc::prescriptions::verifyPdfSignature(bytes);
    (void)tc::prescriptions::extractEmbeddedFile(bytes, "ordonnance.json");
    return 0;
}
