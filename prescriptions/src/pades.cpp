#include "tc/prescriptions/pades.hpp"

#include "openssl_handles.hpp"
#include "pades_update.hpp"
#include "pdf_reader.hpp"
#include "tc/prescriptions/cms_signature.hpp"
#include "tc/prescriptions/pdf_verification.hpp"
#include "tc/prescriptions/prescriber_certificate.hpp"
#include "tc/prescriptions/signed_document.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>

namespace tc::prescriptions {
namespace {

using pdf::Object;
using pdf::ObjRef;

constexpr std::string_view kByteRangePlaceholder = "[0 0000000000 0000000000 0000000000]";

std::string pdfDate(std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "D:%04d%02d%02d%02d%02d%02d+00'00'", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buffer;
}

// The CMS the signer will produce: certificates, signature, attributes and structure.
std::size_t contentsCapacity(const SigningIdentity& identity) {
    std::size_t bytes = identity.certificateDer().size();
    for (X509* c : identity.chain()) {
        bytes += static_cast<std::size_t>(i2d_X509(c, nullptr));
    }
    return bytes + 4096;
}

class UpdateWriter {
public:
    explicit UpdateWriter(std::string base)
        : m_out(std::move(base)) {
        if (!m_out.empty() && m_out.back() != '\n' && m_out.back() != '\r') {
            m_out.push_back('\n');
        }
    }
    void add(ObjRef ref, const std::string& body) {
        m_offsets.push_back({ref.num, ref.gen, m_out.size()});
        m_out += std::to_string(ref.num) + " " + std::to_string(ref.gen) + " obj\n" + body +
                 "\nendobj\n";
    }
    std::size_t size() const noexcept { return m_out.size(); }
    // Appends the xref section and trailer; returns the file.
    std::string finish(const Object& trailer) {
        const std::size_t xref = m_out.size();
        std::sort(m_offsets.begin(), m_offsets.end());
        m_out += "xref\n";
        for (std::size_t i = 0; i < m_offsets.size();) {
            std::size_t run = 1;
            while (i + run < m_offsets.size() &&
                   m_offsets[i + run].num == m_offsets[i].num + static_cast<int>(run)) {
                ++run;
            }
            m_out += std::to_string(m_offsets[i].num) + " " + std::to_string(run) + "\n";
            for (std::size_t k = i; k < i + run; ++k) {
                char entry[24];
                std::snprintf(entry, sizeof entry, "%010zu %05d n\r\n", m_offsets[k].offset,
                              m_offsets[k].gen);
                m_out += entry;
            }
            i += run;
        }
        m_out += "trailer\n" + pdf::serialize(trailer) + "\nstartxref\n" + std::to_string(xref) +
                 "\n%%EOF\n";
        return std::move(m_out);
    }

private:
    struct Written {
        int num;
        int gen;
        std::size_t offset;
        bool operator<(const Written& other) const noexcept { return num < other.num; }
    };
    std::string m_out;
    std::vector<Written> m_offsets;
};

// Adds `fileSpec` under `name` to the catalog's EmbeddedFiles name tree (a flat /Names array,
// kept sorted as the name tree requires).
boost::system::result<Object> withEmbeddedFile(const pdf::PdfReader& reader, const Object& catalog,
                                               const std::string& name, ObjRef fileSpec) {
    Object names = Object::dictionary();
    if (const Object* existing = catalog.get("Names"); existing != nullptr) {
        auto resolved = reader.resolve(*existing);
        if (!resolved || !resolved->isDict()) {
            return SignatureErrc::malformedPdf;
        }
        names = std::move(*resolved);
    }
    Object tree = Object::dictionary();
    if (const Object* existing = names.get("EmbeddedFiles"); existing != nullptr) {
        auto resolved = reader.resolve(*existing);
        if (!resolved || !resolved->isDict()) {
            return SignatureErrc::malformedPdf;
        }
        tree = std::move(*resolved);
    }
    if (tree.get("Kids") != nullptr) {
        return SignatureErrc::unsupportedPdf;
    }
    Object pairs = Object::array({});
    if (const Object* existing = tree.get("Names"); existing != nullptr) {
        auto resolved = reader.resolve(*existing);
        if (!resolved || !resolved->isArray() || resolved->items.size() % 2 != 0) {
            return SignatureErrc::malformedPdf;
        }
        pairs = std::move(*resolved);
    }
    std::vector<std::pair<Object, Object>> entries;
    for (std::size_t i = 0; i < pairs.items.size(); i += 2) {
        if (pairs.items[i].type != Object::Type::string || pairs.items[i].text == name) {
            continue; // a replaced or malformed key is dropped
        }
        entries.emplace_back(pairs.items[i], pairs.items[i + 1]);
    }
    entries.emplace_back(Object::string(name), Object::reference(fileSpec));
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first.text < b.first.text; });
    pairs.items.clear();
    for (auto& [key, value] : entries) {
        pairs.items.push_back(std::move(key));
        pairs.items.push_back(std::move(value));
    }
    tree.set("Names", std::move(pairs));
    names.set("EmbeddedFiles", std::move(tree));
    return names;
}

