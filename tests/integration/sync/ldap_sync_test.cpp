// Directory sync from a real OpenLDAP slapd (syncprov, memberof) into a real
// store: full sync, incremental (syncrepl and modifyTimestamp), dry run,
// deletion threshold, OU rename, server down mid-run, filter injection.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "muster/core/error.hpp"
#include "muster/store/sql_store.hpp"
#include "muster/test/postgres_server.hpp"
#include "muster/test/slapd_server.hpp"
#include "sync_fixture.hpp"

namespace muster::test {
namespace {

class LdapSyncTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string whyNot;
        if (!SlapdServer::available(&whyNot)) {
            if (serversRequired()) FAIL() << "slapd is required: " << whyNot;
            GTEST_SKIP() << "slapd not available: " << whyNot;
        }
        slapd = std::make_unique<SlapdServer>(slapdOptions());
        store = std::make_unique<SyncStoreFixture>();
    }

    virtual SlapdOptions slapdOptions() const { return {}; }

    config::SyncSourceConfig source() const {
        config::SyncSourceConfig source;
        source.name = "corp";
        source.url = slapd->url();
        source.bindDn = slapd->rootDn();
        source.bindPassword = slapd->rootPassword();
        source.users.baseDns = {slapd->peopleDn()};
        source.groups.baseDns = {slapd->groupsDn()};
        source.timeoutSeconds = 20;
        source.fullSyncIntervalSeconds = 0;  // incremental unless asked
        // Small test directories: one deletion of three is 33 %.
        source.maxDeletionPercent = 50;
        return source;
    }

    std::string dnOf(const std::string& uid) const {
        return "uid=" + uid + "," + slapd->peopleDn();
    }

    void addPeople(int count, const std::string& prefix = "user") {
        std::string ldif;
        for (int i = 0; i < count; ++i) {
            ldif += personLdif(slapd->peopleDn(), prefix + std::to_string(i),
                               "Given" + std::to_string(i), "Person" + std::to_string(i));
        }
        slapd->add(ldif);
    }

    // ann (managed by bob, who comes later in the directory), bob, cyd; groups
    // staff (ann, bob, and the nested group ops) and ops (cyd).
    void addStandardDirectory() {
        slapd->add(personLdif(slapd->peopleDn(), "ann", "Ann", "Archer",
                              "title: Engineer\nmanager: " + dnOf("bob")) +
                   personLdif(slapd->peopleDn(), "bob", "Bob", "Baker", "title: Director") +
                   personLdif(slapd->peopleDn(), "cyd", "Cyd", "Cole"));
        slapd->add("dn: cn=ops," + slapd->groupsDn() +
                   "\nobjectClass: groupOfNames\ncn: ops\nmember: " + dnOf("cyd") + "\n\n" +
                   "dn: cn=staff," + slapd->groupsDn() +
                   "\nobjectClass: groupOfNames\ncn: staff\nmember: " + dnOf("ann") +
                   "\nmember: " + dnOf("bob") + "\nmember: cn=ops," + slapd->groupsDn() + "\n");
    }

    std::unique_ptr<SlapdServer> slapd;
    std::unique_ptr<SyncStoreFixture> store;
};

bool hasMember(const Group& group, GroupMember::Kind kind, Id id) {
    return std::any_of(group.members.begin(), group.members.end(),
                       [&](const GroupMember& m) { return m.kind == kind && m.id == id; });
}

