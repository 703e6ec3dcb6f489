// Users: every field stored and read back, uniqueness, tenant isolation.

#include <thread>

#include "backend_fixture.hpp"

namespace muster::store::testing {
namespace {

class UserStoreTest : public BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        migrated();
        acme = createTenant("acme");
        globex = createTenant("globex");
    }

    User create(const User& user) {
        return inWrite([&](Transaction& tx) { return tx.users().create(user); });
    }
    std::optional<User> find(Id tenantId, Id id) {
        return inRead([&](Transaction& tx) { return tx.users().findById(tenantId, id); });
    }

    Tenant acme, globex;
};

// Every field set to a value distinct from its default.
User fullUser(Id tenantId, Id managerId) {
    User u = minimalUser(tenantId, "Jane.Doe");
    u.externalId = "ext-1";
    u.name = {"Dr. Jane Q. Doe", "Doe", "Jane", "Quinn", "Dr.", "PhD"};
    u.displayName = "Jane Doe";
    u.nickName = "JD";
    u.title = "Engineer";
    u.userType = "Employee";
    u.preferredLanguage = "en-GB";
    u.locale = "en_GB";
    u.timezone = "Europe/London";
    u.employeeNumber = "E-42";
    u.costCenter = "CC1";
    u.organization = "Acme";
    u.division = "R&D";
    u.department = "Platform";
    u.section = "Storage";
    u.managerId = managerId;
    u.team = "Core";
    u.tags = {"remote", "on-call"};
    u.sites = {SiteAccess::Mode::listed, {"london", "paris"}};
    Identifier upn{0, IdentifierKind::upn, "jane@acme.example", "", false, "", false};
    Identifier device{0, IdentifierKind::device_login, "jdoe", "CORP", false, "", false};
    Identifier anywhere{0, IdentifierKind::device_login, "jane", "", true, "", false};
    u.identifiers = {email("Jane.Doe@Acme.example", true), upn, device, anywhere,
                     email("jane@home.example")};
    u.roles = {"employee", "admin"};
    u.status = UserStatus::invited;
    u.banned = true;
    u.tracked = false;
    u.profileIncomplete = true;
    u.identityProvider = "okta";
    u.mfaStatus = MfaStatus::enabled;
    u.authzVersion = 7;
    u.lastLoginAt = 1234567;
    return u;
}

void expectSameIdentifiers(const std::vector<Identifier>& a, const std::vector<Identifier>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].kind, b[i].kind) << i;
        EXPECT_EQ(a[i].value, b[i].value) << i;
        EXPECT_EQ(a[i].logonDomain, b[i].logonDomain) << i;
        EXPECT_EQ(a[i].anyDomain, b[i].anyDomain) << i;
        EXPECT_EQ(a[i].type, b[i].type) << i;
        EXPECT_EQ(a[i].primary, b[i].primary) << i;
    }
}

void expectSameFields(const User& a, const User& b) {
    EXPECT_EQ(a.userName, b.userName);
    EXPECT_EQ(a.externalId, b.externalId);
    EXPECT_EQ(a.name.formatted, b.name.formatted);
    EXPECT_EQ(a.name.familyName, b.name.familyName);
    EXPECT_EQ(a.name.givenName, b.name.givenName);
    EXPECT_EQ(a.name.middleName, b.name.middleName);
    EXPECT_EQ(a.name.honorificPrefix, b.name.honorificPrefix);
    EXPECT_EQ(a.name.honorificSuffix, b.name.honorificSuffix);
    EXPECT_EQ(a.displayName, b.displayName);
    EXPECT_EQ(a.nickName, b.nickName);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.userType, b.userType);
    EXPECT_EQ(a.preferredLanguage, b.preferredLanguage);
    EXPECT_EQ(a.locale, b.locale);
    EXPECT_EQ(a.timezone, b.timezone);
    EXPECT_EQ(a.employeeNumber, b.employeeNumber);
    EXPECT_EQ(a.costCenter, b.costCenter);
    EXPECT_EQ(a.organization, b.organization);
    EXPECT_EQ(a.division, b.division);
    EXPECT_EQ(a.department, b.department);
    EXPECT_EQ(a.section, b.section);
    EXPECT_EQ(a.managerId, b.managerId);
    EXPECT_EQ(a.team, b.team);
    EXPECT_EQ(a.tags, b.tags);
    EXPECT_EQ(a.sites.mode, b.sites.mode);
    EXPECT_EQ(a.sites.sites, b.sites.sites);
    expectSameIdentifiers(a.identifiers, b.identifiers);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.banned, b.banned);
    EXPECT_EQ(a.tracked, b.tracked);
    EXPECT_EQ(a.profileIncomplete, b.profileIncomplete);
    EXPECT_EQ(a.identityProvider, b.identityProvider);
    EXPECT_EQ(a.mfaStatus, b.mfaStatus);
    EXPECT_EQ(a.authzVersion, b.authzVersion);
    EXPECT_EQ(a.lastLoginAt, b.lastLoginAt);
}

