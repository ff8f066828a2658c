// The PostgreSQL fixture of issue 19's tests: a real server, started, restarted, killed and
// recovered. Fails, never skips, when the Debian package postgresql is missing.
#define CATCH_CONFIG_MAIN
#include "support/postgres_server.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <libpq-fe.h>
#include <memory>
#include <pwd.h>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

using tc::test::PostgresServer;

struct ConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;

// The first value of `sql`'s result over a libpq connection to `url`: what the service will do.
std::string queryOverUrl(const std::string& url, const std::string& sql) {
    Conn conn(PQconnectdb(url.c_str()));
    INFO(PQerrorMessage(conn.get()));
    REQUIRE(PQstatus(conn.get()) == CONNECTION_OK);
    PGresult* result = PQexec(conn.get(), sql.c_str());
    INFO(PQresultErrorMessage(result));
    const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0;
    const std::string value = ok ? PQgetvalue(result, 0, 0) : "";
    PQclear(result);
    REQUIRE(ok);
    return value;
}

std::string sql(const PostgresServer& server, const std::string& statement) {
    std::string output;
    const int status = server.psql(statement, &output);
    INFO(statement << "\n" << output << server.logTail(10));
    REQUIRE(status == 0);
    return output;
}

// The Uid line of /proc/<pid>/status: real, effective, saved and filesystem uids.
std::string uidLine(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Uid:", 0) == 0) {
            return line;
        }
    }
    return {};
}

} // namespace

TEST_CASE("A started PostgreSQL answers through its URL and through psql()") {
    const auto server = PostgresServer::start({});
    REQUIRE(server->running());
    CHECK(server->url() ==
          "postgresql://telecabine@127.0.0.1:" + std::to_string(server->port()) + "/telecabine");
    CHECK(queryOverUrl(server->url(), "SELECT version()").rfind("PostgreSQL ", 0) == 0);
    CHECK(queryOverUrl(server->url(), "SELECT current_database() || ' ' || current_user") ==
          "telecabine telecabine");
    CHECK(sql(*server, "SHOW server_encoding") == "UTF8\n");
    CHECK(sql(*server, "SHOW fsync") == "off\n");
    CHECK(sql(*server, "SHOW max_connections") == "200\n");

    sql(*server, "CREATE TABLE t (id integer PRIMARY KEY, name text)");
    sql(*server, "INSERT INTO t VALUES (1, 'un'), (2, NULL), (3, 'trois')");
    CHECK(sql(*server, "SELECT id, name FROM t ORDER BY id") == "1|un\n2|\n3|trois\n");
    CHECK(sql(*server, "UPDATE t SET name = 'deux' WHERE id = 2").empty());

    std::string output;
    CHECK(server->psql("SELECT * FROM missing_table", &output) == 1);
    CHECK(output.find("missing_table") != std::string::npos);
    CHECK(server->psql("SELECT 1", &output, "no_such_database") == 2);
    CHECK(output.find("no_such_database") != std::string::npos);
}

TEST_CASE("A restart keeps the data and the port") {
    const auto server = PostgresServer::start({});
    sql(*server, "CREATE TABLE t (id integer)");
    sql(*server, "INSERT INTO t SELECT generate_series(1, 1000)");
    const auto port = server->port();
    const auto before = server->pid();

    server->restart();
    CHECK(server->port() == port);
    CHECK(server->pid() != before);
    CHECK(sql(*server, "SELECT count(*), sum(id) FROM t") == "1000|500500\n");

    server->stop();
    CHECK_FALSE(server->running());
    std::string output;
    CHECK(server->psql("SELECT 1", &output) == 2);
    server->start();
    CHECK(queryOverUrl(server->url(), "SELECT count(*) FROM t") == "1000");
}