TEST_F(LdapSyncTest, FullSyncCreatesUsersGroupsManagersAndAudit) {
    addStandardDirectory();
    const sync::SyncReport report = store->run(source());
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_TRUE(report.run.full);
    EXPECT_EQ(report.method, "syncrepl");
    EXPECT_EQ(report.run.counts.created, 3) << describe(report);
    EXPECT_EQ(report.run.counts.groupsCreated, 2) << describe(report);

    const auto ann = store->user("ann");
    const auto bob = store->user("bob");
    const auto cyd = store->user("cyd");
    ASSERT_TRUE(ann && bob && cyd);
    EXPECT_EQ(ann->name.givenName, "Ann");
    EXPECT_EQ(ann->name.familyName, "Archer");
    EXPECT_EQ(ann->displayName, "Ann Archer");
    EXPECT_EQ(ann->title, "Engineer");
    EXPECT_EQ(ann->identityProvider, "corp");
    ASSERT_EQ(ann->identifiers.size(), 1u);
    EXPECT_EQ(ann->identifiers[0].value, "ann@example.com");
    // bob was read after ann: the manager is resolved in a second pass.
    EXPECT_EQ(ann->managerId, bob->id);

    const auto staff = store->group("staff");
    const auto ops = store->group("ops");
    ASSERT_TRUE(staff && ops);
    EXPECT_TRUE(hasMember(*staff, GroupMember::Kind::user, ann->id));
    EXPECT_TRUE(hasMember(*staff, GroupMember::Kind::user, bob->id));
    EXPECT_TRUE(hasMember(*staff, GroupMember::Kind::group, ops->id));
    EXPECT_TRUE(hasMember(*ops, GroupMember::Kind::user, cyd->id));

    const auto event = store->lastAudit();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->actor.source, "sync:corp");
    EXPECT_FALSE(store->cookie("corp").empty());

    // entryUUID anchors.
    const auto objects = store->objects("corp", SyncObjectKind::user);
    ASSERT_EQ(objects.size(), 3u);
    EXPECT_EQ(objects[0].anchor.size(), 36u);
}

TEST_F(LdapSyncTest, SecondRunWithNothingChangedWritesNothing) {
    addStandardDirectory();
    ASSERT_EQ(store->run(source()).run.status, SyncRunStatus::succeeded);
    const std::int64_t audits = store->auditCount();
    config::SyncSourceConfig full = source();
    sync::RunOptions options;
    options.full = true;
    const sync::SyncReport report = store->run(full, options);
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.run.counts.unchanged, 3) << describe(report);
    EXPECT_EQ(report.run.counts.created + report.run.counts.updated, 0) << describe(report);
    EXPECT_EQ(store->auditCount(), audits);
}

TEST_F(LdapSyncTest, IncrementalSyncreplSeesAddModifyRenameAndDelete) {
    addStandardDirectory();
    ASSERT_EQ(store->run(source()).run.status, SyncRunStatus::succeeded);
    const Id annId = store->user("ann")->id;
    const Id cydId = store->user("cyd")->id;

    slapd->add(personLdif(slapd->peopleDn(), "dee", "Dee", "Dunn"));
    slapd->modify("dn: " + dnOf("bob") + "\nchangetype: modify\nreplace: title\ntitle: CTO\n\n" +
                  "dn: " + dnOf("ann") +
                  "\nchangetype: modrdn\nnewrdn: uid=anne\ndeleteoldrdn: 1\n\n" +
                  "dn: " + dnOf("cyd") + "\nchangetype: delete\n");
    const sync::SyncReport report = store->run(source());
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_FALSE(report.run.full);
    EXPECT_EQ(report.method, "syncrepl");
    EXPECT_EQ(report.run.counts.created, 1) << describe(report);
    EXPECT_EQ(report.run.counts.updated, 2) << describe(report);
    EXPECT_EQ(report.run.counts.deactivated, 1) << describe(report);

    EXPECT_TRUE(store->user("dee"));
    EXPECT_EQ(store->user("bob")->title, "CTO");
    // Renamed in the directory: the same user, renamed, not a new one.
    ASSERT_TRUE(store->user("anne"));
    EXPECT_EQ(store->user("anne")->id, annId);
    EXPECT_FALSE(store->user("ann"));
    // Deleted in the directory: deactivated, never silently removed.
    ASSERT_TRUE(store->user("cyd"));
    EXPECT_EQ(store->user("cyd")->id, cydId);
    EXPECT_EQ(store->user("cyd")->status, UserStatus::deactivated);
    // Deactivation keeps everything else, group memberships included (SPEC U-3).
    EXPECT_TRUE(hasMember(*store->group("ops"), GroupMember::Kind::user, cydId));
}

