#pragma once
// Reads the cross-reference tables of a PDF with classic xref sections (as QPdfWriter and our
// own incremental updates write them), following /Prev, and parses the objects they point to.
// Cross-reference streams and encrypted documents are refused with unsupportedPdf.

#include "pdf_objects.hpp"

#include <map>
#include <optional>
#include <string_view>

namespace tc::prescriptions::pdf {

struct IndirectObject {
    Object value;
    // The stream's data, when the object is a stream.
    std::optional<std::string_view> stream;
};

class PdfReader {
public:
    static boost::system::result<PdfReader> open(std::string_view data);

    // The newest trailer dictionary.
    const Object& trailer() const noexcept { return m_trailer; }
    // Offset of the newest xref section (the /Prev of the next update).
    std::size_t lastXrefOffset() const noexcept { return m_lastXref; }
    // The trailer's /Size: the first object number an update may add.
    int nextObjectNumber() const noexcept { return m_size; }
    std::string_view data() const noexcept { return m_data; }

    boost::system::result<IndirectObject> object(ObjRef ref) const;
    // The object itself, or what a reference points to (streams: their dictionary).
    boost::system::result<Object> resolve(const Object& maybeRef) const;
    boost::system::result<ObjRef> rootRef() const;
    // Page 1 through the page tree (first /Kids at each level).
    boost::system::result<ObjRef> firstPage() const;

private:
    struct Entry {
        std::size_t offset = 0;
        int gen = 0;
        bool inUse = false;
    };
    PdfReader() = default;
    boost::system::result<Object> readSection(std::size_t offset);
    boost::system::result<IndirectObject> objectAt(ObjRef ref, int depth) const;

    std::string_view m_data;
    std::map<int, Entry> m_entries;
    Object m_trailer;
    std::size_t m_lastXref = 0;
    int m_size = 0;
};

} // namespace tc::prescriptions::pdf
