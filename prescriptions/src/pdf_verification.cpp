#include "tc/prescriptions/pdf_verification.hpp"

#include "hex_digit.hpp"
#include "openssl_handles.hpp"
#include "pdf_reader.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace tc::prescriptions {
namespace {

using pdf::Object;

boost::system::result<PdfSignatureField> readField(const pdf::PdfReader& reader,
                                                   const Object& field) {
    const Object* value = field.get("V");
    if (value == nullptr) {
        return SignatureErrc::noSignature; // an unsigned signature field
    }
    auto sig = reader.resolve(*value);
    if (!sig || !sig->isDict()) {
        return SignatureErrc::malformedPdf;
    }
    const Object* range = sig->get("ByteRange");
    const Object* contents = sig->get("Contents");
    if (range == nullptr || !range->isArray() || range->items.size() != 4 || contents == nullptr ||
        contents->type != Object::Type::string) {
        return SignatureErrc::malformedSignature;
    }
    PdfSignatureField out;
    for (std::size_t i = 0; i < 4; ++i) {
        if (!range->items[i].isInteger() || range->items[i].integer < 0) {
            return SignatureErrc::malformedSignature;
        }
        out.byteRange[i] = static_cast<std::size_t>(range->items[i].integer);
    }
    const auto* first = reinterpret_cast<const std::byte*>(contents->text.data());
    out.contents.assign(first, first + contents->text.size());
    if (const Object* t = field.get("T"); t != nullptr && t->type == Object::Type::string) {
        out.fieldName = t->text;
    }
    if (const Object* sub = sig->get("SubFilter");
        sub != nullptr && sub->type == Object::Type::name) {
        out.subFilter = sub->text;
    }
    if (const Object* m = sig->get("M"); m != nullptr && m->type == Object::Type::string) {
        out.signingTimeText = m->text;
    }
    return out;
}

// Signature fields of the form, descending into /Kids once (terminal fields under a parent).
void collectSignatures(const pdf::PdfReader& reader, const Object& fields, int depth,
                       std::vector<PdfSignatureField>& out, bool& malformed) {
    for (const Object& item : fields.items) {
        auto field = reader.resolve(item);
        if (!field || !field->isDict()) {
            malformed = true;
            continue;
        }
        if (const Object* kids = field->get("Kids"); kids != nullptr && depth < 4) {
            auto list = reader.resolve(*kids);
            if (list && list->isArray()) {
                collectSignatures(reader, *list, depth + 1, out, malformed);
            }
        }
        const Object* type = field->get("FT");
        if (type == nullptr || !type->isName("Sig")) {
            continue;
        }
        auto signature = readField(reader, *field);
        if (signature) {
            out.push_back(std::move(*signature));
        } else if (signature.error() != SignatureErrc::noSignature) {
            malformed = true;
        }
    }
}

boost::system::result<Object> findInNameTree(const pdf::PdfReader& reader, const Object& node,
                                             std::string_view name, int depth) {
    if (depth > 8) {
        return SignatureErrc::unsupportedPdf;
    }
    if (const Object* names = node.get("Names"); names != nullptr) {
        auto pairs = reader.resolve(*names);
        if (!pairs || !pairs->isArray() || pairs->items.size() % 2 != 0) {
            return SignatureErrc::malformedPdf;
        }
        for (std::size_t i = 0; i < pairs->items.size(); i += 2) {
            if (pairs->items[i].type == Object::Type::string && pairs->items[i].text == name) {
                return pairs->items[i + 1];
            }
        }
    }
    if (const Object* kids = node.get("Kids"); kids != nullptr) {
        auto list = reader.resolve(*kids);
        if (!list || !list->isArray()) {
            return SignatureErrc::malformedPdf;
        }
        for (const Object& kid : list->items) {
            auto child = reader.resolve(kid);
            if (!child || !child->isDict()) {
                return SignatureErrc::malformedPdf;
            }
            auto found = findInNameTree(reader, *child, name, depth + 1);
            if (found || found.error() != SignatureErrc::missingSignedContent) {
                return found;
            }
        }
    }
    return SignatureErrc::missingSignedContent;
}

} // namespace