TEST_P(UserStoreTest, StoresAndReadsBackEveryField) {
    User boss = create(minimalUser(acme.id, "boss"));
    User input = fullUser(acme.id, boss.id);
    User created = create(input);
    EXPECT_GT(created.id, 0);
    EXPECT_EQ(created.tenantId, acme.id);
    EXPECT_EQ(created.version, 1);
    EXPECT_GT(created.createdAt, 0);
    EXPECT_EQ(created.updatedAt, created.createdAt);

    std::optional<User> found = find(acme.id, created.id);
    ASSERT_TRUE(found);
    expectSameFields(*found, input);
    // Roles come back highest rank first.
    EXPECT_EQ(found->roles, (std::vector<std::string>{"admin", "employee"}));
    EXPECT_EQ(found->createdAt, created.createdAt);

    auto byName =
        inRead([&](Transaction& tx) { return tx.users().findByUserName(acme.id, "JANE.DOE"); });
    ASSERT_TRUE(byName);
    EXPECT_EQ(byName->id, created.id);
}

TEST_P(UserStoreTest, MinimalUserKeepsDefaults) {
    User created = create(minimalUser(acme.id, "bob"));
    std::optional<User> found = find(acme.id, created.id);
    ASSERT_TRUE(found);
    expectSameFields(*found, minimalUser(acme.id, "bob"));
    EXPECT_TRUE(found->identifiers.empty());
    EXPECT_TRUE(found->roles.empty());
    EXPECT_TRUE(found->groupIds.empty());
}

TEST_P(UserStoreTest, UpdateReplacesFieldsAndBumpsVersion) {
    User created = create(fullUser(acme.id, create(minimalUser(acme.id, "boss")).id));
    User changed = created;
    changed.title = "Staff Engineer";
    changed.managerId.reset();
    changed.tags = {};
    changed.identifiers = {email("jane@new.example", true)};
    changed.roles = {"employee"};
    changed.lastLoginAt.reset();

    User updated = inWrite([&](Transaction& tx) { return tx.users().update(changed); });
    EXPECT_EQ(updated.version, created.version + 1);
    EXPECT_GE(updated.updatedAt, created.updatedAt);
    EXPECT_EQ(updated.createdAt, created.createdAt);

    std::optional<User> found = find(acme.id, created.id);
    ASSERT_TRUE(found);
    expectSameFields(*found, changed);
    EXPECT_EQ(found->roles, std::vector<std::string>{"employee"});
    EXPECT_EQ(found->version, 2);

    // The replaced email is free again for someone else.
    User other = minimalUser(acme.id, "other");
    other.identifiers = {email("jane.doe@acme.example")};
    EXPECT_NO_THROW(create(other));
}

TEST_P(UserStoreTest, UpdateAndRemoveOfAMissingUserAreNotFound) {
    User ghost = minimalUser(acme.id, "ghost");
    ghost.id = 999;
    EXPECT_EQ(
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.users().update(ghost); }); }).code(),
        ErrorCode::not_found);
    EXPECT_EQ(errorFrom([&] {
                  inWrite([&](Transaction& tx) { tx.users().remove(acme.id, 999); });
              }).code(),
              ErrorCode::not_found);
}

