// telecabine-bench prescription: a real ordonnance (the adult fixture's content, built in code,
// a fresh id per run) through signOrdonnance: validation, sealing, the A5 layout with its QR
// code through QPdfWriter, PAdES, the JSON's detached CMS and the FHIR export (sign_render); then
// the pharmacist's three checks on it (verify: signature, chain, QR code read from the rasterised
// page against the signed content).
// The raw OpenSSL CMS_sign of the same bytes with the same key runs beside, as the reference.
#include "benchmarks.hpp"
#include "machine_description.hpp"
#include "prescription_verifier.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/pades.hpp"
#include "tc/prescriptions/qr_code.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/pki.hpp"

#include <QGuiApplication>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <openssl/cms.h>
#include <thread>

namespace tc::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace rx = tc::prescriptions;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A medication line taken by mouth, one substance of `strength` per unit of `form`.
rx::MedicationLine oralLine(std::string dci, rx::Quantity strength, rx::Form form,
                            rx::Dosage dosage) {
    rx::MedicationLine m;
    m.dci = std::move(dci);
    m.strength = rx::Strength{{std::move(strength)}, std::nullopt};
    m.form = form;
    m.dosage = std::move(dosage);
    m.route = rx::Route::oral;
    return m;
}

// The content of tests/data/prescription_adult.json: three medication lines (one non
// substituable), a laboratory test and a referral.
rx::Prescription adultPrescription(const std::string& rpps) {
    using namespace std::chrono;
    rx::Prescription p;
    const auto today = floor<days>(system_clock::now());
    p.date = year_month_day(today);
    p.issuedAt = sys_seconds(today) + hours(9) + minutes(12);
    p.prescriber =
        rx::Prescriber{"Martin",
                       "Claire",
                       "Médecin généraliste",
                       rpps,
                       {{"Cabinet médical", "12 rue de la Paix"}, "75002", "Paris", "FR"},
                       "+33123456789",
                       "claire.martin@example.fr"};
    p.patient = rx::Patient{"Durand", "Paul", rx::Sex::male, year(1970) / 2 / 14, 78.5, 180};
    auto amoxicillin =
        oralLine("amoxicilline", rx::Quantity{500, "mg"}, rx::Form::capsule,
                 {rx::Dose{2, "{capsule}", false}, rx::Frequency{rx::FrequencyKind::timesPerDay, 3},
                  rx::Duration{7, rx::DurationUnit::day}});
    amoxicillin.dispense.quantity = rx::Quantity{42, "{capsule}"};
    amoxicillin.instructions = "Au milieu des repas.";
    auto paracetamol =
        oralLine("paracétamol", rx::Quantity{1, "g"}, rx::Form::tablet,
                 {rx::Dose{1, "{tablet}", false}, rx::Frequency{rx::FrequencyKind::everyHours, 6},
                  rx::Duration{5, rx::DurationUnit::day}, true});
    paracetamol.dispense.packs = 1;
    auto levothyroxine =
        oralLine("lévothyroxine", rx::Quantity{75, "ug"}, rx::Form::tablet,
                 {rx::Dose{1, "{tablet}", false}, rx::Frequency{rx::FrequencyKind::timesPerDay, 1},
                  rx::Duration{3, rx::DurationUnit::month}});
    levothyroxine.dispense.packs = 3;
    levothyroxine.renewals = 3;
    levothyroxine.nonSubstitutable = true;
    levothyroxine.nonSubstitutionReason = rx::NonSubstitutionReason::mte;
    p.lines = {amoxicillin, paracetamol, levothyroxine,
               rx::NonDrugLine{rx::NonDrugKind::laboratory, "TSH, T4 libre", ""},
               rx::NonDrugLine{rx::NonDrugKind::referral, "Avis pour nodule thyroïdien",
                               "Endocrinologie"}};
    return p;
}

} // namespace

