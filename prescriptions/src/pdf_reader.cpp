#include "pdf_reader.hpp"

#include <set>

namespace tc::prescriptions::pdf {
namespace {

constexpr long long kMaxObjects = 8'000'000;
constexpr int kMaxSections = 64;

} // namespace

boost::system::result<PdfReader> PdfReader::open(std::string_view data) {
    if (data.substr(0, 5) != "%PDF-") {
        return SignatureErrc::malformedPdf;
    }
    const std::size_t tailStart = data.size() > 1024 ? data.size() - 1024 : 0;
    const auto at = data.rfind("startxref");
    if (at == std::string_view::npos || at < tailStart) {
        return SignatureErrc::malformedPdf;
    }
    Parser parser(data, at + 9);
    const auto offset = parser.parseUnsigned();
    if (!offset || static_cast<std::size_t>(*offset) >= data.size()) {
        return SignatureErrc::malformedPdf;
    }
    PdfReader reader;
    reader.m_data = data;
    reader.m_lastXref = static_cast<std::size_t>(*offset);
    std::set<long long> visited;
    std::optional<long long> next = *offset;
    bool newest = true;
    while (next) {
        if (!visited.insert(*next).second || visited.size() > kMaxSections ||
            static_cast<std::size_t>(*next) >= data.size()) {
            return SignatureErrc::malformedPdf;
        }
        auto trailer = reader.readSection(static_cast<std::size_t>(*next));
        if (!trailer) {
            return trailer.error();
        }
        if (trailer->get("Encrypt") != nullptr) {
            return SignatureErrc::unsupportedPdf;
        }
        next.reset();
        if (const Object* prev = trailer->get("Prev"); prev != nullptr) {
            if (!prev->isInteger() || prev->integer < 0) {
                return SignatureErrc::malformedPdf;
            }
            next = prev->integer;
        }
        if (newest) {
            reader.m_trailer = std::move(*trailer);
            newest = false;
        }
    }
    const Object* size = reader.m_trailer.get("Size");
    if (size == nullptr || !size->isInteger() || size->integer < 1 || size->integer > kMaxObjects) {
        return SignatureErrc::malformedPdf;
    }
    reader.m_size = static_cast<int>(size->integer);
    return reader;
}

boost::system::result<Object> PdfReader::readSection(std::size_t offset) {
    Parser parser(m_data, offset);
    parser.skipWhitespace();
    if (!parser.consumeKeyword("xref")) {
        // "N G obj" here would be a cross-reference stream (PDF 1.5).
        return parser.parseUnsigned() ? SignatureErrc::unsupportedPdf : SignatureErrc::malformedPdf;
    }
    for (;;) {
        if (parser.consumeKeyword("trailer")) {
            auto trailer = parser.parseObject();
            if (!trailer || !trailer->isDict()) {
                return SignatureErrc::malformedPdf;
            }
            return trailer;
        }
        const auto first = parser.parseUnsigned();
        const auto count = parser.parseUnsigned();
        if (!first || !count || *first + *count > kMaxObjects) {
            return SignatureErrc::malformedPdf;
        }
        for (long long i = 0; i < *count; ++i) {
            const auto entryOffset = parser.parseUnsigned();
            const auto gen = parser.parseUnsigned();
            const bool inUse = parser.consumeKeyword("n");
            if (!entryOffset || !gen || *gen > 65535 || (!inUse && !parser.consumeKeyword("f"))) {
                return SignatureErrc::malformedPdf;
            }
            // Sections are read newest first: an entry already known stays.
            m_entries.try_emplace(
                static_cast<int>(*first + i),
                Entry{static_cast<std::size_t>(*entryOffset), static_cast<int>(*gen), inUse});
        }
    }
}

boost::system::result<IndirectObject> PdfReader::object(ObjRef ref) const {
    return objectAt(ref, 0);
}

boost::system::result<IndirectObject> PdfReader::objectAt(ObjRef ref, int depth) const {
    const auto it = m_entries.find(ref.num);
    if (depth > 2 || it == m_entries.end() || !it->second.inUse || it->second.gen != ref.gen ||
        it->second.offset >= m_data.size()) {
        return SignatureErrc::malformedPdf;
    }
    Parser parser(m_data, it->second.offset);
    const auto num = parser.parseUnsigned();
    const auto gen = parser.parseUnsigned();
    if (!num || !gen || *num != ref.num || *gen != ref.gen || !parser.consumeKeyword("obj")) {
        return SignatureErrc::malformedPdf;
    }
    auto value = parser.parseObject();
    if (!value) {
        return value.error();
    }
    IndirectObject out{std::move(*value), std::nullopt};
    if (!out.value.isDict() || !parser.consumeKeyword("stream")) {
        return out;
    }
    std::size_t start = parser.position();
    if (m_data.substr(start, 2) == "\r\n") {
        start += 2;
    } else if (start < m_data.size() && (m_data[start] == '\n' || m_data[start] == '\r')) {
        start += 1;
    } else {
        return SignatureErrc::malformedPdf;
    }
    const Object* length = out.value.get("Length");
    long long bytes = -1;
    if (length != nullptr && length->isInteger()) {
        bytes = length->integer;
    } else if (length != nullptr && length->isRef()) {
        auto target = objectAt(length->ref, depth + 1);
        if (target && target->value.isInteger() && !target->stream) {
            bytes = target->value.integer;
        }
    }
    if (bytes < 0 || static_cast<std::size_t>(bytes) > m_data.size() - start) {
        return SignatureErrc::malformedPdf;
    }
    parser.seek(start + static_cast<std::size_t>(bytes));
    if (!parser.consumeKeyword("endstream")) {
        return SignatureErrc::malformedPdf;
    }
    out.stream = m_data.substr(start, static_cast<std::size_t>(bytes));
    return out;
}

boost::system::result<Object> PdfReader::resolve(const Object& maybeRef) const {
    if (!maybeRef.isRef()) {
        return maybeRef;
    }
    auto target = object(maybeRef.ref);
    if (!target) {
        return target.error();
    }
    return std::move(target->value);
}

boost::system::result<ObjRef> PdfReader::rootRef() const {
    const Object* root = m_trailer.get("Root");
    if (root == nullptr || !root->isRef()) {
        return SignatureErrc::malformedPdf;
    }
    return root->ref;
}

boost::system::result<ObjRef> PdfReader::firstPage() const {
    auto root = rootRef();
    if (!root) {
        return root.error();
    }
    auto catalog = resolve(Object::reference(*root));
    if (!catalog || !catalog->isDict()) {
        return SignatureErrc::malformedPdf;
    }
    if (catalog->get("Pages") == nullptr) {
        return SignatureErrc::malformedPdf;
    }
    Object node = *catalog->get("Pages");
    for (int depth = 0; depth < 32; ++depth) {
        if (!node.isRef()) {
            return SignatureErrc::malformedPdf;
        }
        auto dict = resolve(node);
        if (!dict || !dict->isDict()) {
            return SignatureErrc::malformedPdf;
        }
        if (const Object* type = dict->get("Type"); type != nullptr && type->isName("Page")) {
            return node.ref;
        }
        const Object* kidsEntry = dict->get("Kids");
        auto kids = kidsEntry != nullptr
                        ? resolve(*kidsEntry)
                        : boost::system::result<Object>(SignatureErrc::malformedPdf);
        if (!kids || !kids->isArray() || kids->items.empty()) {
            return SignatureErrc::malformedPdf;
        }
        node = kids->items.front();
    }
    return SignatureErrc::unsupportedPdf;
}

} // namespace tc::prescriptions::pdf
