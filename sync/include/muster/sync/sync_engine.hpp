#pragma once

// One run of one directory source (SPEC D-1..D-6): read a snapshot or a
// delta, map it, check the deletion threshold, then reconcile through
// core's DirectorySyncService in batches -- one transaction per batch, the
// source's new cookie in the same transaction as the last one -- or, for a
// dry run, only report the plan.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "muster/config/sync_config.hpp"
#include "muster/core/directory_sync.hpp"
#include "muster/core/store.hpp"

namespace muster::sync {

struct SyncProgress {
    std::string phase;  // "reading", "applying", "done"
    std::int64_t entriesRead = 0;
    std::int64_t changesPlanned = 0;
    std::int64_t changesApplied = 0;
    double elapsedSeconds = 0;
};

struct RunOptions {
    bool dryRun = false;
    bool full = false;                     // ignore the cookie
    bool ignoreDeletionThreshold = false;  // an admin confirmed the deletions
    std::function<void(const SyncProgress&)> progress;
    // Called after each committed batch (tests use it to stop the server mid-run).
    std::function<void(int batchNumber)> afterBatch;
};

struct FieldDiff {
    std::string field;
    std::string before;
    std::string after;
};

struct PlannedChange {
    std::string
        action;  // create, update, deactivate, delete, group.create, group.update, group.delete
    std::string anchor;
    std::string dn;
    std::string name;  // userName or group name
    std::vector<FieldDiff> diffs;
};

struct SyncReport {
    SyncRun run;
    std::string method;               // syncrepl, modifyTimestamp, uSNChanged, full scan
    std::vector<PlannedChange> plan;  // dry run: the first maxPlanned changes
    std::int64_t plannedTotal = 0;
    std::vector<DirectoryEntryError> errors;  // the first ones
    std::int64_t unresolvedMembers = 0;
    std::int64_t batches = 0;
};

class SyncEngine {
  public:
    static constexpr std::size_t maxPlanned = 1000;

    SyncEngine(Store& store, const config::SyncSourceConfig& source, Id tenantId);

    // Never throws for a failed run: the report says failed (or stopped,
    // for the deletion threshold) and why. Throws Error(conflict) when the
    // source is running elsewhere (its store lock is held).
    SyncReport run(const RunOptions& options);

  private:
    Store& store_;
    const config::SyncSourceConfig& source_;
    Id tenantId_;
};

}  // namespace muster::sync