TEST_F(LdapSyncTest, DryRunReportsThePlanAndWritesNothing) {
    addStandardDirectory();
    ASSERT_EQ(store->run(source()).run.status, SyncRunStatus::succeeded);
    const std::int64_t audits = store->auditCount();
    const std::string cookie = store->cookie("corp");

    slapd->add(personLdif(slapd->peopleDn(), "dee", "Dee", "Dunn"));
    slapd->modify("dn: " + dnOf("bob") + "\nchangetype: modify\nreplace: title\ntitle: CTO\n\n" +
                  "dn: " + dnOf("cyd") + "\nchangetype: delete\n");
    sync::RunOptions options;
    options.dryRun = true;
    const sync::SyncReport report = store->run(source(), options);
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.run.counts.created, 1);
    EXPECT_EQ(report.run.counts.updated, 1);
    EXPECT_EQ(report.run.counts.deactivated, 1);
    bool sawTitle = false;
    for (const sync::PlannedChange& change : report.plan) {
        if (change.action != "update") continue;
        EXPECT_EQ(change.name, "bob");
        for (const sync::FieldDiff& diff : change.diffs) {
            if (diff.field == "title") {
                EXPECT_EQ(diff.before, "Director");
                EXPECT_EQ(diff.after, "CTO");
                sawTitle = true;
            }
        }
    }
    EXPECT_TRUE(sawTitle);

    EXPECT_EQ(store->auditCount(), audits);
    EXPECT_FALSE(store->user("dee"));
    EXPECT_EQ(store->user("bob")->title, "Director");
    EXPECT_EQ(store->user("cyd")->status, UserStatus::active);
    EXPECT_EQ(store->cookie("corp"), cookie);
}

TEST_F(LdapSyncTest, DeletionThresholdStopsARunThatWouldDeactivateSixtyPercent) {
    addPeople(10);
    config::SyncSourceConfig corp = source();
    corp.maxDeletionPercent = 50;
    ASSERT_EQ(store->run(corp).run.status, SyncRunStatus::succeeded);
    std::string ldif;
    for (int i = 0; i < 6; ++i)
        ldif += "dn: " + dnOf("user" + std::to_string(i)) + "\nchangetype: delete\n\n";
    slapd->add(personLdif(slapd->peopleDn(), "newcomer", "New", "Comer"));
    slapd->modify(ldif);
    const std::int64_t audits = store->auditCount();

    sync::RunOptions options;
    options.full = true;
    const sync::SyncReport stopped = store->run(corp, options);
    EXPECT_EQ(stopped.run.status, SyncRunStatus::stopped) << describe(stopped);
    EXPECT_NE(stopped.run.message.find("6 of 10 users would be deactivated"), std::string::npos)
        << stopped.run.message;
    // Nothing at all was written, not even the newcomer.
    EXPECT_EQ(store->auditCount(), audits);
    EXPECT_FALSE(store->user("newcomer"));
    EXPECT_EQ(store->user("user0")->status, UserStatus::active);

    options.ignoreDeletionThreshold = true;
    const sync::SyncReport forced = store->run(corp, options);
    ASSERT_EQ(forced.run.status, SyncRunStatus::succeeded) << describe(forced);
    EXPECT_EQ(forced.run.counts.deactivated, 6);
    EXPECT_EQ(store->user("user0")->status, UserStatus::deactivated);
    EXPECT_TRUE(store->user("newcomer"));
}

