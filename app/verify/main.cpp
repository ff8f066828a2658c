// telecabine-verify FILE.pdf --ca CA.pem [--kind ordonnance|report] [--json]: the pharmacist's
// check of a signed ordonnance (the default), or the check of a signed consultation report. One
// verdict line per check in French and English, then the overall verdict; the exit code tells
// which check failed first (see prescription_verifier.hpp).
#include "../cli/command_line.hpp"
#include "prescription_verifier.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace {

std::optional<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// "D:20250101120000+00'00'" -> "2025-01-01 12:00:00 +00:00"; other forms are shown as written.
std::string readableDate(const std::string& pdfDate) {
    if (pdfDate.size() < 16 || pdfDate.rfind("D:", 0) != 0) {
        return pdfDate;
    }
    const std::string d = pdfDate.substr(2);
    std::string out = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2) + " " +
                      d.substr(8, 2) + ":" + d.substr(10, 2) + ":" + d.substr(12, 2);
    if (d.size() >= 20 && (d[14] == '+' || d[14] == '-')) {
        out += " " + d.substr(14, 3) + ":" + d.substr(18, 2);
    } else if (d.size() >= 15 && d[14] == 'Z') {
        out += " UTC";
    }
    return out;
}

int usage(const std::string& problem) {
    if (!problem.empty()) {
        std::cerr << "telecabine-verify: " << problem << "\n";
    }
    std::cerr << "usage: telecabine-verify FILE.pdf --ca CA.pem [--kind ordonnance|report] "
                 "[--json]\n"
                 "exit codes: 0 valid, 2 usage or unreadable input, 10 unreadable PDF, 11 not "
                 "signed,\n  12 invalid signature, 13 second signature or update after signing,\n"
                 "  20 untrusted certificate, 21 expired certificate, 22 key usage, 23 chain "
                 "rejected,\n  24 signer is another prescriber, 25 signer is not a prescriber,\n"
                 "  30 no readable QR code, 31 signed content missing, 32 QR code mismatch,\n"
                 "  33 signed content not canonical\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    tc::cli::CommandLine args(argc, argv, {"json", "help"});
    if (args.flag("help")) {
        usage("");
        return 0;
    }
    if (!args.errors().empty()) {
        return usage(args.errors().front());
    }
    if (args.positional().size() != 1 || !args.value("ca")) {
        return usage("expected one PDF file and --ca");
    }
    const auto kind =
        tc::prescriptions::signedDocumentKindFromWire(args.value("kind", "ordonnance"));
    if (!kind) {
        return usage("--kind is ordonnance or report");
    }
    const auto& info = tc::prescriptions::infoOf(*kind);
    const bool isReport = *kind == tc::prescriptions::SignedDocumentKind::consultationReport;
    const std::string file = args.positional().front();
    const auto pdf = readFile(file);
    if (!pdf) {
        std::cerr << "telecabine-verify: impossible de lire / cannot read " << file << "\n";
        return 2;
    }
    const auto caText = readFile(*args.value("ca"));
    auto anchors = caText ? tc::prescriptions::TrustAnchors::fromPem(*caText)
                          : boost::system::result<tc::prescriptions::TrustAnchors>(
                                tc::prescriptions::SignatureErrc::invalidTrustAnchor);
    if (!anchors) {
        std::cerr << "telecabine-verify: aucun certificat d'autorité lisible / no readable CA "
                     "certificate in "
                  << *args.value("ca") << "\n";
        return 2;
    }
    const auto bytes = std::span(reinterpret_cast<const std::byte*>(pdf->data()), pdf->size());
    const auto report =
        tc::verify::verifyDocument(*kind, bytes, *anchors, std::chrono::system_clock::now());
    // A document of another kind, checked as this one: say which option checks it.
    std::string otherKind;
    if (!report.valid()) {
        for (const auto& other : tc::prescriptions::allSignedDocumentKinds()) {
            if (other.kind != *kind &&
                tc::prescriptions::extractEmbeddedFile(bytes, other.attachmentName) &&
                !tc::prescriptions::extractEmbeddedFile(bytes, info.attachmentName)) {
                otherKind = other.wire;
            }
        }
    }

    if (args.flag("json")) {
        nlohmann::json checks = nlohmann::json::array();
        for (const auto& c : report.checks) {
            const auto verdict = tc::verify::verdictText(c.error, *kind);
            nlohmann::json entry = {{"check", tc::verify::checkName(c.check)},
                                    {"ok", !c.error && !c.skipped},
                                    {"skipped", c.skipped}};
            if (c.error) {
                entry["error"] = tc::prescriptions::signatureErrcName(
                    static_cast<tc::prescriptions::SignatureErrc>(c.error.value()));
                entry["message_fr"] = verdict.fr;
                entry["message_en"] = verdict.en;
                if (c.error == tc::prescriptions::SignatureErrc::signerNotAPrescriber) {
                    const auto who = tc::verify::signerKindText(report.signerKind);
                    entry["reason_fr"] = who.fr;
                    entry["reason_en"] = who.en;
                }
            }
            checks.push_back(std::move(entry));
        }
        nlohmann::json out = {{"file", file},
                              {"kind", info.wire},
                              {"valid", report.valid()},
                              {"exit_code", report.exitCode()},
                              {"signer", report.signer},
                              {"signer_rpps", report.signerRpps},
                              {"signer_kind", tc::prescriptions::signerKindName(report.signerKind)},
                              {"prescriber_rpps", report.prescriberRpps},
                              {"signing_time", report.signingTime},
                              {"prescription_id", report.prescriptionId},
                              {"checks", checks}};
        if (isReport) {
            out["report_id"] = report.reportId;
            out["consultation_id"] = report.consultationId;
            out["content_sha256"] = report.contentSha256;
        }
        if (!otherKind.empty()) {
            out["document_kind_found"] = otherKind;
        }
        std::cout << out.dump(2) << "\n";
        return report.exitCode();
    }

    std::cout << (isReport ? "Compte rendu / Consultation report: " : "Ordonnance / Prescription: ")
              << file << "\n";
    if (!report.signer.empty()) {
        const auto who = tc::verify::signerKindText(report.signerKind);
        std::cout << "  Signataire / Signer: " << report.signer << "\n";
        std::cout << "  Profil du signataire / Signer's profile: " << who.fr << " / " << who.en
                  << "\n";
        if (!report.signerRpps.empty()) {
            std::cout << "  RPPS du signataire / Signer's RPPS: " << report.signerRpps
                      << (report.prescriberRpps.empty() ||
                                  report.prescriberRpps == report.signerRpps
                              ? std::string()
                              : "  (prescripteur / prescriber: " + report.prescriberRpps + ")")
                      << "\n";
        }
        std::cout << "  Signée le / Signed on: " << readableDate(report.signingTime) << "\n";
    }
    if (!report.prescriptionId.empty()) {
        std::cout << "  Identifiant (QR) / Id (QR): " << report.prescriptionId << "\n";
    }
    if (!report.reportId.empty()) {
        std::cout << "  Compte rendu n° / Report id: " << report.reportId << "\n";
        std::cout << "  Consultation: " << report.consultationId << "\n";
        std::cout << "  Contenu signé / Signed content: " << info.attachmentName
                  << ", JSON canonique / canonical JSON (RFC 8785), SHA-256 "
                  << report.contentSha256 << "\n";
    }
    for (const auto& c : report.checks) {
        const auto title = tc::verify::checkTitle(c.check);
        if (c.skipped) {
            std::cout << "[--]    " << title.fr << " : non vérifié / " << title.en
                      << ": not checked\n";
            continue;
        }
        const auto verdict = tc::verify::verdictText(c.error, *kind);
        std::cout << (c.error ? "[ÉCHEC] " : "[OK]    ") << title.fr << " : " << verdict.fr << " / "
                  << title.en << ": " << verdict.en << "\n";
        if (c.error == tc::prescriptions::SignatureErrc::signerNotAPrescriber) {
            const auto who = tc::verify::signerKindText(report.signerKind);
            std::cout << "        signé avec : " << who.fr << " / signed with: " << who.en << "\n";
        }
    }
    if (!otherKind.empty()) {
        std::cout << "  Ce fichier porte un autre document : vérifiez-le avec --kind " << otherKind
                  << " / this file holds another kind of document: check it with --kind "
                  << otherKind << "\n";
    }
    if (isReport) {
        std::cout << (report.valid()
                          ? "VERDICT : compte rendu VALIDE / consultation report VALID\n"
                          : "VERDICT : compte rendu REFUSÉ / consultation report REJECTED\n");
    } else {
        std::cout << (report.valid() ? "VERDICT : ordonnance VALIDE / prescription VALID\n"
                                     : "VERDICT : ordonnance REFUSÉE / prescription REJECTED\n");
    }
    return report.exitCode();
}
