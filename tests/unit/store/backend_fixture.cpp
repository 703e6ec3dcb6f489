#include "backend_fixture.hpp"

#include <stdlib.h>

#include <atomic>
#include <filesystem>

namespace muster::store::testing {

void PrintTo(BackendKind kind, std::ostream* out) {
    *out << (kind == BackendKind::sqlite ? "SQLite" : "PostgreSQL");
}

std::string backendLabel(const ::testing::TestParamInfo<BackendKind>& info) {
    return info.param == BackendKind::sqlite ? "SQLite" : "PostgreSQL";
}

void BackendTest::SetUp() {
    if (GetParam() == BackendKind::sqlite) {
        char pattern[] = "/tmp/muster-store-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        sqliteDir_ = pattern;
        url_ = "sqlite://" + sqliteDir_ + "/muster.db";
        return;
    }
    std::string whyMissing;
    postgres_ = test::sharedPostgres(&whyMissing);
    if (postgres_ == nullptr) {
        if (test::serversRequired()) FAIL() << "MUSTER_REQUIRE_SERVERS=1: " << whyMissing;
        GTEST_SKIP() << whyMissing;
    }
    // Every test gets its own empty database on the shared server.
    static std::atomic<int> databases{0};
    url_ = postgres_->createDatabase("store_test_" + std::to_string(++databases));
}

void BackendTest::TearDown() {
    store_.reset();
    if (!sqliteDir_.empty()) std::filesystem::remove_all(sqliteDir_);
}

std::unique_ptr<Store> BackendTest::openStore(int poolSize) {
    return store::openStore(StoreOptions{url_, poolSize, 5000});
}

Store& BackendTest::migrated() {
    store_ = openStore();
    store_->migrate();
    return *store_;
}

Tenant BackendTest::createTenant(const std::string& name) {
    return inWrite([&](Transaction& tx) {
        Tenant tenant = tx.tenants().create(name);
        tx.roles().upsert(tenant.id, "admin", 50);
        tx.roles().upsert(tenant.id, "employee", 10);
        return tenant;
    });
}

User minimalUser(Id tenantId, const std::string& userName) {
    User user;
    user.tenantId = tenantId;
    user.userName = userName;
    return user;
}

Identifier email(const std::string& address, bool primary) {
    Identifier identifier;
    identifier.kind = IdentifierKind::email;
    identifier.value = address;
    identifier.type = "work";
    identifier.primary = primary;
    return identifier;
}

Error errorFrom(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    ADD_FAILURE() << "expected a muster::Error";
    return Error(ErrorCode::internal, "no error thrown");
}

}  // namespace muster::store::testing