// SPEC D-5: users the source marks disabled are deactivations too, and count
// against the threshold like users that are gone.
TEST_F(LdapSyncTest, DeletionThresholdCountsUsersTheSourceMarksDisabled) {
    addPeople(10);
    config::SyncSourceConfig corp = source();
    config::FieldMapping userName;
    userName.field = "userName";
    userName.templateText = "{uid}";
    config::FieldMapping status;
    status.field = "status";
    status.templateText = "{employeeType}";
    status.defaultValue = "active";
    corp.userFields = {userName, status};
    ASSERT_EQ(store->run(corp).run.status, SyncRunStatus::succeeded);
    std::string ldif;
    for (int i = 0; i < 6; ++i) {
        ldif += "dn: " + dnOf("user" + std::to_string(i)) +
                "\nchangetype: modify\nreplace: employeeType\nemployeeType: disabled\n\n";
    }
    slapd->modify(ldif);

    const sync::SyncReport stopped = store->run(corp);
    EXPECT_EQ(stopped.run.status, SyncRunStatus::stopped) << describe(stopped);
    EXPECT_NE(stopped.run.message.find("6 of 10 users would be deactivated"), std::string::npos)
        << stopped.run.message;
    EXPECT_EQ(store->user("user0")->status, UserStatus::active);
}

TEST_F(LdapSyncTest, MissingUsersAreDeletedOnlyAfterTheirGracePeriod) {
    addStandardDirectory();
    config::SyncSourceConfig corp = source();
    corp.missingUsers = config::MissingUserPolicy::delete_after;
    corp.deleteAfterDays = 0;  // the next run after the deactivation
    ASSERT_EQ(store->run(corp).run.status, SyncRunStatus::succeeded);
    slapd->modify("dn: " + dnOf("cyd") + "\nchangetype: delete\n");
    const sync::SyncReport first = store->run(corp);
    ASSERT_EQ(first.run.status, SyncRunStatus::succeeded) << describe(first);
    EXPECT_EQ(first.run.counts.deactivated, 1) << describe(first);
    EXPECT_EQ(first.run.counts.deleted, 0) << describe(first);
    ASSERT_TRUE(store->user("cyd"));

    sync::RunOptions options;
    options.full = true;
    const sync::SyncReport second = store->run(corp, options);
    ASSERT_EQ(second.run.status, SyncRunStatus::succeeded) << describe(second);
    EXPECT_EQ(second.run.counts.deleted, 1) << describe(second);
    EXPECT_FALSE(store->user("cyd"));
    EXPECT_EQ(store->lastAudit()->action, "user.delete");

    corp.missingUsers = config::MissingUserPolicy::ignore;
    slapd->modify("dn: " + dnOf("bob") + "\nchangetype: delete\n");
    const sync::SyncReport ignored = store->run(corp);
    ASSERT_EQ(ignored.run.status, SyncRunStatus::succeeded) << describe(ignored);
    EXPECT_EQ(ignored.run.counts.deactivated, 0) << describe(ignored);
    EXPECT_EQ(store->user("bob")->status, UserStatus::active);
}

TEST_F(LdapSyncTest, RenamingTheOuDoesNotRecreateUsers) {
    addPeople(3);
    config::SyncSourceConfig corp = source();
    corp.users.baseDns = {slapd->suffix()};
    ASSERT_EQ(store->run(corp).run.status, SyncRunStatus::succeeded);
    const Id firstId = store->user("user0")->id;
    slapd->modify("dn: " + slapd->peopleDn() +
                  "\nchangetype: modrdn\nnewrdn: ou=staff\ndeleteoldrdn: 1\n");
    sync::RunOptions options;
    options.full = true;
    const sync::SyncReport report = store->run(corp, options);
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.run.counts.created, 0) << describe(report);
    EXPECT_EQ(report.run.counts.deactivated, 0) << describe(report);
    EXPECT_EQ(store->userCount(), 3);
    EXPECT_EQ(store->user("user0")->id, firstId);
    for (const SyncObject& object : store->objects("corp", SyncObjectKind::user)) {
        EXPECT_NE(object.dn.find("ou=staff"), std::string::npos) << object.dn;
    }
}

