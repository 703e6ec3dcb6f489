#pragma once

// Directory sync against real servers: a fresh store (SQLite in a temporary
// directory, or the shared test PostgreSQL) with tenant "default", and
// helpers to run a source and look at what it wrote.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "muster/config/sync_config.hpp"
#include "muster/core/store.hpp"
#include "muster/sync/sync_engine.hpp"

namespace muster::test {

class SyncStoreFixture {
  public:
    // postgresUrl empty: SQLite.
    explicit SyncStoreFixture(const std::string& postgresUrl = {});
    ~SyncStoreFixture();

    Store& store() { return *store_; }
    Id tenantId() const { return tenantId_; }

    sync::SyncReport run(const config::SyncSourceConfig& source, sync::RunOptions options = {});

    std::optional<User> user(const std::string& userName);
    std::optional<Group> group(const std::string& displayName);
    std::int64_t userCount();
    std::int64_t auditCount();
    std::optional<AuditEvent> lastAudit();
    std::vector<SyncObject> objects(const std::string& source, SyncObjectKind kind);
    std::string cookie(const std::string& source);

  private:
    std::filesystem::path dir_;
    std::unique_ptr<Store> store_;
    Id tenantId_ = 0;
};

// A summary for failure messages.
std::string describe(const sync::SyncReport& report);

}  // namespace muster::test
