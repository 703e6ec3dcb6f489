#include "muster/test/postgres_server.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "muster/test/net.hpp"

namespace fs = std::filesystem;

namespace muster::test {

namespace {

const char* const kServerUser = "postgres";

std::string shellQuote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

bool runningAsRoot() { return ::geteuid() == 0; }

// PostgreSQL refuses to run as root, so as root its tools run as `postgres`.
std::string asServerUser(const std::string& command) {
    if (!runningAsRoot()) return command;
    return std::string("runuser -u ") + kServerUser + " -- " + command;
}

// Runs a shell command; returns its output, throws with it on failure.
std::string run(const std::string& command) {
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
    std::string output;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        output.append(buffer, n);
    }
    int status = ::pclose(pipe);
    if (status != 0) {
        throw std::runtime_error("command failed (" + std::to_string(status) + "): " + command +
                                 "\n" + output);
    }
    return output;
}

std::string percentEncode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

bool hasTools(const fs::path& dir) {
    for (const char* name : {"initdb", "pg_ctl", "postgres", "psql"}) {
        if (!fs::exists(dir / name)) return false;
    }
    return true;
}

std::optional<fs::path> newestDebianBinDir() {
    std::vector<fs::path> candidates;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
        if (hasTools(entry.path() / "bin")) candidates.push_back(entry.path() / "bin");
    }
    if (candidates.empty()) return std::nullopt;
    // "15" < "9" as text; compare the major version as a number.
    auto major = [](const fs::path& bin) {
        return std::atoi(bin.parent_path().filename().string().c_str());
    };
    return *std::max_element(
        candidates.begin(), candidates.end(),
        [&](const fs::path& a, const fs::path& b) { return major(a) < major(b); });
}

}  // namespace

bool serversRequired() {
    const char* value = std::getenv("MUSTER_REQUIRE_SERVERS");
    return value != nullptr && std::string(value) == "1";
}

// A child process that waits for EOF on a pipe only we hold the write end of,
// then runs the cleanup command. EOF comes when we close it in ~Watchdog or
// when this process dies in any way (crash, abort, SIGKILL), so the server
// never outlives the test run.
class PostgresServer::Watchdog {
  public:
    explicit Watchdog(const std::string& cleanupCommand) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        std::string script = "cat >/dev/null; " + cleanupCommand + " >/dev/null 2>&1";
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            // Own session: a Ctrl-C aimed at the test run must not kill the cleaner.
            ::setsid();
            ::dup2(fds[0], 0);
            // Nor hold the test runner's output pipes open.
            int devNull = ::open("/dev/null", O_WRONLY);
            ::dup2(devNull, 1);
            ::dup2(devNull, 2);
            ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(fds[0]);
        writeEnd_ = fds[1];
    }

    ~Watchdog() {
        ::close(writeEnd_);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }

  private:
    pid_t pid_ = -1;
    int writeEnd_ = -1;
};

std::optional<std::string> PostgresServer::findBinDir(std::string* whyNot) {
    auto fail = [&](const std::string& why) -> std::optional<std::string> {
        if (whyNot != nullptr) *whyNot = why;
        return std::nullopt;
    };
    if (runningAsRoot() && ::getpwnam(kServerUser) == nullptr) {
        return fail("running as root and there is no 'postgres' user to run the server as");
    }
    if (const char* dir = std::getenv("MUSTER_PG_BINDIR")) {
        if (hasTools(dir)) return std::string(dir);
        return fail(std::string("MUSTER_PG_BINDIR=") + dir + " lacks initdb, pg_ctl or psql");
    }
    if (auto dir = newestDebianBinDir()) return dir->string();
    return fail("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)");
}

PostgresServer::PostgresServer(const std::string& binDir) : binDir_(binDir) {
    char pattern[] = "/tmp/muster-pg-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    // From here on the watchdog removes the directory whatever happens.
    watchdog_ = std::make_unique<Watchdog>(
        "cd / && " +
        asServerUser(tool("pg_ctl") + " -D " + shellQuote(dir_ + "/data") + " stop -m immediate") +
        "; rm -rf " + shellQuote(dir_));
    if (runningAsRoot()) run("chown " + std::string(kServerUser) + " " + shellQuote(dir_));
    initCluster();
    startOnFreePort();
    createTestUser();
}

PostgresServer::~PostgresServer() = default;  // the watchdog stops and deletes

std::string PostgresServer::tool(const std::string& name) const {
    return shellQuote(binDir_ + "/" + name);
}

void PostgresServer::initCluster() {
    // Local socket connections are trusted (setup, runSql); TCP needs the password,
    // the way the daemon connects.
    run("cd " + shellQuote(dir_) + " && " +
        asServerUser(tool("initdb") + " -D " + shellQuote(dir_ + "/data") +
                     " -U postgres -A trust --auth-host=scram-sha-256 -E UTF8 --locale=C "
                     "--no-sync"));
}

void PostgresServer::startOnFreePort() {
    std::string lastError;
    for (int attempt = 0; attempt < 3; ++attempt) {
        port_ = freeTcpPort();
        std::string options = "-k " + dir_ + " -c listen_addresses=127.0.0.1 -p " +
                              std::to_string(port_) + " -c fsync=off";
        try {
            run("cd " + shellQuote(dir_) + " && " +
                asServerUser(tool("pg_ctl") + " -D " + shellQuote(dir_ + "/data") + " -l " +
                             shellQuote(dir_ + "/server.log") + " -o " + shellQuote(options) +
                             " -w -t 30 start"));
            return;
        } catch (const std::runtime_error& error) {
            // Most likely someone took the port between freeTcpPort() and bind.
            lastError = error.what();
        }
    }
    throw std::runtime_error("PostgreSQL did not start: " + lastError);
}

void PostgresServer::createTestUser() {
    runSql("CREATE ROLE " + user_ + " LOGIN PASSWORD '" + password_ + "'");
}

std::string PostgresServer::runSql(const std::string& sql, const std::string& database) {
    return run("cd " + shellQuote(dir_) + " && " +
               asServerUser(tool("psql") + " -X -q -v ON_ERROR_STOP=1 -h " + shellQuote(dir_) +
                            " -p " + std::to_string(port_) + " -U postgres -d " +
                            shellQuote(database) + " -c " + shellQuote(sql)));
}

std::string PostgresServer::createDatabase(const std::string& name) {
    runSql("CREATE DATABASE " + name + " OWNER " + user_);
    return url(name);
}

std::string PostgresServer::url(const std::string& database) const {
    return "postgresql://" + percentEncode(user_) + ":" + percentEncode(password_) +
           "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

PostgresServer* sharedPostgres(std::string* whyMissing) {
    struct Lookup {
        std::optional<std::string> binDir;
        std::string whyNot;
    };
    static const Lookup lookup = [] {
        Lookup result;
        result.binDir = PostgresServer::findBinDir(&result.whyNot);
        return result;
    }();
    if (!lookup.binDir) {
        if (whyMissing != nullptr) *whyMissing = lookup.whyNot;
        return nullptr;
    }
    // Destroyed at exit, which stops the server.
    static const std::unique_ptr<PostgresServer> server =
        std::make_unique<PostgresServer>(*lookup.binDir);
    return server.get();
}

}  // namespace muster::test
