#include "fixtures.hpp"
#include "tc/prescriptions/canonical_json.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/prescriptions/sealed_prescription.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <type_traits>
#include <unistd.h>

using namespace tc::prescriptions;

namespace {

SealedPrescription sealOrFail(const Prescription& p) {
    auto sealed = SealedPrescription::seal(p, test::table());
    REQUIRE(sealed.has_value());
    return *sealed;
}

Errc errcOf(const boost::system::error_code& ec) {
    return static_cast<Errc>(ec.value());
}

// openssl dgst -sha256 over a file: the independent digest.
std::string opensslSha256(const std::string& bytes) {
    char path[] = "/tmp/tc_rx_XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    close(fd);
    const std::string command = std::string("openssl dgst -sha256 -r ") + path;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[256] = {};
    const auto n = fread(buffer, 1, sizeof buffer - 1, pipe);
    REQUIRE(pclose(pipe) == 0);
    std::remove(path);
    return std::string(buffer, n).substr(0, 64);
}

} // namespace

TEST_CASE("SHA-256: known answers and openssl dgst", "[sealed]") {
    CHECK(*sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(*sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const auto sealed = sealOrFail(test::adultPrescription());
    CHECK(sealed.sha256() == opensslSha256(sealed.canonicalJson()));
}

TEST_CASE("Sealing: canonical bytes of the content, and its digest", "[sealed]") {
    const auto p = test::adultPrescription();
    const auto sealed = sealOrFail(p);
    CHECK(sealed.prescription() == p);
    CHECK(sealed.id() == p.id);
    // The canonical form of the independently written fixture is the sealed bytes.
    const auto fixture = test::readFile(std::string(TC_TEST_DATA_DIR) + "/prescription_adult.json");
    CHECK(canonicalizeJsonText(fixture).value() == sealed.canonicalJson());
    CHECK(sealed.canonicalJson().find('\n') == std::string::npos);
    CHECK(sealed.canonicalJson().rfind("{\"date\":\"2024-05-03\",", 0) == 0);
    CHECK(*sha256Hex(sealed.canonicalJson()) == sealed.sha256());
    // Sealing the same content again gives the same bytes; any change gives other bytes.
    CHECK(sealOrFail(p).sha256() == sealed.sha256());
    auto changed = p;
    std::get<MedicationLine>(changed.lines[0]).dosage.duration->value = 8;
    CHECK(sealOrFail(changed).sha256() != sealed.sha256());
}

TEST_CASE("Sealing refuses a prescription with validation errors", "[sealed]") {
    auto p = test::adultPrescription();
    std::get<MedicationLine>(p.lines[0]).dosage.duration.reset();
    ValidationReport report;
    const auto sealed = SealedPrescription::seal(p, test::table(), &report);
    REQUIRE_FALSE(sealed.has_value());
    CHECK(errcOf(sealed.error()) == Errc::validationFailed);
    CHECK(report.has(IssueCode::missingDuration, "/lines/0/dosage/duration"));
    // Warnings do not block: an unknown substance can be prescribed, unchecked.
    auto warned = test::adultPrescription();
    std::get<MedicationLine>(warned.lines[0]).dci = "pristinamycine";
    ValidationReport warnings;
    CHECK(SealedPrescription::seal(warned, test::table(), &warnings).has_value());
    CHECK(warnings.has(IssueCode::unknownDci));
}

TEST_CASE("A sealed prescription cannot be changed", "[sealed]") {
    // Only const access: the accessors return const references, and there are no setters.
    static_assert(std::is_same_v<decltype(std::declval<SealedPrescription&>().prescription()),
                                 const Prescription&>);
    static_assert(std::is_same_v<decltype(std::declval<SealedPrescription&>().canonicalJson()),
                                 const std::string&>);
    static_assert(!std::is_default_constructible_v<SealedPrescription>);
    // A copy shares the same frozen content; editing a copy of the content seals anew.
    const auto sealed = sealOrFail(test::adultPrescription());
    const auto copy = sealed;
    CHECK(&copy.prescription() == &sealed.prescription());
    auto edited = sealed.prescription();
    edited.patient.weightKg = 80;
    CHECK(sealed.prescription().patient.weightKg == 78.5);
    CHECK(*sha256Hex(toJson(sealed.prescription()).dump()) ==
          *sha256Hex(toJson(test::adultPrescription()).dump()));
}

TEST_CASE("Sealed bytes as received: canonical, digest checked", "[sealed]") {
    const auto sealed = sealOrFail(test::childPrescription());
    const auto back = SealedPrescription::fromCanonical(sealed.canonicalJson(), sealed.sha256());
    REQUIRE(back.has_value());
    CHECK(back->prescription() == sealed.prescription());
    CHECK(back->sha256() == sealed.sha256());
    // Pretty-printed bytes carry the same content but are not what was signed.
    const auto pretty = toJson(sealed.prescription()).dump(2);
    CHECK(errcOf(SealedPrescription::fromCanonical(pretty).error()) == Errc::notCanonical);
    auto tampered = sealed.canonicalJson();
    tampered.replace(tampered.find("\"weightKg\":16"), 13, "\"weightKg\":61");
    CHECK(errcOf(SealedPrescription::fromCanonical(tampered, sealed.sha256()).error()) ==
          Errc::digestMismatch);
    CHECK(errcOf(SealedPrescription::fromCanonical("{").error()) == Errc::malformedJson);
}

TEST_CASE("Amendments: a new id that references and cancels the previous one", "[sealed]") {
    PrescriptionLedger ledger;
    const auto first = sealOrFail(test::adultPrescription());
    REQUIRE(ledger.add(first).has_value());
    CHECK(errcOf(ledger.add(first).error()) == Errc::duplicateId);

    auto draft = amend(first);
    REQUIRE(draft.has_value());
    CHECK(draft->id != first.id());
    CHECK(draft->replaces == first.id());
    std::get<MedicationLine>(draft->lines[0]).dosage.duration->value = 10;
    std::get<MedicationLine>(draft->lines[0]).dispense.quantity->value = 60;
    const auto second = sealOrFail(*draft);
    CHECK(second.canonicalJson().find("\"replaces\":\"" + first.id().toString() + "\"") !=
          std::string::npos);
    CHECK_FALSE(ledger.isCancelled(first.id()));
    REQUIRE(ledger.add(second).has_value());
    CHECK(ledger.isCancelled(first.id()));
    CHECK_FALSE(ledger.isCancelled(second.id()));
    CHECK(ledger.replacedBy(first.id()) == second.id());
    CHECK(ledger.current(first.id()) == second.id());
    // The original is still there, unchanged, as it was signed.
    CHECK(ledger.find(first.id())->sha256() == first.sha256());

    // A second amendment of the cancelled version is refused; amending the current one works.
    auto fork = amend(first);
    REQUIRE(fork.has_value());
    CHECK(errcOf(ledger.add(sealOrFail(*fork)).error()) == Errc::alreadyCancelled);
    auto third = amend(second);
    REQUIRE(third.has_value());
    const auto thirdSealed = sealOrFail(*third);
    REQUIRE(ledger.add(thirdSealed).has_value());
    CHECK(ledger.current(first.id()) == thirdSealed.id());
}

TEST_CASE("Amendments: unknown previous, other patient or prescriber", "[sealed]") {
    PrescriptionLedger ledger;
    const auto first = sealOrFail(test::adultPrescription());
    auto orphan = amend(first);
    REQUIRE(orphan.has_value());
    CHECK(errcOf(ledger.add(sealOrFail(*orphan)).error()) == Errc::unknownPrevious);
    REQUIRE(ledger.add(first).has_value());
    auto otherPatient = amend(first);
    otherPatient->patient.givenName = "Pierre";
    CHECK(errcOf(ledger.add(sealOrFail(*otherPatient)).error()) == Errc::amendmentMismatch);
    auto otherPrescriber = amend(first);
    otherPrescriber->prescriber.rpps = *completeRpps("8000123456");
    CHECK(errcOf(ledger.add(sealOrFail(*otherPrescriber)).error()) == Errc::amendmentMismatch);
    CHECK_FALSE(ledger.isCancelled(first.id()));
    CHECK_FALSE(ledger.current(PrescriptionId()));
}
