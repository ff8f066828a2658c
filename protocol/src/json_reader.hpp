#pragma once
// Strict reader for JSON objects: required/optional fields with type, range and size checks,
// refusal of unknown fields, and the first error kept with the path of the offending field.

#include "tc/protocol/envelope.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace tc::protocol::detail {

// A JSON number whose magnitude is 2^63 or more, however it is written (`1e30`, or an integer
// literal beyond 64 bits, which nlohmann/json can only hold as a double). Where an integer is
// expected, such a number is out of range (`invalid_field`), not of the wrong type: a number
// with a fraction or an exponent below that magnitude (`1.0`, `1.5`, `2e3`) is the wrong type.
bool isBeyond64Bits(const nlohmann::json& value) noexcept;

class JsonReader {
public:
    JsonReader(const nlohmann::json& object, std::string path);

    bool ok() const noexcept { return !m_error.has_value(); }

    void string(std::string_view key, std::string& out, std::size_t minBytes, std::size_t maxBytes,
                bool required = true);
    void integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max,
                 bool required = true);
    void integer(std::string_view key, int& out, int min, int max, bool required = true);
    void boolean(std::string_view key, bool& out, bool required = true);
    // Returns the field if it exists and has the expected JSON type (object/array).
    const nlohmann::json* object(std::string_view key, bool required = true);
    const nlohmann::json* array(std::string_view key, std::size_t maxItems, bool required = true);

    template <class Enum, class Table>
    void enumeration(std::string_view key, Enum& out, const Table& names, bool required = true) {
        std::string text;
        string(key, text, 1, 64, required);
        if (!ok() || text.empty()) {
            return;
        }
        for (const auto& [value, name] : names) {
            if (name == text) {
                out = value;
                return;
            }
        }
        fail(Errc::invalidField, pathOf(key) + ": unknown value \"" + text + "\"");
    }

    // Adopts a nested reader's error.
    void merge(const JsonReader& nested);
    void fail(Errc code, std::string detail);
    std::string pathOf(std::string_view key) const;
    const std::string& path() const noexcept { return m_path; }

    // Checks for unknown fields and returns the first error, if any.
    std::optional<ParseError> finish();

private:
    const nlohmann::json* find(std::string_view key, bool required);

    const nlohmann::json& m_object;
    std::string m_path;
    std::set<std::string, std::less<>> m_seen;
    std::optional<ParseError> m_error;
};

// The "session_id" every session-scoped body carries (messages.cpp).
void readSessionId(JsonReader& r, std::string& out);

} // namespace tc::protocol::detail
