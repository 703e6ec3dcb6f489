#include "session_pool.hpp"

#include <filesystem>
#include <mutex>

#include "muster/core/error.hpp"
#include "sql_statement.hpp"

namespace muster::store {

namespace {

// libpq does not echo passwords, but a message is cheap to scrub twice.
std::string scrubbed(std::string message, const std::string& secret) {
    if (secret.empty()) return message;
    for (std::size_t at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + 3)) {
        message.replace(at, secret.size(), "***");
    }
    return message;
}

void createParentDirectory(const std::string& path) {
    std::filesystem::path parent = std::filesystem::absolute(path).parent_path();
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
        throw Error(ErrorCode::unavailable, "cannot create directory " + parent.string() +
                                                " for the SQLite database: " + error.message());
    }
}

// Per connection: these pragmas are not stored in the database file (except
// journal_mode, which is harmless to repeat).
void configureSqlite(soci::session& sql, int busyTimeoutMs) {
    std::string journalMode;
    sql << "PRAGMA journal_mode=WAL", soci::into(journalMode);
    sql << "PRAGMA foreign_keys=ON";
    // PRAGMA takes no bound parameters; the value is an int from our config.
    sql << "PRAGMA busy_timeout=" + std::to_string(busyTimeoutMs);
    sql << "PRAGMA synchronous=NORMAL";
    sql << "PRAGMA wal_autocheckpoint=8000";
}

// Process-wide SQLite settings, before the library initialises: without
// memory statistics every allocation of every connection takes one global
// mutex, which made concurrent readers queue behind each other. Each pooled
// connection is used by one thread at a time, so SQLite's own per-connection
// locking is not needed either.
void configureSqliteLibrary() {
    static std::once_flag once;
    std::call_once(once, [] {
        // SOCI's header declares the SQLite API inside namespace sqlite_api.
        sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    });
}

void openSession(soci::session& sql, const ConnectionTarget& target, int busyTimeoutMs) {
    if (target.backend == Backend::sqlite3) {
        configureSqliteLibrary();
        sql.open(*soci::factory_sqlite3(), target.connectString);
        configureSqlite(sql, busyTimeoutMs);
    } else {
        sql.open(*soci::factory_postgresql(), target.connectString);
    }
}

std::string describe(const ConnectionTarget& target) {
    return target.backend == Backend::sqlite3 ? "SQLite database " + target.sqlitePath
                                              : std::string("PostgreSQL");
}

}  // namespace

SessionLease::SessionLease(SessionPool& pool, std::size_t position)
    : pool_(&pool), position_(position) {}

SessionLease::SessionLease(SessionLease&& other) noexcept
    : pool_(other.pool_), position_(other.position_) {
    other.pool_ = nullptr;
}

SessionLease::~SessionLease() {
    if (pool_ != nullptr) pool_->giveBack(position_);
}

soci::session& SessionLease::session() { return pool_->pool_.at(position_); }

Backend SessionLease::backend() const { return pool_->backend(); }

SessionPool::SessionPool(const ConnectionTarget& target, std::size_t size, int busyTimeoutMs)
    : backend_(target.backend), size_(size), pool_(size) {
    if (target.backend == Backend::sqlite3) createParentDirectory(target.sqlitePath);
    openAll(target, busyTimeoutMs);
}

SessionPool::~SessionPool() {
    for (std::size_t i = 0; i < caches_.size(); ++i) unregisterStatementCache(pool_.at(i));
}

void SessionPool::openAll(const ConnectionTarget& target, int busyTimeoutMs) {
    for (std::size_t i = 0; i < size_; ++i) {
        try {
            openSession(pool_.at(i), target, busyTimeoutMs);
            caches_.push_back(std::make_unique<StatementCache>());
            registerStatementCache(pool_.at(i), *caches_.back());
        } catch (const soci::soci_error& error) {
            throw Error(ErrorCode::unavailable,
                        "cannot connect to " + describe(target) + ": " +
                            scrubbed(error.get_error_message(), target.password));
        }
    }
}

SessionLease SessionPool::lease(std::chrono::milliseconds timeout) {
    std::size_t position = 0;
    if (!pool_.try_lease(position, static_cast<int>(timeout.count()))) {
        throw Error(ErrorCode::unavailable,
                    "all " + std::to_string(size_) + " store connections are busy");
    }
    ++inUse_;
    return SessionLease(*this, position);
}

void SessionPool::giveBack(std::size_t position) {
    --inUse_;
    pool_.give_back(position);
}

std::unique_ptr<soci::session> openDedicatedSession(const ConnectionTarget& target,
                                                    int busyTimeoutMs) {
    auto sql = std::make_unique<soci::session>();
    try {
        openSession(*sql, target, busyTimeoutMs);
    } catch (const soci::soci_error& error) {
        throw Error(ErrorCode::unavailable,
                    "cannot connect to " + describe(target) + ": " +
                        scrubbed(error.get_error_message(), target.password));
    }
    return sql;
}

void executeReconnecting(SessionLease& lease, const std::string& statement) {
    soci::session& sql = lease.session();
    try {
        SqlStatement(sql, statement, Reuse::prepared).execute();
        return;
    } catch (const soci::soci_error&) {
        if (lease.backend() != Backend::postgresql || sql.is_connected()) throw;
    }
    // Statements prepared on the dead connection are gone with it.
    if (StatementCache* cache = statementCacheOf(sql)) cache->clear();
    sql.reconnect();
    sql << statement;
}

}  // namespace muster::store
