// Migrations, pool, tenants, tokens, roles: the same behaviour on every backend.

#include <thread>

#include "backend_fixture.hpp"

namespace muster::store::testing {
namespace {

using StoreBasicsTest = BackendTest;

TEST_P(StoreBasicsTest, MigratesAnEmptyDatabaseOnceAndOnlyOnce) {
    store_ = openStore();
    EXPECT_EQ(store_->schemaVersion(), 0);

    int applied = store_->migrate();
    EXPECT_GE(applied, 1);
    int version = store_->schemaVersion();
    EXPECT_EQ(version, applied);  // versions are 1..n

    EXPECT_EQ(store_->migrate(), 0);
    EXPECT_EQ(store_->schemaVersion(), version);

    // A daemon restarting on the same database finds nothing to do either.
    store_.reset();
    store_ = openStore();
    EXPECT_EQ(store_->migrate(), 0);
    EXPECT_EQ(store_->schemaVersion(), version);
}

TEST_P(StoreBasicsTest, DaemonsMigratingTogetherApplyEachMigrationOnce) {
    auto first = openStore(1);
    auto second = openStore(1);
    int appliedByFirst = 0, appliedBySecond = 0;
    std::thread a([&] { appliedByFirst = first->migrate(); });
    std::thread b([&] { appliedBySecond = second->migrate(); });
    a.join();
    b.join();
    EXPECT_EQ(appliedByFirst + appliedBySecond, first->schemaVersion());
}

// Two daemons (two stores) on one database: one holder of a name at a time.
TEST_P(StoreBasicsTest, ExclusiveLockHasOneHolderAcrossStoresUntilReleased) {
    auto first = openStore(1);
    auto second = openStore(1);
    auto held = first->tryExclusiveLock("sync:1:corp");
    ASSERT_TRUE(held);
    EXPECT_TRUE(held->held());
    EXPECT_FALSE(second->tryExclusiveLock("sync:1:corp"));
    EXPECT_FALSE(first->tryExclusiveLock("sync:1:corp"));
    EXPECT_TRUE(second->tryExclusiveLock("sync:2:corp"));  // another tenant's source
    held.reset();
    auto taken = second->tryExclusiveLock("sync:1:corp");
    ASSERT_TRUE(taken);
    EXPECT_TRUE(taken->held());
}

TEST_P(StoreBasicsTest, ReportsBackendAndPing) {
    migrated();
    EXPECT_EQ(store_->backendName(), GetParam() == BackendKind::sqlite ? "sqlite3" : "postgresql");
    EXPECT_TRUE(store_->ping());
}

TEST_P(StoreBasicsTest, PoolStatsCountOpenTransactions) {
    store_ = openStore(3);
    store_->migrate();
    EXPECT_EQ(store_->poolStats().size, 3u);
    EXPECT_EQ(store_->poolStats().inUse, 0u);
    {
        auto write = store_->beginWrite();
        EXPECT_EQ(store_->poolStats().inUse, 1u);
        auto read = store_->beginRead();
        EXPECT_EQ(store_->poolStats().inUse, 2u);
        write->commit();
        EXPECT_EQ(store_->poolStats().inUse, 2u);  // committed, but still leased
    }
    EXPECT_EQ(store_->poolStats().inUse, 0u);
}

TEST_P(StoreBasicsTest, TenantsAreCreatedFoundAndListed) {
    migrated();
    Tenant acme = createTenant("acme");
    Tenant globex = createTenant("globex");
    EXPECT_GT(acme.id, 0);
    EXPECT_GT(acme.createdAt, 0);

    inRead([&](Transaction& tx) {
        ASSERT_TRUE(tx.tenants().findByName("acme"));
        EXPECT_EQ(tx.tenants().findByName("acme")->id, acme.id);
        EXPECT_EQ(tx.tenants().findById(globex.id)->name, "globex");
        EXPECT_FALSE(tx.tenants().findByName("initech"));
        EXPECT_FALSE(tx.tenants().findById(globex.id + 100));
        ASSERT_EQ(tx.tenants().list().size(), 2u);
        EXPECT_EQ(tx.tenants().list()[1].name, "globex");
        EXPECT_EQ(tx.tenants().count(), 2);
    });
}

TEST_P(StoreBasicsTest, DuplicateTenantNameIsAConflict) {
    migrated();
    createTenant("acme");
    Error error = errorFrom([&] { createTenant("acme"); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "name");
}

ApiToken token(Id tenantId, const std::string& name, const std::string& hash) {
    ApiToken t;
    t.tenantId = tenantId;
    t.name = name;
    t.scopes = {TokenScope::scim, TokenScope::admin};
    t.secretHash = hash;
    return t;
}

TEST_P(StoreBasicsTest, TokensAreStoredFoundRevokedAndTouched) {
    migrated();
    Tenant acme = createTenant("acme");
    Tenant globex = createTenant("globex");
    ApiToken created = inWrite([&](Transaction& tx) {
        tx.tokens().create(token(globex.id, "other", "hash-other"));
        return tx.tokens().create(token(acme.id, "okta", "hash-okta"));
    });
    EXPECT_GT(created.id, 0);
    EXPECT_GT(created.createdAt, 0);

    inRead([&](Transaction& tx) {
        auto found = tx.tokens().findBySecretHash("hash-okta");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->id, created.id);
        EXPECT_EQ(found->tenantId, acme.id);
        EXPECT_EQ(found->name, "okta");
        EXPECT_EQ(found->scopes, (std::vector<TokenScope>{TokenScope::scim, TokenScope::admin}));
        EXPECT_FALSE(found->revokedAt);
        EXPECT_FALSE(found->lastUsedAt);
        EXPECT_FALSE(tx.tokens().findBySecretHash("hash-unknown"));
        EXPECT_FALSE(tx.tokens().findById(globex.id, created.id));
        ASSERT_EQ(tx.tokens().list(acme.id).size(), 1u);
    });

    inWrite([&](Transaction& tx) {
        tx.tokens().touchLastUsed(created.id, 1000);
        tx.tokens().markRevoked(acme.id, created.id, 2000);
        tx.tokens().markRevoked(acme.id, created.id, 3000);  // the first revocation stands
    });
    auto after = inRead([&](Transaction& tx) { return tx.tokens().findById(acme.id, created.id); });
    ASSERT_TRUE(after);
    EXPECT_EQ(after->lastUsedAt, 1000);
    EXPECT_EQ(after->revokedAt, 2000);

    Error wrongTenant = errorFrom([&] {
        inWrite([&](Transaction& tx) { tx.tokens().markRevoked(globex.id, created.id, 1); });
    });
    EXPECT_EQ(wrongTenant.code(), ErrorCode::not_found);
}

TEST_P(StoreBasicsTest, RolesAreUpsertedPerTenant) {
    migrated();
    Tenant acme = createTenant("acme");
    Tenant globex = createTenant("globex");
    inWrite([&](Transaction& tx) {
        Role first = tx.roles().upsert(acme.id, "hr_admin", 30);
        Role again = tx.roles().upsert(acme.id, "HR_Admin", 40);
        EXPECT_EQ(first.id, again.id);
    });
    inRead([&](Transaction& tx) {
        std::vector<Role> roles = tx.roles().list(acme.id);
        ASSERT_EQ(roles.size(), 3u);
        EXPECT_EQ(roles[0].name, "admin");
        EXPECT_EQ(roles[1].name, "HR_Admin");
        EXPECT_EQ(roles[1].rank, 40);
        EXPECT_EQ(tx.roles().list(globex.id).size(), 2u);
    });
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreBasicsTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
