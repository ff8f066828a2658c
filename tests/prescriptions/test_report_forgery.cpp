// Forged consultation reports, made as an outsider would, each refused by the real
// telecabine-verify --kind report while poppler's pdfsig finds every forged signature
// cryptographically valid where one was made: what refuses them is the policy (one signature,
// over the whole file, by the prescriber the content names as its author, over canonical
// content). The classes: re-signed by a non-prescriber (directly, or after an update), content
// changed after signing, the attachment swapped (by an update, or re-signed alone), one byte
// changed.
#include "pades_update.hpp"
#include "pdf_forgery.hpp"
#include "record_fixtures.hpp"
#include "signing_checks.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/signed_document.hpp"
#include "tc/prescriptions/signed_report.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;
namespace fx = tc::prescriptions::test;

namespace {

SignedReport signedByAuthor(const ConsultationRecord& record = fx::recordFixture()) {
    auto report = fx::reportFixture();
    auto result = signReport(report, record, identityOf(testPki().rppsDoctor),
                             std::chrono::system_clock::now());
    INFO(result.error().message());
    REQUIRE(result);
    return std::move(*result);
}

Verdict check(const std::vector<std::byte>& pdf) {
    return verifyForged(pdf, " --kind report");
}

struct Objects {
    PdfObjectText page;
    PdfObjectText acroForm;
    PdfObjectText content;
};

Objects objectsOf(const std::vector<std::byte>& pdf) {
    Objects out;
    const auto pages = findObjects(pdf, R"(/Type\s*/Page[^s])");
    REQUIRE_FALSE(pages.empty());
    out.page = pages.front();
    const auto forms = findObjects(pdf, R"(/SigFlags)");
    REQUIRE(forms.size() == 1);
    out.acroForm = forms.front();
    const auto files = findObjects(pdf, R"(/Type\s*/EmbeddedFile)");
    REQUIRE(files.size() == 1);
    out.content = files.front();
    return out;
}

std::string embeddedFile(std::string_view json) {
    return streamBody("/Type /EmbeddedFile /Subtype /application#2Fjson", json);
}

// An update replacing the embedded compte-rendu.json; with `dropSignature` it also takes the
// author's signature out of the form, so that a next signature is the only one found.
std::vector<std::byte> replaceContent(const std::vector<std::byte>& pdf, const std::string& json,
                                      bool dropSignature) {
    const auto objects = objectsOf(pdf);
    std::map<int, std::string> update;
    update[objects.content.number] = embeddedFile(json);
    if (dropSignature) {
        bool found = false;
        update[objects.page.number] =
            replaceFirst(objects.page.body, R"(/Annots\s*\[[^\]]*\])", "/Annots []", &found);
        REQUIRE(found);
        update[objects.acroForm.number] = "\n<< /Fields [] /SigFlags 3 >>\n";
    }
    return appendUpdate(pdf, update);
}

std::string changedConclusion(const std::string& canonical) {
    std::string changed = canonical;
    const auto at = changed.find("Angine probablement virale");
    REQUIRE(at != std::string::npos);
    changed.replace(at, 6, "Grippe");
    return changed;
}

// The fixtures' report sealed and rendered, and details that attach its canonical JSON under
// its own name: what the console signs, before a test changes one thing.
struct ReportToSign {
    std::vector<std::byte> page;
    std::string canonicalJson;
    SignatureDetails details;
};
ReportToSign reportToSign() {
    auto sealed = SealedReport::seal(fx::reportFixture(), fx::recordFixture());
    REQUIRE(sealed.has_value());
    auto page = renderReportPdf(*sealed, std::chrono::system_clock::now());
    REQUIRE(page.has_value());
    ReportToSign out{std::move(*page), sealed->canonicalJson(), {}};
    out.details.attachment = PdfAttachment{};
    out.details.attachment->fileName = kReportAttachmentName;
    out.details.attachment->data = toBytes(out.canonicalJson);
    return out;
}

// `report` signed by its author's own key (the library checks the signer, not what is signed),
// and what the verifier says of it.
Verdict signByAuthorAndCheck(const ReportToSign& report) {
    auto pdf = signPdf(report.page, identityOf(testPki().rppsDoctor), report.details);
    REQUIRE(pdf.has_value());
    return check(*pdf);
}

std::vector<std::byte> resign(const std::vector<std::byte>& pdf, const TestCredentials& who) {
    SignatureDetails details;
    details.fieldName = "Signature2";
    details.reason = "Compte rendu de téléconsultation";
    auto forged = detail::appendPadesSignature(pdf, identityOf(who), details);
    REQUIRE(forged.has_value());
    return std::move(*forged);
}

} // namespace

TEST_CASE("Report forgery: the genuine report verifies", "[verify][forgery][report]") {
    const auto v = check(signedByAuthor().pdf);
    INFO(v.json.dump(2));
    CHECK(v.exitCode == 0);
    CHECK(v.pdfsig.find("Signature is Valid.") != std::string::npos);
}

