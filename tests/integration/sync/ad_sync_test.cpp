// Directory sync from a real Samba Active Directory DC (provisioned once for
// this binary): objectGUID anchors, disabled accounts, nested groups, manager
// DNs, device logins, uSNChanged incremental with the invocationId check,
// deleted users found through the Deleted Objects container.

#include <gtest/gtest.h>

#include <algorithm>

#include "muster/test/postgres_server.hpp"
#include "muster/test/samba_dc.hpp"
#include "sync_fixture.hpp"

namespace muster::test {
namespace {

class AdSyncTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string whyMissing;
        dc = sharedSambaDc(&whyMissing);
        if (dc == nullptr) {
            if (serversRequired()) FAIL() << "Samba AD DC is required: " << whyMissing;
            GTEST_SKIP() << "Samba not available: " << whyMissing;
        }
        store = std::make_unique<SyncStoreFixture>();
        // Each test has its own OU and account names: the DC is shared.
        static int counter = 0;
        suffix = std::to_string(++counter);
        ou = "OU=Sync" + suffix + "," + dc->baseDn();
        addDirectory();
    }

    std::string dn(const std::string& cn) const { return "CN=" + cn + "," + ou; }
    std::string sam(const std::string& name) const { return name + suffix; }

    std::string userLdif(const std::string& cn, const std::string& name, const std::string& given,
                         const std::string& surname, int accountControl,
                         const std::string& extra = {}) const {
        return "dn: " + dn(cn) + "\nobjectClass: user\nsAMAccountName: " + sam(name) +
               "\nuserPrincipalName: " + sam(name) + "@example.test\ngivenName: " + given +
               "\nsn: " + surname + "\ndisplayName: " + cn + "\nmail: " + sam(name) +
               "@example.test\nuserAccountControl: " + std::to_string(accountControl) + "\n" +
               extra + "\n";
    }

    // bob manages alice; carol is disabled; Engineering holds alice and the
    // nested group Platform, which holds carol.
    void addDirectory() {
        constexpr int enabled = 0x200 | 0x20;    // NORMAL_ACCOUNT | PASSWD_NOTREQD
        constexpr int disabled = enabled | 0x2;  // | ACCOUNTDISABLE
        dc->add("dn: " + ou + "\nobjectClass: organizationalUnit\n\n" +
                userLdif("Bob Brown", "bob", "Bob", "Brown", enabled, "title: Director\n") +
                userLdif("Alice Adams", "alice", "Alice", "Adams", enabled,
                         "title: Engineer\nmanager: " + dn("Bob Brown") + "\n") +
                userLdif("Carol Clark", "carol", "Carol", "Clark", disabled) +
                "dn: " + dn("Platform") + "\nobjectClass: group\nsAMAccountName: platform" +
                suffix + "\nmember: " + dn("Carol Clark") + "\n\n" + "dn: " + dn("Engineering") +
                "\nobjectClass: group\nsAMAccountName: engineering" + suffix +
                "\nmember: " + dn("Alice Adams") + "\nmember: " + dn("Platform") + "\n");
    }

    config::SyncSourceConfig source() const {
        config::SyncSourceConfig source;
        source.name = "ad";
        source.type = config::DirectoryType::active_directory;
        source.url = dc->url();
        source.bindDn = dc->bindDn();
        source.bindPassword = dc->password();
        source.users.baseDns = {ou};
        source.groups.baseDns = {ou};
        source.groupNameTemplate = "{cn}";
        source.fullSyncIntervalSeconds = 0;
        source.maxDeletionPercent = 50;
        source.timeoutSeconds = 30;
        return source;
    }

    std::optional<User> user(const std::string& name) {
        return store->user(sam(name) + "@example.test");
    }

    SambaDc* dc = nullptr;
    std::unique_ptr<SyncStoreFixture> store;
    std::string suffix;
    std::string ou;
};

bool hasMember(const Group& group, GroupMember::Kind kind, Id id) {
    return std::any_of(group.members.begin(), group.members.end(),
                       [&](const GroupMember& m) { return m.kind == kind && m.id == id; });
}

