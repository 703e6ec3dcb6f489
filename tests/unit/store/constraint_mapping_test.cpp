// The database's own unique indexes report the same constraint names on both
// backends. The repositories check uniqueness before writing, so these paths
// are only reached by concurrent writers; here they are provoked directly.

#include "backend_fixture.hpp"
#include "soci_headers.hpp"
#include "sql_errors.hpp"
#include "store_url.hpp"

namespace muster::store::testing {
namespace {

class ConstraintMappingTest : public BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        migrated();
        ConnectionTarget target = parseStoreUrl(url());
        sql_.open(target.backend == Backend::sqlite3 ? *soci::factory_sqlite3()
                                                     : *soci::factory_postgresql(),
                  target.connectString);
        sql_ << "INSERT INTO tenants (name, created_at) VALUES ('acme', 0)";
        sql_ << "SELECT id FROM tenants WHERE name = 'acme'", soci::into(tenant_);
    }

    // The unique index the statement violates ("" when it succeeds).
    std::string violatedBy(const std::string& statement) {
        try {
            sql_ << statement;
        } catch (const soci::soci_error& error) {
            return violatedUniqueIndex(error);
        }
        return "";
    }

    std::string insertUser(const std::string& name, const std::string& displayNorm) {
        return violatedBy(
            "INSERT INTO users (tenant_id, user_name, user_name_norm, display_name_norm, status, "
            "created_at, updated_at) VALUES (" +
            std::to_string(tenant_) + ", '" + name + "', '" + name + "', " + displayNorm +
            ", 'active', 0, 0)");
    }

    soci::session sql_;
    long long tenant_ = 0;
};

TEST_P(ConstraintMappingTest, EachUniqueIndexIsReportedByName) {
    EXPECT_EQ(violatedBy("INSERT INTO tenants (name, created_at) VALUES ('acme', 0)"),
              "ux_tenants_name");

    EXPECT_EQ(insertUser("bob", "'bob'"), "");
    EXPECT_EQ(insertUser("bob", "NULL"), "ux_users_user_name");
    EXPECT_EQ(insertUser("bobby", "'bob'"), "ux_users_display_name");

    std::string t = std::to_string(tenant_);
    std::string identifier =
        "INSERT INTO identifiers (tenant_id, user_id, kind, value, value_norm, position) "
        "SELECT " +
        t + ", id, 'email', 'b@x', 'b@x', 0 FROM users WHERE user_name = 'bob'";
    EXPECT_EQ(violatedBy(identifier), "");
    EXPECT_EQ(violatedBy(identifier), "ux_identifiers_value");

    std::string group =
        "INSERT INTO groups (tenant_id, display_name, display_name_norm, "
        "created_at, updated_at) VALUES (" +
        t + ", 'G', 'g', 0, 0)";
    EXPECT_EQ(violatedBy(group), "");
    EXPECT_EQ(violatedBy(group), "ux_groups_display_name");
}

TEST_P(ConstraintMappingTest, OtherFailuresAreNotUniqueViolations) {
    EXPECT_EQ(violatedBy("INSERT INTO users (tenant_id) VALUES (1)"), "");
    EXPECT_EQ(violatedBy("SELECT * FROM no_such_table"), "");
}

TEST_P(ConstraintMappingTest, UnmappedFailuresBecomeMusterErrors) {
    try {
        sql_ << "SELECT * FROM no_such_table";
        FAIL();
    } catch (const soci::soci_error& error) {
        EXPECT_EQ(storeErrorFrom(error).code(), ErrorCode::internal);
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, ConstraintMappingTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
