// The sync: section (docs/sync.md): sources, scope, mapping, safety limits,
// and errors that name the line and key.

#include "config_test_support.hpp"

namespace muster::config::testing {
namespace {

class SyncConfigTest : public ConfigTest {};

const char* storeSection = "store:\n  url: sqlite:test.db\n";

TEST_F(SyncConfigTest, NoSyncSectionMeansNoSources) {
    EXPECT_TRUE(parse(storeSection).sync.sources.empty());
}

TEST_F(SyncConfigTest, ReadsASourceWithItsMapping) {
    const Config config = parse(std::string(storeSection) + R"yaml(
sync:
  sources:
    - name: corp-ad
      type: active_directory
      url: ldaps://dc1.corp.example:636
      tls: ldaps
      ca_file: /etc/muster/ca.pem
      bind_dn: "CN=svc,DC=corp,DC=example"
      bind_password_file: /etc/muster/ad.pw
      interval_seconds: 900
      incremental: usn
      missing_users: delete_after
      delete_after_days: 14
      max_deletions: 50
      max_deletion_percent: 5
      users:
        base_dns: ["OU=Staff,DC=corp,DC=example", "OU=Temps,DC=corp,DC=example"]
        scope: one
        filter: "(objectClass=user)"
        member_of: "CN=Muster,DC=corp,DC=example"
      groups:
        base_dn: "OU=Groups,DC=corp,DC=example"
      member_range_size: 500
      user_fields:
        userName: { template: "{userPrincipalName}", transforms: [lower, trim] }
        displayName: "{givenName} {sn}"
        department: { template: "{department}", default: "Unassigned" }
        employeeNumber: { template: "{employeeID}", create_only: true }
        upn: { template: "{mail}", transforms: [{regex: "@old$", replace: "@new"}, {split: "@", index: 0}] }
        organization: { constant: "Corp" }
      roles:
        - group: "CN=Admins,DC=corp,DC=example"
          role: admin
)yaml");
    ASSERT_EQ(config.sync.sources.size(), 1u);
    const SyncSourceConfig& source = config.sync.sources[0];
    EXPECT_EQ(source.name, "corp-ad");
    EXPECT_EQ(source.type, DirectoryType::active_directory);
    EXPECT_EQ(source.tls, DirectoryTls::ldaps);
    EXPECT_EQ(source.incremental, IncrementalMethod::usn);
    EXPECT_EQ(source.missingUsers, MissingUserPolicy::delete_after);
    EXPECT_EQ(source.deleteAfterDays, 14);
    EXPECT_EQ(source.maxDeletions, 50);
    EXPECT_EQ(source.maxDeletionPercent, 5);
    EXPECT_EQ(source.users.baseDns.size(), 2u);
    EXPECT_EQ(source.users.scope, "one");
    EXPECT_EQ(source.users.memberOf, "CN=Muster,DC=corp,DC=example");
    EXPECT_EQ(source.groups.baseDns, std::vector<std::string>{"OU=Groups,DC=corp,DC=example"});
    EXPECT_EQ(source.memberRangeSize, 500);
    ASSERT_EQ(source.userFields.size(), 6u);
    EXPECT_EQ(source.userFields[0].field, "userName");
    EXPECT_EQ(source.userFields[0].transforms.size(), 2u);
    EXPECT_EQ(source.userFields[2].defaultValue, "Unassigned");
    EXPECT_TRUE(source.userFields[3].createOnly);
    EXPECT_EQ(source.userFields[4].transforms[0].kind, ValueTransform::Kind::regex_replace);
    EXPECT_EQ(source.userFields[4].transforms[1].kind, ValueTransform::Kind::split);
    EXPECT_EQ(source.userFields[5].templateText, "Corp");
    ASSERT_EQ(source.roles.size(), 1u);
    EXPECT_EQ(source.roles[0].role, "admin");
}

TEST_F(SyncConfigTest, DefaultsAreSafe) {
    const Config config = parse(std::string(storeSection) +
                                "sync:\n  sources:\n    - name: corp\n      url: ldap://x\n"
                                "      users:\n        base_dn: ou=people,dc=x\n");
    const SyncSourceConfig& source = config.sync.sources.at(0);
    EXPECT_EQ(source.type, DirectoryType::ldap);
    EXPECT_EQ(source.missingUsers, MissingUserPolicy::deactivate);
    EXPECT_EQ(source.maxDeletions, 500);
    EXPECT_EQ(source.maxDeletionPercent, 10);
    EXPECT_TRUE(source.tlsVerify);
    EXPECT_EQ(source.intervalSeconds, 0);
    EXPECT_EQ(source.memberRangeSize, 0);  // the server's own ranges
}

TEST_F(SyncConfigTest, ErrorsNameTheLineAndKey) {
    const std::string head = std::string(storeSection) + "sync:\n  sources:\n    - name: corp\n";
    EXPECT_NE(errorOf(head + "      url: http://x\n")
                  .find("test.yaml:6: sync.sources[0].url: must "
                        "start with ldap:// or ldaps://"),
              std::string::npos);
    EXPECT_NE(
        errorOf(head + "      url: ldap://x\n").find("users.base_dn: required key is missing"),
        std::string::npos);
    EXPECT_NE(errorOf(head + "      url: ldap://x\n      users:\n        base_dn: dc=x\n"
                             "        filter: objectClass=person\n")
                  .find("test.yaml:9: sync.sources[0].users.filter: must be one parenthesised"),
              std::string::npos);
    EXPECT_NE(errorOf(head + "      url: ldap://x\n      users:\n        base_dn: dc=x\n"
                             "      user_fields:\n        userName: \"{uid\"\n")
                  .find("unclosed '{'"),
              std::string::npos);
    EXPECT_NE(errorOf(head + "      url: ldap://x\n      users:\n        base_dn: dc=x\n"
                             "      user_fields:\n        jobTitle: \"{title}\"\n")
                  .find("unknown key"),
              std::string::npos);
    EXPECT_NE(errorOf(head + "      url: ldap://x\n      missing_users: drop\n      users:\n"
                             "        base_dn: dc=x\n")
                  .find("must be one of deactivate, delete_after, ignore"),
              std::string::npos);
    EXPECT_NE(errorOf(head + "      url: ldap://x\n      users:\n        base_dn: dc=x\n"
                             "    - name: corp\n      url: ldap://y\n      users:\n"
                             "        base_dn: dc=y\n")
                  .find("duplicate source \"corp\""),
              std::string::npos);
}

}  // namespace
}  // namespace muster::config::testing