TEST_F(LdapSyncTest, ServerDownMidRunFailsClearlyAndCommitsOnlyWholeBatches) {
    addPeople(40);
    config::SyncSourceConfig corp = source();
    corp.incremental = config::IncrementalMethod::modify_timestamp;  // paged: one request per page
    corp.pageSize = 10;
    corp.batchSize = 5;
    sync::RunOptions options;
    // Killed, not shut down: a slapd shutting down answers a search still in
    // flight with "Server is unavailable (52)" -- or not, depending on where
    // the page was when the signal came.
    options.afterBatch = [&](int batch) {
        if (batch == 1) slapd->crash();
    };
    const sync::SyncReport failed = store->run(corp, options);
    EXPECT_EQ(failed.run.status, SyncRunStatus::failed) << describe(failed);
    EXPECT_NE(failed.run.message.find("Can't contact LDAP server"), std::string::npos)
        << failed.run.message;
    EXPECT_NE(failed.run.message.find(slapd->url()), std::string::npos) << failed.run.message;
    const std::int64_t landed = store->userCount();
    EXPECT_GT(landed, 0);
    EXPECT_LT(landed, 40);
    EXPECT_EQ(landed % 5, 0) << "a batch landed in part";
    EXPECT_TRUE(store->cookie("corp").empty()) << "the cookie ran ahead of the data";

    slapd->start();
    const sync::SyncReport resumed = store->run(corp);
    ASSERT_EQ(resumed.run.status, SyncRunStatus::succeeded) << describe(resumed);
    EXPECT_EQ(store->userCount(), 40);
    EXPECT_EQ(resumed.run.counts.created, 40 - landed) << describe(resumed);
}

TEST_F(LdapSyncTest, BadCredentialsFailTheRunWithTheLdapError) {
    config::SyncSourceConfig corp = source();
    corp.bindPassword = "not-the-password";
    const sync::SyncReport report = store->run(corp);
    EXPECT_EQ(report.run.status, SyncRunStatus::failed);
    EXPECT_NE(report.run.message.find("Invalid credentials (49)"), std::string::npos)
        << report.run.message;
    EXPECT_EQ(report.run.message.find("not-the-password"), std::string::npos);
}

TEST_F(LdapSyncTest, StartTlsSourceWithCaFile) {
    addPeople(2);
    config::SyncSourceConfig corp = source();
    corp.tls = config::DirectoryTls::starttls;
    corp.caFile = slapd->caFile();
    const sync::SyncReport report = store->run(corp);
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.run.counts.created, 2);
}

TEST_F(LdapSyncTest, GroupScopeValueIsEscapedAgainstFilterInjection) {
    addStandardDirectory();
    config::SyncSourceConfig corp = source();
    corp.groups.baseDns.clear();
    // Pasted into (&(objectClass=inetOrgPerson)(memberOf=%s)) unescaped, this
    // would widen the scope to every person.
    corp.users.memberOf = "x)(objectClass=*";
    const sync::SyncReport hostile = store->run(corp);
    ASSERT_EQ(hostile.run.status, SyncRunStatus::succeeded) << describe(hostile);
    EXPECT_EQ(hostile.run.counts.created, 0) << describe(hostile);

    corp.users.memberOf = "cn=staff," + slapd->groupsDn();
    sync::RunOptions options;
    options.full = true;
    const sync::SyncReport scoped = store->run(corp, options);
    ASSERT_EQ(scoped.run.status, SyncRunStatus::succeeded) << describe(scoped);
    EXPECT_EQ(scoped.run.counts.created, 2) << describe(scoped);  // ann and bob, not cyd
    EXPECT_FALSE(store->user("cyd"));
}

