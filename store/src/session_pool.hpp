#pragma once

// A fixed pool of open SOCI sessions, leased one per transaction.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "muster/core/store.hpp"
#include "soci_headers.hpp"
#include "statement_cache.hpp"
#include "store_url.hpp"

namespace muster::store {

class SessionPool;

// One leased session; returns it to the pool when destroyed.
class SessionLease {
  public:
    SessionLease(SessionPool& pool, std::size_t position);
    SessionLease(SessionLease&& other) noexcept;
    SessionLease& operator=(SessionLease&&) = delete;
    SessionLease(const SessionLease&) = delete;
    SessionLease& operator=(const SessionLease&) = delete;
    ~SessionLease();

    soci::session& session();
    Backend backend() const;

  private:
    SessionPool* pool_;
    std::size_t position_;
};

class SessionPool {
  public:
    // Opens every connection now, so a wrong password fails at start-up, not
    // at the first request. Throws Error(unavailable).
    SessionPool(const ConnectionTarget& target, std::size_t size, int busyTimeoutMs);
    ~SessionPool();
    SessionPool(const SessionPool&) = delete;
    SessionPool& operator=(const SessionPool&) = delete;

    // Waits up to `timeout` for a free session; Error(unavailable) after that.
    SessionLease lease(std::chrono::milliseconds timeout);
    StorePoolStats stats() const { return {size_, inUse_.load()}; }
    Backend backend() const { return backend_; }

  private:
    friend class SessionLease;
    void openAll(const ConnectionTarget& target, int busyTimeoutMs);
    void giveBack(std::size_t position);

    Backend backend_;
    std::size_t size_;
    soci::connection_pool pool_;
    // One per session; declared after pool_ so statements go before sessions.
    std::vector<std::unique_ptr<StatementCache>> caches_;
    // soci::connection_pool does not say how many sessions are out.
    std::atomic<std::size_t> inUse_{0};
};

// A connection outside the pool (for a lock held through a whole sync run).
// Throws Error(unavailable) without the password in the message.
std::unique_ptr<soci::session> openDedicatedSession(const ConnectionTarget& target,
                                                    int busyTimeoutMs);

// Runs `statement`; if a pooled PostgreSQL connection turns out to be dead
// (server restart, idle timeout), reconnects once and retries, so the pool
// heals itself instead of failing every request on that connection.
void executeReconnecting(SessionLease& lease, const std::string& statement);

}  // namespace muster::store
