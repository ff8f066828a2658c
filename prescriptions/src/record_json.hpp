#pragma once
// What the consultation record, the report and the signed report's content share: the JSON of
// the patient identity, the doctor, the site and the assistant, and the checks their validation
// repeats (texts, identifiers, digests, times), each problem collected with its JSON pointer.
//
// The identity's JSON is written here with the keys and wire names of the identity's own JSON
// form (patient_identity.hpp, protocol/README.md "check-in"), so that the record holds exactly
// what the cabin sent, without calling into the identity's implementation.

#include "json_reader.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/record_errors.hpp"

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

namespace tc::prescriptions::detail {

// Limits of texts, in bytes of UTF-8.
inline constexpr std::size_t kMaxNameBytes = 200;
inline constexpr std::size_t kMaxShortText = 500;
inline constexpr std::size_t kMaxLongText = 8000;

// Unix ms bounds: 2000-01-01 and 2100-01-01, UTC.
inline constexpr UnixMs kEarliestMs = 946684800000;
inline constexpr UnixMs kLatestMs = 4102444800000;

nlohmann::json identityJson(const PatientIdentity& identity);
void readIdentity(const nlohmann::json& value, const std::string& pointer, PatientIdentity& out,
                  ErrorSlot& slot);

nlohmann::json doctorJson(const RecordDoctor& doctor);
void readDoctor(const nlohmann::json& value, const std::string& pointer, RecordDoctor& out,
                ErrorSlot& slot);
nlohmann::json siteJson(const RecordSite& site);
void readSite(const nlohmann::json& value, const std::string& pointer, RecordSite& out,
              ErrorSlot& slot);
nlohmann::json assistantJson(const std::optional<RecordAssistant>& assistant);
void readAssistant(ObjectReader& parent, std::string_view key, std::optional<RecordAssistant>& out);

// Identifier syntaxes.
bool isToken(std::string_view text, std::size_t maxBytes); // 1..max of A-Z a-z 0-9 . _ -
bool isWireName(std::string_view text);                    // 1..64 of a-z 0-9 _, a letter first
bool isSiteCode(std::string_view text);                    // 3..32 of A-Z 0-9 -
bool isSha256Hex(std::string_view text);                   // 64 lowercase hex digits
bool isLoincCode(std::string_view text);                   // NNNNN-C with its mod-10 check digit
bool isUcumCode(std::string_view text);                    // 1..32 printable ASCII, no space
// A file name of the archive: a token of at most 128 bytes, not starting with '.', ending with
// one of `extensions` (".flac").
bool isArchiveFileName(std::string_view text, std::span<const std::string_view> extensions);

inline constexpr std::array<std::string_view, 4> kRecordingExtensions{".flac", ".wav", ".ogg",
                                                                      ".opus"};
inline constexpr std::array<std::string_view, 3> kStillExtensions{".png", ".jpg", ".jpeg"};

// Collects located issues.
class IssueCollector {
public:
    explicit IssueCollector(RecordIssues& out)
        : m_out(out) {}
    void add(RecordErrc code, std::string pointer, std::string detail) {
        m_out.emplace_back(code, std::move(pointer), std::move(detail));
    }
    // Valid UTF-8 without control characters other than \n and \t, at most maxBytes; when
    // `ifEmpty` is given, empty (or blank) text is that issue.
    void text(const std::string& pointer, std::string_view value, std::size_t maxBytes,
              std::optional<RecordErrc> ifEmpty = std::nullopt);
    // The same for a single-line text: no \n or \t either.
    void line(const std::string& pointer, std::string_view value, std::size_t maxBytes,
              std::optional<RecordErrc> ifEmpty = std::nullopt);
    void time(const std::string& pointer, UnixMs value);
    void check(bool ok, RecordErrc code, const std::string& pointer, std::string detail) {
        if (!ok) {
            add(code, pointer, std::move(detail));
        }
    }

private:
    RecordIssues& m_out;
};

void validateIdentity(const PatientIdentity& identity, const std::string& pointer,
                      IssueCollector& issues);
void validateDoctor(const RecordDoctor& doctor, const std::string& pointer, IssueCollector& issues);
void validateSite(const RecordSite& site, const std::string& pointer, IssueCollector& issues);
void validateAssistant(const std::optional<RecordAssistant>& assistant, const std::string& pointer,
                       IssueCollector& issues);

} // namespace tc::prescriptions::detail
