// ReviewClient: the review routes over ArchiveClient's connections. See review_client.hpp.

#include "tc/protocol/review_client.hpp"

#include "archive_client_impl.hpp"
#include "json_reader.hpp"

namespace tc::protocol {
namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kMaxRows = 1000;
constexpr std::size_t kMaxFiles = 100'000;
constexpr std::string_view kPrefix = "/review/v1";

bool isQueryValue(std::string_view value) noexcept {
    return std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

ArchiveClientFailure invalidFilter(std::string detail) {
    return failureOf(make_error_code(ReviewErrc::invalidFilter), std::move(detail));
}

void readRow(JsonReader& r, ReviewRow& row) {
    r.string("record_id", row.recordId, 1, 64);
    r.string("site", row.site, 1, 32);
    r.string("doctor_rpps", row.doctorRpps, 1, 32);
    r.integer("start_ms", row.startMs, 0, kMaxInt);
    r.integer("end_ms", row.endMs, 0, kMaxInt);
    r.integer("wait_ms", row.waitMs, 0, kMaxInt);
    r.integer("duration_ms", row.durationMs, 0, kMaxInt);
    r.string("end_reason", row.endReason, 0, 64);
    r.string("orientation", row.orientation, 0, 64);
    r.integer("incident_count", row.incidentCount, 0, kMaxInt);
    r.integer("prescription_count", row.prescriptionCount, 0, kMaxInt);
    r.string("age_band", row.ageBand, 0, 16);
    r.string("sex", row.sex, 0, 16);
}

// What a reader read, or its first error (an unknown field included).
template <class T> ArchiveParsed<T> finished(JsonReader& reader, T value) {
    if (auto error = reader.finish()) {
        return *error;
    }
    return value;
}

ArchiveParsed<ReviewRow> rowFromJson(const nlohmann::json& value, const std::string& path) {
    JsonReader r(value, path);
    ReviewRow row;
    readRow(r, row);
    return finished(r, std::move(row));
}

ArchiveParsed<ReviewPage> pageFromJson(const nlohmann::json& body) {
    JsonReader r(body, "body");
    ReviewPage page;
    const auto* rows = r.array("records", kMaxRows);
    for (std::size_t i = 0; rows != nullptr && r.ok() && i < rows->size(); ++i) {
        auto row = rowFromJson((*rows)[i], "body.records[" + std::to_string(i) + "]");
        if (!row) {
            return row.error();
        }
        page.records.push_back(std::move(*row));
    }
    std::string next; // null or absent: the last page
    r.string("next", next, 1, 128, false);
    if (!next.empty()) {
        page.next = std::move(next);
    }
    return finished(r, std::move(page));
}

ArchiveParsed<ReviewRecord> recordFromJson(const nlohmann::json& body) {
    JsonReader r(body, "body");
    ReviewRecord record;
    const auto* row = r.object("record");
    if (row != nullptr) {
        auto parsed = rowFromJson(*row, "body.record");
        if (!parsed) {
            return parsed.error();
        }
        record.row = std::move(*parsed);
    }
    const auto* files = r.array("files", kMaxFiles);
    for (std::size_t i = 0; files != nullptr && r.ok() && i < files->size(); ++i) {
        JsonReader item((*files)[i], "body.files[" + std::to_string(i) + "]");
        ReviewFile file;
        std::int64_t size = 0;
        item.string("name", file.name, 1, 4096);
        item.integer("size", size, 0, kMaxInt);
        item.string("sha256", file.sha256, 64, 64);
        item.string("access", file.access, 1, 32);
        item.finish();
        r.merge(item);
        file.size = static_cast<std::uint64_t>(size);
        record.files.push_back(std::move(file));
    }
    return finished(r, std::move(record));
}

ArchiveParsed<ReviewScope> scopeFromJson(const nlohmann::json& body) {
    JsonReader r(body, "body");
    ReviewScope scope;
    std::string role;
    r.string("role", role, 1, 32);
    if (r.ok()) {
        const auto parsed = roleFromString(role);
        if (!parsed) {
            r.fail(Errc::invalidField, "body.role: " + role);
        } else {
            scope.role = *parsed;
        }
    }
    for (auto [key, out] : {std::pair{"cpts", &scope.cpts}, std::pair{"name", &scope.name}}) {
        std::string text; // null for a doctor, and for a CPTS the service's map does not name
        r.string(key, text, 1, 256, false);
        if (!text.empty()) {
            *out = std::move(text);
        }
    }
    const auto* sites = r.array("sites", 1000);
    for (std::size_t i = 0; sites != nullptr && i < sites->size(); ++i) {
        if (!(*sites)[i].is_string()) {
            r.fail(Errc::invalidField, "body.sites[" + std::to_string(i) + "]");
            break;
        }
        scope.sites.push_back((*sites)[i].get<std::string>());
    }
    return finished(r, std::move(scope));
}

ArchiveParsed<TrailPage> trailFromJson(const nlohmann::json& body) {
    JsonReader r(body, "body");
    TrailPage page;
    const auto* entries = r.array("entries", kMaxRows);
    for (std::size_t i = 0; entries != nullptr && r.ok() && i < entries->size(); ++i) {
        JsonReader item((*entries)[i], "body.entries[" + std::to_string(i) + "]");
        TrailEntry entry;
        item.integer("sequence", entry.sequence, 1, kMaxInt);
        item.integer("at_ms", entry.atMs, 0, kMaxInt);
        item.string("action", entry.action, 1, 32);
        item.string("record_id", entry.recordId, 0, 128);
        item.string("detail", entry.detail, 0, 16384);
        item.finish();
        r.merge(item);
        page.entries.push_back(std::move(entry));
    }
    std::int64_t next = 0; // null or absent: the last page
    r.integer("next", next, 1, kMaxInt, false);
    if (next > 0) {
        page.next = next;
    }
    return finished(r, std::move(page));
}

// The JSON text of a 200 answer (an object), as is.
ArchiveParsed<std::string> objectText(const nlohmann::json& body) {
    if (!body.is_object()) {
        return ParseError{make_error_code(Errc::invalidField), {}, "body: not an object"};
    }
    return body.dump();
}

} // namespace

ArchiveClientResult<std::string> reviewRecordsTarget(const ReviewFilters& filters,
                                                     const std::string& after, std::size_t limit) {
    std::string query = "limit=" + std::to_string(limit);
    const auto add = [&](const char* key, const std::optional<std::string>& value) -> bool {
        if (!value) {
            return true;
        }
        if (!isQueryValue(*value) || value->size() > 128) {
            return false;
        }
        query += std::string("&") + key + "=" + *value;
        return true;
    };
    if (filters.fromMs) {
        query += "&from=" + std::to_string(*filters.fromMs);
    }
    if (filters.toMs) {
        query += "&to=" + std::to_string(*filters.toMs);
    }
    if (filters.incident) {
        query += *filters.incident ? "&incident=yes" : "&incident=no";
    }
    if (!add("site", filters.site) || !add("doctor", filters.doctorRpps) ||
        !add("end_reason", filters.endReason) || !add("orientation", filters.orientation) ||
        !add("after", after.empty() ? std::nullopt : std::optional<std::string>(after))) {
        return invalidFilter("a filter holds a character outside [A-Za-z0-9._-]");
    }
    return std::string(kPrefix) + "/records?" + query;
}

ReviewClient::ReviewClient(ArchiveClient client)
    : m_client(std::move(client)) {}

ArchiveClientResult<ReviewClient> ReviewClient::create(net::any_io_executor executor,
                                                       ArchiveClientConfig config) {
    auto client = ArchiveClient::create(std::move(executor), std::move(config));
    if (!client) {
        return client.error();
    }
    return ReviewClient(std::move(*client));
}

void ReviewClient::stop() const {
    m_client.stop();
}

namespace {

// GET `target` on the strand, its 200 answer parsed by `parse`.
template <class T, class Parse>
net::awaitable<ArchiveClientResult<T>> getParsed(std::shared_ptr<ArchiveClient::Impl> impl,
                                                 std::string target, Parse parse) {
    return onStrand(impl,
                    [](std::shared_ptr<ArchiveClient::Impl> self, std::string at,
                       Parse how) -> net::awaitable<ArchiveClientResult<T>> {
                        auto answer = co_await self->get(at);
                        if (!answer) {
                            co_return answer.error();
                        }
                        co_return decode(*answer, how);
                    }(impl, std::move(target), std::move(parse)));
}

} // namespace

net::awaitable<ArchiveClientResult<ReviewPage>>
ReviewClient::records(ReviewFilters filters, std::string after, std::size_t limit) const {
    auto target = reviewRecordsTarget(filters, after, limit);
    if (!target) {
        co_return target.error();
    }
    co_return co_await getParsed<ReviewPage>(m_client.m_impl, std::move(*target), pageFromJson);
}

net::awaitable<ArchiveClientResult<ReviewRecord>> ReviewClient::record(std::string recordId) const {
    if (!isQueryValue(recordId) || recordId.empty() || recordId.size() > 64) {
        co_return failureOf(make_error_code(ArchiveErrc::invalidRecordId), recordId);
    }
    auto target = std::string(kPrefix) + "/records/" + recordId;
    co_return co_await getParsed<ReviewRecord>(m_client.m_impl, std::move(target), recordFromJson);
}

net::awaitable<ArchiveClientResult<ArchivedFile>>
ReviewClient::readFile(std::string recordId, std::string name, ArchiveSink sink) const {
    if (!isQueryValue(recordId) || recordId.empty() || recordId.size() > 64) {
        co_return failureOf(make_error_code(ArchiveErrc::invalidRecordId), recordId);
    }
    // Names are the archive's ([A-Za-z0-9._/-]): nothing to escape, nothing to inject.
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
                                               "YZ0123456789._/-") != std::string::npos) {
        co_return failureOf(make_error_code(ArchiveErrc::invalidFileName), name);
    }
    auto target = std::string(kPrefix) + "/records/" + recordId + "/files/" + name;
    co_return co_await onStrand(
        m_client.m_impl,
        [](std::shared_ptr<ArchiveClient::Impl> self, std::string at, std::string file,
           ArchiveSink to) -> net::awaitable<ArchiveClientResult<ArchivedFile>> {
            co_return co_await self->readAt(at, file, to, false);
        }(m_client.m_impl, std::move(target), std::move(name), std::move(sink)));
}

