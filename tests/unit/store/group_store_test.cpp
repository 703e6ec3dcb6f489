// Groups: members (users and nested groups), owners, uniqueness, isolation.

#include "backend_fixture.hpp"

namespace muster::store::testing {
namespace {

class GroupStoreTest : public BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        migrated();
        acme = createTenant("acme");
        globex = createTenant("globex");
    }

    Group create(const Group& group) {
        return inWrite([&](Transaction& tx) { return tx.groups().create(group); });
    }
    User createUser(Id tenantId, const std::string& userName, const std::string& displayName) {
        User user = minimalUser(tenantId, userName);
        user.displayName = displayName;
        return inWrite([&](Transaction& tx) { return tx.users().create(user); });
    }

    Tenant acme, globex;
};

Group group(Id tenantId, const std::string& displayName) {
    Group g;
    g.tenantId = tenantId;
    g.displayName = displayName;
    return g;
}

GroupMember member(GroupMember::Kind kind, Id id) { return GroupMember{kind, id, {}}; }

TEST_P(GroupStoreTest, StoresUserAndNestedGroupMembersWithTheirNames) {
    User jane = createUser(acme.id, "jane", "Jane Doe");
    User bob = createUser(acme.id, "bob", "");
    Group nested = create(group(acme.id, "Night Shift"));

    Group input = group(acme.id, "Support");
    input.externalId = "okta-123";
    input.productiveHoursGoal = 6.5;
    input.members = {member(GroupMember::Kind::user, jane.id),
                     member(GroupMember::Kind::user, bob.id),
                     member(GroupMember::Kind::group, nested.id),
                     member(GroupMember::Kind::user, jane.id)};  // listed twice: once
    input.ownerIds = {bob.id};
    Group created = create(input);
    EXPECT_GT(created.id, 0);
    EXPECT_EQ(created.version, 1);

    auto found = inRead([&](Transaction& tx) { return tx.groups().findById(acme.id, created.id); });
    ASSERT_TRUE(found);
    EXPECT_EQ(found->displayName, "Support");
    EXPECT_EQ(found->externalId, "okta-123");
    EXPECT_EQ(found->productiveHoursGoal, 6.5);
    EXPECT_EQ(found->ownerIds, std::vector<Id>{bob.id});
    ASSERT_EQ(found->members.size(), 3u);
    EXPECT_EQ(found->members[0].kind, GroupMember::Kind::user);
    EXPECT_EQ(found->members[0].id, jane.id);
    EXPECT_EQ(found->members[0].display, "Jane Doe");
    EXPECT_EQ(found->members[1].display, "bob");  // no display name: the userName
    EXPECT_EQ(found->members[2].kind, GroupMember::Kind::group);
    EXPECT_EQ(found->members[2].id, nested.id);
    EXPECT_EQ(found->members[2].display, "Night Shift");

    // A user knows the groups it is a direct member of.
    auto janeFound = inRead([&](Transaction& tx) { return tx.users().findById(acme.id, jane.id); });
    EXPECT_EQ(janeFound->groupIds, std::vector<Id>{created.id});
}

TEST_P(GroupStoreTest, WithoutMembersReturnsTheGroupAlone) {
    User jane = createUser(acme.id, "jane", "Jane");
    Group input = group(acme.id, "Support");
    input.members = {member(GroupMember::Kind::user, jane.id)};
    input.ownerIds = {jane.id};
    Group created = create(input);

    auto found =
        inRead([&](Transaction& tx) { return tx.groups().findById(acme.id, created.id, false); });
    ASSERT_TRUE(found);
    EXPECT_EQ(found->displayName, "Support");
    EXPECT_TRUE(found->members.empty());
    EXPECT_EQ(found->ownerIds, std::vector<Id>{jane.id});

    Page<Group> page =
        inRead([&](Transaction& tx) { return tx.groups().list(acme.id, {}, false); });
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_TRUE(page.items[0].members.empty());
    EXPECT_EQ(page.totalResults, 1);
}