TEST_F(LdapSyncTest, MappingTransformsRolesAndCreateOnlyFields) {
    addStandardDirectory();
    config::SyncSourceConfig corp = source();
    auto field = [](std::string name, std::string text) {
        config::FieldMapping mapping;
        mapping.field = std::move(name);
        mapping.templateText = std::move(text);
        return mapping;
    };
    config::FieldMapping userName = field("userName", "{mail}");
    userName.transforms.push_back({config::ValueTransform::Kind::split, {}, {}, "@", 0});
    userName.transforms.push_back({config::ValueTransform::Kind::upper, {}, {}, {}, 0});
    config::FieldMapping display = field("displayName", "{sn}, {givenName}");
    config::FieldMapping department = field("department", "{departmentNumber}");
    department.defaultValue = "Unassigned";
    config::FieldMapping title = field("title", "{title}");
    title.createOnly = true;
    config::FieldMapping upn = field("upn", "{mail}");
    upn.transforms.push_back(
        {config::ValueTransform::Kind::regex_replace, "@example\\.com$", "@corp.example", {}, 0});
    corp.userFields = {userName, display, department,
                       title,    upn,     field("organization", "Example Ltd")};
    corp.roles = {{"cn=staff," + slapd->groupsDn(), "admin"}};

    ASSERT_EQ(store->run(corp).run.status, SyncRunStatus::succeeded);
    auto ann = store->user("ANN");
    ASSERT_TRUE(ann);
    EXPECT_EQ(ann->displayName, "Archer, Ann");
    EXPECT_EQ(ann->department, "Unassigned");
    EXPECT_EQ(ann->organization, "Example Ltd");
    EXPECT_EQ(ann->title, "Engineer");
    ASSERT_EQ(ann->identifiers.size(), 1u);
    EXPECT_EQ(ann->identifiers[0].value, "ann@corp.example");
    EXPECT_EQ(ann->roles, std::vector<std::string>{"admin"});
    // cyd is in staff through the nested group ops.
    EXPECT_EQ(store->user("CYD")->roles, std::vector<std::string>{"admin"});

    // title is create-only: the directory's later value does not overwrite it.
    slapd->modify(
        "dn: " + dnOf("ann") +
        "\nchangetype: modify\nreplace: title\ntitle: Manager\n-\nreplace: sn\nsn: Arch\n");
    ASSERT_EQ(store->run(corp).run.status, SyncRunStatus::succeeded);
    ann = store->user("ANN");
    EXPECT_EQ(ann->title, "Engineer");
    EXPECT_EQ(ann->displayName, "Arch, Ann");
}

TEST_F(LdapSyncTest, ARefusedEntryIsReportedAndTheRestLands) {
    // Two entries mapping to one userName: the second is refused.
    slapd->add(personLdif(slapd->peopleDn(), "ann", "Ann", "One", "employeeNumber: 1") +
               personLdif(slapd->peopleDn(), "ann2", "Ann", "Two", "employeeNumber: 2") +
               personLdif(slapd->peopleDn(), "ann3", "Ann", "Three", "employeeNumber: 2"));
    config::SyncSourceConfig corp = source();
    config::FieldMapping userName;
    userName.field = "userName";
    userName.templateText = "emp{employeeNumber}";
    corp.userFields = {userName};
    const sync::SyncReport report = store->run(corp);
    EXPECT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.run.counts.created, 2) << describe(report);
    EXPECT_EQ(report.run.counts.errors, 1) << describe(report);
    ASSERT_EQ(report.errors.size(), 1u);
    EXPECT_FALSE(report.run.message.empty());
}

TEST_F(LdapSyncTest, RolesFollowNestedGroupsAndTheirRemoval) {
    addStandardDirectory();
    const std::string staff = "cn=staff," + slapd->groupsDn();
    const std::string ops = "cn=ops," + slapd->groupsDn();
    // A cycle (ops holds staff, which holds ops) must not loop.
    slapd->modify("dn: " + ops + "\nchangetype: modify\nadd: member\nmember: " + staff + "\n");
    config::SyncSourceConfig corp = source();
    corp.roles = {{staff, "admin"}};
    const sync::SyncReport first = store->run(corp);
    ASSERT_EQ(first.run.status, SyncRunStatus::succeeded) << describe(first);
    const std::vector<std::string> admin{"admin"};
    EXPECT_EQ(store->user("ann")->roles, admin);
    EXPECT_EQ(store->user("cyd")->roles, admin) << "cyd is in staff through ops";

    // Only the group entry changes: cyd's own entry does not.
    slapd->modify("dn: " + staff + "\nchangetype: modify\ndelete: member\nmember: " + ops + "\n");
    const sync::SyncReport second = store->run(corp);
    ASSERT_EQ(second.run.status, SyncRunStatus::succeeded) << describe(second);
    EXPECT_TRUE(store->user("cyd")->roles.empty()) << describe(second);
    EXPECT_EQ(store->user("ann")->roles, admin);
    EXPECT_EQ(second.run.counts.updated, 1) << describe(second);

    // Nothing changed since: the next run is a delta again, and writes nothing.
    const sync::SyncReport third = store->run(corp);
    ASSERT_EQ(third.run.status, SyncRunStatus::succeeded) << describe(third);
    EXPECT_FALSE(third.run.full) << describe(third);
    EXPECT_EQ(third.run.counts.updated + third.run.counts.created, 0) << describe(third);
}

