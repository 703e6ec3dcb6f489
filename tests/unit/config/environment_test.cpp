// MUSTER_STORE_URL replaces store.url, so CI can run an unchanged config
// against PostgreSQL.

#include "config_test_support.hpp"

namespace muster::config::testing {
namespace {

using EnvironmentTest = ConfigTest;

TEST_F(EnvironmentTest, StoreUrlVariableReplacesTheFileValue) {
    ::setenv("MUSTER_STORE_URL", "postgresql://muster@127.0.0.1:5432/muster", 1);
    const Config config = parse("store:\n  url: sqlite:var/muster.db\n  pool_size: 3\n");
    EXPECT_EQ(config.store.url, "postgresql://muster@127.0.0.1:5432/muster");
    EXPECT_EQ(config.store.poolSize, 3);
}

TEST_F(EnvironmentTest, StoreUrlVariableStandsInForAMissingKey) {
    ::setenv("MUSTER_STORE_URL", "sqlite:/tmp/muster-test.db", 1);
    EXPECT_EQ(parse("listen:\n  port: 8081\n").store.url, "sqlite:/tmp/muster-test.db");
    EXPECT_EQ(parse("").store.url, "sqlite:/tmp/muster-test.db");
}

TEST_F(EnvironmentTest, EmptyStoreUrlVariableCountsAsUnset) {
    ::setenv("MUSTER_STORE_URL", "", 1);
    EXPECT_EQ(parse("store:\n  url: sqlite:var/muster.db\n").store.url, "sqlite:var/muster.db");
    EXPECT_EQ(errorOf("listen:\n  port: 8081\n"),
              "test.yaml:1: store.url: required key is missing");
}

TEST_F(EnvironmentTest, StoreUrlVariableWithUnknownSchemeIsAnError) {
    ::setenv("MUSTER_STORE_URL", "mysql://db/muster", 1);
    EXPECT_EQ(errorOf("store:\n  url: sqlite:var/muster.db\n"),
              "MUSTER_STORE_URL: unknown scheme, must start with sqlite:, postgresql:// or "
              "postgres://");
}

TEST_F(EnvironmentTest, FileValueOfTheWrongTypeIsStillReported) {
    ::setenv("MUSTER_STORE_URL", "sqlite:m.db", 1);
    EXPECT_EQ(errorOf("store:\n  url: [a, b]\n"),
              "test.yaml:2: store.url: expected a string, got a list");
}

}  // namespace
}  // namespace muster::config::testing
