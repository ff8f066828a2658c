#pragma once
// The demo's CPS card: a SoftHSM2 token "CPS-DEMO" (package softhsm2) holding the demo doctor's
// key and certificate (from the development PKI's doctor.p12) and the CA certificate, so that
// `telecabine --demo` can sign ordonnances with a card and its PIN, the way a doctor signs with
// a CPS card through its PKCS#11 middleware. Made once, with the real tools (openssl,
// softhsm2-util, pkcs11-tool from opensc), in DIR/card; its tokens live there, not in the
// machine's SoftHSM store. No Qt.

#include "tc/protocol/errors.hpp"
#include "tc/protocol/pki.hpp"

#include <filesystem>
#include <string>

namespace tc::app {

struct DemoCard {
    static constexpr const char* kTokenLabel = "CPS-DEMO";
    static constexpr const char* kPin = "1234";
    std::filesystem::path softHsmConfig; // to export as SOFTHSM2_CONF
    std::filesystem::path module;        // libsofthsm2.so
};

// The card in `directory` (made on first use). Errors: errc::no_such_file_or_directory when
// softhsm2, pkcs11-tool or openssl is missing; Errc::pkiFailure when a tool fails (its output is in
// directory/card.log).
protocol::Result<DemoCard> ensureDemoCard(const protocol::DevelopmentPki& pki,
                                          const std::filesystem::path& directory);

} // namespace tc::app