std::string signatureDictionary(const SigningIdentity& identity, const SignatureDetails& details,
                                std::size_t capacity) {
    const auto when = details.signingTime.value_or(std::chrono::system_clock::now());
    std::string body = "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n";
    body += "/M " + pdf::serialize(Object::string(pdfDate(when))) + "\n";
    const std::string name =
        details.signerName.empty() ? identity.commonName() : details.signerName;
    if (!name.empty()) {
        body += "/Name " + pdf::serialize(pdf::textString(name)) + "\n";
    }
    if (!details.reason.empty()) {
        body += "/Reason " + pdf::serialize(pdf::textString(details.reason)) + "\n";
    }
    if (!details.location.empty()) {
        body += "/Location " + pdf::serialize(pdf::textString(details.location)) + "\n";
    }
    if (!details.contactInfo.empty()) {
        body += "/ContactInfo " + pdf::serialize(pdf::textString(details.contactInfo)) + "\n";
    }
    body += "/ByteRange " + std::string(kByteRangePlaceholder) + "\n/Contents <";
    body.append(capacity * 2, '0');
    body += ">>>";
    return body;
}

} // namespace

namespace {

// The signed document (ordonnance or consultation report) a signature would cover: the one being
// attached, else one already embedded.
struct CoveredDocument {
    SignedDocumentKind kind;
    std::vector<std::byte> content;
};

std::optional<CoveredDocument> coveredDocument(std::span<const std::byte> pdfBytes,
                                               const SignatureDetails& details) {
    if (details.attachment) {
        if (auto kind = signedDocumentKindOfAttachment(details.attachment->fileName)) {
            return CoveredDocument{*kind, details.attachment->data};
        }
    }
    for (const auto& info : allSignedDocumentKinds()) {
        if (auto embedded = extractEmbeddedFile(pdfBytes, info.attachmentName)) {
            return CoveredDocument{info.kind, std::move(*embedded)};
        }
    }
    return std::nullopt;
}

} // namespace

boost::system::result<std::vector<std::byte>> signPdf(std::span<const std::byte> pdfBytes,
                                                      const SigningIdentity& identity,
                                                      const SignatureDetails& details) {
    // The rule telecabine-verify applies, applied first: an ordonnance or a report is signed
    // once, by the prescriber it names.
    if (const auto document = coveredDocument(pdfBytes, details)) {
        if (findLastSignature(pdfBytes)) {
            return SignatureErrc::multipleSignatures;
        }
        const auto rpps = signerRppsInContent(document->kind, document->content);
        const auto signer = readSignerProfile(identity.certificateDer());
        if (auto allowed = checkSignerIsPrescriber(signer, rpps.value_or(std::string()));
            !allowed) {
            return allowed.error();
        }
    }
    return detail::appendPadesSignature(pdfBytes, identity, details);
}

