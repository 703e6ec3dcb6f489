// Values a config file sets, and the defaults of those it leaves out.

#include "config_test_support.hpp"

namespace muster::config::testing {
namespace {

using DefaultsTest = ConfigTest;

TEST_F(DefaultsTest, OnlyStoreUrlGivenLeavesEverythingElseAtItsDefault) {
    const Config config = parse("store:\n  url: sqlite:var/muster.db\n");
    EXPECT_EQ(config.sourcePath, "test.yaml");
    EXPECT_EQ(config.store.url, "sqlite:var/muster.db");

    EXPECT_EQ(config.listen.address, "127.0.0.1");
    EXPECT_EQ(config.listen.port, 8080);
    EXPECT_EQ(config.listen.threads, 16);
    EXPECT_EQ(config.listen.maxQueued, 256);
    EXPECT_TRUE(config.listen.keepAlive);
    EXPECT_EQ(config.listen.keepAliveTimeoutSeconds, 15);
    EXPECT_EQ(config.listen.maxBodyBytes, 1024 * 1024);
    EXPECT_FALSE(config.listen.tls.enabled);
    EXPECT_EQ(config.listen.tls.address, "127.0.0.1");
    EXPECT_EQ(config.listen.tls.port, 8443);
    EXPECT_EQ(config.listen.tls.certificateFile, "");
    EXPECT_EQ(config.listen.tls.privateKeyFile, "");
    EXPECT_EQ(config.listen.tls.caFile, "");
    EXPECT_EQ(config.store.poolSize, 8);
    EXPECT_EQ(config.store.busyTimeoutMs, 5000);
    EXPECT_EQ(config.log.level, "info");
    EXPECT_TRUE(config.log.accessLog);
    EXPECT_EQ(config.scim.defaultCount, 100);
    EXPECT_EQ(config.scim.maxResults, 1000);
    EXPECT_EQ(config.scim.bulkMaxOperations, 1000);
    EXPECT_EQ(config.scim.bulkMaxPayloadBytes, 1024 * 1024);
    EXPECT_EQ(config.scim.filterMaxDepth, 32);
    ASSERT_EQ(config.roles.size(), 4u);
    EXPECT_EQ(config.roles[0].name, "company_admin");
    EXPECT_EQ(config.roles[0].rank, 400);
    EXPECT_EQ(config.roles[3].name, "employee");
    EXPECT_EQ(config.roles[3].rank, 100);
}

TEST_F(DefaultsTest, EveryKeyIsReadIntoItsField) {
    const Config config = parse(R"(listen:
  address: 0.0.0.0
  port: 9090
  threads: 4
  max_queued: 10
  keep_alive: no
  keep_alive_timeout_seconds: 3
  max_body_bytes: 5000000000
  tls:
    enabled: on
    address: 10.0.0.1
    port: 9443
    certificate_file: /tls/cert.pem
    private_key_file: /tls/key.pem
    ca_file: /tls/ca.pem
store:
  url: postgresql://muster@db:5432/muster
  pool_size: 32
  busy_timeout_ms: 250
log:
  level: debug
  access_log: off
scim:
  default_count: 20
  max_results: 200
  bulk_max_operations: 50
  bulk_max_payload_bytes: 2048
  filter_max_depth: 8
roles:
  - name: owner
    rank: 1000000
  - name: guest
    rank: 0
)");
    EXPECT_EQ(config.listen.address, "0.0.0.0");
    EXPECT_EQ(config.listen.port, 9090);
    EXPECT_EQ(config.listen.threads, 4);
    EXPECT_EQ(config.listen.maxQueued, 10);
    EXPECT_FALSE(config.listen.keepAlive);
    EXPECT_EQ(config.listen.keepAliveTimeoutSeconds, 3);
    EXPECT_EQ(config.listen.maxBodyBytes, 5000000000);
    EXPECT_TRUE(config.listen.tls.enabled);
    EXPECT_EQ(config.listen.tls.address, "10.0.0.1");
    EXPECT_EQ(config.listen.tls.port, 9443);
    EXPECT_EQ(config.listen.tls.certificateFile, "/tls/cert.pem");
    EXPECT_EQ(config.listen.tls.privateKeyFile, "/tls/key.pem");
    EXPECT_EQ(config.listen.tls.caFile, "/tls/ca.pem");
    EXPECT_EQ(config.store.url, "postgresql://muster@db:5432/muster");
    EXPECT_EQ(config.store.poolSize, 32);
    EXPECT_EQ(config.store.busyTimeoutMs, 250);
    EXPECT_EQ(config.log.level, "debug");
    EXPECT_FALSE(config.log.accessLog);
    EXPECT_EQ(config.scim.defaultCount, 20);
    EXPECT_EQ(config.scim.maxResults, 200);
    EXPECT_EQ(config.scim.bulkMaxOperations, 50);
    EXPECT_EQ(config.scim.bulkMaxPayloadBytes, 2048);
    EXPECT_EQ(config.scim.filterMaxDepth, 8);
    // A roles list replaces the default catalogue rather than adding to it.
    ASSERT_EQ(config.roles.size(), 2u);
    EXPECT_EQ(config.roles[0].name, "owner");
    EXPECT_EQ(config.roles[0].rank, 1000000);
    EXPECT_EQ(config.roles[1].name, "guest");
    EXPECT_EQ(config.roles[1].rank, 0);
}

TEST_F(DefaultsTest, SectionWithEveryKeyCommentedOutKeepsDefaults) {
    const Config config = parse(R"(listen:
  # port: 9090
scim:
store:
  url: sqlite:///var/lib/muster/muster.db
)");
    EXPECT_EQ(config.listen.port, 8080);
    EXPECT_EQ(config.scim.maxResults, 1000);
    EXPECT_EQ(config.store.url, "sqlite:///var/lib/muster/muster.db");
}

TEST_F(DefaultsTest, BooleansAcceptTrueFalseYesNoOnOff) {
    const std::pair<const char*, bool> spellings[] = {
        {"true", true},   {"yes", true}, {"on", true},   {"True", true},
        {"false", false}, {"no", false}, {"off", false}, {"OFF", false}};
    for (const auto& [text, expected] : spellings) {
        const Config config =
            parse(std::string("log:\n  access_log: ") + text + "\nstore:\n  url: sqlite:m.db\n");
        EXPECT_EQ(config.log.accessLog, expected) << text;
    }
}

TEST_F(DefaultsTest, EveryLogLevelIsAccepted) {
    for (const char* level : {"error", "warning", "info", "debug"}) {
        const Config config =
            parse(std::string("log:\n  level: ") + level + "\nstore:\n  url: sqlite:m.db\n");
        EXPECT_EQ(config.log.level, level);
    }
}

TEST_F(DefaultsTest, EveryStoreSchemeIsAccepted) {
    for (const char* url : {"sqlite:var/muster.db", "sqlite:///abs/muster.db",
                            "postgresql://u:p@h:5432/db", "postgres://h/db"}) {
        EXPECT_EQ(parse(std::string("store:\n  url: ") + url + "\n").store.url, url);
    }
}

TEST_F(DefaultsTest, FlowStyleMappingsWork) {
    const Config config = parse("listen: {port: 8081}\nstore: {url: 'sqlite:m.db'}\n");
    EXPECT_EQ(config.listen.port, 8081);
    EXPECT_EQ(config.store.url, "sqlite:m.db");
}

}  // namespace
}  // namespace muster::config::testing
