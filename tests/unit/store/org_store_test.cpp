// Org structure (SPEC U-1, U-10) on both backends: the catalogues and their
// uniqueness rules, users' values checked and spelled by applyOrgStructure,
// renames and deletes that reach the users, dynamic tags, tenant isolation,
// and migration 4's backfill from existing users.

#include "backend_fixture.hpp"
#include "migrations.hpp"
#include "muster/core/org_service.hpp"
#include "soci_headers.hpp"
#include "store_url.hpp"

namespace muster::store::testing {
namespace {

using policies::TagCondition;
using policies::TagRule;
using policies::TagRuleJoin;
using policies::TagRuleOp;

Principal adminOf(const Tenant& tenant) {
    Principal principal;
    principal.tenantId = tenant.id;
    principal.tenantName = tenant.name;
    principal.tokenId = 1;
    principal.scopes = {TokenScope::admin};
    principal.actor = Actor{"token:1", "admin", "127.0.0.1", "test"};
    return principal;
}

OrgEntry entry(OrgKind kind, Id tenantId, const std::string& name, Id departmentId = 0) {
    OrgEntry e;
    e.kind = kind;
    e.tenantId = tenantId;
    e.name = name;
    e.departmentId = departmentId;
    return e;
}

TagRule rule(TagRuleJoin join, std::vector<TagCondition> conditions) {
    return TagRule{join, std::move(conditions)};
}

class OrgStoreTest : public BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        migrated();
        acme = createTenant("acme");
        globex = createTenant("globex");
        service = std::make_unique<OrgService>(*store_);
    }

    OrgEntry create(const OrgEntry& e) {
        return inWrite([&](Transaction& tx) { return tx.org().create(e); });
    }

    // A user written the way UserService writes one: through applyOrgStructure.
    User createUser(const Tenant& tenant, User user) {
        user.tenantId = tenant.id;
        return inWrite([&](Transaction& tx) {
            return tx.users().create(applyOrgStructure(tx, adminOf(tenant), user));
        });
    }
    User createUser(const Tenant& tenant, const std::string& userName,
                    const std::function<void(User&)>& fill) {
        User user = minimalUser(tenant.id, userName);
        fill(user);
        return createUser(tenant, user);
    }
    User reload(const User& user) {
        auto found =
            inRead([&](Transaction& tx) { return tx.users().findById(user.tenantId, user.id); });
        EXPECT_TRUE(found);
        return found.value_or(User{});
    }
    std::vector<AuditEvent> audit(const Tenant& tenant) {
        return inRead(
            [&](Transaction& tx) { return tx.audit().list(tenant.id, std::nullopt, 100); });
    }

    Tenant acme, globex;
    std::unique_ptr<OrgService> service;
};

// --- the repository ---

TEST_P(OrgStoreTest, NamesAreUniquePerTenantIgnoringCase) {
    for (OrgKind kind : {OrgKind::department, OrgKind::team, OrgKind::site, OrgKind::tag}) {
        SCOPED_TRACE(std::string(toString(kind)));
        OrgEntry first = create(entry(kind, acme.id, "North"));
        EXPECT_GT(first.id, 0);
        Error duplicate = errorFrom([&] { create(entry(kind, acme.id, "NORTH")); });
        EXPECT_EQ(duplicate.code(), ErrorCode::conflict);
        EXPECT_EQ(duplicate.attribute(), "name");
        EXPECT_NE(std::string(duplicate.what()).find("\"NORTH\""), std::string::npos)
            << duplicate.what();
        EXPECT_GT(create(entry(kind, globex.id, "North")).id, 0) << "another tenant may";
    }
}

TEST_P(OrgStoreTest, SectionNamesAreUniqueWithinTheirDepartment) {
    OrgEntry sales = create(entry(OrgKind::department, acme.id, "Sales"));
    OrgEntry support = create(entry(OrgKind::department, acme.id, "Support"));
    create(entry(OrgKind::section, acme.id, "East", sales.id));
    EXPECT_GT(create(entry(OrgKind::section, acme.id, "East", support.id)).id, 0);
    EXPECT_EQ(errorFrom([&] { create(entry(OrgKind::section, acme.id, "east", sales.id)); }).code(),
              ErrorCode::conflict);
}

