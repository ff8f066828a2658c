// The verification commands the READMEs show, run as written on a real signed ordonnance and a
// real signed report: every shell block of prescriptions/README.md, and the pharmacist's
// `telecabine-verify` line of README.md, in a directory holding ordonnance.pdf, ordonnance.json,
// ordonnance.json.p7s, compte-rendu.pdf, compte-rendu.json, compte-rendu.json.p7s and ca.pem,
// with telecabine-verify on the PATH. A command that fails as written fails the test.
#include "fixtures.hpp"
#include "record_fixtures.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/signed_report.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <sstream>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;
namespace fx = tc::prescriptions::test;

namespace {

// The commands of every ```sh block, continuation lines joined.
std::vector<std::string> shellBlocks(const std::string& markdown) {
    std::vector<std::string> commands;
    std::istringstream in(markdown);
    std::string line;
    bool inBlock = false;
    std::string pending;
    while (std::getline(in, line)) {
        if (!inBlock) {
            inBlock = line == "```sh";
            continue;
        }
        if (line.rfind("```", 0) == 0) {
            inBlock = false;
            continue;
        }
        if (!line.empty() && line.back() == '\\') {
            pending += line.substr(0, line.size() - 1);
            continue;
        }
        pending += line;
        if (!pending.empty()) {
            commands.push_back(pending);
        }
        pending.clear();
    }
    return commands;
}

} // namespace

TEST_CASE("README: the verification commands work as written on a signed ordonnance",
          "[verify][readme]") {
    auto parsed = parsePrescription(fx::readFile(TC_TEST_DATA_DIR "/prescription_adult.json"));
    REQUIRE(parsed.has_value());
    auto identity = SigningIdentity::fromPkcs12(testPki().rppsDoctor.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    auto signedOrdonnance = signOrdonnance(*parsed, *identity, std::chrono::system_clock::now());
    REQUIRE(signedOrdonnance);
    TempDir dir;
    writeFile(dir / "ordonnance.pdf", signedOrdonnance->pdf);
    writeFile(dir / "ordonnance.json", signedOrdonnance->canonicalJson);
    writeFile(dir / "ordonnance.json.p7s", signedOrdonnance->jsonCmsDer);
    writeFile(dir / "ca.pem", testPki().caPem);
    auto signedReport = signReport(fx::reportFixture(), fx::recordFixture(), *identity,
                                   std::chrono::system_clock::now());
    REQUIRE(signedReport);
    writeFile(dir / "compte-rendu.pdf", signedReport->pdf);
    writeFile(dir / "compte-rendu.json", signedReport->sealed.canonicalJson());
    writeFile(dir / "compte-rendu.json.p7s", signedReport->jsonCmsDer);

    std::vector<std::string> commands =
        shellBlocks(fx::readFile(TC_SOURCE_DIR "/prescriptions/README.md"));
    const std::string top = fx::readFile(TC_SOURCE_DIR "/README.md");
    std::smatch match;
    REQUIRE(std::regex_search(top, match, std::regex("`(telecabine-verify [^`]*)`")));
    commands.push_back(match[1].str());
    REQUIRE(commands.size() >= 2);
    const auto bin = std::filesystem::path(TC_VERIFY_BINARY).parent_path();
    for (const auto& command : commands) {
        INFO(command);
        const auto result =
            run("cd " + quote(dir.path()) + " && PATH=" + quote(bin) + ":\"$PATH\" " + command);
        INFO(result.output);
        CHECK(result.exitCode == 0);
    }
}