TEST_P(UserStoreTest, RemoveDeletesTheUserAndFreesItsIdentifiers) {
    User user = minimalUser(acme.id, "bob");
    user.identifiers = {email("bob@acme.example")};
    User created = create(user);
    User report = minimalUser(acme.id, "report");
    report.managerId = created.id;
    User reportCreated = create(report);

    inWrite([&](Transaction& tx) { tx.users().remove(acme.id, created.id); });
    EXPECT_FALSE(find(acme.id, created.id));
    // Foreign keys are enforced: the report loses its manager, not its record.
    EXPECT_FALSE(find(acme.id, reportCreated.id)->managerId);
    // ... and the identifiers went with the user (ON DELETE CASCADE).
    User again = minimalUser(acme.id, "bob2");
    again.identifiers = {email("bob@acme.example")};
    EXPECT_NO_THROW(create(again));
}

TEST_P(UserStoreTest, FindManagerIdReadsTheLinkWithinTheTenant) {
    User boss = create(minimalUser(acme.id, "boss"));
    User report = minimalUser(acme.id, "report");
    report.managerId = boss.id;
    User reportCreated = create(report);
    inRead([&](Transaction& tx) {
        EXPECT_EQ(tx.users().findManagerId(acme.id, reportCreated.id), std::optional<Id>(boss.id));
        // A user without a manager, and no such user, are told apart.
        const std::optional<std::optional<Id>> none = tx.users().findManagerId(acme.id, boss.id);
        ASSERT_TRUE(none.has_value());
        EXPECT_FALSE(none->has_value());
        EXPECT_FALSE(tx.users().findManagerId(acme.id, 999'999).has_value());
        EXPECT_FALSE(tx.users().findManagerId(globex.id, reportCreated.id).has_value());
    });
}

TEST_P(UserStoreTest, UserNameDifferingOnlyByCaseIsAConflict) {
    User first = create(minimalUser(acme.id, "Bob"));
    Error error = errorFrom([&] { create(minimalUser(acme.id, "bOB")); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "userName");
    EXPECT_NE(std::string(error.what()).find("\"bOB\""), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("user " + std::to_string(first.id)), std::string::npos)
        << error.what();
}

TEST_P(UserStoreTest, EmailHeldByAnotherUserIsAConflictNamingTheHolder) {
    User alice = minimalUser(acme.id, "alice");
    alice.identifiers = {email("a@x.com")};
    User holder = create(alice);

    User bob = minimalUser(acme.id, "bob");
    bob.identifiers = {email("A@X.com")};
    Error error = errorFrom([&] { create(bob); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "emails");
    EXPECT_EQ(std::string(error.what()),
              "email \"A@X.com\" is already used by user " + std::to_string(holder.id));
    // Nothing of bob was written.
    EXPECT_FALSE(
        inRead([&](Transaction& tx) { return tx.users().findByUserName(acme.id, "bob"); }));
}

TEST_P(UserStoreTest, OtherIdentifierKindsConflictAsIdentifiers) {
    User alice = minimalUser(acme.id, "alice");
    alice.identifiers = {{0, IdentifierKind::device_login, "alice", "CORP", false, "", false}};
    create(alice);

    User sameNameOtherDomain = minimalUser(acme.id, "alice2");
    sameNameOtherDomain.identifiers = {
        {0, IdentifierKind::device_login, "alice", "LAB", false, "", false}};
    EXPECT_NO_THROW(create(sameNameOtherDomain));

    User clash = minimalUser(acme.id, "alice3");
    clash.identifiers = {{0, IdentifierKind::device_login, "ALICE", "corp", false, "", false}};
    Error error = errorFrom([&] { create(clash); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "identifiers");
}

TEST_P(UserStoreTest, TheSameEmailTwiceInOneUserIsAConflict) {
    User user = minimalUser(acme.id, "bob");
    user.identifiers = {email("bob@x.com"), email("BOB@x.com")};
    Error error = errorFrom([&] { create(user); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "emails");
}

TEST_P(UserStoreTest, DisplayNameIsUniqueWhenSet) {
    User first = minimalUser(acme.id, "first");
    first.displayName = "Sam Smith";
    create(first);
    // Users without a display name never collide.
    create(minimalUser(acme.id, "nameless1"));
    create(minimalUser(acme.id, "nameless2"));

    User second = minimalUser(acme.id, "second");
    second.displayName = "sam smith";
    Error error = errorFrom([&] { create(second); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "displayName");
    EXPECT_NE(std::string(error.what()).find("sam smith"), std::string::npos);
}

TEST_P(UserStoreTest, UpdateKeepingOwnValuesIsNoConflict) {
    User user = minimalUser(acme.id, "bob");
    user.displayName = "Bob";
    user.identifiers = {email("bob@x.com")};
    User created = create(user);
    created.userName = "BOB";  // only the case changes
    EXPECT_NO_THROW(inWrite([&](Transaction& tx) { tx.users().update(created); }));
}

TEST_P(UserStoreTest, TheSameUserNameAndEmailInAnotherTenantIsAllowed) {
    User a = minimalUser(acme.id, "bob");
    a.identifiers = {email("bob@x.com")};
    a.displayName = "Bob";
    User b = a;
    b.tenantId = globex.id;
    create(a);
    EXPECT_NO_THROW(create(b));
}

TEST_P(UserStoreTest, ATenantCannotSeeOrTouchAnotherTenantsUsers) {
    User user = create(minimalUser(acme.id, "bob"));
    inRead([&](Transaction& tx) {
        EXPECT_FALSE(tx.users().findById(globex.id, user.id));
        EXPECT_FALSE(tx.users().findByUserName(globex.id, "bob"));
        EXPECT_EQ(tx.users().list(globex.id, {}).totalResults, 0);
    });
    User hijack = user;
    hijack.tenantId = globex.id;
    EXPECT_EQ(
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.users().update(hijack); }); }).code(),
        ErrorCode::not_found);
    EXPECT_EQ(errorFrom([&] {
                  inWrite([&](Transaction& tx) { tx.users().remove(globex.id, user.id); });
              }).code(),
              ErrorCode::not_found);
    EXPECT_TRUE(find(acme.id, user.id));

    // Nor point at them as a manager.
    User report = minimalUser(globex.id, "report");
    report.managerId = user.id;
    Error error = errorFrom([&] { create(report); });
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "manager");
}

TEST_P(UserStoreTest, UnknownRoleIsInvalidInput) {
    User user = minimalUser(acme.id, "bob");
    user.roles = {"employee", "wizard"};
    Error error = errorFrom([&] { create(user); });
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "roles");
    EXPECT_EQ(std::string(error.what()), "unknown role 'wizard'");
}

TEST_P(UserStoreTest, ListPagesInIdOrderWithTotal) {
    for (int i = 0; i < 5; ++i) create(minimalUser(acme.id, "user" + std::to_string(i)));
    create(minimalUser(globex.id, "elsewhere"));
    Page<User> page = inRead([&](Transaction& tx) { return tx.users().list(acme.id, {1, 2}); });
    EXPECT_EQ(page.totalResults, 5);
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.items[0].userName, "user1");
    EXPECT_EQ(page.items[1].userName, "user2");
}

// Two writers racing for the same userName: the second either waits for the
// first (SQLite's write lock) or hits the unique index (PostgreSQL, whose
// pre-check could not see the uncommitted row). Either way: a precise conflict.
TEST_P(UserStoreTest, ConcurrentCreatesOfTheSameUserNameYieldOneConflict) {
    auto first = store_->beginWrite();
    first->users().create(minimalUser(acme.id, "racer"));

    std::optional<Error> secondError;
    std::thread second([&] {
        try {
            inWrite([&](Transaction& tx) { tx.users().create(minimalUser(acme.id, "RACER")); });
        } catch (const Error& error) {
            secondError = error;
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    first->commit();
    first.reset();
    second.join();

    ASSERT_TRUE(secondError);
    EXPECT_EQ(secondError->code(), ErrorCode::conflict);
    EXPECT_EQ(secondError->attribute(), "userName");
    EXPECT_NE(std::string(secondError->what()).find("\"RACER\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, UserStoreTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
