#pragma once

// The daemon's side of directory sync (SPEC D-6): runs sources on their
// interval and on demand, one run per source at a time (and, through the
// store's lock, one daemon at a time), keeps live progress and the last
// report, and renders Prometheus metrics per source.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "muster/config/sync_config.hpp"
#include "muster/core/principal.hpp"
#include "muster/core/store.hpp"
#include "muster/sync/sync_engine.hpp"

namespace muster::sync {

struct SourceStatus {
    std::string name;
    std::string tenant;
    std::string type;  // ldap, active_directory
    bool running = false;
    SyncProgress progress;                 // of the run in progress
    std::optional<SyncReport> lastReport;  // of this daemon's last run (dry runs too)
    std::vector<SyncRun> history;          // from the store, newest first
    std::optional<Timestamp> nextRunAt;    // scheduled sources
    int intervalSeconds = 0;
};

class SyncService {
  public:
    SyncService(Store& store, const config::SyncConfig& config);
    ~SyncService();
    SyncService(const SyncService&) = delete;
    SyncService& operator=(const SyncService&) = delete;

    // Runs scheduled sources in a background thread until stop().
    void startScheduler();
    void stop();

    // Records who asked for a manual run, with its options, in the audit log;
    // forcing past the deletion threshold is for the tenant's top role (or an
    // automation token) only. Call before trigger() or runNow().
    void recordRunRequest(const Principal& by, const std::string& source,
                          const RunOptions& options);

    // Starts a run in the background. Throws not_found for a source the
    // caller's tenant does not have, conflict when it is running.
    void trigger(Id tenantId, const std::string& source, const RunOptions& options);
    // Runs now and returns the report (dry runs from the API, tests).
    SyncReport runNow(Id tenantId, const std::string& source, const RunOptions& options);

    std::vector<SourceStatus> status(Id tenantId) const;
    SourceStatus statusOf(Id tenantId, const std::string& source) const;

    // Prometheus text: runs, entries, changes, errors, duration, last success.
    std::string renderMetrics() const;

    bool empty() const { return sources_.empty(); }

  private:
    struct Source;
    Source& find(Id tenantId, const std::string& name) const;
    std::optional<Id> tenantIdOf(const std::string& tenantName) const;
    SyncReport execute(Source& source, Id tenantId, const RunOptions& options);
    void startWorkerLocked(Source& source, Id tenantId, const RunOptions& options);
    void schedulerLoop();
    SourceStatus statusLocked(const Source& source, Id tenantId) const;

    Store& store_;
    std::vector<std::unique_ptr<Source>> sources_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread scheduler_;
};

}  // namespace muster::sync