namespace {

// The document catalog (the trailer's /Root), a dictionary.
boost::system::result<Object> catalogOf(const pdf::PdfReader& reader) {
    auto root = reader.rootRef();
    if (!root) {
        return root.error();
    }
    auto catalog = reader.resolve(Object::reference(*root));
    if (!catalog || !catalog->isDict()) {
        return SignatureErrc::malformedPdf;
    }
    return catalog;
}

// The dictionary under `key` of `dict`, resolved: `absent` when there is no such key.
boost::system::result<Object> dictionaryAt(const pdf::PdfReader& reader, const Object& dict,
                                           std::string_view key, SignatureErrc absent) {
    const Object* entry = dict.get(key);
    if (entry == nullptr) {
        return absent;
    }
    auto value = reader.resolve(*entry);
    if (!value || !value->isDict()) {
        return SignatureErrc::malformedPdf;
    }
    return value;
}

// Every signed signature field of the form (AcroForm /Fields).
boost::system::result<std::vector<PdfSignatureField>>
allSignatures(std::span<const std::byte> pdfBytes) {
    auto reader = pdf::PdfReader::open(detail::asChars(pdfBytes));
    if (!reader) {
        return reader.error();
    }
    auto catalog = catalogOf(*reader);
    if (!catalog) {
        return catalog.error();
    }
    auto acroForm = dictionaryAt(*reader, *catalog, "AcroForm", SignatureErrc::noSignature);
    if (!acroForm) {
        return acroForm.error();
    }
    if (acroForm->get("Fields") == nullptr) {
        return SignatureErrc::malformedPdf;
    }
    auto fields = reader->resolve(*acroForm->get("Fields"));
    if (!fields || !fields->isArray()) {
        return SignatureErrc::malformedPdf;
    }
    std::vector<PdfSignatureField> signatures;
    bool malformed = false;
    collectSignatures(*reader, *fields, 0, signatures, malformed);
    if (signatures.empty()) {
        return malformed ? SignatureErrc::malformedSignature : SignatureErrc::noSignature;
    }
    return signatures;
}

std::size_t rangeEnd(const PdfSignatureField& f) {
    return f.byteRange[2] + f.byteRange[3];
}

// The byte range must be [0, gapStart, gapEnd, rest] ending at the end of the file, the gap
// exactly the hex string of this signature's /Contents.
boost::system::result<void> checkCoverage(const PdfSignatureField& field, std::string_view data) {
    const auto& r = field.byteRange;
    if (r[0] != 0 || r[1] == 0 || r[2] <= r[1] + 1 || r[2] > data.size() ||
        r[3] > data.size() - r[2]) {
        return SignatureErrc::byteRangeIncomplete;
    }
    if (r[3] != data.size() - r[2]) {
        // The signature covers a prefix of the file: an update was appended after signing.
        return SignatureErrc::contentAfterSignature;
    }
    if (data[r[1]] != '<' || data[r[2] - 1] != '>') {
        return SignatureErrc::byteRangeIncomplete;
    }
    const std::size_t digits = r[2] - r[1] - 2;
    if (digits % 2 != 0 || digits / 2 != field.contents.size()) {
        return SignatureErrc::byteRangeIncomplete;
    }
    for (std::size_t i = 0; i < digits; i += 2) {
        const int high = detail::hexDigitValue(data[r[1] + 1 + i]);
        const int low = detail::hexDigitValue(data[r[1] + 2 + i]);
        if (high < 0 || low < 0 ||
            static_cast<std::byte>(high * 16 + low) != field.contents[i / 2]) {
            return SignatureErrc::byteRangeIncomplete;
        }
    }
    return {};
}

} // namespace

boost::system::result<PdfSignatureField> findLastSignature(std::span<const std::byte> pdfBytes) {
    auto signatures = allSignatures(pdfBytes);
    if (!signatures) {
        return signatures.error();
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < signatures->size(); ++i) {
        if (rangeEnd((*signatures)[i]) > rangeEnd((*signatures)[best])) {
            best = i;
        }
    }
    return std::move((*signatures)[best]);
}

boost::system::result<PdfSignatureCheck> verifyPdfSignature(std::span<const std::byte> pdf) {
    auto signatures = allSignatures(pdf);
    if (!signatures) {
        return signatures.error();
    }
    if (signatures->size() != 1) {
        // An ordonnance carries its prescriber's signature only: a second one is a re-signature
        // or a counter-signature over an update (long-term validation updates are not supported).
        return SignatureErrc::multipleSignatures;
    }
    PdfSignatureField& field = signatures->front();
    const std::string_view data = detail::asChars(pdf);
    if (auto covered = checkCoverage(field, data); !covered) {
        return covered.error();
    }
    const auto& r = field.byteRange;
    std::string covered(data.substr(0, r[1]));
    covered.append(data.substr(r[2], r[3]));
    auto cms = verifyDetached(detail::asBytes(covered), field.contents);
    if (!cms) {
        return cms.error();
    }
    if (field.subFilter != "ETSI.CAdES.detached" || cms->signingTimeAttribute.has_value()) {
        return SignatureErrc::notPadesBaseline;
    }
    return PdfSignatureCheck{std::move(field), std::move(*cms)};
}