TEST_P(OrgStoreTest, EnsureFindsOrInsertsOnce) {
    bool created = false;
    OrgEntry first = inWrite([&](Transaction& tx) {
        return tx.org().ensure(entry(OrgKind::team, acme.id, "Blue"), created);
    });
    EXPECT_TRUE(created);
    OrgEntry again = inWrite([&](Transaction& tx) {
        return tx.org().ensure(entry(OrgKind::team, acme.id, "BLUE"), created);
    });
    EXPECT_FALSE(created);
    EXPECT_EQ(again.id, first.id);
    EXPECT_EQ(again.name, "Blue") << "the catalogue keeps its spelling";
}

TEST_P(OrgStoreTest, ListsInNameOrderWithKeysetPaging) {
    for (const char* name : {"delta", "Alpha", "charlie", "Bravo", "echo"}) {
        create(entry(OrgKind::site, acme.id, name));
    }
    create(entry(OrgKind::site, globex.id, "aardvark"));
    std::vector<std::string> names;
    OrgListRequest request;
    request.limit = 2;
    for (int page = 0; page < 5; ++page) {
        auto entries =
            inRead([&](Transaction& tx) { return tx.org().list(OrgKind::site, acme.id, request); });
        for (const OrgEntry& e : entries) names.push_back(e.name);
        if (entries.size() < 2) break;
        request.afterNameNorm = std::string();
        for (char c : entries.back().name) {
            request.afterNameNorm->push_back((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
        }
        request.afterId = entries.back().id;
    }
    EXPECT_EQ(names, (std::vector<std::string>{"Alpha", "Bravo", "charlie", "delta", "echo"}));
}

TEST_P(OrgStoreTest, DynamicTagRulesRoundTrip) {
    OrgEntry tag = entry(OrgKind::tag, acme.id, "corp-sales");
    tag.tagKind = TagKind::dynamic;
    tag.rule = rule(TagRuleJoin::any, {{"department", TagRuleOp::eq, {"Sales"}},
                                       {"team", TagRuleOp::in, {"Red", "Blue"}}});
    tag.description = "Sales people and two teams";
    OrgEntry created = create(tag);
    auto found =
        inRead([&](Transaction& tx) { return tx.org().find(OrgKind::tag, acme.id, created.id); });
    ASSERT_TRUE(found);
    EXPECT_EQ(found->tagKind, TagKind::dynamic);
    ASSERT_TRUE(found->rule);
    EXPECT_EQ(*found->rule, *tag.rule);
    EXPECT_EQ(found->description, tag.description);
    create(entry(OrgKind::tag, acme.id, "static-one"));
    auto dynamic = inRead([&](Transaction& tx) { return tx.org().dynamicTags(acme.id); });
    ASSERT_EQ(dynamic.size(), 1u);
    EXPECT_EQ(dynamic[0].name, "corp-sales");
}

TEST_P(OrgStoreTest, AnotherTenantsEntriesAreNotFound) {
    OrgEntry team = create(entry(OrgKind::team, acme.id, "Blue"));
    inRead([&](Transaction& tx) {
        EXPECT_FALSE(tx.org().find(OrgKind::team, globex.id, team.id));
        EXPECT_FALSE(tx.org().findByName(OrgKind::team, globex.id, 0, "Blue"));
        return 0;
    });
    EXPECT_EQ(errorFrom([&] { service->get(adminOf(globex), OrgKind::team, team.id); }).code(),
              ErrorCode::not_found);
    EXPECT_EQ(errorFrom([&] {
                  service->edit(adminOf(globex), OrgKind::team, team.id, OrgEdit{"x", {}, {}});
              }).code(),
              ErrorCode::not_found);
    EXPECT_EQ(
        errorFrom([&] { service->remove(adminOf(globex), OrgKind::team, team.id, true); }).code(),
        ErrorCode::not_found);
    EXPECT_EQ(service->get(adminOf(acme), OrgKind::team, team.id).entry.name, "Blue");
}

// --- users' values ---

TEST_P(OrgStoreTest, UnknownSiteIsRefusedNamingIt) {
    create(entry(OrgKind::site, acme.id, "Berlin"));
    Error error = errorFrom([&] {
        createUser(acme, "jane", [](User& u) {
            u.sites = {SiteAccess::Mode::listed, {"berlin", "Atlantis"}};
        });
    });
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "sites");
    EXPECT_NE(std::string(error.what()).find("\"Atlantis\""), std::string::npos) << error.what();

    User jane = createUser(acme, "jane", [](User& u) {
        u.sites = {SiteAccess::Mode::listed, {"berlin", "BERLIN"}};
    });
    EXPECT_EQ(reload(jane).sites.sites, std::vector<std::string>{"Berlin"})
        << "spelled as the catalogue does, once";
    EXPECT_EQ(errorFrom([&] {
                  createUser(globex, "bob", [](User& u) {
                      u.sites = {SiteAccess::Mode::listed, {"Berlin"}};
                  });
              }).code(),
              ErrorCode::invalid_input)
        << "another tenant's site does not count";
}

TEST_P(OrgStoreTest, NewDepartmentsSectionsTeamsAndTagsAreCreatedAndAudited) {
    create(entry(OrgKind::team, acme.id, "Blue"));
    User jane = createUser(acme, "jane", [](User& u) {
        u.department = " sales ";
        u.section = "East";
        u.team = "BLUE";
        u.tags = {"vip", "VIP", "remote", ""};
    });
    User stored = reload(jane);
    EXPECT_EQ(stored.department, "sales");
    EXPECT_EQ(stored.team, "Blue") << "existing team, catalogue spelling";
    EXPECT_EQ(stored.tags, (std::vector<std::string>{"vip", "remote"}));

    User bob = createUser(acme, "bob", [](User& u) {
        u.department = "SALES";
        u.section = "east";
    });
    EXPECT_EQ(reload(bob).department, "sales");
    EXPECT_EQ(reload(bob).section, "East");

    std::vector<std::string> actions;
    for (const AuditEvent& event : audit(acme)) {
        if (event.targetType != "user") actions.push_back(event.action + " " + event.targetDisplay);
        if (event.action == "team.create") ADD_FAILURE() << "Blue existed already";
    }
    std::sort(actions.begin(), actions.end());
    EXPECT_EQ(actions, (std::vector<std::string>{"department.create sales", "section.create East",
                                                 "tag.create remote", "tag.create vip"}));
    for (const AuditEvent& event : audit(acme)) {
        EXPECT_EQ(event.actor.id, "token:1");
        EXPECT_EQ(event.actor.source, "admin");
    }
}

TEST_P(OrgStoreTest, SectionWithoutDepartmentIsRefused) {
    Error error = errorFrom([&] { createUser(acme, "jane", [](User& u) { u.section = "East"; }); });
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "section");
}

