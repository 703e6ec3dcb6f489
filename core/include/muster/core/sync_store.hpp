#pragma once

// What directory sync (sync/) remembers between runs, per tenant and source:
// the source's cookie or high-water mark, which directory entry (anchor:
// entryUUID, objectGUID) became which user or group, and a report per run.
// Written through Transaction::syncState() so a batch of changes and the
// cookie that covers it commit together.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "muster/core/model.hpp"

namespace muster {

struct SyncSourceState {
    // Opaque to the store: an RFC 4533 cookie, "<invocationId>:<uSN>", or a
    // modifyTimestamp. Empty: the next run must be a full sync.
    std::string cookie;
    std::optional<Timestamp> lastFullSyncAt;
};

enum class SyncObjectKind { user, group };

struct SyncObject {
    SyncObjectKind kind = SyncObjectKind::user;
    std::string anchor;       // the directory's stable id of the entry
    Id resourceId = 0;        // the Muster user or group
    std::string dn;           // normalised DN, for member and manager references
    std::string fingerprint;  // digest of the mapped values last written
    // When the entry was last seen missing from the source (users only).
    std::optional<Timestamp> missingSince;
};

enum class SyncRunStatus { running, succeeded, failed, stopped };
std::string_view toString(SyncRunStatus status);
std::optional<SyncRunStatus> parseSyncRunStatus(std::string_view text);

struct SyncRunCounts {
    std::int64_t entriesRead = 0;
    std::int64_t created = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0;
    std::int64_t deactivated = 0;
    std::int64_t deleted = 0;
    std::int64_t groupsCreated = 0;
    std::int64_t groupsUpdated = 0;
    std::int64_t groupsDeleted = 0;
    std::int64_t errors = 0;
};

struct SyncRun {
    Id id = 0;
    Id tenantId = 0;
    std::string source;
    bool full = false;
    bool dryRun = false;
    SyncRunStatus status = SyncRunStatus::running;
    Timestamp startedAt = 0;
    std::optional<Timestamp> finishedAt;
    SyncRunCounts counts;
    // Why a run failed or was stopped, or the first per-entry errors.
    std::string message;
};

class SyncStateRepository {
  public:
    virtual ~SyncStateRepository() = default;

    virtual std::optional<SyncSourceState> findSource(Id tenantId, const std::string& source) = 0;
    virtual void saveSource(Id tenantId, const std::string& source,
                            const SyncSourceState& state) = 0;

    virtual std::vector<SyncObject> listObjects(Id tenantId, const std::string& source,
                                                SyncObjectKind kind) = 0;
    virtual std::optional<SyncObject> findObject(Id tenantId, const std::string& source,
                                                 SyncObjectKind kind,
                                                 const std::string& anchor) = 0;
    // Users and groups of the source by normalised DN.
    virtual std::optional<SyncObject> findObjectByDn(Id tenantId, const std::string& source,
                                                     const std::string& dn) = 0;
    // Inserts or replaces the object with this kind and anchor.
    virtual void saveObject(Id tenantId, const std::string& source, const SyncObject& object) = 0;
    virtual void removeObject(Id tenantId, const std::string& source, SyncObjectKind kind,
                              const std::string& anchor) = 0;

    virtual Id startRun(const SyncRun& run) = 0;
    virtual void finishRun(const SyncRun& run) = 0;
    // Newest first.
    virtual std::vector<SyncRun> listRuns(Id tenantId, const std::string& source,
                                          std::size_t limit) = 0;
};

}  // namespace muster
