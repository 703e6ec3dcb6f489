// Migration 5 on both backends: devices and their assignment history,
// check-in lookups, logon domain mappings, placeholders, tracking rules and
// their version, activity data; tenant isolation throughout.

#include "muster/core/agent_store.hpp"

#include <thread>

#include "backend_fixture.hpp"

namespace muster::store::testing {
namespace {

class AgentStoreTest : public BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        migrated();
        acme = createTenant("acme");
        globex = createTenant("globex");
    }

    User createUser(Id tenantId, const std::string& userName,
                    std::vector<Identifier> identifiers = {}) {
        User user = minimalUser(tenantId, userName);
        user.identifiers = std::move(identifiers);
        return inWrite([&](Transaction& tx) { return tx.users().create(user); });
    }

    Device device(Id tenantId, const std::string& deviceId) {
        Device d;
        d.tenantId = tenantId;
        d.deviceId = deviceId;
        d.hostname = "host-" + deviceId;
        d.os = "Windows 11";
        d.lastLogin = {"jdoe", "CORP"};
        d.agentVersion = "7.1.0";
        d.firstSeenAt = d.lastCheckinAt = 1000;
        return d;
    }

    Tenant acme, globex;
};

Identifier deviceLogin(const std::string& user, const std::string& domain, bool any = false) {
    return Identifier{0, IdentifierKind::device_login, user, domain, any, "", false};
}
Identifier upn(const std::string& value) {
    return Identifier{0, IdentifierKind::upn, value, "", false, "", false};
}

TEST_P(AgentStoreTest, DeviceRoundTripsAndIsFoundByDeviceIdCaseInsensitively) {
    const User owner = createUser(acme.id, "jdoe");
    Device d = device(acme.id, "PC-0001");
    d.userId = owner.id;
    const Device created = inWrite([&](Transaction& tx) { return tx.agents().createDevice(d); });
    EXPECT_GT(created.id, 0);

    auto found = inRead(
        [&](Transaction& tx) { return tx.agents().findDeviceByDeviceId(acme.id, "pc-0001"); });
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, created.id);
    EXPECT_EQ(found->deviceId, "PC-0001");
    EXPECT_EQ(found->hostname, "host-PC-0001");
    EXPECT_EQ(found->os, "Windows 11");
    EXPECT_EQ(found->lastLogin.username, "jdoe");
    EXPECT_EQ(found->lastLogin.logonDomain, "CORP");
    EXPECT_EQ(found->agentVersion, "7.1.0");
    EXPECT_EQ(found->status, DeviceStatus::pending);
    EXPECT_EQ(found->userId, owner.id);
    EXPECT_FALSE(found->decidedAt);

    found->status = DeviceStatus::approved;
    found->decidedAt = 2000;
    found->lastCheckinAt = 3000;
    inWrite([&](Transaction& tx) { tx.agents().updateDevice(*found); });
    auto updated =
        inRead([&](Transaction& tx) { return tx.agents().findDevice(acme.id, created.id); });
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->status, DeviceStatus::approved);
    EXPECT_EQ(updated->decidedAt, 2000);
    EXPECT_EQ(updated->lastCheckinAt, 3000);

    // Another tenant sees nothing of it, and may register the same device id.
    EXPECT_FALSE(
        inRead([&](Transaction& tx) { return tx.agents().findDevice(globex.id, created.id); }));
    EXPECT_FALSE(inRead(
        [&](Transaction& tx) { return tx.agents().findDeviceByDeviceId(globex.id, "PC-0001"); }));
    inWrite([&](Transaction& tx) { tx.agents().createDevice(device(globex.id, "PC-0001")); });
}

TEST_P(AgentStoreTest, SameDeviceIdTwiceInATenantIsAConflictNamingIt) {
    inWrite([&](Transaction& tx) { tx.agents().createDevice(device(acme.id, "PC-1")); });
    Error error = errorFrom([&] {
        inWrite([&](Transaction& tx) { tx.agents().createDevice(device(acme.id, "pc-1")); });
    });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "deviceId");
}

