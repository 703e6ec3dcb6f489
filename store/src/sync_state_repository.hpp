#pragma once

// The SOCI repository for directory sync state (core/sync_store.hpp).

#include "muster/core/sync_store.hpp"
#include "soci_headers.hpp"

namespace muster::store {

class SqlSyncStateRepository final : public SyncStateRepository {
  public:
    explicit SqlSyncStateRepository(soci::session& sql) : sql_(sql) {}

    std::optional<SyncSourceState> findSource(Id tenantId, const std::string& source) override;
    void saveSource(Id tenantId, const std::string& source, const SyncSourceState& state) override;
    std::vector<SyncObject> listObjects(Id tenantId, const std::string& source,
                                        SyncObjectKind kind) override;
    std::optional<SyncObject> findObject(Id tenantId, const std::string& source,
                                         SyncObjectKind kind, const std::string& anchor) override;
    std::optional<SyncObject> findObjectByDn(Id tenantId, const std::string& source,
                                             const std::string& dn) override;
    void saveObject(Id tenantId, const std::string& source, const SyncObject& object) override;
    void removeObject(Id tenantId, const std::string& source, SyncObjectKind kind,
                      const std::string& anchor) override;
    Id startRun(const SyncRun& run) override;
    void finishRun(const SyncRun& run) override;
    std::vector<SyncRun> listRuns(Id tenantId, const std::string& source,
                                  std::size_t limit) override;

  private:
    soci::session& sql_;
};

}  // namespace muster::store