TEST_P(OrgStoreTest, NamesWithControlCharactersAreRefused) {
    Error error = errorFrom([&] { createUser(acme, "jane", [](User& u) { u.tags = {"a\nb"}; }); });
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "tags");
}

TEST_P(OrgStoreTest, DynamicTagsFollowTheUsersAttributes) {
    OrgEntry tag = entry(OrgKind::tag, acme.id, "corp-sales");
    tag.rule = rule(TagRuleJoin::all, {{"department", TagRuleOp::eq, {"Sales"}},
                                       {"email", TagRuleOp::ew, {"@corp.example"}}});
    service->create(adminOf(acme), tag);

    User jane = createUser(acme, "jane", [](User& u) {
        u.department = "Sales";
        u.identifiers = {email("jane@corp.example")};
        u.tags = {"vip", "corp-sales"};
    });
    EXPECT_EQ(reload(jane).tags, (std::vector<std::string>{"vip", "corp-sales"}));

    User bob = createUser(acme, "bob", [](User& u) {
        u.department = "Sales";
        u.identifiers = {email("bob@home.example")};
        u.tags = {"corp-sales"};  // a writer cannot set a dynamic tag
    });
    EXPECT_TRUE(reload(bob).tags.empty());

    // A change of the user re-evaluates: jane leaves Sales.
    User moved = reload(jane);
    moved.department = "Support";
    inWrite([&](Transaction& tx) {
        return tx.users().update(applyOrgStructure(tx, adminOf(acme), moved));
    });
    EXPECT_EQ(reload(jane).tags, std::vector<std::string>{"vip"});
}