TEST_P(AgentStoreTest, RemovingTheUserClearsTheDeviceButKeepsHistoryIds) {
    const User first = createUser(acme.id, "first");
    const User second = createUser(acme.id, "second");
    Device d = device(acme.id, "PC-2");
    d.userId = first.id;
    const Device created = inWrite([&](Transaction& tx) { return tx.agents().createDevice(d); });
    inWrite([&](Transaction& tx) {
        tx.agents().recordAssignment(
            {0, acme.id, created.id, std::nullopt, first.id, "checkin", "token:1", 10});
        tx.agents().recordAssignment(
            {0, acme.id, created.id, first.id, second.id, "assign", "token:2", 20});
    });
    inWrite([&](Transaction& tx) { tx.users().remove(acme.id, first.id); });

    auto history =
        inRead([&](Transaction& tx) { return tx.agents().assignmentsOf(acme.id, created.id); });
    ASSERT_EQ(history.size(), 2u);
    EXPECT_FALSE(history[0].fromUserId);
    EXPECT_EQ(history[0].toUserId, first.id);
    EXPECT_EQ(history[0].reason, "checkin");
    EXPECT_EQ(history[1].fromUserId, first.id) << "the removed user's id stays in the history";
    EXPECT_EQ(history[1].toUserId, second.id);
    EXPECT_EQ(history[1].actor, "token:2");
    EXPECT_TRUE(inRead([&](Transaction& tx) {
                    return tx.agents().assignmentsOf(globex.id, created.id);
                }).empty());

    inWrite([&](Transaction& tx) { tx.users().remove(acme.id, second.id); });
    auto after =
        inRead([&](Transaction& tx) { return tx.agents().findDevice(acme.id, created.id); });
    ASSERT_TRUE(after);
    EXPECT_FALSE(after->userId) << "the device stays, without a user";
}

TEST_P(AgentStoreTest, ListsPageByIdAndFilterAndCount) {
    const User owner = createUser(acme.id, "owner");
    for (int i = 0; i < 5; ++i) {
        Device d = device(acme.id, "PC-" + std::to_string(i));
        d.status = i < 2 ? DeviceStatus::approved : DeviceStatus::pending;
        if (i % 2 == 0) d.userId = owner.id;
        inWrite([&](Transaction& tx) { tx.agents().createDevice(d); });
    }
    inWrite([&](Transaction& tx) { tx.agents().createDevice(device(globex.id, "PC-X")); });

    DeviceFilter page{std::nullopt, std::nullopt, std::nullopt, 3};
    auto first = inRead([&](Transaction& tx) { return tx.agents().listDevices(acme.id, page); });
    ASSERT_EQ(first.size(), 3u);
    page.afterId = first.back().id;
    auto rest = inRead([&](Transaction& tx) { return tx.agents().listDevices(acme.id, page); });
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest.back().deviceId, "PC-4");

    DeviceFilter pending{DeviceStatus::pending, std::nullopt, std::nullopt, 50};
    EXPECT_EQ(
        inRead([&](Transaction& tx) { return tx.agents().listDevices(acme.id, pending); }).size(),
        3u);
    DeviceFilter owned{std::nullopt, owner.id, std::nullopt, 50};
    EXPECT_EQ(
        inRead([&](Transaction& tx) { return tx.agents().listDevices(acme.id, owned); }).size(),
        3u);
    DeviceFilter both{DeviceStatus::approved, owner.id, std::nullopt, 50};
    EXPECT_EQ(
        inRead([&](Transaction& tx) { return tx.agents().listDevices(acme.id, both); }).size(), 1u);

    DeviceCounts counts =
        inRead([&](Transaction& tx) { return tx.agents().countDevices(acme.id); });
    EXPECT_EQ(counts.approved, 2);
    EXPECT_EQ(counts.pending, 3);
    EXPECT_EQ(counts.rejected, 0);
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.agents().countDevices(globex.id); }).pending,
              1);
}

TEST_P(AgentStoreTest, FindsTheOwnerOfADeviceLoginExactFirstThenAnyDomain) {
    const User exact = createUser(acme.id, "exact", {deviceLogin("JDoe", "corp")});
    const User anywhere = createUser(acme.id, "anywhere", {deviceLogin("jdoe", "", true)});
    auto owner = [&](Id tenant, const std::string& user, const std::string& domain) {
        return inRead([&](Transaction& tx) {
            return tx.agents().userOwningDeviceLogin(tenant, {user, domain});
        });
    };
    EXPECT_EQ(owner(acme.id, "jdoe", "CORP"), exact.id);
    EXPECT_EQ(owner(acme.id, "JDOE", "LAB"), anywhere.id);
    EXPECT_FALSE(owner(acme.id, "other", "CORP"));
    EXPECT_FALSE(owner(globex.id, "jdoe", "CORP"));
}

