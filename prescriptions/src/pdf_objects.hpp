#pragma once
// PDF objects (ISO 32000-1 §7.3): a small, bounded parser and a serialiser for the dictionaries
// the signer rewrites and the verifier reads. Streams are handled by PdfReader.

#include "tc/prescriptions/signature_errors.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tc::prescriptions::pdf {

struct ObjRef {
    int num = 0;
    int gen = 0;
    bool operator==(const ObjRef&) const = default;
};

struct DictEntry;

struct Object {
    enum class Type { null, boolean, integer, real, string, name, array, dict, ref };
    Type type = Type::null;
    bool boolean = false;
    long long integer = 0;
    double real = 0;
    std::string text; // string bytes or name (decoded, without the '/')
    bool hexString = false;
    std::vector<Object> items;      // array
    std::vector<DictEntry> entries; // dictionary, in file order
    ObjRef ref;

    static Object name(std::string n);
    static Object integerValue(long long v);
    static Object reference(ObjRef r);
    static Object string(std::string bytes, bool hex = false);
    static Object array(std::vector<Object> items);
    static Object dictionary();

    bool isDict() const noexcept { return type == Type::dict; }
    bool isArray() const noexcept { return type == Type::array; }
    bool isRef() const noexcept { return type == Type::ref; }
    bool isInteger() const noexcept { return type == Type::integer; }
    bool isName(std::string_view n) const noexcept { return type == Type::name && text == n; }
    // Dictionary lookup; nullptr when absent or not a dictionary.
    const Object* get(std::string_view key) const noexcept;
    // Replaces or appends a dictionary entry.
    void set(std::string key, Object value);
};

struct DictEntry {
    std::string key;
    Object value;
};

class Parser {
public:
    Parser(std::string_view data, std::size_t position)
        : m_data(data)
        , m_pos(position) {}

    boost::system::result<Object> parseObject();
    // A non-negative integer token (xref tables, object headers).
    std::optional<long long> parseUnsigned();
    // Consumes `keyword` if it is the next token.
    bool consumeKeyword(std::string_view keyword);
    void skipWhitespace();
    std::size_t position() const noexcept { return m_pos; }
    void seek(std::size_t position) noexcept { m_pos = position; }

private:
    boost::system::result<Object> parseValue(int depth);
    boost::system::result<Object> parseLiteralString();
    boost::system::result<Object> parseHexString();
    boost::system::result<Object> parseName();
    boost::system::result<Object> parseNumberOrRef();
    bool atDelimiterOrEnd(std::size_t at) const noexcept;

    std::string_view m_data;
    std::size_t m_pos;
};

std::string serialize(const Object& object);

// A text string for the document (ISO 32000-1 §7.9.2.2): printable ASCII as a literal, anything
// else as UTF-16BE with a byte order mark.
Object textString(std::string_view utf8);

bool isPdfWhitespace(char c) noexcept;
bool isPdfDelimiter(char c) noexcept;

} // namespace tc::prescriptions::pdf
