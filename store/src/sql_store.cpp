#include "muster/store/sql_store.hpp"

#include <mutex>

#include "exclusive_lock.hpp"
#include "migrations.hpp"
#include "session_pool.hpp"
#include "sql_errors.hpp"
#include "sql_transaction.hpp"
#include "store_url.hpp"

namespace muster::store {

namespace {

// How long a request waits for a free connection before answering 503.
constexpr std::chrono::milliseconds kLeaseTimeout{30000};
// /readyz should answer quickly even when every connection is busy.
constexpr std::chrono::milliseconds kPingLeaseTimeout{1000};

class SqlStore final : public Store {
  public:
    SqlStore(const ConnectionTarget& target, std::size_t poolSize, int busyTimeoutMs)
        : target_(target), pool_(target, poolSize, busyTimeoutMs), busyTimeout_(busyTimeoutMs) {}

    std::unique_ptr<Transaction> beginWrite() override {
        std::unique_lock<std::timed_mutex> turn = sqliteWriterTurn();
        return std::make_unique<SqlTransaction>(pool_.lease(kLeaseTimeout), TransactionMode::write,
                                                std::move(turn));
    }

    std::unique_ptr<Transaction> beginRead() override {
        return std::make_unique<SqlTransaction>(pool_.lease(kLeaseTimeout), TransactionMode::read);
    }

    int migrate() override {
        SessionLease lease = pool_.lease(kLeaseTimeout);
        return translateErrors([&] {
            // Heals a pooled connection the server dropped; the migration
            // itself runs on the session directly.
            executeReconnecting(lease, "SELECT 1");
            return applyPendingMigrations(lease.session(), pool_.backend());
        });
    }

    int schemaVersion() override {
        SessionLease lease = pool_.lease(kLeaseTimeout);
        return translateErrors(
            [&] { return appliedSchemaVersion(lease.session(), pool_.backend()); });
    }

    bool ping() override {
        try {
            SessionLease lease = pool_.lease(kPingLeaseTimeout);
            translateErrors([&] { executeReconnecting(lease, "SELECT 1"); });
            return true;
        } catch (const Error&) {
            return false;
        }
    }

    std::unique_ptr<ExclusiveLock> tryExclusiveLock(const std::string& name) override {
        return store::tryExclusiveLock(target_, name);
    }

    StorePoolStats poolStats() override { return pool_.stats(); }

    std::string backendName() const override {
        return pool_.backend() == Backend::sqlite3 ? "sqlite3" : "postgresql";
    }

  private:
    // SQLite lets one transaction write at a time. Writers left to SQLite's
    // busy handler sleep and poll (1, 2, 5 ms …) and miss the moment the lock
    // is free, so under concurrent writes most of the time went to sleeping;
    // here they queue and the next one starts as soon as the last commits.
    // Taken before leasing a connection, so waiting writers leave the pool to
    // readers. (One daemon per SQLite file; PostgreSQL needs no turn.)
    std::unique_lock<std::timed_mutex> sqliteWriterTurn() {
        if (target_.backend != Backend::sqlite3) return {};
        std::unique_lock turn(sqliteWriters_, std::defer_lock);
        if (!turn.try_lock_for(busyTimeout_)) {
            throw Error(ErrorCode::unavailable, "the store is busy: another write took too long");
        }
        return turn;
    }

    ConnectionTarget target_;
    SessionPool pool_;
    std::chrono::milliseconds busyTimeout_;
    std::timed_mutex sqliteWriters_;
};

}  // namespace

std::unique_ptr<Store> openStore(const StoreOptions& options) {
    if (options.poolSize < 1) {
        throw Error(ErrorCode::invalid_input, "store.poolSize must be at least 1",
                    "store.poolSize");
    }
    ConnectionTarget target = parseStoreUrl(options.url);
    return std::make_unique<SqlStore>(target, static_cast<std::size_t>(options.poolSize),
                                      options.busyTimeoutMs);
}

}  // namespace muster::store