TEST_CASE("After kill -9 of the postmaster start recovers every acknowledged commit") {
    PostgresServer::Options options;
    options.durable = true;
    const auto server = PostgresServer::start(options);
    CHECK(sql(*server, "SHOW synchronous_commit") == "on\n");
    sql(*server, "CREATE TABLE t (id integer)");
    for (int round = 0; round < 3; ++round) {
        sql(*server, "INSERT INTO t VALUES (" + std::to_string(round) + ")");
        const auto pidFile = [&] {
            std::ifstream in(server->dataDir() / "postmaster.pid");
            pid_t pid = 0;
            in >> pid;
            return pid;
        }();
        CHECK(pidFile == server->pid());

        server->kill9();
        CHECK_FALSE(server->running());
        std::string output;
        CHECK(server->psql("SELECT 1", &output) == 2);
        server->start();
        CHECK(sql(*server, "SELECT count(*) FROM t") == std::to_string(round + 1) + "\n");
    }
    std::ifstream log(server->logPath());
    std::stringstream text;
    text << log.rdbuf();
    // The server saw a crash, not a clean shutdown.
    CHECK(text.str().find("automatic recovery in progress") != std::string::npos);
}

TEST_CASE("A fast non-durable server also recovers from kill -9 and still answers") {
    const auto server = PostgresServer::start({});
    sql(*server, "CREATE TABLE t (id integer)");
    sql(*server, "INSERT INTO t VALUES (1)");
    sql(*server, "CHECKPOINT");
    server->kill9();
    server->start();
    CHECK(sql(*server, "SELECT count(*) FROM t") == "1\n");
    sql(*server, "INSERT INTO t VALUES (2)");
    CHECK(queryOverUrl(server->url(), "SELECT sum(id) FROM t") == "3");
}

TEST_CASE("Two servers run at once on their own ports and data") {
    const auto first = PostgresServer::start({});
    const auto second = PostgresServer::start({});
    CHECK(first->port() != second->port());
    CHECK(first->dataDir() != second->dataDir());
    sql(*first, "CREATE TABLE only_first (id integer)");
    CHECK(sql(*first, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_first'") == "1\n");
    CHECK(sql(*second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_first'") == "0\n");
    first->kill9();
    CHECK(queryOverUrl(second->url(), "SELECT 42") == "42");
}

TEST_CASE("Listening on every address with an explicit connection limit") {
    PostgresServer::Options options;
    options.listenAddress = "*";
    options.maxConnections = 50;
    const auto server = PostgresServer::start(options);
    CHECK(sql(*server, "SHOW listen_addresses") == "*\n");
    CHECK(sql(*server, "SHOW max_connections") == "50\n");
    CHECK(server->url().find("@127.0.0.1:") != std::string::npos);
    CHECK(server->url("10.0.0.1") ==
          "postgresql://telecabine@10.0.0.1:" + std::to_string(server->port()) + "/telecabine");
    CHECK(queryOverUrl(server->url(), "SELECT inet_server_addr()::text") == "127.0.0.1/32");
}

TEST_CASE("The server never runs as root") {
    const auto server = PostgresServer::start({});
    const auto line = uidLine(server->pid());
    INFO(line);
    REQUIRE_FALSE(line.empty());
    std::istringstream fields(line.substr(4));
    uid_t real = 0, effective = 0, saved = 0, filesystem = 0;
    REQUIRE(fields >> real >> effective >> saved >> filesystem);
    // Under root the server runs as nobody; otherwise as the test's own user.
    const uid_t expected = ::geteuid() == 0 ? ::getpwnam("nobody")->pw_uid : ::geteuid();
    CHECK(real == expected);
    CHECK(effective == expected);
    CHECK(saved == expected);
    CHECK(filesystem == expected);
    CHECK(effective != 0);
}

TEST_CASE("Destroying the server stops it and removes its directory") {
    auto server = PostgresServer::start({});
    const auto pid = server->pid();
    const auto data = server->dataDir();
    const auto port = server->port();
    REQUIRE(std::filesystem::exists(data));
    server.reset();
    CHECK_FALSE(std::filesystem::exists(data.parent_path()));
    // Reaped by the destructor: no such process any more.
    CHECK(::kill(pid, 0) != 0);
    PostgresServer::Options again;
    again.port = port; // the port is free again
    const auto next = PostgresServer::start(again);
    CHECK(next->port() == port);
}
