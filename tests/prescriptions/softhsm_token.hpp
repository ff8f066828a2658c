#pragma once
// A SoftHSM2 token made at test time (softhsm2-util, and pkcs11-tool from opensc) in a
// temporary token directory given through SOFTHSM2_CONF: the stand-in for the doctor's CPS card
// in the prescriptions and console tests.

#include "test_support.hpp"

#include <filesystem>

namespace tc::prescriptions::testing {

inline constexpr const char* kSoftHsmModule = "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so";
inline constexpr const char* kSoftHsmPin = "4321";

// softhsm2 and opensc are installed (required packages: a test REQUIREs it).
bool haveSoftHsm();

// A token "CPS-TEST" holding the test PKI's doctor (RSA key and certificate, CKA_ID 01, label
// "doctor") and the CA certificate (CKA_ID 02, label "ca"), user PIN kSoftHsmPin.
class SoftHsmToken {
public:
    SoftHsmToken();
    const std::filesystem::path& dir() const { return m_dir.path(); }

private:
    TempDir m_dir;
};

} // namespace tc::prescriptions::testing