TEST_P(OrgStoreTest, ChangingARuleReevaluatesEveryUserOfTheTenant) {
    User jane = createUser(acme, "jane", [](User& u) { u.team = "Red"; });
    User bob = createUser(acme, "bob", [](User& u) {
        u.team = "Blue";
        u.tags = {"vip"};
    });
    User other = createUser(globex, "carol", [](User& u) { u.team = "Red"; });
    const std::int64_t bobVersion = reload(bob).version;

    OrgEntry tag = entry(OrgKind::tag, acme.id, "reds");
    tag.rule = rule(TagRuleJoin::all, {{"team", TagRuleOp::eq, {"red"}}});
    OrgEntryView created = service->create(adminOf(acme), tag);
    EXPECT_EQ(created.userCount, 1);
    EXPECT_EQ(reload(jane).tags, std::vector<std::string>{"reds"});
    EXPECT_EQ(reload(bob).tags, std::vector<std::string>{"vip"});
    EXPECT_EQ(reload(bob).version, bobVersion) << "unchanged users are not rewritten";
    EXPECT_TRUE(reload(other).tags.empty()) << "rules never reach another tenant";

    OrgEdit edit;
    edit.rule = std::optional<TagRule>(rule(TagRuleJoin::any, {{"team", TagRuleOp::in, {"Blue"}}}));
    OrgEntryView edited = service->edit(adminOf(acme), OrgKind::tag, created.entry.id, edit);
    EXPECT_EQ(edited.userCount, 1);
    EXPECT_TRUE(reload(jane).tags.empty());
    EXPECT_EQ(reload(bob).tags, (std::vector<std::string>{"vip", "reds"}));
    EXPECT_GT(reload(bob).version, bobVersion) << "SCIM clients see the change";

    // Back to static: users keep the tag as it is now.
    edit.rule = std::optional<TagRule>();
    EXPECT_EQ(service->edit(adminOf(acme), OrgKind::tag, created.entry.id, edit).entry.tagKind,
              TagKind::static_);
    EXPECT_EQ(reload(bob).tags, (std::vector<std::string>{"vip", "reds"}));

    bool audited = false;
    for (const AuditEvent& event : audit(acme)) {
        if (event.action == "tag.update" && event.after && event.after->count("usersUpdated")) {
            audited = true;
        }
    }
    EXPECT_TRUE(audited);
}

TEST_P(OrgStoreTest, InvalidRulesAreRefusedNamingWhere) {
    OrgEntry tag = entry(OrgKind::tag, acme.id, "bad");
    tag.rule = rule(TagRuleJoin::all, {{"salary", TagRuleOp::eq, {"1"}}});
    Error error = errorFrom([&] { service->create(adminOf(acme), tag); });
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "rule");
    EXPECT_NE(std::string(error.what()).find("rule.all[0].attribute"), std::string::npos)
        << error.what();
}

// --- renames and deletes ---

TEST_P(OrgStoreTest, RenamesReachEveryUserCarryingTheName) {
    create(entry(OrgKind::site, acme.id, "Berlin"));
    create(entry(OrgKind::site, acme.id, "Paris"));
    User jane = createUser(acme, "jane", [](User& u) {
        u.department = "Sales";
        u.section = "East";
        u.team = "Blue";
        u.tags = {"vip", "remote"};
        u.sites = {SiteAccess::Mode::listed, {"Berlin", "Paris"}};
    });
    User carol = createUser(globex, "carol", [](User& u) {
        u.department = "Sales";
        u.team = "Blue";
        u.tags = {"vip"};
    });
    auto idOf = [&](OrgKind kind, Id tenantId, const std::string& name, Id departmentId = 0) {
        return inRead([&](Transaction& tx) {
                   return tx.org().findByName(kind, tenantId, departmentId, name);
               })
            .value()
            .id;
    };
    const Principal admin = adminOf(acme);
    const Id sales = idOf(OrgKind::department, acme.id, "Sales");
    const std::int64_t version = reload(jane).version;

    EXPECT_EQ(
        service->edit(admin, OrgKind::department, sales, OrgEdit{"Revenue", {}, {}}).userCount, 1);
    service->edit(admin, OrgKind::section, idOf(OrgKind::section, acme.id, "East", sales),
                  OrgEdit{"Eastern", {}, {}}, sales);
    service->edit(admin, OrgKind::team, idOf(OrgKind::team, acme.id, "Blue"),
                  OrgEdit{"Navy", {}, {}});
    service->edit(admin, OrgKind::tag, idOf(OrgKind::tag, acme.id, "vip"),
                  OrgEdit{"Very Important", {}, {}});
    service->edit(admin, OrgKind::site, idOf(OrgKind::site, acme.id, "Paris"),
                  OrgEdit{"Paris HQ", {}, {}});

    User renamed = reload(jane);
    EXPECT_EQ(renamed.department, "Revenue");
    EXPECT_EQ(renamed.section, "Eastern");
    EXPECT_EQ(renamed.team, "Navy");
    EXPECT_EQ(renamed.tags, (std::vector<std::string>{"Very Important", "remote"}));
    EXPECT_EQ(renamed.sites.sites, (std::vector<std::string>{"Berlin", "Paris HQ"}));
    EXPECT_GT(renamed.version, version);

    User untouched = reload(carol);
    EXPECT_EQ(untouched.department, "Sales");
    EXPECT_EQ(untouched.team, "Blue");
    EXPECT_EQ(untouched.tags, std::vector<std::string>{"vip"});

    // A rename onto another entry's name is refused and changes nothing.
    Error taken = errorFrom([&] {
        service->edit(admin, OrgKind::tag, idOf(OrgKind::tag, acme.id, "remote"),
                      OrgEdit{"VERY important", {}, {}});
    });
    EXPECT_EQ(taken.code(), ErrorCode::conflict);
    EXPECT_EQ(reload(jane).tags, renamed.tags);
}

