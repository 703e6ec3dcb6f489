#include "exclusive_lock.hpp"

#include <filesystem>
#include <mutex>
#include <set>

#include "session_pool.hpp"
#include "sql_errors.hpp"

namespace muster::store {

namespace {

// Held on its own connection: a pooled one goes back to the pool after each
// transaction, and the lock must last the whole run. If the daemon dies, the
// connection drops and the server frees the lock.
class AdvisoryLock final : public ExclusiveLock {
  public:
    AdvisoryLock(std::unique_ptr<soci::session> sql, std::int64_t key)
        : sql_(std::move(sql)), key_(key) {}

    ~AdvisoryLock() override {
        // Unlocking frees the lock now; closing the connection alone frees
        // it only once the server has noticed, so the next holder could
        // still be refused for a moment.
        try {
            long long key = key_;
            *sql_ << "SELECT pg_advisory_unlock(:key)", soci::use(key);
        } catch (const soci::soci_error&) {
            // The connection is gone, and the lock went with it.
        }
    }

    bool held() override {
        // A session lock lasts as long as its session: a live connection
        // still holds it, a dropped one (server restart) has lost it.
        try {
            int one = 0;
            *sql_ << "SELECT 1", soci::into(one);
            return one == 1;
        } catch (const soci::soci_error&) {
            return false;
        }
    }

  private:
    std::unique_ptr<soci::session> sql_;
    std::int64_t key_;
};

std::mutex processLocksMutex;
std::set<std::string> processLocks;

class ProcessLock final : public ExclusiveLock {
  public:
    explicit ProcessLock(std::string key) : key_(std::move(key)) {}
    ~ProcessLock() override {
        std::lock_guard lock(processLocksMutex);
        processLocks.erase(key_);
    }
    bool held() override { return true; }

  private:
    std::string key_;
};

std::unique_ptr<ExclusiveLock> tryAdvisoryLock(const ConnectionTarget& target,
                                               const std::string& name) {
    std::unique_ptr<soci::session> sql = openDedicatedSession(target, 0);
    long long key = advisoryLockKey(name);
    int taken = 0;
    translateErrors([&] {
        *sql << "SELECT CASE WHEN pg_try_advisory_lock(:key) THEN 1 ELSE 0 END", soci::use(key),
            soci::into(taken);
    });
    if (taken != 1) return nullptr;
    return std::make_unique<AdvisoryLock>(std::move(sql), key);
}

std::unique_ptr<ExclusiveLock> tryProcessLock(const ConnectionTarget& target,
                                              const std::string& name) {
    // One file reached by two spellings of its path is still one database.
    std::error_code error;
    std::filesystem::path file = std::filesystem::weakly_canonical(target.sqlitePath, error);
    if (error) file = target.sqlitePath;
    std::string key = file.string() + '\n' + name;
    std::lock_guard lock(processLocksMutex);
    if (!processLocks.insert(key).second) return nullptr;
    return std::make_unique<ProcessLock>(std::move(key));
}

}  // namespace

std::int64_t advisoryLockKey(const std::string& name) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : name) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return static_cast<std::int64_t>(hash);
}

std::unique_ptr<ExclusiveLock> tryExclusiveLock(const ConnectionTarget& target,
                                                const std::string& name) {
    if (target.backend == Backend::postgresql) return tryAdvisoryLock(target, name);
    return tryProcessLock(target, name);
}

}  // namespace muster::store