TEST_P(GroupStoreTest, UpdateReplacesMembersAndBumpsVersion) {
    User jane = createUser(acme.id, "jane", "Jane");
    User bob = createUser(acme.id, "bob", "Bob");
    Group input = group(acme.id, "Support");
    input.members = {member(GroupMember::Kind::user, jane.id)};
    input.productiveHoursGoal = 7;
    Group created = create(input);

    created.displayName = "Customer Support";
    created.members = {member(GroupMember::Kind::user, bob.id)};
    created.productiveHoursGoal.reset();
    Group updated = inWrite([&](Transaction& tx) { return tx.groups().update(created); });
    EXPECT_EQ(updated.version, 2);
    EXPECT_EQ(updated.displayName, "Customer Support");
    EXPECT_FALSE(updated.productiveHoursGoal);
    ASSERT_EQ(updated.members.size(), 1u);
    EXPECT_EQ(updated.members[0].id, bob.id);

    Group ghost = group(acme.id, "Ghost");
    ghost.id = 999;
    EXPECT_EQ(
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.groups().update(ghost); }); }).code(),
        ErrorCode::not_found);
}

TEST_P(GroupStoreTest, RemovingAMemberOrTheGroupRemovesMemberships) {
    User jane = createUser(acme.id, "jane", "Jane");
    Group nested = create(group(acme.id, "Nested"));
    Group input = group(acme.id, "Support");
    input.members = {member(GroupMember::Kind::user, jane.id),
                     member(GroupMember::Kind::group, nested.id)};
    Group created = create(input);

    inWrite([&](Transaction& tx) {
        tx.users().remove(acme.id, jane.id);
        tx.groups().remove(acme.id, nested.id);
    });
    auto found = inRead([&](Transaction& tx) { return tx.groups().findById(acme.id, created.id); });
    ASSERT_TRUE(found);
    EXPECT_TRUE(found->members.empty());

    inWrite([&](Transaction& tx) { tx.groups().remove(acme.id, created.id); });
    EXPECT_FALSE(
        inRead([&](Transaction& tx) { return tx.groups().findById(acme.id, created.id); }));
    EXPECT_EQ(errorFrom([&] {
                  inWrite([&](Transaction& tx) { tx.groups().remove(acme.id, created.id); });
              }).code(),
              ErrorCode::not_found);
}

TEST_P(GroupStoreTest, DisplayNameIsUniquePerTenantIgnoringCase) {
    Group first = create(group(acme.id, "Support"));
    Error error = errorFrom([&] { create(group(acme.id, "SUPPORT")); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "displayName");
    EXPECT_NE(std::string(error.what()).find("\"SUPPORT\""), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("group " + std::to_string(first.id)),
              std::string::npos);
    EXPECT_NO_THROW(create(group(globex.id, "Support")));
}

TEST_P(GroupStoreTest, MembersAndOwnersMustBelongToTheTenant) {
    User outsider = createUser(globex.id, "outsider", "Outsider");
    Group foreignGroup = create(group(globex.id, "Foreign"));

    Group withUser = group(acme.id, "A");
    withUser.members = {member(GroupMember::Kind::user, outsider.id)};
    Error userError = errorFrom([&] { create(withUser); });
    EXPECT_EQ(userError.code(), ErrorCode::invalid_input);
    EXPECT_EQ(userError.attribute(), "members");

    Group withGroup = group(acme.id, "B");
    withGroup.members = {member(GroupMember::Kind::group, foreignGroup.id)};
    EXPECT_EQ(errorFrom([&] { create(withGroup); }).attribute(), "members");

    Group withOwner = group(acme.id, "C");
    withOwner.ownerIds = {outsider.id};
    EXPECT_EQ(errorFrom([&] { create(withOwner); }).attribute(), "owners");

    inRead([&](Transaction& tx) {
        EXPECT_FALSE(tx.groups().findById(acme.id, foreignGroup.id));
        EXPECT_EQ(tx.groups().list(acme.id, {}, true).totalResults, 0);
    });
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupStoreTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