TEST_CASE("Report forgery: signed directly by a non-prescriber certificate (exit 25)",
          "[verify][forgery][report]") {
    struct Case {
        const TestCredentials* who;
        const char* kind;
    };
    const auto c =
        GENERATE(Case{&testPki().cabin, "cabin"}, Case{&testPki().service, "service"},
                 Case{&testPki().coordinator, "coordinator"},
                 Case{&testPki().noRpps, "unidentified"}, Case{&testPki().authority, "authority"});
    const auto report = reportToSign();
    // The library refuses to make it...
    CHECK(signPdf(report.page, identityOf(*c.who), report.details).error() ==
          SignatureErrc::signerNotAPrescriber);
    // ...an attacker's own tool does not.
    auto forged = detail::appendPadesSignature(report.page, identityOf(*c.who), report.details);
    REQUIRE(forged.has_value());
    checkSignedByNonPrescriber(check(*forged), c.kind, "content");
}

TEST_CASE("Report forgery: content changed after signing is refused (exit 13)",
          "[verify][forgery][report]") {
    const auto original = signedByAuthor();
    const auto changed =
        replaceContent(original.pdf, changedConclusion(original.sealed.canonicalJson()), false);
    const auto v = check(changed);
    INFO(v.json.dump(2) << "\n" << v.pdfsig);
    CHECK(v.exitCode == 13);
    CHECK(checkError(v, "signature") == "content_after_signature");
    CHECK(v.pdfsig.find("Not total document signed") != std::string::npos);
    CHECK(v.pdfsig.find("Digest Mismatch") == std::string::npos);
}

TEST_CASE("Report forgery: changed, then re-signed by someone else, is refused",
          "[verify][forgery][report]") {
    const auto original = signedByAuthor();
    struct Case {
        const TestCredentials* who;
        int exitWhenAlone;
    };
    const auto c = GENERATE(Case{&testPki().cabin, 25}, Case{&testPki().service, 25},
                            Case{&testPki().coordinator, 25}, Case{&testPki().noRpps, 25},
                            Case{&testPki().otherDoctor, 24}, Case{&testPki().otherCaDoctor, 20});
    const bool alone = GENERATE(false, true);
    INFO("re-signed by " << identityOf(*c.who).subjectName() << (alone ? ", alone" : ""));
    const auto forged = resign(
        replaceContent(original.pdf, changedConclusion(original.sealed.canonicalJson()), alone),
        *c.who);
    const auto v = check(forged);
    INFO(v.json.dump(2) << "\n" << v.pdfsig);
    CHECK_FALSE(v.json["valid"].get<bool>());
    CHECK(v.pdfsig.find("Digest Mismatch") == std::string::npos);
    if (alone) {
        CHECK(v.exitCode == c.exitWhenAlone);
        CHECK(v.pdfsig.find("Total document signed") != std::string::npos);
    } else {
        CHECK(v.exitCode == 13);
        CHECK(checkError(v, "signature") == "multiple_signatures");
    }
}

TEST_CASE("Report forgery: a swapped attachment is refused", "[verify][forgery][report]") {
    const auto original = signedByAuthor();
    // Another patient's genuine report, signed by the same author.
    auto otherRecord = fx::recordFixture();
    otherRecord.patient.birthName = "LEROY";
    otherRecord.patient.ins.reset();
    otherRecord.patient.status = IdentityStatus::provisional;
    const auto other = signedByAuthor(otherRecord);
    const auto& otherContent = other.sealed.canonicalJson();

    SECTION("by an update: the signature no longer covers the file (exit 13)") {
        const auto v = check(replaceContent(original.pdf, otherContent, false));
        INFO(v.json.dump(2));
        CHECK(v.exitCode == 13);
        CHECK(checkError(v, "signature") == "content_after_signature");
    }
    SECTION("by an update re-signed alone by a cabin (exit 25)") {
        const auto v =
            check(resign(replaceContent(original.pdf, otherContent, true), testPki().cabin));
        INFO(v.json.dump(2));
        CHECK(v.exitCode == 25);
    }
    SECTION("under another name: no compte-rendu.json at all (exit 31)") {
        auto report = reportToSign();
        report.details.attachment->fileName = "notes.json";
        const auto v = signByAuthorAndCheck(report);
        INFO(v.json.dump(2));
        CHECK(v.exitCode == 31);
        CHECK(checkError(v, "content") == "missing_signed_content");
    }
    SECTION("the same content, not canonical, signed by the author's own key (exit 33)") {
        auto report = reportToSign();
        report.details.attachment->data =
            toBytes(nlohmann::json::parse(report.canonicalJson).dump(2));
        const auto v = signByAuthorAndCheck(report);
        INFO(v.json.dump(2));
        CHECK(v.exitCode == 33);
        CHECK(checkError(v, "content") == "signed_content_invalid");
        CHECK(checkError(v, "certificate").empty());
    }
}

TEST_CASE("Report forgery: one byte changed in the signed range (exit 12)",
          "[verify][forgery][report]") {
    auto pdf = signedByAuthor().pdf;
    const std::string text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
    const auto at = text.find("Angine probablement virale");
    REQUIRE(at != std::string::npos); // in the embedded JSON
    pdf[at] = std::byte{'B'};
    const auto v = check(pdf);
    INFO(v.json.dump(2));
    CHECK(v.exitCode == 12);
    CHECK(checkError(v, "signature") == "signature_invalid");
    CHECK(v.pdfsig.find("Digest Mismatch") != std::string::npos);
}
