#pragma once
// The PAdES incremental update itself, without the prescriber rule that signPdf applies first.
// Internal: the library signs ordonnances only through signPdf / signOrdonnance. The forgery
// tests use it as an attacker's own tool would, to prove that telecabine-verify refuses what it
// produces for a non-prescriber.

#include "tc/prescriptions/pades.hpp"

namespace tc::prescriptions::detail {

boost::system::result<std::vector<std::byte>>
appendPadesSignature(std::span<const std::byte> pdfBytes, const SigningIdentity& identity,
                     const SignatureDetails& details);

} // namespace tc::prescriptions::detail