TEST_F(AdSyncTest, FullSyncMapsAccountsManagersDisabledFlagAndNestedGroups) {
    const sync::SyncReport report = store->run(source());
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.run.counts.created, 3) << describe(report);
    EXPECT_EQ(report.run.counts.groupsCreated, 2) << describe(report);

    const auto alice = user("alice");
    const auto bob = user("bob");
    const auto carol = user("carol");
    ASSERT_TRUE(alice && bob && carol);
    EXPECT_EQ(alice->name.givenName, "Alice");
    EXPECT_EQ(alice->title, "Engineer");
    EXPECT_EQ(alice->managerId, bob->id);
    EXPECT_EQ(alice->status, UserStatus::active);
    EXPECT_EQ(carol->status, UserStatus::deactivated);  // ACCOUNTDISABLE

    bool deviceLogin = false;
    bool upn = false;
    for (const Identifier& identifier : alice->identifiers) {
        if (identifier.kind == IdentifierKind::device_login) {
            EXPECT_EQ(identifier.value, sam("alice"));
            EXPECT_EQ(identifier.logonDomain, dc->netbiosDomain());
            deviceLogin = true;
        }
        if (identifier.kind == IdentifierKind::upn) {
            EXPECT_EQ(identifier.value, sam("alice") + "@example.test");
            upn = true;
        }
    }
    EXPECT_TRUE(deviceLogin);
    EXPECT_TRUE(upn);

    const auto engineering = store->group("Engineering");
    const auto platform = store->group("Platform");
    ASSERT_TRUE(engineering && platform);
    EXPECT_TRUE(hasMember(*engineering, GroupMember::Kind::user, alice->id));
    EXPECT_TRUE(hasMember(*engineering, GroupMember::Kind::group, platform->id));
    EXPECT_TRUE(hasMember(*platform, GroupMember::Kind::user, carol->id));

    // objectGUID anchors, in GUID text form.
    for (const SyncObject& object : store->objects("ad", SyncObjectKind::user)) {
        EXPECT_EQ(object.anchor.size(), 36u) << object.anchor;
        EXPECT_EQ(object.anchor[8], '-');
    }
    EXPECT_NE(store->cookie("ad").find("uSNChanged"), std::string::npos);
}

TEST_F(AdSyncTest, IncrementalByUsnSeesChangesDisabledAccountsRenamesAndNewUsers) {
    ASSERT_EQ(store->run(source()).run.status, SyncRunStatus::succeeded);
    const Id aliceId = user("alice")->id;
    dc->modify("dn: " + dn("Alice Adams") +
               "\nchangetype: modify\nreplace: title\ntitle: Principal Engineer\n\n" +
               "dn: " + dn("Bob Brown") +
               "\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 546\n\n" +
               "dn: " + dn("Alice Adams") +
               "\nchangetype: modrdn\nnewrdn: CN=Alice Adams-Smith\ndeleteoldrdn: 1\n");
    dc->add(userLdif("Dave Dunn", "dave", "Dave", "Dunn", 544));

    const sync::SyncReport report = store->run(source());
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.method, "uSNChanged");
    EXPECT_FALSE(report.run.full);
    EXPECT_EQ(report.run.counts.created, 1) << describe(report);
    EXPECT_EQ(report.run.counts.updated, 2) << describe(report);
    EXPECT_LT(report.run.counts.entriesRead, 6) << "read everything, not the changes";
    EXPECT_EQ(user("alice")->id, aliceId);  // renamed, same anchor
    EXPECT_EQ(user("alice")->title, "Principal Engineer");
    EXPECT_EQ(user("bob")->status, UserStatus::deactivated);
    EXPECT_TRUE(user("dave"));
}

TEST_F(AdSyncTest, DeletedUserIsFoundInDeletedObjectsAndDeactivated) {
    ASSERT_EQ(store->run(source()).run.status, SyncRunStatus::succeeded);
    const Id aliceId = user("alice")->id;
    dc->modify("dn: " + dn("Alice Adams") + "\nchangetype: delete\n");
    const sync::SyncReport report = store->run(source());
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.method, "uSNChanged");
    EXPECT_EQ(report.run.counts.deactivated, 1) << describe(report);
    ASSERT_TRUE(user("alice"));
    EXPECT_EQ(user("alice")->id, aliceId);
    EXPECT_EQ(user("alice")->status, UserStatus::deactivated);
}