class LdapSyncWithoutSyncprovTest : public LdapSyncTest {
  protected:
    SlapdOptions slapdOptions() const override {
        SlapdOptions options;
        options.syncprov = false;
        options.tls = false;
        return options;
    }
};

TEST_F(LdapSyncWithoutSyncprovTest, FallsBackToAModifyTimestampHighWaterMark) {
    addPeople(4);
    // modifyTimestamp counts whole seconds and the mark is read again with
    // >= (never missing a change made in the same second): a marker entry a
    // second later leaves only itself at the mark.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    slapd->add(personLdif(slapd->peopleDn(), "marker", "Mark", "Er"));
    const sync::SyncReport first = store->run(source());
    ASSERT_EQ(first.run.status, SyncRunStatus::succeeded) << describe(first);
    EXPECT_EQ(first.run.counts.created, 5);
    EXPECT_NE(store->cookie("corp").find("modifyTimestamp"), std::string::npos);

    slapd->modify("dn: " + dnOf("user2") + "\nchangetype: modify\nreplace: sn\nsn: Changed\n");
    slapd->add(personLdif(slapd->peopleDn(), "late", "Late", "Comer"));
    const sync::SyncReport second = store->run(source());
    ASSERT_EQ(second.run.status, SyncRunStatus::succeeded) << describe(second);
    EXPECT_EQ(second.method, "modifyTimestamp");
    EXPECT_FALSE(second.run.full);
    EXPECT_EQ(second.run.counts.created, 1) << describe(second);
    EXPECT_EQ(second.run.counts.updated, 1) << describe(second);
    EXPECT_EQ(second.run.counts.entriesRead, 3) << "read more than the changes and the marker";
    EXPECT_EQ(store->user("user2")->name.familyName, "Changed");
}

// The same full and incremental sync on PostgreSQL: the sync state SQL
// (upserts, lease) must work on both backends.
TEST_F(LdapSyncTest, FullAndIncrementalSyncOnPostgresql) {
    std::string whyMissing;
    PostgresServer* postgres = sharedPostgres(&whyMissing);
    if (postgres == nullptr) {
        if (serversRequired()) FAIL() << "PostgreSQL is required: " << whyMissing;
        GTEST_SKIP() << whyMissing;
    }
    store = std::make_unique<SyncStoreFixture>(postgres->createDatabase("sync_ldap"));
    addStandardDirectory();
    ASSERT_EQ(store->run(source()).run.status, SyncRunStatus::succeeded);
    slapd->modify("dn: " + dnOf("cyd") + "\nchangetype: delete\n");
    const sync::SyncReport report = store->run(source());
    ASSERT_EQ(report.run.status, SyncRunStatus::succeeded) << describe(report);
    EXPECT_EQ(report.run.counts.deactivated, 1);
    EXPECT_EQ(store->user("ann")->managerId, store->user("bob")->id);
    EXPECT_EQ(store->user("cyd")->status, UserStatus::deactivated);
}

