#pragma once
// The IPP/1.1 binary encoding (RFC 8010) for the few operations the cabin's printer needs:
// Print-Job, Get-Job-Attributes, Get-Printer-Attributes. Pure, no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::cabin::ipp {

namespace op {
inline constexpr std::uint16_t printJob = 0x0002;
inline constexpr std::uint16_t cancelJob = 0x0008;
inline constexpr std::uint16_t getJobAttributes = 0x0009;
inline constexpr std::uint16_t getPrinterAttributes = 0x000B;
} // namespace op

namespace tag {
inline constexpr std::uint8_t operationGroup = 0x01;
inline constexpr std::uint8_t jobGroup = 0x02;
inline constexpr std::uint8_t end = 0x03;
inline constexpr std::uint8_t printerGroup = 0x04;
inline constexpr std::uint8_t integer = 0x21;
inline constexpr std::uint8_t boolean = 0x22;
inline constexpr std::uint8_t enumeration = 0x23;
inline constexpr std::uint8_t textWithLanguage = 0x35;
inline constexpr std::uint8_t nameWithLanguage = 0x36;
inline constexpr std::uint8_t text = 0x41;
inline constexpr std::uint8_t name = 0x42;
inline constexpr std::uint8_t keyword = 0x44;
inline constexpr std::uint8_t uri = 0x45;
inline constexpr std::uint8_t charset = 0x47;
inline constexpr std::uint8_t naturalLanguage = 0x48;
inline constexpr std::uint8_t mimeMediaType = 0x49;
} // namespace tag

// job-state values (RFC 8011 5.3.7).
enum class JobState : int {
    pending = 3,
    pendingHeld = 4,
    processing = 5,
    processingStopped = 6,
    canceled = 7,
    aborted = 8,
    completed = 9
};

class RequestBuilder {
public:
    // Starts the operation attributes group with attributes-charset, -natural-language and
    // printer-uri, as every operation needs them first.
    RequestBuilder(std::uint16_t operation, std::uint32_t requestId, std::string_view printerUri);
    RequestBuilder& add(std::uint8_t valueTag, std::string_view name, std::string_view value);
    RequestBuilder& addInteger(std::uint8_t valueTag, std::string_view name, std::int32_t value);
    // Another value of the attribute just added (a 1setOf).
    RequestBuilder& alsoValue(std::uint8_t valueTag, std::string_view value);
    // end-of-attributes, then the document data if any.
    std::string finish(std::string_view document = {});

private:
    void put16(std::size_t v);
    std::string m_bytes;
};

struct Attribute {
    std::uint8_t group = 0;
    std::uint8_t valueTag = 0;
    std::string name;
    std::vector<std::string> values; // raw value bytes
};

struct Response {
    std::uint8_t versionMajor = 0;
    std::uint8_t versionMinor = 0;
    std::uint16_t status = 0;
    std::uint32_t requestId = 0;
    std::vector<Attribute> attributes;

    bool successful() const { return status < 0x0100; }
    const Attribute* find(std::string_view name) const;
    std::optional<std::int32_t> integer(std::string_view name) const;
    std::vector<std::string> strings(std::string_view name) const; // keywords, text, names
};

// Nullopt on any malformation (truncation, a length past the end, a missing end tag).
std::optional<Response> decode(std::string_view bytes);

// "successful-ok", "client-error-not-found", ... or "0x0400".
std::string statusName(std::uint16_t status);

} // namespace tc::cabin::ipp
