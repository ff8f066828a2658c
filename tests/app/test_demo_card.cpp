// The demo's CPS card: a SoftHSM2 token made with the real tools from the development PKI, made
// once and found again, offered by the signing prompt with the demo doctor's name, and opened
// with its PIN.
#include "demo_card.hpp"
#include "signing_choices.hpp"
#include "tc/protocol/pki.hpp"

#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

using namespace tc;

TEST_CASE("demo card: made once from the development PKI, offered by name, opened by its PIN",
          "[app][demo][pkcs11]") {
    QTemporaryDir dir;
    const std::filesystem::path root = dir.path().toStdString();
    const auto pki = protocol::ensureDevelopmentPki(root / "dev-pki");
    REQUIRE(pki.has_value());
    const auto card = app::ensureDemoCard(*pki, root);
    INFO((card ? std::string() : card.error().message()));
    REQUIRE(card.has_value());
    CHECK(std::filesystem::exists(root / "card" / "ready"));
    // The private key lives on the card only.
    CHECK_FALSE(std::filesystem::exists(root / "card" / "doctor-key.pem"));
    const auto again = app::ensureDemoCard(*pki, root);
    REQUIRE(again.has_value());
    CHECK(again->softHsmConfig == card->softHsmConfig);

    setenv("SOFTHSM2_CONF", card->softHsmConfig.c_str(), 1);
    app::SigningChoices choices;
    choices.setPkcs11Module(QString::fromStdString(card->module.string()));
    choices.refresh();
    REQUIRE(choices.choices().size() == 1);
    const auto offered = choices.choices().first().toMap();
    CHECK(offered.value("label").toString() ==
          QStringLiteral("Carte « CPS-DEMO » — Dr Claire Martin"));
    {
        const auto identity = choices.opener(offered.value("key").toString(),
                                             QString::fromLatin1(app::DemoCard::kPin))();
        INFO((identity ? std::string() : identity.error().message()));
        REQUIRE(identity.has_value());
        CHECK(identity->onToken());
        CHECK(identity->subjectName().find("serialNumber=10101234564") != std::string::npos);
    }
    // The identity is gone, and the card's login with it (see signing_identity.hpp).
    CHECK(choices.opener(offered.value("key").toString(), QStringLiteral("0000"))().error() ==
          prescriptions::SignatureErrc::pkcs11LoginFailed);
    unsetenv("SOFTHSM2_CONF");
}
