#pragma once
// What an attacker does to a signed PDF with a text editor and a few lines of script: read the
// newest revision of an object, and append an incremental update (classic xref section) that
// replaces objects or adds new ones. Used to build the forgeries telecabine-verify must refuse.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions::testing {

struct PdfObjectText {
    int number = 0;
    std::string body; // between "N 0 obj" and "endobj", stream included
};

// The newest revision of every object whose body matches `pattern` (ECMAScript regex).
std::vector<PdfObjectText> findObjects(const std::vector<std::byte>& pdf,
                                       const std::string& pattern);
// The newest revision of object `number`.
std::optional<PdfObjectText> objectText(const std::vector<std::byte>& pdf, int number);
// The newest trailer's /Size: the first free object number.
int nextObjectNumber(const std::vector<std::byte>& pdf);

// Appends one incremental update holding `objects` (number -> body), its xref section and a
// trailer with /Prev, the old /Root and /Info, and /Size grown as needed.
std::vector<std::byte> appendUpdate(const std::vector<std::byte>& pdf,
                                    const std::map<int, std::string>& objects);

// A stream object's body with its data given in full (no filter): "<< /Length n ... >>stream".
std::string streamBody(const std::string& dictionaryEntries, std::string_view data);

// Replaces the first match of `pattern` in `text` by `replacement` (regex syntax); the text
// unchanged if nothing matches is a test failure (REQUIREd by the caller through `found`).
std::string replaceFirst(const std::string& text, const std::string& pattern,
                         const std::string& replacement, bool* found = nullptr);

} // namespace tc::prescriptions::testing
