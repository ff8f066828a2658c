#pragma once
// The console's side of the review routes (protocol/README.md, "Review routes"): the records a
// doctor or a coordinator may review, a record's files, the requester's scope, a coordinator's
// quarterly indicators and the requester's own access trail. HTTPS on the service's port with
// the requester's certificate, over the same keep-alive connections and verification as
// ArchiveClient (archive_client.hpp); the same threading: every call runs on the client's
// strand, sinks are called there. Failures are ArchiveClientFailure: the key the service named
// (unknown_record, forbidden_role, invalid_quarter, ...) or a local one. No Qt.

#include "tc/protocol/archive_client.hpp"
#include "tc/protocol/identity.hpp"
#include "tc/protocol/review_index.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tc::protocol {

// One page, newest first; `next` is the cursor of the following page (nullopt: the last).
// Rows carry the fields the route sends (no visit, check-in or consents).
struct ReviewPage {
    std::vector<ReviewRow> records;
    std::optional<std::string> next;
};

struct ReviewFile {
    std::string name;
    std::uint64_t size = 0; // as archived (a pseudonymised file is served with another size)
    std::string sha256;     // as archived, hex
    std::string access;     // whole, pseudonymised or identity_bearing (refused)
};

struct ReviewRecord {
    ReviewRow row;
    std::vector<ReviewFile> files;
};

struct ReviewScope {
    Role role = Role::doctor;
    std::optional<std::string> cpts; // coordinators
    std::optional<std::string> name; // the CPTS's, when the service's map lists it
    std::vector<std::string> sites;  // coordinators: their CPTS's sites
};

struct TrailEntry {
    std::int64_t sequence = 0;
    std::int64_t atMs = 0;
    std::string action; // list, open, play, export, indicators
    std::string recordId;
    std::string detail; // a JSON object's text
};

// Newest first; `next` is the following page's `before` (nullopt: the last).
struct TrailPage {
    std::vector<TrailEntry> entries;
    std::optional<std::int64_t> next;
};

class ReviewClient {
public:
    // Builds the TLS context (pki_failure for unusable credentials); connects on first use.
    static ArchiveClientResult<ReviewClient> create(boost::asio::any_io_executor executor,
                                                    ArchiveClientConfig config);

    boost::asio::awaitable<ArchiveClientResult<ReviewPage>>
    records(ReviewFilters filters, std::string after = {}, std::size_t limit = 50) const;
    boost::asio::awaitable<ArchiveClientResult<ReviewRecord>> record(std::string recordId) const;
    // Streams one file to `sink`. A file served as archived is checked against its Repr-Digest
    // at the end (corrupt: discard what `sink` got); a pseudonymised one is JSON the service
    // made for this request, bounded in size. The result names the content's size and SHA-256.
    boost::asio::awaitable<ArchiveClientResult<ArchivedFile>>
    readFile(std::string recordId, std::string name, ArchiveSink sink) const;
    boost::asio::awaitable<ArchiveClientResult<ReviewScope>> scope() const;
    // The indicators' JSON text (toJson of review_indicators.hpp), or their CSV; `site` empty:
    // every site of the coordinator's CPTS.
    boost::asio::awaitable<ArchiveClientResult<std::string>>
    indicators(std::string quarter, std::string site, bool csv = false) const;
    boost::asio::awaitable<ArchiveClientResult<TrailPage>> trail(std::int64_t before = 0,
                                                                 std::size_t limit = 50) const;

    // As ArchiveClient::stop.
    void stop() const;

private:
    explicit ReviewClient(ArchiveClient client);
    ArchiveClient m_client;
};

// The list's target for these filters (review_index.hpp), or invalid_filter for a value the route
// would refuse.
ArchiveClientResult<std::string> reviewRecordsTarget(const ReviewFilters& filters,
                                                     const std::string& after, std::size_t limit);

} // namespace tc::protocol
