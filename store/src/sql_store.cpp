#include "muster/store/sql_store.hpp"

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
        : target_(target), pool_(target, poolSize, busyTimeoutMs) {}

    std::unique_ptr<Transaction> beginWrite() override {
        return std::make_unique<SqlTransaction>(pool_.lease(kLeaseTimeout), TransactionMode::write);
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
    ConnectionTarget target_;
    SessionPool pool_;
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
