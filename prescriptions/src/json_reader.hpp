#pragma once
// Strict reader for JSON objects: every listed member must be present (null only where the
// schema allows it), no other member may be, types and sizes are checked, and the first error
// is kept with the JSON pointer of the offending value.

#include "tc/prescriptions/errors.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace tc::prescriptions::detail {

// The first error met while reading a document; shared by nested readers.
struct ErrorSlot {
    std::optional<ParseError> error;
    bool ok() const noexcept { return !error.has_value(); }
    void fail(Errc code, const std::string& path, std::string detail) {
        if (!error) {
            error = ParseError{make_error_code(code), path, path + ": " + std::move(detail)};
        }
    }
};

std::string pointerAppend(const std::string& pointer, std::string_view key);
std::string pointerAppend(const std::string& pointer, std::size_t index);

enum class Nullable { no, yes };

class ObjectReader {
public:
    ObjectReader(const nlohmann::json& value, std::string pointer, ErrorSlot& slot);

    bool ok() const noexcept { return m_slot.ok(); }
    std::string pointerOf(std::string_view key) const { return pointerAppend(m_pointer, key); }
    ErrorSlot& slot() noexcept { return m_slot; }

    // The member, or nullptr when it is null (allowed) or after an error.
    const nlohmann::json* member(std::string_view key, Nullable nullable);
    const nlohmann::json* object(std::string_view key, Nullable nullable);
    const nlohmann::json* array(std::string_view key, std::size_t maxItems);

    void text(std::string_view key, std::string& out, std::size_t maxBytes);
    // The document's "format" member, which must be `expected` ("tc.record/1", ...).
    void format(std::string_view expected);
    void number(std::string_view key, double& out);
    void number(std::string_view key, std::optional<double>& out);
    void integer(std::string_view key, int& out, int min, int max);
    void integer(std::string_view key, std::optional<int>& out, int min, int max);
    void integer64(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
    void boolean(std::string_view key, bool& out);

    template <class Enum, class Table>
    void enumeration(std::string_view key, Enum& out, const Table& table) {
        std::optional<Enum> value;
        enumeration(key, value, table, Nullable::no);
        if (value) {
            out = *value;
        }
    }
    template <class Enum, class Table>
    void enumeration(std::string_view key, std::optional<Enum>& out, const Table& table,
                     Nullable nullable = Nullable::yes) {
        const auto* value = member(key, nullable);
        if (value == nullptr) {
            return;
        }
        if (!value->is_string()) {
            m_slot.fail(Errc::wrongFieldType, pointerOf(key), "expected a string");
            return;
        }
        const auto& name = value->get_ref<const std::string&>();
        for (const auto& entry : table) {
            if (entry.wire == name) {
                out = entry.value;
                return;
            }
        }
        m_slot.fail(Errc::unknownEnumValue, pointerOf(key), "unknown value \"" + name + "\"");
    }

    // Refuses the members that were not read.
    void finish();

private:
    const nlohmann::json& m_value;
    std::string m_pointer;
    ErrorSlot& m_slot;
    std::set<std::string, std::less<>> m_seen;
};

// Parses a whole document of at most maxBytes: malformed text is Errc::malformedJson, a member
// name given twice in one object Errc::duplicateKey, an oversized text Errc::invalidField.
ParseResult<nlohmann::json> parseDocument(std::string_view text, std::size_t maxBytes);

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF); canonical_json.cpp.
bool isValidUtf8(std::string_view text);

// A string of at most maxBytes bytes without control characters other than \n and \t.
bool readText(const nlohmann::json& value, const std::string& pointer, std::string& out,
              std::size_t maxBytes, ErrorSlot& slot);

} // namespace tc::prescriptions::detail

namespace tc::prescriptions::detail::reading {
// What a document parser uses: `using namespace detail::reading;` in its anonymous namespace.
using detail::ErrorSlot;
using detail::Nullable;
using detail::ObjectReader;
using detail::pointerAppend;
using nlohmann::json;
} // namespace tc::prescriptions::detail::reading
