#pragma once
// Signing with a throw-away PKI credential, and what a forged PDF gets from the real
// telecabine-verify (its JSON verdict and exit code) and from poppler's pdfsig, an independent
// reader (test_forgery.cpp, test_report_forgery.cpp, test_signed_report.cpp).

#include "tc/prescriptions/signing_identity.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tc::prescriptions::testing {

inline SigningIdentity identityOf(const TestCredentials& credentials) {
    auto identity = SigningIdentity::fromPkcs12(credentials.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    return std::move(*identity);
}

// A certificate of testPki() that must not sign the fixtures' documents (an ordonnance, a
// compte rendu), and the refusal it gets: not a prescriber at all, or not their prescriber.
struct WrongSigner {
    const TestCredentials* who;
    SignatureErrc error;
};
// Every such certificate: the other roles, a doctor without an RPPS, a CA, another doctor.
inline std::vector<WrongSigner> wrongSigners() {
    const auto& pki = testPki();
    constexpr auto notAPrescriber = SignatureErrc::signerNotAPrescriber;
    return {{&pki.cabin, notAPrescriber},
            {&pki.service, notAPrescriber},
            {&pki.coordinator, notAPrescriber},
            {&pki.noRpps, notAPrescriber},
            {&pki.doctorWithoutRpps, notAPrescriber},
            {&pki.authority, notAPrescriber},
            {&pki.otherDoctor, SignatureErrc::signerNotPrescriber}};
}

struct Verdict {
    int exitCode = -1;
    nlohmann::json json;
    std::string pdfsig;
};

// `verifierOptions`: "" for an ordonnance, " --kind report" for a consultation report.
inline Verdict verifyForged(const std::vector<std::byte>& pdf, const std::string& verifierOptions) {
    TempDir dir;
    writeFile(dir / "forged.pdf", pdf);
    writeFile(dir / "ca.pem", testPki().caPem);
    const auto result = run(std::string(TC_VERIFY_BINARY) + " " + quote(dir / "forged.pdf") +
                                " --ca " + quote(dir / "ca.pem") + verifierOptions + " --json",
                            false);
    Verdict out;
    out.exitCode = result.exitCode;
    out.json = nlohmann::json::parse(result.output, nullptr, false);
    REQUIRE_FALSE(out.json.is_discarded());
    out.pdfsig = run("pdfsig " + quote(dir / "forged.pdf")).output;
    return out;
}

// The error key of the verdict's check `name`, or "" when that check passed or did not run.
inline std::string checkError(const Verdict& v, const char* name) {
    for (const auto& c : v.json["checks"]) {
        if (c["check"] == name && c.contains("error")) {
            return c["error"].get<std::string>();
        }
    }
    return {};
}

// What the verifier and pdfsig say of a document signed directly by a certificate of `kind`
// that is not a prescriber's: refused (exit 25) for the certificate alone, the `contentCheck`
// ("qr_code", "content") and the signature itself passing; pdfsig, which knows nothing of roles,
// finds a valid signature over the whole file.
inline void checkSignedByNonPrescriber(const Verdict& v, const std::string& kind,
                                       const char* contentCheck) {
    INFO(v.json.dump(2) << "\n" << v.pdfsig);
    CHECK(v.exitCode == 25);
    CHECK_FALSE(v.json["valid"].get<bool>());
    CHECK(v.json["signer_kind"] == kind);
    CHECK(checkError(v, "certificate") == "signer_not_a_prescriber");
    CHECK(checkError(v, "signature").empty());
    CHECK(checkError(v, contentCheck).empty());
    CHECK(v.pdfsig.find("Signature is Valid.") != std::string::npos);
    CHECK(v.pdfsig.find("Total document signed") != std::string::npos);
}

} // namespace tc::prescriptions::testing