TEST_P(OrgStoreTest, DeletingAnEntryInUseNeedsForce) {
    create(entry(OrgKind::site, acme.id, "Berlin"));
    User jane = createUser(acme, "jane", [](User& u) {
        u.department = "Sales";
        u.section = "East";
        u.team = "Blue";
        u.tags = {"vip"};
        u.sites = {SiteAccess::Mode::listed, {"Berlin"}};
    });
    createUser(acme, "bob", [](User& u) { u.department = "Sales"; });
    const Principal admin = adminOf(acme);
    auto find = [&](OrgKind kind, const std::string& name, Id departmentId = 0) {
        return inRead([&](Transaction& tx) {
                   return tx.org().findByName(kind, acme.id, departmentId, name);
               })
            .value();
    };
    const OrgEntry sales = find(OrgKind::department, "Sales");

    Error inUse = errorFrom([&] { service->remove(admin, OrgKind::department, sales.id, false); });
    EXPECT_EQ(inUse.code(), ErrorCode::conflict);
    EXPECT_NE(std::string(inUse.what()).find("used by 2 users"), std::string::npos) << inUse.what();
    EXPECT_NE(std::string(inUse.what()).find("force"), std::string::npos) << inUse.what();
    for (OrgKind kind : {OrgKind::team, OrgKind::tag, OrgKind::site}) {
        const std::string name = kind == OrgKind::team  ? "Blue"
                                 : kind == OrgKind::tag ? "vip"
                                                        : "Berlin";
        Error error = errorFrom([&] { service->remove(admin, kind, find(kind, name).id, false); });
        EXPECT_EQ(error.code(), ErrorCode::conflict) << name;
        EXPECT_NE(std::string(error.what()).find("used by 1 user;"), std::string::npos)
            << error.what();
    }

    service->remove(admin, OrgKind::department, sales.id, true);
    service->remove(admin, OrgKind::team, find(OrgKind::team, "Blue").id, true);
    service->remove(admin, OrgKind::tag, find(OrgKind::tag, "vip").id, true);
    service->remove(admin, OrgKind::site, find(OrgKind::site, "Berlin").id, true);
    User stored = reload(jane);
    EXPECT_EQ(stored.department, "");
    EXPECT_EQ(stored.section, "") << "a section goes with its department";
    EXPECT_EQ(stored.team, "");
    EXPECT_TRUE(stored.tags.empty());
    EXPECT_EQ(stored.sites.mode, SiteAccess::Mode::none);
    inRead([&](Transaction& tx) {
        EXPECT_FALSE(tx.org().findByName(OrgKind::department, acme.id, 0, "Sales"));
        EXPECT_EQ(tx.org().count(OrgKind::section, acme.id, sales.id), 0);
        return 0;
    });

    OrgEntryView unused = service->create(admin, entry(OrgKind::team, acme.id, "Idle"));
    EXPECT_EQ(unused.userCount, 0);
    service->remove(admin, OrgKind::team, unused.entry.id, false);
}