int runPrescription(cli::CommandLine& args) {
    const long long runs = args.number("runs", 100);
    const long long dpi = args.number("dpi", 150);
    if (!args.errors().empty() || runs < 50) {
        std::cerr << "prescription: --runs N (at least 50)\n";
        return 2;
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    static int qtArgc = 1;
    static char qtName[] = "telecabine-bench";
    static char* qtArgv[] = {qtName, nullptr};
    QGuiApplication app(qtArgc, qtArgv);

    // A development CA and doctor (ECDSA P-256, keyUsage digitalSignature) from tc::protocol.
    auto ca = protocol::CertificateAuthority::create("Bench CA");
    const std::string rpps = *rx::completeRpps("1000123456");
    auto credentials = ca ? ca->issue({{protocol::Role::doctor, rpps, "Dr Bench"}})
                          : protocol::Result<protocol::Credentials>(ca.error());
    auto bundle = credentials ? protocol::toPkcs12(*credentials, "bench", "doctor")
                              : protocol::Result<std::string>(credentials.error());
    if (!bundle) {
        std::cerr << "prescription: cannot make the test PKI: " << bundle.error().message() << "\n";
        return 1;
    }
    const auto bundleBytes =
        std::span(reinterpret_cast<const std::byte*>(bundle->data()), bundle->size());
    auto identity = rx::SigningIdentity::fromPkcs12(bundleBytes, "bench");
    auto anchors = rx::TrustAnchors::fromPem(ca->certificatePem());
    if (!identity || !anchors) {
        std::cerr << "prescription: cannot load the identity\n";
        return 1;
    }

    const auto* table = &rx::DciTable::builtIn();
    if (!*table) {
        return 1;
    }
    std::vector<double> signRender;
    std::vector<double> render;
    std::vector<double> verify;
    std::vector<double> verifyCrypto;
    std::vector<double> rawCms;
    std::size_t pdfBytes = 0;
    for (long long i = 0; i < runs; ++i) {
        auto prescription = adultPrescription(rpps);
        auto id = rx::PrescriptionId::generate();
        if (!id) {
            return 1;
        }
        prescription.id = *id;
        // Sealing and the unsigned PDF alone.
        const auto renderStart = Clock::now();
        auto sealed = rx::SealedPrescription::seal(prescription, **table);
        auto page = sealed ? rx::renderOrdonnancePdf(*sealed, std::chrono::system_clock::now())
                           : boost::system::result<std::vector<std::byte>>(sealed.error());
        const double renderMs = msSince(renderStart);
        const int pages = page ? rx::ordonnancePageCount(prescription) : 0;
        const auto start = Clock::now();
        auto issued = rx::signOrdonnance(prescription, *identity, std::chrono::system_clock::now());
        const double signRenderMs = msSince(start);
        if (!issued || pages != 1) {
            std::cerr << "prescription: signing failed: " << issued.error().code.message() << "\n";
            return 1;
        }
        const auto* pdf = &issued->pdf;
        pdfBytes = pdf->size();

        const auto verifyStart = Clock::now();
        const auto report = verify::verifyPrescription(
            *pdf, *anchors, std::chrono::system_clock::now(), static_cast<double>(dpi));
        const double verifyMs = msSince(verifyStart);
        if (!report.valid()) {
            std::cerr << "prescription: the signed document does not verify (exit code "
                      << report.exitCode() << ")\n";
            return 1;
        }
        const auto cryptoStart = Clock::now();
        auto signature = rx::verifyPdfSignature(*pdf);
        const bool chainOk =
            signature && rx::verifyCertificateChain(signature->cms.signerCertificateDer,
                                                    signature->cms.otherCertificatesDer, *anchors,
                                                    std::chrono::system_clock::now());
        const double cryptoMs = msSince(cryptoStart);
        if (!chainOk) {
            return 1;
        }

        // Reference: OpenSSL's own detached CMS_sign over the same bytes, same key.
        const auto rawStart = Clock::now();
        BIO* data = BIO_new_mem_buf(pdf->data(), static_cast<int>(pdf->size()));
        CMS_ContentInfo* cms = CMS_sign(identity->certificate(), identity->privateKey(), nullptr,
                                        data, CMS_DETACHED | CMS_BINARY);
        const int rawLength = cms != nullptr ? i2d_CMS_ContentInfo(cms, nullptr) : 0;
        CMS_ContentInfo_free(cms);
        BIO_free(data);
        rawCms.push_back(msSince(rawStart));
        if (rawLength <= 0) {
            return 1;
        }
        render.push_back(renderMs);
        signRender.push_back(signRenderMs);
        verify.push_back(verifyMs);
        verifyCrypto.push_back(cryptoMs);
    }
    const nlohmann::json out = {
        {"benchmark", "prescription"},
        {"runs", runs},
        {"page", "A5 ordonnance (adult fixture: 3 medication lines, 2 non-drug lines), QR code "
                 "35 mm (vector modules), DejaVu Sans embedded, QPdfWriter 300 dpi"},
        {"sign_render_includes", "validate + seal + layout + QPdfWriter + PAdES + CMS + FHIR"},
        {"key", "ECDSA P-256 (PKCS#12), SHA-256"},
        {"pdf_bytes", pdfBytes},
        {"verify_dpi", dpi},
        {"seal_render_p50_ms", roundedPercentile(render, 0.5)},
        {"sign_render_p50_ms", roundedPercentile(signRender, 0.5)},
        {"sign_render_p95_ms", roundedPercentile(signRender, 0.95)},
        {"verify_p50_ms", roundedPercentile(verify, 0.5)},
        {"verify_p95_ms", roundedPercentile(verify, 0.95)},
        {"verify_signature_chain_p50_ms", roundedPercentile(verifyCrypto, 0.5)},
        {"raw_openssl_cms_sign_p50_ms", roundedPercentile(rawCms, 0.5)},
        {"targets", {{"sign_render_p95_ms", 100}, {"verify_p50_ms", 20}}},
        {"machine", machineDescription()}};
    std::cout << (args.flag("json") ? out.dump() : out.dump(2)) << "\n";
    return 0;
}

} // namespace tc::bench
