#pragma once
// The ordonnance: a Prescription laid out as the legal French document (article R5132-3 CSP),
// and the signing pipeline that turns a finished prescription into everything that is issued.
//
// Layout (ordonnance_layout.cpp, QtGui only: QPdfWriter / QPainter into a PDF or a QImage, the
// same painter code for both): A5 portrait by default, A4 on request; every page repeats the
// prescriber (name, qualification, RPPS, address with country, telephone, e-mail), the patient
// (name, first name, sex, date of birth and age, weight and height when known), the date and
// "page n/N"; the medication lines in order, in the model's French wording
// (prescription_text.hpp), with "non substituable (MTE)" where set, then the non-drug lines;
// the signature block directly after the last line (R5132-4: nothing can be added between the
// last line and the signature), the QR code beside it with the identifier under it. The text
// is set in DejaVu Sans, compiled into the library and embedded (subset) into the PDF, so the
// page looks the same on every machine and accents survive text extraction.
//
// Threads: Qt's font machinery needs a QGuiApplication (QT_QPA_PLATFORM=offscreen is enough).
// Once registerOrdonnanceFonts() has run on its thread, rendering and signing work on any
// thread (QPainter on a QImage or QPdfWriter is reentrant, and each thread has its own font
// cache), which lets a GUI sign on a worker while a card takes its time.

#include "tc/errors/outcome.hpp"
#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/prescription.hpp"
#include "tc/prescriptions/sealed_prescription.hpp"
#include "tc/prescriptions/signature_errors.hpp"
#include "tc/prescriptions/signing_identity.hpp"
#include "tc/prescriptions/validation.hpp"

#include <QImage>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tc::prescriptions {

enum class PaperSize { a5, a4 };

struct OrdonnanceOptions {
    PaperSize paper = PaperSize::a5;
};

// ---- Rendering --------------------------------------------------------------------------------

// Adds the ordonnance's embedded fonts (DejaVu Sans) to the application's font database; the
// renderers below do it on first use. A GUI calls it once at start-up, before any text item
// exists: Qt rebuilds its font caches when an application font is added, and doing that under
// a live Qt Quick scene can crash in FreeType (seen with Qt 6.4 when the editor's first preview
// was drawn while its panel was being laid out). Idempotent; GUI thread.
void registerOrdonnanceFonts();

// The number of pages the prescription takes (at least 1). Works on drafts.
int ordonnancePageCount(const Prescription& prescription, const OrdonnanceOptions& options = {});

// The unsigned PDF of a sealed prescription: QR code (makeQrPayload of the id and the
// canonical bytes) and "Signé électroniquement (PAdES) le ..." with `signingTime` (shown in
// French civil time, Europe/Paris). Sign it with signPdf (pades.hpp), or use signOrdonnance.
// Errors: qrEncodingFailed, renderFailed.
boost::system::result<std::vector<std::byte>>
renderOrdonnancePdf(const SealedPrescription& sealed,
                    std::chrono::system_clock::time_point signingTime,
                    const OrdonnanceOptions& options = {});

// The editor's live preview: page `pageIndex` (0-based) of a prescription being edited, any
// state (empty fields, invalid values, nil id), at `dpi` (clamped to 24..600), white
// background, ARGB32. A draft has no QR code but a "brouillon" placeholder where it will be,
// and a diagonal "BROUILLON — non signé" watermark. A null QImage when pageIndex is out of
// range (see ordonnancePageCount) or the painter cannot start.
QImage renderOrdonnancePreview(const Prescription& prescription, int pageIndex, int dpi,
                               const OrdonnanceOptions& options = {});

// ---- Signing ----------------------------------------------------------------------------------

// What is issued for one prescription. All of it refers to the same canonical bytes.
struct SignedOrdonnance {
    SealedPrescription sealed;         // immutable content, canonical JSON and its SHA-256
    std::vector<std::byte> pdf;        // PAdES B-B signed, canonical JSON embedded
    std::string canonicalJson;         // RFC 8785 bytes ("ordonnance.json")
    std::vector<std::byte> jsonCmsDer; // detached CMS over canonicalJson ("ordonnance.json.p7s")
    std::string fhirBundleJson;        // FHIR R4 Bundle (collection), UTF-8 JSON
    ValidationReport validation;       // warnings only (errors prevent signing)
};

enum class OrdonnanceStage {
    validation,
    signer, // the identity is not the prescriber's (signerNotAPrescriber, signerNotPrescriber)
    ledger,
    sealing,
    rendering,
    pdfSignature,
    jsonSignature,
    fhir
};

// `code`: Errc (validationFailed, duplicateId, unknownPrevious, alreadyCancelled,
// amendmentMismatch, ...) or SignatureErrc (renderFailed, signingFailed, ...).
struct OrdonnanceFailure : errors::Failure {
    OrdonnanceStage stage = OrdonnanceStage::validation;
    // For stage validation: every issue, each with its JSON pointer location.
    ValidationReport validation;
};

using SignOrdonnanceResult = errors::Outcome<SignedOrdonnance, OrdonnanceFailure>;

// Validates (DciTable::builtIn()), checks that the identity is the prescriber's
// (prescriber_certificate.hpp) before anything is rendered, seals, renders, PAdES-signs the PDF
// with the canonical JSON attached (SignatureDetails::attachment, what telecabine-verify compares
// with the QR code), signs the canonical JSON (detached CMS with signing-time) and exports FHIR.
// `signingTime` goes into /M, the CMS signing-time and the printed signature block.
SignOrdonnanceResult signOrdonnance(const Prescription& prescription,
                                    const SigningIdentity& identity,
                                    std::chrono::system_clock::time_point signingTime,
                                    const OrdonnanceOptions& options = {});

// Immutability across calls: the same, plus the caller's ledger. An id the ledger already holds
// with other content is refused (stage ledger, Errc::duplicateId) before anything is signed;
// with the same canonical content it is a re-issue (signed again, the ledger unchanged). An
// amendment must name a prescription of the ledger that is not cancelled, for the same patient
// and prescriber (Errc::unknownPrevious, alreadyCancelled, amendmentMismatch). On success the
// sealed prescription is added to the ledger.
SignOrdonnanceResult signOrdonnance(const Prescription& prescription,
                                    const SigningIdentity& identity,
                                    std::chrono::system_clock::time_point signingTime,
                                    PrescriptionLedger& ledger,
                                    const OrdonnanceOptions& options = {});

} // namespace tc::prescriptions