net::awaitable<ArchiveClientResult<ReviewScope>> ReviewClient::scope() const {
    co_return co_await getParsed<ReviewScope>(m_client.m_impl, std::string(kPrefix) + "/scope",
                                              scopeFromJson);
}

net::awaitable<ArchiveClientResult<std::string>>
ReviewClient::indicators(std::string quarter, std::string site, bool csv) const {
    if (!isQueryValue(quarter) || !isQueryValue(site) || quarter.size() > 32 || site.size() > 32) {
        co_return invalidFilter("quarter or site: a character outside [A-Za-z0-9._-]");
    }
    auto target = std::string(kPrefix) + "/indicators?quarter=" + quarter +
                  (site.empty() ? "" : "&site=" + site) + (csv ? "&format=csv" : "");
    if (!csv) {
        co_return co_await getParsed<std::string>(m_client.m_impl, std::move(target), objectText);
    }
    co_return co_await onStrand(
        m_client.m_impl,
        [](std::shared_ptr<ArchiveClient::Impl> self,
           std::string at) -> net::awaitable<ArchiveClientResult<std::string>> {
            auto answer = co_await self->get(at);
            if (!answer) {
                co_return answer.error();
            }
            if (answer->result() != http::status::ok) {
                co_return answerFailure(answer->result_int(), answer->body());
            }
            co_return std::move(answer->body());
        }(m_client.m_impl, std::move(target)));
}

net::awaitable<ArchiveClientResult<TrailPage>> ReviewClient::trail(std::int64_t before,
                                                                   std::size_t limit) const {
    auto target = std::string(kPrefix) + "/trail?limit=" + std::to_string(limit) +
                  (before > 0 ? "&before=" + std::to_string(before) : "");
    co_return co_await getParsed<TrailPage>(m_client.m_impl, std::move(target), trailFromJson);
}

} // namespace tc::protocol