TEST_P(OrgStoreTest, ListCountsUsersPerEntryAndPagesWithACursor) {
    const Principal admin = adminOf(acme);
    for (int i = 0; i < 5; ++i) {
        createUser(acme, "user" + std::to_string(i), [&](User& u) {
            u.team = i < 3 ? "Alpha" : "Beta";
            u.tags = {i % 2 == 0 ? "even" : "odd"};
        });
    }
    service->create(admin, entry(OrgKind::team, acme.id, "Gamma"));
    OrgListParams params;
    params.limit = 2;
    OrgPage first = service->list(admin, OrgKind::team, std::nullopt, params);
    ASSERT_EQ(first.items.size(), 2u);
    EXPECT_EQ(first.items[0].entry.name, "Alpha");
    EXPECT_EQ(first.items[0].userCount, 3);
    EXPECT_EQ(first.items[1].userCount, 2);
    ASSERT_TRUE(first.nextCursor);
    params.cursor = first.nextCursor;
    OrgPage second = service->list(admin, OrgKind::team, std::nullopt, params);
    ASSERT_EQ(second.items.size(), 1u);
    EXPECT_EQ(second.items[0].entry.name, "Gamma");
    EXPECT_FALSE(second.nextCursor);

    OrgPage tags = service->list(admin, OrgKind::tag, std::nullopt, OrgListParams{});
    ASSERT_EQ(tags.items.size(), 2u);
    EXPECT_EQ(tags.items[0].userCount, 3);  // even
    EXPECT_EQ(tags.items[1].userCount, 2);  // odd

    params.cursor = "not-a-cursor";
    EXPECT_EQ(errorFrom([&] { service->list(admin, OrgKind::team, std::nullopt, params); }).code(),
              ErrorCode::invalid_cursor);
    EXPECT_TRUE(
        service->list(adminOf(globex), OrgKind::team, std::nullopt, OrgListParams{}).items.empty());
}

TEST_P(OrgStoreTest, SectionsAreReachedOnlyThroughTheirDepartment) {
    const Principal admin = adminOf(acme);
    OrgEntryView sales = service->create(admin, entry(OrgKind::department, acme.id, "Sales"));
    OrgEntryView support = service->create(admin, entry(OrgKind::department, acme.id, "Support"));
    OrgEntryView east =
        service->create(admin, entry(OrgKind::section, acme.id, "East", sales.entry.id));
    createUser(acme, "jane", [](User& u) {
        u.department = "Sales";
        u.section = "East";
    });
    EXPECT_EQ(service->get(admin, OrgKind::section, east.entry.id, sales.entry.id).userCount, 1);
    EXPECT_EQ(errorFrom([&] {
                  service->get(admin, OrgKind::section, east.entry.id, support.entry.id);
              }).code(),
              ErrorCode::not_found);
    OrgEntryView department = service->get(admin, OrgKind::department, sales.entry.id);
    EXPECT_EQ(department.userCount, 1);
    ASSERT_EQ(department.sections.size(), 1u);
    EXPECT_EQ(department.sections[0].entry.name, "East");
    EXPECT_EQ(department.sections[0].userCount, 1);
    EXPECT_EQ(errorFrom([&] {
                  service->create(adminOf(globex),
                                  entry(OrgKind::section, globex.id, "West", sales.entry.id));
              }).code(),
              ErrorCode::not_found)
        << "no sections in another tenant's department";
}

TEST_P(OrgStoreTest, ScimTokensMayNotManageTheCatalogues) {
    Principal scim = adminOf(acme);
    scim.scopes = {TokenScope::scim};
    EXPECT_EQ(errorFrom([&] { service->create(scim, entry(OrgKind::team, acme.id, "X")); }).code(),
              ErrorCode::forbidden);
}