TEST_P(AgentStoreTest, FindsUsersByUpnEmailOrUserName) {
    const User byUpn = createUser(acme.id, "u1", {upn("Jane@Corp.example.com")});
    const User byEmail = createUser(acme.id, "u2", {email("bob@corp.example.com")});
    const User byName = createUser(acme.id, "carol@corp.example.com");
    createUser(globex.id, "g1", {upn("jane@corp.example.com")});
    auto users = [&](std::vector<std::string> addresses) {
        return inRead(
            [&](Transaction& tx) { return tx.agents().usersWithAddresses(acme.id, addresses); });
    };
    EXPECT_EQ(users({"jane@corp.example.com"}), std::vector<Id>{byUpn.id});
    EXPECT_EQ(users({"BOB@corp.example.com", "bob@other.example"}), std::vector<Id>{byEmail.id});
    EXPECT_EQ(users({"carol@corp.example.com"}), std::vector<Id>{byName.id});
    EXPECT_EQ(users({"jane@corp.example.com", "bob@corp.example.com"}).size(), 2u);
    EXPECT_TRUE(users({"nobody@corp.example.com"}).empty());
}

TEST_P(AgentStoreTest, LogonDomainMappingsReplaceAndStayInTheirTenant) {
    inWrite([&](Transaction& tx) {
        tx.agents().replaceLogonDomain(
            acme.id, {"CORP", {"corp.example.com", "Corp.Example.com", "example.org"}});
        tx.agents().replaceLogonDomain(acme.id, {"LAB", {"lab.example.com"}});
    });
    auto mappings = inRead([&](Transaction& tx) { return tx.agents().logonDomains(acme.id); });
    ASSERT_EQ(mappings.size(), 2u);
    EXPECT_EQ(mappings[0].logonDomain, "CORP");
    EXPECT_EQ(mappings[0].emailDomains.size(), 2u) << "duplicates differing in case collapse";
    EXPECT_EQ(
        inRead([&](Transaction& tx) { return tx.agents().emailDomainsOf(acme.id, "corp"); }).size(),
        2u);
    EXPECT_TRUE(
        inRead([&](Transaction& tx) { return tx.agents().logonDomains(globex.id); }).empty());

    inWrite([&](Transaction& tx) { tx.agents().replaceLogonDomain(acme.id, {"corp", {}}); });
    mappings = inRead([&](Transaction& tx) { return tx.agents().logonDomains(acme.id); });
    ASSERT_EQ(mappings.size(), 1u);
    EXPECT_EQ(mappings[0].logonDomain, "LAB");
}

TEST_P(AgentStoreTest, PlaceholdersAreRememberedAndGoWithTheUser) {
    const User user = createUser(acme.id, "bob", {email("bob@CORP")});
    inWrite(
        [&](Transaction& tx) { tx.agents().rememberPlaceholder(acme.id, user.id, "bob@CORP"); });
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.agents().placeholderOf(acme.id, user.id); }),
              "bob@corp");
    EXPECT_FALSE(
        inRead([&](Transaction& tx) { return tx.agents().placeholderOf(globex.id, user.id); }));
    inWrite([&](Transaction& tx) { tx.agents().forgetPlaceholder(acme.id, user.id); });
    EXPECT_FALSE(
        inRead([&](Transaction& tx) { return tx.agents().placeholderOf(acme.id, user.id); }));
}

TEST_P(AgentStoreTest, UserRulesAreReplacedAndRemovedWithTheUser) {
    const User user = createUser(acme.id, "jane");
    using policies::RuleSource;
    inWrite([&](Transaction& tx) {
        tx.tracking().replaceUserRules(
            acme.id, user.id,
            {{"jane", "", RuleSource::email}, {"jdoe", "CORP", RuleSource::device_login}});
    });
    auto rules = inRead([&](Transaction& tx) { return tx.tracking().allRules(acme.id); });
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0].userId, user.id);
    EXPECT_EQ(rules[0].rule.username, "jane");
    EXPECT_TRUE(rules[0].rule.everyDomain());
    EXPECT_EQ(rules[0].rule.source, RuleSource::email);
    EXPECT_EQ(rules[1].rule.domain, "CORP");
    EXPECT_EQ(rules[1].rule.source, RuleSource::device_login);

    inWrite([&](Transaction& tx) {
        tx.tracking().replaceUserRules(acme.id, user.id, {{"jane", "", RuleSource::upn}});
    });
    rules = inRead([&](Transaction& tx) { return tx.tracking().allRules(acme.id); });
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].rule.source, RuleSource::upn);
    EXPECT_TRUE(inRead([&](Transaction& tx) { return tx.tracking().allRules(globex.id); }).empty());

    inWrite([&](Transaction& tx) { tx.users().remove(acme.id, user.id); });
    EXPECT_TRUE(inRead([&](Transaction& tx) { return tx.tracking().allRules(acme.id); }).empty());
}

