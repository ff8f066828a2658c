// The archive routes as an outsider sees them: hand-written HTTP over TLS (malformed, hostile,
// oversized requests), curl as an independent client doing a whole upload and a download from
// the README's description alone, and the service's bounds (connections, no archive).

#include "archive_raw_http.hpp"
#include "archive_transfer_support.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>
#include <sstream>

using namespace tc;
using namespace tc::test;
using namespace tc::test::transfer;

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string request(const std::string& method, const std::string& target,
                    const std::string& body = {}, const std::string& extra = {}) {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra;
    if (!body.empty()) {
        text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    return text + "\r\n" + body;
}

std::string hex(const Bytes& bytes) {
    return protocol::toHex(protocol::sha256Of(bytes));
}

int shell(const std::string& command) {
    return std::system(command.c_str());
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace

TEST_CASE_METHOD(ArchiveServiceFixture,
                 "archive wire: malformed and hostile requests get typed refusals",
                 "[archive][transfer][hostile]") {
    const auto doctor = pki.doctor(8);
    const auto session = service.claimSession(doctor, "V-8");
    RawConnection raw(pki, doctor, service.port());
    const std::string records = "/archive/v1/records";

    struct Case {
        std::string what;
        std::string request;
        unsigned status;
        std::string error;
    };
    const auto chunkPath = records + "/" + session + "/chunks/" + std::string(64, 'a');
    const std::vector<Case> cases{
        {"a query", request("GET", records + "?owner=10101234564"), 400, "malformed_request"},
        {"no such route", request("GET", "/archive/v1/nothing"), 404, "unknown_route"},
        {"another version", request("GET", "/archive/v2/records"), 404, "unknown_route"},
        {"the root, not an upgrade", request("GET", "/"), 404, "unknown_route"},
        {"a wrong method", request("DELETE", records), 405, "method_not_allowed"},
        {"a record id with a dot", request("GET", records + "/S.x/files"), 400,
         "invalid_record_id"},
        {"an upper-case hash",
         request("PUT", records + "/" + session + "/chunks/" + std::string(64, 'A'), "x"), 400,
         "malformed_request"},
        {"a chunk without Content-Length",
         request("PUT", chunkPath, {}, "Transfer-Encoding: chunked\r\n") + "3\r\nabc\r\n0\r\n\r\n",
         411, "length_required"},
        {"a body on a GET", request("GET", records, "hello"), 400, "malformed_request"},
        {"a manifest that names its owner",
         request("POST", records + "/" + session + "/upload",
                 R"({"consent":{"care":true,"quality_review":false},"owner_rpps":"10101234564",)"
                 R"("files":[]})"),
         400, "unknown_field"},
        {"a manifest that is not JSON",
         request("POST", records + "/" + session + "/upload", "{\"files\": ["), 400,
         "malformed_json"},
        {"a manifest with a bad hash",
         request("POST", records + "/" + session + "/upload",
                 R"({"consent":{"care":true,"quality_review":false},"files":[{"name":"a",)"
                 R"("size":1,"sha256":"zz","chunks":[]}]})"),
         400, "invalid_field"},
        {"a file name that climbs out",
         request("POST", records + "/" + session + "/upload",
                 R"({"consent":{"care":true,"quality_review":false},"files":[{"name":"../a",)"
                 R"("size":1,"sha256":")" +
                     hex({'a'}) + R"(","chunks":[{"sha256":")" + hex({'a'}) + R"(","size":1}]}]})"),
         400, "invalid_file_name"},
        {"a chunk for no upload", request("PUT", chunkPath, "x"), 404, "unknown_upload"},
        {"a commit for no upload", request("POST", records + "/S-nothing/commit"), 404,
         "unknown_upload"},
        {"a file of no record", request("GET", records + "/S-nothing/files/a.txt"), 404,
         "unknown_record"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        const auto answer = raw.exchange(c.request);
        CHECK(answer.status == c.status);
        CHECK(answer.error() == c.error);
        // Each refusal leaves the connection usable: the next case goes on it.
        CHECK(answer.keepAlive);
        if (c.status == 405) {
            CHECK(answer.allow == "GET");
        }
    }
    CHECK(raw.exchange(request("GET", records)).status == 200);

    SECTION("a body announced beyond the limit is refused from its header, and the connection "
            "ends") {
        const auto answer = raw.exchange("POST " + records + "/" + session +
                                         "/upload HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                         "1000000000\r\n\r\n");
        CHECK(answer.status == 413);
        CHECK(answer.error() == "request_too_large");
        CHECK_FALSE(answer.keepAlive);
    }
    SECTION("a header beyond 8 KiB drops the connection") {
        const auto answer = raw.exchange("GET " + records + " HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                                         std::string(9000, 'p') + "\r\n\r\n");
        CHECK(answer.status == 0);
    }
}

TEST_CASE("archive wire: a service without an archive answers 503, and the archive's connections "
          "are bounded",
          "[archive][transfer][hostile]") {
    TestPki pki;
    const auto doctor = pki.doctor(9);
    {
        TestService plain(pki);
        RawConnection raw(pki, doctor, plain.port());
        const auto answer = raw.exchange(request("GET", "/archive/v1/records"));
        CHECK(answer.status == 503);
        CHECK(answer.error() == "archive_unavailable");
    }
    TempDir temp;
    ServiceOptions options;
    options.maxConnections = 2;
    ArchiveService service(pki, temp.path() / "archive", options);
    RawConnection first(pki, doctor, service.port());
    RawConnection second(pki, doctor, service.port());
    CHECK(first.exchange(request("GET", "/archive/v1/limits")).status == 200);
    CHECK(second.exchange(request("GET", "/archive/v1/limits")).status == 200);
    RawConnection third(pki, doctor, service.port());
    const auto busy = third.exchange(request("GET", "/archive/v1/limits"));
    CHECK(busy.status == 503);
    CHECK(busy.error() == "service_busy");
    CHECK_FALSE(busy.keepAlive);
}

TEST_CASE_METHOD(
    ArchiveServiceFixture,
    "archive wire: curl uploads a record and reads it back from the README's routes alone",
    "[archive][transfer][curl]") {
    const auto doctor = pki.doctor(10);
    const auto session = service.claimSession(doctor, "V-10");
    const auto ca = temp.write("ca.pem", pki.ca.certificatePem());
    const auto cert = temp.write("doctor.pem", doctor.certificatePem);
    const auto key = temp.write("doctor.key", doctor.privateKeyPem);
    const auto base = "https://127.0.0.1:" + std::to_string(service.port()) + "/archive/v1";
    const auto curl = "curl -sS --fail-with-body --cacert " + ca.string() + " --cert " +
                      cert.string() + " --key " + key.string() + " ";

    // One file of 40,000 bytes in chunks of 16,384: three chunks, sent by hand.
    std::mt19937_64 random(7);
    const auto content = archive::randomBytes(random, 40'000);
    nlohmann::json chunks = nlohmann::json::array();
    std::vector<Bytes> pieces;
    for (std::size_t offset = 0; offset < content.size(); offset += 16'384) {
        const auto end = std::min(content.size(), offset + 16'384);
        pieces.emplace_back(content.begin() + static_cast<std::ptrdiff_t>(offset),
                            content.begin() + static_cast<std::ptrdiff_t>(end));
        chunks.push_back({{"sha256", hex(pieces.back())}, {"size", pieces.back().size()}});
    }
    const nlohmann::json manifest = {{"consent", {{"care", true}, {"quality_review", false}}},
                                     {"files",
                                      {{{"name", "notes/letter.bin"},
                                        {"size", content.size()},
                                        {"sha256", hex(content)},
                                        {"chunks", chunks}}}}};
    const auto manifestFile = temp.write("manifest.json", manifest.dump());
    const auto begun = temp.path() / "begun.json";
    REQUIRE(shell(curl + "-H 'Content-Type: application/json' --data-binary @" +
                  manifestFile.string() + " -o " + begun.string() + " " + base + "/records/" +
                  session + "/upload") == 0);
    const auto state = nlohmann::json::parse(slurp(begun));
    REQUIRE(state["missing"].size() == 3);
    CHECK(state["already_committed"] == false);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const auto piece = temp.path() / ("piece" + std::to_string(i));
        archive::writeWhole(piece, pieces[i]);
        REQUIRE(shell(curl + "-o /dev/null -X PUT --data-binary @" + piece.string() + " " + base +
                      "/records/" + session + "/chunks/" + hex(pieces[i])) == 0);
    }
    const auto committed = temp.path() / "committed.json";
    REQUIRE(shell(curl + "-X POST -o " + committed.string() + " " + base + "/records/" + session +
                  "/commit") == 0);
    const auto summary = nlohmann::json::parse(slurp(committed));
    CHECK(summary["record_id"] == session);
    CHECK(summary["owner_rpps"] ==
          protocol::identityFromCertificatePem(doctor.certificatePem)->identifier);

    // And back, with its digest header, by curl too.
    const auto out = temp.path() / "letter.bin";
    const auto headers = temp.path() / "headers.txt";
    REQUIRE(shell(curl + "-D " + headers.string() + " -o " + out.string() + " " + base +
                  "/records/" + session + "/files/notes/letter.bin") == 0);
    CHECK(archive::readWhole(out) == content);
    CHECK(slurp(headers).find(protocol::reprDigest(protocol::sha256Of(content))) !=
          std::string::npos);
    // The same client without a certificate gets no further than TLS.
    CHECK(shell("curl -sS -o /dev/null --cacert " + ca.string() + " " + base +
                "/records 2>/dev/null") != 0);
}
