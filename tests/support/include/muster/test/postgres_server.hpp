#pragma once

// A real, throwaway PostgreSQL server for tests: initdb into a temporary
// directory, started on 127.0.0.1 on a free port, stopped and deleted when
// the object goes away -- or, if the test process dies first, by a watchdog
// process that notices the parent is gone.

#include <memory>
#include <optional>
#include <string>

namespace muster::test {

// True when MUSTER_REQUIRE_SERVERS=1: a missing server fails the run
// instead of skipping.
bool serversRequired();

class PostgresServer {
  public:
    // The directory holding initdb, pg_ctl and psql, or nullopt with the
    // reason when PostgreSQL is not installed here.
    static std::optional<std::string> findBinDir(std::string* whyNot);

    // Starts the server; throws std::runtime_error with the tool's output.
    explicit PostgresServer(const std::string& binDir);
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // Creates an empty database owned by the test user; returns its URL.
    std::string createDatabase(const std::string& name);
    // postgresql://<user>:<password, percent-encoded>@127.0.0.1:<port>/<database>
    std::string url(const std::string& database) const;
    // Runs SQL as the superuser through psql; returns psql's output.
    std::string runSql(const std::string& sql, const std::string& database = "postgres");

    int port() const { return port_; }
    const std::string& user() const { return user_; }
    // Deliberately full of URL-special characters.
    const std::string& password() const { return password_; }

  private:
    class Watchdog;

    void initCluster();
    void startOnFreePort();
    void createTestUser();
    std::string tool(const std::string& name) const;

    std::string binDir_;
    std::string dir_;
    std::unique_ptr<Watchdog> watchdog_;
    int port_ = 0;
    std::string user_ = "muster_test";
    std::string password_ = "p@ss:w/rd%1 x";
};

// The server shared by every test of this binary, started on first use and
// stopped at exit. nullptr (with the reason) when PostgreSQL is not
// installed; throws when it is installed but fails to start.
PostgresServer* sharedPostgres(std::string* whyMissing);

}  // namespace muster::test
