// ReviewClient (review_client.hpp) against the real review routes: a coordinator pages its
// CPTS's records with filters, opens one, reads its files (whole ones checked against their
// Repr-Digest, pseudonymised ones as served), its scope, the quarter's indicators and its own
// trail; refusals come back typed.
#include "review_lab.hpp"
#include "tc/protocol/review_client.hpp"

using namespace tc;
using namespace tc::test;
using namespace tc::test::review;

namespace {

struct Reviewer {
    Reviewer(const ReviewLab& lab, const protocol::Credentials& own)
        : client(*protocol::ReviewClient::create(io.executor(), lab.service->clientConfig(own))) {}
    ~Reviewer() {
        client.stop();
        io.stop();
    }
    template <class T> T run(boost::asio::awaitable<T> op) { return await(io, std::move(op)); }

    protocol::ArchiveClientResult<std::string> read(const std::string& id,
                                                    const std::string& name) {
        auto content = std::make_shared<std::string>();
        auto sink = [content](std::span<const std::uint8_t> bytes) {
            content->append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        };
        auto read = run(client.readFile(id, name, sink));
        if (!read) {
            return read.error();
        }
        CHECK(read->size == content->size());
        return *content;
    }

    protocol::IoThread io{"review-client"};
    protocol::ReviewClient client;
};

} // namespace

TEST_CASE("a coordinator pages, opens and reads records through ReviewClient",
          "[review][archive][client]") {
    ReviewLab lab(ReviewLab::Audit::file);
    const auto doctor = lab.pki.doctor(1);
    const auto held = lab.consultSeveral(doctor, 3, kSiteVal);
    lab.consult(doctor, "V-9", kSiteNord, true);
    Reviewer coordinator(lab, lab.pki.coordinator("CPTS-VAL"));

    std::vector<std::string> seen;
    std::string after;
    for (int pages = 0; pages < 5; ++pages) {
        auto page = coordinator.run(coordinator.client.records({}, after, 2));
        INFO(describe(page));
        REQUIRE(page);
        for (const auto& row : page->records) {
            seen.push_back(row.recordId);
            CHECK(row.site == kSiteVal);
            CHECK(row.endReason == "completed");
            CHECK(row.incidentCount == 1);
            CHECK(row.sex == "male");
        }
        if (!page->next) {
            break;
        }
        after = *page->next;
    }
    CHECK(sorted(seen) == sorted(held));

    protocol::ReviewFilters filters;
    filters.orientation = "emergency";
    filters.site = kSiteVal;
    filters.incident = true;
    auto emergency = coordinator.run(coordinator.client.records(filters));
    REQUIRE(emergency);
    REQUIRE(emergency->records.size() == 1);
    CHECK(emergency->records[0].recordId == held[0]);
    filters.incident = false;
    CHECK(coordinator.run(coordinator.client.records(filters))->records.empty());

    auto record = coordinator.run(coordinator.client.record(held[1]));
    REQUIRE(record);
    CHECK(record->row.recordId == held[1]);
    std::map<std::string, std::string> access;
    for (const auto& file : record->files) {
        access[file.name] = file.access;
        CHECK(file.sha256.size() == 64);
    }
    CHECK(access.at("steth-aortic-1.flac") == "whole");
    CHECK(access.at("record.json") == "pseudonymised");
    CHECK(access.at("report/CR-" + held[1] + ".pdf") == "identity_bearing");

    const auto flac = coordinator.read(held[1], "steth-aortic-1.flac");
    REQUIRE(flac);
    CHECK(*flac == "fLaC" + std::string(3000, 'x'));
    const auto json = coordinator.read(held[1], "record.json");
    REQUIRE(json);
    CHECK_FALSE(carriesIdentity(*json));
    CHECK(nlohmann::json::parse(*json)["consultationId"] == held[1]);
    const auto pdf = coordinator.read(held[1], "report/CR-" + held[1] + ".pdf");
    REQUIRE_FALSE(pdf);
    CHECK(pdf.error().code == protocol::ReviewErrc::identityBearing);
    CHECK(pdf.error().httpStatus == 403);

    // Another CPTS's record, and one that does not exist: the same typed answer.
    const auto nord = coordinator.run(coordinator.client.record("S-does-not-exist"));
    REQUIRE_FALSE(nord);
    CHECK(nord.error().code == protocol::ArchiveErrc::unknownRecord);
    // A filter that would smuggle a parameter never leaves the client.
    protocol::ReviewFilters hostile;
    hostile.site = "FR-TEST-01&limit=1000";
    const auto refused = coordinator.run(coordinator.client.records(hostile));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == protocol::ReviewErrc::invalidFilter);
    CHECK(refused.error().httpStatus == 0);

    auto scope = coordinator.run(coordinator.client.scope());
    REQUIRE(scope);
    CHECK(scope->role == protocol::Role::coordinator);
    CHECK(scope->cpts == "CPTS-VAL");
    CHECK(scope->name == "CPTS du Val");
    CHECK(scope->sites == std::vector<std::string>{"FR-TEST-01", "FR-TEST-02"});

    auto indicators = coordinator.run(coordinator.client.indicators("2026-T4", ""));
    REQUIRE(indicators);
    CHECK(nlohmann::json::parse(*indicators)["period"]["label"] == "2026-T4");
    auto csv = coordinator.run(coordinator.client.indicators("2026-T4", kSiteVal, true));
    REQUIRE(csv);
    CHECK(csv->find(kSiteVal) != std::string::npos);
    const auto badQuarter = coordinator.run(coordinator.client.indicators("2026-T9", ""));
    REQUIRE_FALSE(badQuarter);
    CHECK(badQuarter.error().code == protocol::ReviewErrc::invalidQuarter);
    const auto otherSite = coordinator.run(coordinator.client.indicators("2026-T4", kSiteNord));
    REQUIRE_FALSE(otherSite);
    CHECK(otherSite.error().code == protocol::ReviewErrc::siteNotCovered);

    auto trail = coordinator.run(coordinator.client.trail());
    REQUIRE(trail);
    REQUIRE_FALSE(trail->entries.empty());
    CHECK(trail->entries.front().action == "export");
    CHECK(trail->entries.back().action == "list");
    for (std::size_t i = 1; i < trail->entries.size(); ++i) {
        CHECK(trail->entries[i - 1].sequence > trail->entries[i].sequence);
    }
    auto older = coordinator.run(coordinator.client.trail(trail->entries.front().sequence, 1));
    REQUIRE(older);
    REQUIRE(older->entries.size() == 1);
    CHECK(older->entries[0].sequence == trail->entries[1].sequence);
    CHECK(older->next == older->entries[0].sequence);

    // Several computations asked at once (a second click, the screen and its export): each
    // waits its turn at the service and is answered, none refused as busy.
    {
        std::vector<std::future<protocol::ArchiveClientResult<std::string>>> asked;
        for (int i = 0; i < 3; ++i) {
            asked.push_back(boost::asio::co_spawn(coordinator.io.executor(),
                                                  coordinator.client.indicators("2026-T4", ""),
                                                  boost::asio::use_future));
        }
        for (auto& answer : asked) {
            REQUIRE(answer.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
            const auto result = answer.get();
            INFO(describe(result));
            CHECK(result.has_value());
        }
    }

    // A doctor has no indicators.
    Reviewer physician(lab, doctor);
    const auto forbidden = physician.run(physician.client.indicators("2026-T4", ""));
    REQUIRE_FALSE(forbidden);
    CHECK(forbidden.error().code == protocol::Errc::forbiddenRole);
    CHECK(physician.run(physician.client.records({}))->records.size() == 4);
}