struct TrustAnchors::Impl {
    std::vector<detail::X509Ptr> certificates;
};

TrustAnchors::TrustAnchors(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
TrustAnchors::TrustAnchors(TrustAnchors&&) noexcept = default;
TrustAnchors& TrustAnchors::operator=(TrustAnchors&&) noexcept = default;
TrustAnchors::~TrustAnchors() = default;

boost::system::result<TrustAnchors> TrustAnchors::fromPem(std::string_view pem) {
    auto bio = detail::memoryBio(detail::asBytes(pem));
    auto impl = std::make_unique<Impl>();
    while (bio) {
        X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (certificate == nullptr) {
            break;
        }
        impl->certificates.emplace_back(certificate);
    }
    ERR_clear_error();
    if (impl->certificates.empty()) {
        return SignatureErrc::invalidTrustAnchor;
    }
    return TrustAnchors(std::move(impl));
}

boost::system::result<void>
verifyCertificateChain(std::span<const std::byte> signerDer,
                       const std::vector<std::vector<std::byte>>& intermediatesDer,
                       const TrustAnchors& anchors, std::chrono::system_clock::time_point at) {
    const auto parse = [](std::span<const std::byte> der) {
        const unsigned char* cursor = detail::asUChars(der);
        return detail::X509Ptr(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    };
    auto signer = parse(signerDer);
    detail::X509StackPtr untrusted(sk_X509_new_null());
    detail::StorePtr store(X509_STORE_new());
    detail::StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!signer || !untrusted || !store || !ctx) {
        ERR_clear_error();
        return SignatureErrc::certificateRejected;
    }
    for (const auto& der : intermediatesDer) {
        if (auto c = parse(der)) {
            sk_X509_push(untrusted.get(), c.release());
        }
    }
    for (const auto& anchor : anchors.impl().certificates) {
        X509_STORE_add_cert(store.get(), anchor.get());
    }
    if (X509_STORE_CTX_init(ctx.get(), store.get(), signer.get(), untrusted.get()) != 1) {
        ERR_clear_error();
        return SignatureErrc::certificateRejected;
    }
    X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(at));
    X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_PARTIAL_CHAIN);
    if (X509_verify_cert(ctx.get()) != 1) {
        const int error = X509_STORE_CTX_get_error(ctx.get());
        ERR_clear_error();
        switch (error) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return SignatureErrc::certificateExpired;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return SignatureErrc::certificateNotYetValid;
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_CERT_UNTRUSTED:
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
            return SignatureErrc::untrustedCertificate;
        default:
            return SignatureErrc::certificateRejected;
        }
    }
    if ((X509_get_extension_flags(signer.get()) & EXFLAG_KUSAGE) == 0 ||
        (X509_get_key_usage(signer.get()) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
        return SignatureErrc::keyUsageNotAllowed;
    }
    return {};
}

boost::system::result<std::vector<std::byte>> extractEmbeddedFile(std::span<const std::byte> pdf,
                                                                  std::string_view name) {
    auto reader = pdf::PdfReader::open(detail::asChars(pdf));
    if (!reader) {
        return reader.error();
    }
    auto catalog = catalogOf(*reader);
    if (!catalog) {
        return catalog.error();
    }
    constexpr auto absent = SignatureErrc::missingSignedContent;
    auto names = dictionaryAt(*reader, *catalog, "Names", absent);
    if (!names) {
        return names.error();
    }
    auto tree = dictionaryAt(*reader, *names, "EmbeddedFiles", absent);
    if (!tree) {
        return tree.error();
    }
    auto specEntry = findInNameTree(*reader, *tree, name, 0);
    if (!specEntry) {
        return specEntry.error();
    }
    auto spec = reader->resolve(*specEntry);
    if (!spec || !spec->isDict()) {
        return SignatureErrc::malformedPdf;
    }
    const Object* ef = spec->get("EF");
    const Object* file = ef != nullptr && ef->isDict() ? ef->get("F") : nullptr;
    if (file == nullptr || !file->isRef()) {
        return SignatureErrc::missingSignedContent;
    }
    auto stream = reader->object(file->ref);
    if (!stream || !stream->stream) {
        return SignatureErrc::malformedPdf;
    }
    if (stream->value.get("Filter") != nullptr) {
        return SignatureErrc::unsupportedPdf;
    }
    const auto bytes = detail::asBytes(*stream->stream);
    return std::vector<std::byte>(bytes.begin(), bytes.end());
}

} // namespace tc::prescriptions