TEST_P(AgentStoreTest, ExclusionsAreUniquePerUsernameAndDomainAndRemovable) {
    TrackingRuleRecord admin;
    admin.tenantId = acme.id;
    admin.rule = {"Administrator", "", policies::RuleSource::exclusion};
    admin.note = "built-in";
    const TrackingRuleRecord stored =
        inWrite([&](Transaction& tx) { return tx.tracking().addExclusion(admin); });
    EXPECT_GT(stored.id, 0);
    EXPECT_FALSE(stored.userId);

    TrackingRuleRecord again = admin;
    again.rule.username = "ADMINISTRATOR";
    Error error =
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.tracking().addExclusion(again); }); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "username");

    TrackingRuleRecord inCorp = admin;
    inCorp.rule.domain = "CORP";
    inWrite([&](Transaction& tx) { tx.tracking().addExclusion(inCorp); });
    TrackingRuleRecord otherTenant = admin;
    otherTenant.tenantId = globex.id;
    inWrite([&](Transaction& tx) { tx.tracking().addExclusion(otherTenant); });

    RuleFilter exclusions{RuleKind::exclusion, std::nullopt, std::nullopt, 50};
    auto listed =
        inRead([&](Transaction& tx) { return tx.tracking().listRules(acme.id, exclusions); });
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].note, "built-in");

    EXPECT_FALSE(inWrite(
        [&](Transaction& tx) { return tx.tracking().removeExclusion(globex.id, stored.id); }));
    EXPECT_TRUE(inWrite(
        [&](Transaction& tx) { return tx.tracking().removeExclusion(acme.id, stored.id); }));
    EXPECT_FALSE(
        inRead([&](Transaction& tx) { return tx.tracking().findRule(acme.id, stored.id); }));
}

TEST_P(AgentStoreTest, RulesListFiltersByKindAndUserAndPages) {
    const User a = createUser(acme.id, "a");
    const User b = createUser(acme.id, "b");
    using policies::RuleSource;
    inWrite([&](Transaction& tx) {
        tx.tracking().replaceUserRules(
            acme.id, a.id, {{"a1", "", RuleSource::email}, {"a2", "", RuleSource::upn}});
        tx.tracking().replaceUserRules(acme.id, b.id, {{"b1", "D", RuleSource::device_login}});
        TrackingRuleRecord exclusion;
        exclusion.tenantId = acme.id;
        exclusion.rule = {"guest", "", RuleSource::exclusion};
        tx.tracking().addExclusion(exclusion);
    });
    auto list = [&](RuleFilter filter) {
        return inRead([&](Transaction& tx) { return tx.tracking().listRules(acme.id, filter); });
    };
    EXPECT_EQ(list({RuleKind::any, std::nullopt, std::nullopt, 50}).size(), 4u);
    EXPECT_EQ(list({RuleKind::user, std::nullopt, std::nullopt, 50}).size(), 3u);
    EXPECT_EQ(list({RuleKind::user, a.id, std::nullopt, 50}).size(), 2u);
    auto firstTwo = list({RuleKind::any, std::nullopt, std::nullopt, 2});
    ASSERT_EQ(firstTwo.size(), 2u);
    EXPECT_EQ(list({RuleKind::any, std::nullopt, firstTwo.back().id, 50}).size(), 2u);
}

TEST_P(AgentStoreTest, VersionStartsAtZeroAndCountsBumpsPerTenant) {
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.tracking().version(acme.id); }), 0);
    inWrite([&](Transaction& tx) { tx.tracking().bumpVersion(acme.id); });
    inWrite([&](Transaction& tx) { tx.tracking().bumpVersion(acme.id); });
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.tracking().version(acme.id); }), 2);
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.tracking().version(globex.id); }), 0);
}