INSTANTIATE_TEST_SUITE_P(Backends, OrgStoreTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

// --- migration 4 ---

class OrgMigrationTest : public BackendTest {};

// Applies every migration but 4, as a database from before it looks.
void migrateAllBut(const std::string& url, int skipped) {
    ConnectionTarget target = parseStoreUrl(url);
    soci::session sql(
        target.backend == Backend::sqlite3 ? *soci::factory_sqlite3() : *soci::factory_postgresql(),
        target.connectString);
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
           "applied_at BIGINT NOT NULL)";
    for (const Migration& migration : allMigrations()) {
        if (migration.version == skipped) continue;
        for (const std::string& statement : migration.statements) {
            const std::string text = sqlFor(target.backend, statement);
            if (!text.empty()) sql << text;
        }
        int version = migration.version;
        sql << "INSERT INTO schema_migrations (version, applied_at) VALUES (:v, 0)",
            soci::use(version);
    }
}

TEST_P(OrgMigrationTest, BackfillsCataloguesFromExistingUsers) {
    migrateAllBut(url(), 4);
    store_ = openStore();
    Tenant acme = createTenant("acme");
    Tenant globex = createTenant("globex");
    auto user = [&](Id tenantId, const std::string& name, const std::string& department,
                    const std::string& section, const std::string& team,
                    std::vector<std::string> tags, std::vector<std::string> sites) {
        User u = minimalUser(tenantId, name);
        u.department = department;
        u.section = section;
        u.team = team;
        u.tags = std::move(tags);
        if (!sites.empty()) u.sites = {SiteAccess::Mode::listed, std::move(sites)};
        return inWrite([&](Transaction& tx) { return tx.users().create(u); });
    };
    User jane = user(acme.id, "jane", "Sales", "East", "Blue", {"vip", "remote"}, {"Berlin"});
    User bob = user(acme.id, "bob", "sales", "EAST", "blue", {"VIP"}, {"berlin", "Paris"});
    user(acme.id, "ann", "", "Orphan", "", {}, {});
    user(globex.id, "carol", "Ops", "", "", {"night"}, {});

    EXPECT_EQ(store_->migrate(), 1);
    EXPECT_GE(store_->schemaVersion(), 4);

    auto names = [&](OrgKind kind, Id tenantId, Id departmentId = 0) {
        OrgListRequest request;
        request.limit = 100;
        if (kind == OrgKind::section) request.departmentId = departmentId;
        std::vector<std::string> out;
        for (const OrgEntry& e :
             inRead([&](Transaction& tx) { return tx.org().list(kind, tenantId, request); })) {
            out.push_back(e.name);
        }
        return out;
    };
    using Names = std::vector<std::string>;
    // Of two spellings, the alphabetically first is kept.
    EXPECT_EQ(names(OrgKind::department, acme.id), Names{"Sales"});
    EXPECT_EQ(names(OrgKind::team, acme.id), Names{"Blue"});
    EXPECT_EQ(names(OrgKind::tag, acme.id), (Names{"remote", "VIP"}));
    EXPECT_EQ(names(OrgKind::site, acme.id), (Names{"Berlin", "Paris"}));
    EXPECT_EQ(names(OrgKind::department, globex.id), Names{"Ops"});
    EXPECT_EQ(names(OrgKind::tag, globex.id), Names{"night"});
    const Id sales = inRead([&](Transaction& tx) {
                         return tx.org().findByName(OrgKind::department, acme.id, 0, "sales");
                     })
                         .value()
                         .id;
    EXPECT_EQ(names(OrgKind::section, acme.id, sales), Names{"EAST"});

    // Departments, sections and teams are spelled as their entries now.
    User bobAfter =
        inRead([&](Transaction& tx) { return tx.users().findById(acme.id, bob.id); }).value();
    EXPECT_EQ(bobAfter.department, "Sales");
    EXPECT_EQ(bobAfter.section, "EAST");
    EXPECT_EQ(bobAfter.team, "Blue");
    EXPECT_GT(bobAfter.version, bob.version);
    User janeAfter =
        inRead([&](Transaction& tx) { return tx.users().findById(acme.id, jane.id); }).value();
    EXPECT_EQ(janeAfter.section, "EAST");
    EXPECT_EQ(janeAfter.department, "Sales");

    // Counts work on the backfilled data.
    OrgService service(*store_);
    OrgPage tags = service.list(adminOf(acme), OrgKind::tag, std::nullopt, OrgListParams{});
    ASSERT_EQ(tags.items.size(), 2u);
    EXPECT_EQ(tags.items[1].entry.name, "VIP");
    EXPECT_EQ(tags.items[1].userCount, 2) << "vip and VIP are one tag";
}

INSTANTIATE_TEST_SUITE_P(Backends, OrgMigrationTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