TEST_F(AdSyncTest, AnotherDomainControllerForcesAFullSync) {
    ASSERT_EQ(store->run(source()).run.status, SyncRunStatus::succeeded);
    {
        // The cookie as if written by a DC with another invocationId.
        auto tx = store->store().beginWrite();
        SyncSourceState state = *tx->syncState().findSource(store->tenantId(), "ad");
        state.cookie = "invocationId\t00000000-0000-0000-0000-000000000001\nuSNChanged\t999999\n";
        tx->syncState().saveSource(store->tenantId(), "ad", state);
        tx->commit();
    }
    const sync::SyncReport report = store->run(source());
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.method, "full scan");
    EXPECT_EQ(report.run.counts.unchanged, 3) << describe(report);
}

// AD hands out a large multi-valued attribute in ranges
// (member;range=0-1499, ...); member_range_size makes the ranges small
// enough for a test. Every range must be read.
TEST_F(AdSyncTest, GroupLargerThanOneRangeComesBackComplete) {
    constexpr int members = 25;
    std::string ldif;
    std::string memberLines;
    for (int i = 0; i < members; ++i) {
        const std::string cn = "Member " + std::to_string(i);
        ldif += userLdif(cn, "m" + std::to_string(i), "Member", std::to_string(i), 544);
        memberLines += "member: " + dn(cn) + "\n";
    }
    dc->add(ldif + "dn: " + dn("Big") + "\nobjectClass: group\nsAMAccountName: big" + suffix +
            "\n" + memberLines);
    config::SyncSourceConfig ad = source();
    ad.memberRangeSize = 10;  // three ranges: 0-9, 10-19, 20-*
    const sync::SyncReport report = store->run(ad);
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    const auto big = store->group("Big");
    ASSERT_TRUE(big);
    EXPECT_EQ(big->members.size(), static_cast<std::size_t>(members));
    for (int i = 0; i < members; ++i) {
        const auto member = user("m" + std::to_string(i));
        ASSERT_TRUE(member) << i;
        EXPECT_TRUE(hasMember(*big, GroupMember::Kind::user, member->id)) << i;
    }
    // Groups within one range are read whole as well.
    const auto platform = store->group("Platform");
    ASSERT_TRUE(platform);
    EXPECT_EQ(platform->members.size(), 1u);
}

// Users in a group nested in a role group get the role; taking the nested
// group out takes the role away at the next (incremental) run.
TEST_F(AdSyncTest, RolesFollowNestedGroupsAndTheirRemoval) {
    config::SyncSourceConfig ad = source();
    ad.roles = {{dn("Engineering"), "admin"}};
    const sync::SyncReport first = store->run(ad);
    ASSERT_EQ(first.run.status, SyncRunStatus::succeeded) << describe(first);
    const std::vector<std::string> admin{"admin"};
    EXPECT_EQ(user("alice")->roles, admin);
    EXPECT_EQ(user("carol")->roles, admin) << "carol is in Engineering through Platform";
    EXPECT_TRUE(user("bob")->roles.empty());

    dc->modify("dn: " + dn("Engineering") +
               "\nchangetype: modify\ndelete: member\nmember: " + dn("Platform") + "\n");
    const sync::SyncReport second = store->run(ad);
    ASSERT_EQ(second.run.status, SyncRunStatus::succeeded) << describe(second);
    EXPECT_TRUE(user("carol")->roles.empty()) << describe(second);
    EXPECT_EQ(user("alice")->roles, admin);
}

TEST_F(AdSyncTest, GroupScopeFollowsNestedMembership) {
    config::SyncSourceConfig scoped = source();
    scoped.groups.baseDns.clear();
    // carol is in Engineering only through Platform: IN_CHAIN finds her.
    scoped.users.memberOf = dn("Engineering");
    const sync::SyncReport report = store->run(scoped);
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.run.counts.created, 2) << describe(report);
    EXPECT_TRUE(user("alice"));
    EXPECT_TRUE(user("carol"));
    EXPECT_FALSE(user("bob"));
}

}  // namespace
}  // namespace muster::test
