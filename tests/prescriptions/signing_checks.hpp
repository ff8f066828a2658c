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

} // namespace tc::prescriptions::testing
