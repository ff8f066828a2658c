#pragma once
// Typed errors of prescription signing and verification (PKCS#12 / PKCS#11 identities, CMS,
// PAdES, the QR payload, the pharmacist's checks). Each value has a stable snake_case name and a
// readable English message; the verifier prints its own French/English verdicts.

// The enum, signatureCategory() and signatureErrcName() are generated from
// prescriptions/errors.json.
#include "tc/prescriptions/errc/signature_errc.hpp"

#include <boost/system/result.hpp>