// Several daemons on one PostgreSQL database: a source runs on one at a
// time (an advisory lock held through the run), the lock is free again
// after the run, and when its holder's connection dies (the daemon died) the
// server frees it and the old holder writes no further batch.
class LdapSyncLockTest : public LdapSyncTest {
  protected:
    void SetUp() override {
        LdapSyncTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        std::string whyMissing;
        postgres = sharedPostgres(&whyMissing);
        if (postgres == nullptr) {
            if (serversRequired()) FAIL() << "PostgreSQL is required: " << whyMissing;
            GTEST_SKIP() << whyMissing;
        }
        static int databases = 0;  // tests of one binary share the server
        database = "sync_lock" + std::to_string(++databases);
        const std::string url = postgres->createDatabase(database);
        store = std::make_unique<SyncStoreFixture>(url);
        otherDaemon = store::openStore(store::StoreOptions{url, 2, 5000});
        addPeople(12);
    }

    config::SyncSourceConfig corp() const {
        config::SyncSourceConfig corp = source();
        corp.batchSize = 5;
        return corp;
    }

    sync::SyncReport runOnOtherDaemon(bool full = false) {
        const config::SyncSourceConfig source = corp();  // the engine keeps a reference
        sync::SyncEngine engine(*otherDaemon, source, store->tenantId());
        sync::RunOptions options;
        options.full = full;
        return engine.run(options);
    }

    std::string database;
    PostgresServer* postgres = nullptr;
    std::unique_ptr<Store> otherDaemon;
};

TEST_F(LdapSyncLockTest, SecondDaemonIsRefusedWhileTheFirstRunsAndRunsAfterIt) {
    sync::RunOptions options;
    bool refused = false;
    options.afterBatch = [&](int batch) {
        if (batch != 1) return;
        try {
            runOnOtherDaemon();
            ADD_FAILURE() << "the second daemon ran the source during the first one's run";
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), ErrorCode::conflict);
            EXPECT_NE(std::string(error.what()).find("running on another daemon"),
                      std::string::npos)
                << error.what();
            refused = true;
        }
    };
    const sync::SyncReport first = store->run(corp(), options);
    ASSERT_EQ(first.run.status, SyncRunStatus::succeeded) << describe(first);
    EXPECT_TRUE(refused);
    EXPECT_EQ(store->userCount(), 12);

    // Released at the end of the run: the other daemon runs now.
    const sync::SyncReport second = runOnOtherDaemon(true);
    ASSERT_EQ(second.run.status, SyncRunStatus::succeeded) << describe(second);
    EXPECT_EQ(second.run.counts.unchanged, 12) << describe(second);
}

TEST_F(LdapSyncLockTest, LockIsFreedWhenItsHoldersConnectionDies) {
    sync::RunOptions options;
    std::optional<sync::SyncReport> takenOver;
    options.afterBatch = [&](int batch) {
        if (batch != 1) return;
        // As if the first daemon's host vanished: its lock connection drops.
        postgres->runSql(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND "
            "database = (SELECT oid FROM pg_database WHERE datname = '" +
            database + "')");
        // The server frees the lock as soon as the backend is gone.
        for (int attempt = 0; attempt < 100 && !takenOver; ++attempt) {
            try {
                takenOver = runOnOtherDaemon();
            } catch (const Error& error) {
                ASSERT_EQ(error.code(), ErrorCode::conflict) << error.what();
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
    };
    const sync::SyncReport first = store->run(corp(), options);
    ASSERT_TRUE(takenOver) << "the lock stayed taken after its connection died";
    ASSERT_EQ(takenOver->run.status, SyncRunStatus::succeeded) << describe(*takenOver);
    EXPECT_EQ(store->userCount(), 12);
    // The first daemon noticed at its next batch and stopped writing.
    EXPECT_EQ(first.run.status, SyncRunStatus::failed) << describe(first);
    EXPECT_NE(first.run.message.find("lost its run lock"), std::string::npos) << first.run.message;
    EXPECT_EQ(first.batches, 1) << describe(first);
}

}  // namespace
}  // namespace muster::test