TEST_P(AgentStoreTest, FingerprintAndIdentifiersOfUntrackedUsers) {
    User jane = minimalUser(acme.id, "jane");
    jane.tracked = false;
    jane.identifiers = {upn("jane@corp.example.com"), deviceLogin("jdoe", "CORP")};
    jane = inWrite([&](Transaction& tx) { return tx.users().create(jane); });
    User bare = minimalUser(acme.id, "bare");
    bare.tracked = false;
    bare = inWrite([&](Transaction& tx) { return tx.users().create(bare); });
    createUser(acme.id, "tracked", {upn("tracked@corp.example.com")});

    const UntrackedFingerprint before =
        inRead([&](Transaction& tx) { return tx.tracking().untrackedFingerprint(acme.id); });
    EXPECT_EQ(before.users, 2);
    EXPECT_EQ(before.versionSum, 2);
    auto untracked = inRead([&](Transaction& tx) { return tx.tracking().untrackedUsers(acme.id); });
    ASSERT_EQ(untracked.size(), 2u);
    EXPECT_EQ(untracked[0].userId, jane.id);
    ASSERT_EQ(untracked[0].identifiers.size(), 2u);
    EXPECT_EQ(untracked[0].identifiers[1].kind, IdentifierKind::device_login);
    EXPECT_EQ(untracked[0].identifiers[1].logonDomain, "CORP");
    EXPECT_EQ(untracked[1].userId, bare.id);
    EXPECT_TRUE(untracked[1].identifiers.empty());

    // An identifier edit on an untracked user changes the fingerprint.
    jane.identifiers.push_back(email("jane.doe@home.example"));
    inWrite([&](Transaction& tx) { tx.users().update(jane); });
    const UntrackedFingerprint after =
        inRead([&](Transaction& tx) { return tx.tracking().untrackedFingerprint(acme.id); });
    EXPECT_NE(after, before);
    EXPECT_EQ(inRead([&](Transaction& tx) {
                  return tx.tracking().untrackedFingerprint(globex.id);
              }).users,
              0);
}

TEST_P(AgentStoreTest, PlaceholderEmailsAreLeftOutOfUntrackedIdentifiers) {
    User bob = minimalUser(acme.id, "bob");
    bob.tracked = false;
    bob.identifiers = {email("bob@CORP"), email("bob@corp.example.com"),
                       deviceLogin("bob", "CORP")};
    bob = inWrite([&](Transaction& tx) { return tx.users().create(bob); });
    inWrite([&](Transaction& tx) { tx.agents().rememberPlaceholder(acme.id, bob.id, "bob@CORP"); });
    auto untracked = inRead([&](Transaction& tx) { return tx.tracking().untrackedUsers(acme.id); });
    ASSERT_EQ(untracked.size(), 1u);
    ASSERT_EQ(untracked[0].identifiers.size(), 2u);
    EXPECT_EQ(untracked[0].identifiers[0].value, "bob@corp.example.com");
    EXPECT_EQ(untracked[0].identifiers[1].kind, IdentifierKind::device_login);
}

TEST_P(AgentStoreTest, ActivityDataIsCountedAndReallyDeletedPerUser) {
    const User jane = createUser(acme.id, "jane");
    const User bob = createUser(acme.id, "bob");
    std::vector<ActivityRecord> records;
    for (int i = 0; i < 5; ++i) {
        records.push_back(
            {0, acme.id, jane.id, std::nullopt, "app", i * 1000, i * 1000 + 500, "excel.exe"});
    }
    records.push_back({0, acme.id, bob.id, std::nullopt, "web", 0, 10, "example.com"});
    inWrite([&](Transaction& tx) { tx.activity().append(records); });
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.activity().countOf(acme.id, jane.id); }), 5);

    // Removing the user record does not remove the data (a separate action).
    inWrite([&](Transaction& tx) { tx.users().remove(acme.id, jane.id); });
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.activity().countOf(acme.id, jane.id); }), 5);

    EXPECT_EQ(
        inWrite([&](Transaction& tx) { return tx.activity().deleteAllOf(globex.id, jane.id); }), 0);
    EXPECT_EQ(inWrite([&](Transaction& tx) { return tx.activity().deleteAllOf(acme.id, jane.id); }),
              5);
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.activity().countOf(acme.id, jane.id); }), 0);
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.activity().countOf(acme.id, bob.id); }), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AgentStoreTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