namespace detail {

boost::system::result<std::vector<std::byte>>
appendPadesSignature(std::span<const std::byte> pdfBytes, const SigningIdentity& identity,
                     const SignatureDetails& details) {
    auto reader = pdf::PdfReader::open(detail::asChars(pdfBytes));
    if (!reader) {
        return reader.error();
    }
    auto rootRef = reader->rootRef();
    auto pageRef = reader->firstPage();
    if (!rootRef || !pageRef) {
        return !rootRef ? rootRef.error() : pageRef.error();
    }
    auto catalog = reader->resolve(Object::reference(*rootRef));
    auto page = reader->resolve(Object::reference(*pageRef));
    if (!catalog || !catalog->isDict() || !page || !page->isDict()) {
        return SignatureErrc::malformedPdf;
    }

    int next = reader->nextObjectNumber();
    const ObjRef sigRef{next++, 0};
    const ObjRef widgetRef{next++, 0};
    const ObjRef acroFormRef{next++, 0};

    // The field list of an existing form (a second signature) is kept.
    Object acroForm = Object::dictionary();
    Object fields = Object::array({});
    if (const Object* existing = catalog->get("AcroForm"); existing != nullptr) {
        auto resolved = reader->resolve(*existing);
        if (!resolved || !resolved->isDict()) {
            return SignatureErrc::malformedPdf;
        }
        acroForm = std::move(*resolved);
        if (const Object* list = acroForm.get("Fields"); list != nullptr) {
            auto resolvedFields = reader->resolve(*list);
            if (!resolvedFields || !resolvedFields->isArray()) {
                return SignatureErrc::malformedPdf;
            }
            fields = std::move(*resolvedFields);
        }
    }
    fields.items.push_back(Object::reference(widgetRef));
    acroForm.set("Fields", std::move(fields));
    acroForm.set("SigFlags", Object::integerValue(3));
    catalog->set("AcroForm", Object::reference(acroFormRef));

    Object annots = Object::array({});
    if (const Object* existing = page->get("Annots"); existing != nullptr) {
        auto resolved = reader->resolve(*existing);
        if (!resolved || !resolved->isArray()) {
            return SignatureErrc::malformedPdf;
        }
        annots = std::move(*resolved);
    }
    annots.items.push_back(Object::reference(widgetRef));
    page->set("Annots", std::move(annots));

    Object widget = Object::dictionary();
    widget.set("Type", Object::name("Annot"));
    widget.set("Subtype", Object::name("Widget"));
    widget.set("FT", Object::name("Sig"));
    widget.set("T", pdf::textString(details.fieldName));
    widget.set("V", Object::reference(sigRef));
    widget.set("P", Object::reference(*pageRef));
    widget.set("Rect", Object::array({Object::integerValue(0), Object::integerValue(0),
                                      Object::integerValue(0), Object::integerValue(0)}));
    widget.set("F", Object::integerValue(132)); // Print | Locked: an invisible signature

    const std::string base(detail::asChars(pdfBytes));
    UpdateWriter writer(base);
    if (details.attachment) {
        const PdfAttachment& file = *details.attachment;
        const ObjRef streamRef{next++, 0};
        const ObjRef specRef{next++, 0};
        Object streamDict = Object::dictionary();
        streamDict.set("Type", Object::name("EmbeddedFile"));
        streamDict.set("Subtype", Object::name(file.mimeType));
        streamDict.set("Length", Object::integerValue(static_cast<long long>(file.data.size())));
        Object params = Object::dictionary();
        params.set("Size", Object::integerValue(static_cast<long long>(file.data.size())));
        streamDict.set("Params", std::move(params));
        writer.add(streamRef, pdf::serialize(streamDict) + "\nstream\n" +
                                  std::string(detail::asChars(file.data)) + "\nendstream");
        Object spec = Object::dictionary();
        spec.set("Type", Object::name("Filespec"));
        spec.set("F", pdf::textString(file.fileName));
        spec.set("UF", pdf::textString(file.fileName));
        spec.set("Desc", pdf::textString(file.description));
        Object ef = Object::dictionary();
        ef.set("F", Object::reference(streamRef));
        spec.set("EF", std::move(ef));
        spec.set("AFRelationship", Object::name("Source"));
        writer.add(specRef, pdf::serialize(spec));
        auto names = withEmbeddedFile(*reader, *catalog, file.fileName, specRef);
        if (!names) {
            return names.error();
        }
        catalog->set("Names", std::move(*names));
    }
    const std::size_t capacity = contentsCapacity(identity);
    const std::size_t sigOffset = writer.size();
    writer.add(sigRef, signatureDictionary(identity, details, capacity));
    writer.add(widgetRef, pdf::serialize(widget));
    writer.add(acroFormRef, pdf::serialize(acroForm));
    writer.add(*pageRef, pdf::serialize(*page));
    writer.add(*rootRef, pdf::serialize(*catalog));

    Object trailer = Object::dictionary();
    trailer.set("Size", Object::integerValue(next));
    trailer.set("Root", Object::reference(*rootRef));
    for (const char* key : {"Info", "ID"}) {
        if (const Object* value = reader->trailer().get(key); value != nullptr) {
            trailer.set(key, *value);
        }
    }
    trailer.set("Prev", Object::integerValue(static_cast<long long>(reader->lastXrefOffset())));
    std::string file = writer.finish(trailer);

    // Fill in /ByteRange around the /Contents placeholder, then sign those ranges.
    const std::size_t rangeAt = file.find(kByteRangePlaceholder, sigOffset);
    const std::size_t contentsAt = file.find("/Contents <", sigOffset);
    if (rangeAt == std::string::npos || contentsAt == std::string::npos) {
        return SignatureErrc::signingFailed;
    }
    const std::size_t gapStart = contentsAt + 10; // the '<'
    const std::size_t gapEnd = gapStart + capacity * 2 + 2;
    char range[64];
    const int written = std::snprintf(range, sizeof range, "[0 %zu %zu %zu", gapStart, gapEnd,
                                      file.size() - gapEnd);
    if (written <= 0 || static_cast<std::size_t>(written) >= kByteRangePlaceholder.size()) {
        return SignatureErrc::signingFailed;
    }
    std::string rangeText(range);
    rangeText.append(kByteRangePlaceholder.size() - 1 - rangeText.size(), ' ');
    rangeText.push_back(']');
    file.replace(rangeAt, rangeText.size(), rangeText);

    std::string signedBytes = file.substr(0, gapStart);
    signedBytes.append(file, gapEnd, std::string::npos);
    DetachedSignatureOptions options;
    options.includeSigningTime = false;
    auto cms = signDetached(detail::asBytes(signedBytes), identity, options);
    if (!cms) {
        return cms.error();
    }
    if (cms->size() > capacity) {
        return SignatureErrc::signatureTooLarge;
    }
    const std::string hex = detail::toHex(*cms);
    file.replace(gapStart + 1, hex.size(), hex);

    const auto* first = reinterpret_cast<const std::byte*>(file.data());
    return std::vector<std::byte>(first, first + file.size());
}

} // namespace detail

} // namespace tc::prescriptions
