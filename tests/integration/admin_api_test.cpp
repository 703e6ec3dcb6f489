// The admin API (/api/v1) end to end against a real musterd: users, role
// limits (SPEC T-3), status lifecycle (U-3), identifiers (U-2), groups and
// primary groups (U-9), audit (L-1) and tenant isolation (T-1).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "shared_daemon_test.hpp"

using namespace muster::testing;
using nlohmann::json;

namespace {

class AdminApi : public SharedDaemonTest {
  protected:
    // Creates a user and returns its id; names are made unique per call.
    static long long createUser(const std::string& userName, const json& roles = json::array(),
                                json extra = json::object()) {
        extra["userName"] = userName;
        extra["roles"] = roles;
        HttpResult created = call("POST", "/api/v1/users", extra);
        EXPECT_EQ(created.status, 201) << created.body;
        return parse(created).value("id", 0LL);
    }

    // An admin-scoped token on behalf of a user: it acts with the user's roles.
    static std::string tokenFor(long long userId) {
        HttpResult created = call("POST", "/api/v1/tokens",
                                  {{"name", "as user"}, {"scopes", {"admin"}}, {"user", userId}});
        EXPECT_EQ(created.status, 201) << created.body;
        return parse(created).value("token", "");
    }

    static std::string path(long long id, const std::string& rest = "") {
        return "/api/v1/users/" + std::to_string(id) + rest;
    }
};

TEST_F(AdminApi, CreatesGetsEditsAndListsUsers) {
    const long long id = createUser("crud.kim", json::array({"employee"}),
                                    {{"name", {{"givenName", "Kim"}, {"familyName", "Lee"}}},
                                     {"displayName", "Kim Lee (crud)"},
                                     {"title", "Analyst"},
                                     {"department", "Finance"}});
    HttpResult got = call("GET", path(id));
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(parse(got)["title"], "Analyst");
    EXPECT_EQ(parse(got)["status"], "active");
    EXPECT_EQ(parse(got)["roles"], json::array({"employee"}));

    HttpResult edited = call("PATCH", path(id), {{"title", "Senior Analyst"}});
    ASSERT_EQ(edited.status, 200) << edited.body;
    EXPECT_EQ(parse(edited)["title"], "Senior Analyst");
    EXPECT_EQ(parse(edited)["department"], "Finance") << "fields not named stay as they were";

    HttpResult typo = call("PATCH", path(id), {{"titel", "x"}});
    EXPECT_EQ(typo.status, 400);
    EXPECT_NE(typo.body.find("titel"), std::string::npos) << typo.body;

    HttpResult listed = call("GET", "/api/v1/users?q=crud.kim");
    ASSERT_EQ(listed.status, 200) << listed.body;
    ASSERT_EQ(parse(listed)["items"].size(), 1u);
    EXPECT_EQ(parse(listed)["items"][0]["id"], id);
}

TEST_F(AdminApi, ListFiltersSortsPagesAndCountsByStatus) {
    for (int i = 0; i < 5; ++i) {
        createUser("count.user" + std::to_string(i), json::array(),
                   {{"team", "Counters"}, {"title", std::string(1, static_cast<char>('E' - i))}});
    }
    const long long invitedId =
        createUser("count.invited", json::array(), {{"team", "Counters"}, {"status", "invited"}});
    ASSERT_EQ(call("POST", path(createUser("count.gone", json::array(), {{"team", "Counters"}}),
                                "/deactivate"))
                  .status,
              200);

    HttpResult all = call("GET", "/api/v1/users?team=Counters&limit=3&sort=title&order=asc");
    ASSERT_EQ(all.status, 200) << all.body;
    json page = parse(all);
    EXPECT_EQ(page["counts"],
              json({{"active", 5}, {"invited", 1}, {"deactivated", 1}, {"all", 7}}));
    ASSERT_EQ(page["items"].size(), 3u);
    ASSERT_TRUE(page["nextCursor"].is_string());

    std::vector<long long> seen;
    std::string cursor;
    for (int pages = 0; pages < 10; ++pages) {
        std::string url = "/api/v1/users?team=Counters&limit=3";
        if (!cursor.empty()) url += "&cursor=" + cursor;
        json next = parse(call("GET", url));
        for (const json& item : next["items"]) seen.push_back(item["id"]);
        if (!next["nextCursor"].is_string()) break;
        cursor = next["nextCursor"];
    }
    EXPECT_EQ(seen.size(), 7u);

    json invited = parse(call("GET", "/api/v1/users?team=Counters&status=invited"));
    ASSERT_EQ(invited["items"].size(), 1u);
    EXPECT_EQ(invited["items"][0]["id"], invitedId);
    EXPECT_EQ(invited["counts"]["all"], 7) << "counts ignore the status filter";

    EXPECT_EQ(call("GET", "/api/v1/users?sort=shoeSize").status, 400);
    EXPECT_EQ(call("GET", "/api/v1/users?limit=100000").status, 400);
    EXPECT_EQ(call("GET", "/api/v1/users?q=" + std::string(300, 'x')).status, 400);
    EXPECT_EQ(call("GET", "/api/v1/users?status=gone").status, 400);
}

TEST_F(AdminApi, RoleLimitsStopAnAdminAtItsOwnRank) {
    const long long boss = createUser("limits.boss", json::array({"company_admin"}));
    const long long admin = createUser("limits.admin", json::array({"admin"}));
    const long long peer = createUser("limits.peer", json::array({"admin"}));
    const long long staff = createUser("limits.staff", json::array({"employee"}));
    const std::string asAdmin = tokenFor(admin);

    // Within reach: managers and employees.
    HttpResult created = call("POST", "/api/v1/users",
                              {{"userName", "limits.new"}, {"roles", {"manager"}}}, asAdmin);
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(call("PATCH", path(staff), {{"title", "Clerk"}}, asAdmin).status, 200);
    EXPECT_EQ(call("PUT", path(staff, "/roles"), {{"roles", {"manager"}}}, asAdmin).status, 200);

    // Out of reach: creating, promoting to, editing or deleting admins.
    HttpResult makeAdmin =
        call("POST", "/api/v1/users", {{"userName", "limits.bad"}, {"roles", {"admin"}}}, asAdmin);
    EXPECT_EQ(makeAdmin.status, 403);
    EXPECT_NE(makeAdmin.body.find("admin (rank 300)"), std::string::npos) << makeAdmin.body;
    EXPECT_EQ(call("PUT", path(staff, "/roles"), {{"roles", {"admin"}}}, asAdmin).status, 403);
    HttpResult editBoss = call("PATCH", path(boss), {{"title", "x"}}, asAdmin);
    EXPECT_EQ(editBoss.status, 403);
    EXPECT_NE(editBoss.body.find("company_admin"), std::string::npos) << editBoss.body;
    EXPECT_EQ(call("POST", path(peer, "/deactivate"), json::object(), asAdmin).status, 403);
    EXPECT_EQ(call("POST", path(peer, "/ban"), json::object(), asAdmin).status, 403);
    // Minting a token that acts as the company admin would be an escalation.
    EXPECT_EQ(call("POST", "/api/v1/tokens", {{"name", "x"}, {"scopes", {"admin"}}, {"user", boss}},
                   asAdmin)
                  .status,
              403);

    // The same limit on the SCIM door, for a SCIM token on behalf of the admin.
    HttpResult scimToken = call("POST", "/api/v1/tokens",
                                {{"name", "scim as admin"}, {"scopes", {"scim"}}, {"user", admin}});
    ASSERT_EQ(scimToken.status, 201) << scimToken.body;
    const std::string asAdminOverScim = parse(scimToken)["token"];
    HttpResult scimPatch =
        call("PATCH", "/scim/v2/Users/" + std::to_string(boss),
             {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
              {"Operations", {{{"op", "replace"}, {"path", "title"}, {"value", "x"}}}}},
             asAdminOverScim);
    EXPECT_EQ(scimPatch.status, 403) << scimPatch.body;
    EXPECT_EQ(
        call("DELETE", "/scim/v2/Users/" + std::to_string(boss), nullptr, asAdminOverScim).status,
        403);
    EXPECT_EQ(call("GET", path(boss)).status, 200) << "the company admin is still there";

    // A token the admin mints acts for the admin, never with more rights.
    HttpResult own =
        call("POST", "/api/v1/tokens", {{"name", "mine"}, {"scopes", {"admin"}}}, asAdmin);
    ASSERT_EQ(own.status, 201) << own.body;
    EXPECT_EQ(parse(own)["user"], admin);
    const std::string minted = parse(own)["token"];
    EXPECT_EQ(call("PATCH", path(boss), {{"title", "x"}}, minted).status, 403);
    // Nor may it revoke a tenant-level token (an identity provider's).
    HttpResult provider = call("POST", "/api/v1/tokens", {{"name", "idp"}, {"scopes", {"scim"}}});
    ASSERT_EQ(provider.status, 201);
    const std::string providerId = std::to_string(parse(provider)["id"].get<long long>());
    EXPECT_EQ(call("DELETE", "/api/v1/tokens/" + providerId, nullptr, asAdmin).status, 403);
    // Sign-in admin actions and settings follow the same limits.
    EXPECT_EQ(call("POST", path(boss, "/mfa/reset"), json::object(), asAdmin).status, 403);
    EXPECT_EQ(call("POST", path(boss, "/temporary-password"), json::object(), asAdmin).status, 403);
    EXPECT_EQ(call("POST", path(admin, "/temporary-password"), json::object(), asAdmin).status, 403)
        << "not on oneself either: that would skip the current password";
    EXPECT_EQ(call("PUT", "/api/v1/sign-in/settings", {{"mfaRequired", false}}, asAdmin).status,
              403);
    // A company admin's device is out of reach too.
    HttpResult agentToken =
        call("POST", "/api/v1/tokens", {{"name", "agent"}, {"scopes", {"agent"}}});
    ASSERT_EQ(agentToken.status, 201);
    ASSERT_EQ(call("POST", path(boss, "/identifiers"),
                   {{"kind", "device_login"}, {"value", "limits.boss"}, {"logonDomain", "CORP"}})
                  .status,
              201);
    HttpResult checkin =
        call("POST", "/agent/v1/checkin",
             {{"deviceId", "BOSS-PC"},
              {"hostname", "boss-pc"},
              {"os", "Windows 11"},
              {"agentVersion", "1.0"},
              {"deviceLogin", {{"username", "limits.boss"}, {"logonDomain", "CORP"}}}},
             parse(agentToken)["token"]);
    ASSERT_EQ(checkin.status / 100, 2) << checkin.body;
    const std::string device =
        "/api/v1/devices/" + std::to_string(parse(checkin)["device"]["id"].get<long long>());
    EXPECT_EQ(call("POST", device + "/reject", json::object(), asAdmin).status, 403);
    EXPECT_EQ(call("POST", device + "/reassign", {{"userId", staff}}, asAdmin).status, 403);

    // The company admin manages everyone.
    const std::string asBoss = tokenFor(boss);
    EXPECT_EQ(call("PUT", path(peer, "/roles"), {{"roles", {"company_admin"}}}, asBoss).status,
              200);
    EXPECT_EQ(call("PATCH", path(peer), {{"title", "Promoted"}}, asBoss).status, 200);
}

TEST_F(AdminApi, RoleChangesBumpTheAuthzVersionAndAreAudited) {
    const long long id = createUser("authz.user", json::array({"employee"}));
    const long long before = parse(call("GET", path(id)))["authzVersion"];
    ASSERT_EQ(call("PATCH", path(id), {{"title", "No role change"}}).status, 200);
    EXPECT_EQ(parse(call("GET", path(id)))["authzVersion"], before);
    ASSERT_EQ(call("PUT", path(id, "/roles"), {{"roles", {"employee", "manager"}}}).status, 200);
    EXPECT_EQ(parse(call("GET", path(id)))["authzVersion"], before + 1);

    json audit = parse(call("GET", "/api/v1/audit?limit=5"));
    bool found = false;
    for (const json& event : audit["items"]) {
        found = found || (event["action"] == "user.roles" && event["targetId"] == id);
    }
    EXPECT_TRUE(found) << audit.dump();
}

TEST_F(AdminApi, StatusLifecycleAndConfirmedDelete) {
    const long long manager = createUser("life.manager");
    const long long report = createUser("life.report", json::array(), {{"managerId", manager}});

    EXPECT_EQ(call("DELETE", path(manager, "?confirm=life.manager")).status, 409)
        << "an active user cannot be deleted";
    ASSERT_EQ(call("POST", path(manager, "/deactivate"), json::object()).status, 200);
    EXPECT_EQ(call("DELETE", path(manager)).status, 400) << "the typed confirmation is required";
    EXPECT_EQ(call("DELETE", path(manager, "?confirm=someone.else")).status, 400);
    ASSERT_EQ(call("DELETE", path(manager, "?confirm=life.manager")).status, 204);
    EXPECT_EQ(call("GET", path(manager)).status, 404);

    const std::string deleted = "Deleted User (ID: " + std::to_string(manager) + ")";
    json reportJson = parse(call("GET", path(report)));
    EXPECT_EQ(reportJson["manager"]["display"], deleted) << reportJson.dump();
    json audit = parse(call("GET", "/api/v1/audit?limit=20"));
    bool shown = false;
    for (const json& event : audit["items"]) {
        if (event["targetType"] == "user" && event["targetId"] == manager) {
            EXPECT_EQ(event["targetDisplay"], deleted);
            shown = true;
        }
    }
    EXPECT_TRUE(shown);

    // invited -> active <-> deactivated; never back to invited; ban is separate.
    const long long invited = createUser("life.invited", json::array(), {{"status", "invited"}});
    EXPECT_EQ(parse(call("POST", path(invited, "/activate"), json::object()))["status"], "active");
    json banned = parse(call("POST", path(invited, "/ban"), json::object()));
    EXPECT_EQ(banned["banned"], true);
    EXPECT_EQ(banned["status"], "active");
    EXPECT_EQ(parse(call("POST", path(invited, "/unban"), json::object()))["banned"], false);
    EXPECT_EQ(call("PATCH", path(invited), {{"status", "invited"}}).status, 400);
}

// An invited user renders "active": false in SCIM; an identity provider's
// PATCH of another attribute must leave the invitation alone, and an explicit
// active=false still deactivates.
TEST_F(AdminApi, ScimPatchOfAnotherAttributeKeepsAnInvitedUserInvited) {
    const long long invited = createUser("scim.invited", json::array(), {{"status", "invited"}});
    const std::string scimPath = "/scim/v2/Users/" + std::to_string(invited);
    auto patch = [&](const json& operation) {
        const json body = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                           {"Operations", {operation}}};
        HttpResult patched = call("PATCH", scimPath, body);
        EXPECT_EQ(patched.status, 200) << patched.body;
    };
    patch({{"op", "Replace"}, {"path", "title"}, {"value", "Engineer"}});
    json user = parse(call("GET", path(invited)));
    EXPECT_EQ(user["status"], "invited");
    EXPECT_EQ(user["title"], "Engineer");
    patch({{"op", "replace"}, {"path", "active"}, {"value", "False"}});
    EXPECT_EQ(parse(call("GET", path(invited)))["status"], "deactivated");
}

TEST_F(AdminApi, CreateWithATemporaryPasswordThatMustBeChanged) {
    HttpResult created =
        call("POST", "/api/v1/users", {{"userName", "temp.pass"}, {"temporaryPassword", true}});
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("cache-control"), "no-store");
    const std::string password = parse(created).value("temporaryPassword", "");
    ASSERT_GE(password.size(), 12u);
    EXPECT_EQ(daemon_->output().find(password), std::string::npos) << "never logged";

    HttpResult login =
        httpRequest(daemon_->port(), "POST", "/auth/v1/login",
                    json({{"userName", "temp.pass"}, {"password", password}}).dump());
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_EQ(parse(login)["restriction"], "password_change");

    // The policy applies to an admin-chosen one; nothing is created then.
    HttpResult weak = call("POST", "/api/v1/users",
                           {{"userName", "temp.weak"}, {"temporaryPassword", "password"}});
    EXPECT_EQ(weak.status, 400) << weak.body;
    EXPECT_EQ(parse(call("GET", "/api/v1/users?q=temp.weak"))["counts"]["all"], 0);
}

TEST_F(AdminApi, DeactivatingOrBanningEndsTheUsersSessions) {
    HttpResult created =
        call("POST", "/api/v1/users",
             {{"userName", "sessions.user"}, {"temporaryPassword", "Plenty-Long-Pass-93"}});
    ASSERT_EQ(created.status, 201) << created.body;
    const long long id = parse(created)["id"];
    for (const char* action : {"/ban", "/deactivate"}) {
        HttpResult login = httpRequest(
            daemon_->port(), "POST", "/auth/v1/login",
            json({{"userName", "sessions.user"}, {"password", "Plenty-Long-Pass-93"}}).dump());
        ASSERT_EQ(login.status, 200) << login.body;
        ASSERT_EQ(parse(call("GET", path(id, "/sessions")))["items"].size(), 1u);
        ASSERT_EQ(call("POST", path(id, action), json::object()).status, 200);
        EXPECT_EQ(parse(call("GET", path(id, "/sessions")))["items"].size(), 0u) << action;
        ASSERT_EQ(call("POST", path(id, action == std::string("/ban") ? "/unban" : "/activate"),
                       json::object())
                      .status,
                  200);
        EXPECT_EQ(parse(call("GET", path(id, "/sessions")))["items"].size(), 0u)
            << "lifting " << action << " brings no old session back";
    }
}

TEST_F(AdminApi, ManagersFormNoCycles) {
    const long long top = createUser("chain.top");
    const long long middle = createUser("chain.middle", json::array(), {{"managerId", top}});
    const long long bottom = createUser("chain.bottom", json::array(), {{"managerId", middle}});

    HttpResult self = call("PATCH", path(top), {{"managerId", top}});
    EXPECT_EQ(self.status, 400);
    EXPECT_NE(self.body.find("own manager"), std::string::npos) << self.body;
    HttpResult loop = call("PATCH", path(top), {{"managerId", bottom}});
    EXPECT_EQ(loop.status, 400);
    EXPECT_NE(loop.body.find("cycle"), std::string::npos) << loop.body;
    EXPECT_EQ(call("PATCH", path(top), {{"managerId", 999999}}).status, 400);
    EXPECT_TRUE(parse(call("GET", path(top)))["manager"].is_null()) << "nothing was written";
    HttpResult cleared = call("PATCH", path(bottom), {{"managerId", nullptr}});
    ASSERT_EQ(cleared.status, 200);
    EXPECT_TRUE(parse(cleared)["manager"].is_null());
}

TEST_F(AdminApi, ATokenOnBehalfOfAUserStopsWhenTheUserIsDeactivated) {
    const long long id = createUser("tokenowner.user", json::array({"admin"}));
    const std::string token = tokenFor(id);
    EXPECT_EQ(call("GET", "/api/v1/users?limit=1", nullptr, token).status, 200);
    ASSERT_EQ(call("POST", path(id, "/deactivate"), json::object()).status, 200);
    // The verified-token cache lives 5 s; poll a little longer than that.
    int status = 0;
    for (int attempt = 0; attempt < 40 && status != 401; ++attempt) {
        status = call("GET", "/api/v1/users?limit=1", nullptr, token).status;
        if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    EXPECT_EQ(status, 401);
}

TEST_F(AdminApi, IdentifiersAreUniqueAndDecideTheDisplayId) {
    const long long holder =
        createUser("ident.holder", json::array(),
                   {{"identifiers", {{{"kind", "email"}, {"value", "pat@corp.example"}}}}});
    const long long other =
        createUser("ident.other", json::array(),
                   {{"identifiers", {{{"kind", "employee_id"}, {"value", "E-77"}}}}});
    EXPECT_EQ(parse(call("GET", path(other)))["displayId"], "E-77");

    HttpResult taken = call("POST", path(other, "/identifiers"),
                            {{"kind", "email"}, {"value", "PAT@corp.example"}});
    EXPECT_EQ(taken.status, 409);
    EXPECT_NE(taken.body.find("user " + std::to_string(holder)), std::string::npos) << taken.body;

    ASSERT_EQ(call("POST", path(other, "/identifiers"),
                   {{"kind", "upn"}, {"value", "other@corp.example"}})
                  .status,
              201);
    EXPECT_EQ(parse(call("GET", path(other)))["displayId"], "other@corp.example") << "UPN first";
    ASSERT_EQ(call("DELETE", path(other, "/identifiers?kind=upn&value=other@corp.example")).status,
              200);
    EXPECT_EQ(parse(call("GET", path(other)))["displayId"], "E-77");
}

TEST_F(AdminApi, GroupsNestWithoutCyclesAndDeriveThePrimaryGroup) {
    const long long user = createUser("groups.member");
    auto makeGroup = [](const std::string& name, const json& goal) {
        HttpResult created =
            call("POST", "/api/v1/groups", {{"displayName", name}, {"productiveHoursGoal", goal}});
        EXPECT_EQ(created.status, 201) << created.body;
        return parse(created).value("id", 0LL);
    };
    const long long low = makeGroup("Groups Low", 4.0);
    const long long high = makeGroup("Groups High", 7.5);
    const long long parent = makeGroup("Groups Parent", nullptr);
    const json addUser = {{"add", {{{"type", "user"}, {"id", user}}}}};
    ASSERT_EQ(call("POST", "/api/v1/groups/" + std::to_string(low) + "/members", addUser).status,
              200);
    ASSERT_EQ(call("POST", "/api/v1/groups/" + std::to_string(high) + "/members", addUser).status,
              200);
    EXPECT_EQ(parse(call("GET", path(user)))["primaryGroup"]["id"], high);

    // An explicit choice wins; raising a goal does not override it.
    ASSERT_EQ(call("PUT", path(user, "/primary-group"), {{"groupId", low}}).status, 200);
    EXPECT_EQ(parse(call("GET", path(user)))["primaryGroup"]["chosen"], "explicit");
    EXPECT_EQ(call("PUT", path(user, "/primary-group"), {{"groupId", parent}}).status, 400)
        << "only a group the user is a member of";
    ASSERT_EQ(call("PUT", path(user, "/primary-group"), {{"groupId", nullptr}}).status, 200);
    ASSERT_EQ(
        call("PATCH", "/api/v1/groups/" + std::to_string(low), {{"productiveHoursGoal", 9}}).status,
        200);
    EXPECT_EQ(parse(call("GET", path(user)))["primaryGroup"]["id"], low) << "goals re-derive it";

    // Nesting: parent contains low; low containing parent would be a cycle.
    ASSERT_EQ(call("POST", "/api/v1/groups/" + std::to_string(parent) + "/members",
                   {{"add", {{{"type", "group"}, {"id", low}}}}})
                  .status,
              200);
    HttpResult cycle = call("POST", "/api/v1/groups/" + std::to_string(low) + "/members",
                            {{"add", {{{"type", "group"}, {"id", parent}}}}});
    EXPECT_EQ(cycle.status, 400) << cycle.body;
    EXPECT_NE(cycle.body.find("cycle"), std::string::npos);

    HttpResult owners =
        call("PATCH", "/api/v1/groups/" + std::to_string(parent), {{"owners", {user}}});
    ASSERT_EQ(owners.status, 200) << owners.body;
    EXPECT_EQ(parse(owners)["owners"][0]["id"], user);
    EXPECT_EQ(
        call("PATCH", "/api/v1/groups/" + std::to_string(parent), {{"productiveHoursGoal", 30}})
            .status,
        400);
}

TEST_F(AdminApi, RoleCatalogueIsListedAndOnlyTheTopRoleChangesIt) {
    json roles = parse(call("GET", "/api/v1/roles"));
    ASSERT_GE(roles["items"].size(), 4u);
    EXPECT_EQ(roles["items"][0]["name"], "company_admin");

    EXPECT_EQ(call("PUT", "/api/v1/roles/supervisor", {{"rank", 150}}).status, 200);
    const long long admin = createUser("catalogue.admin", json::array({"admin"}));
    EXPECT_EQ(call("PUT", "/api/v1/roles/supervisor", {{"rank", 999}}, tokenFor(admin)).status,
              403);
    EXPECT_EQ(call("PUT", "/api/v1/roles/bad%20name", {{"rank", 1}}).status, 400);
}

TEST_F(AdminApi, AnotherTenantSeesNothingOfThisOne) {
    ASSERT_EQ(call("POST", "/api/v1/tenants", {{"name", "isolated"}}).status, 201);
    HttpResult other =
        call("POST", "/api/v1/tokens",
             {{"name", "other admin"}, {"tenant", "isolated"}, {"scopes", {"admin"}}});
    ASSERT_EQ(other.status, 201) << other.body;
    const std::string foreign = parse(other)["token"];

    const long long id = createUser("isolation.user");
    HttpResult group = call("POST", "/api/v1/groups", {{"displayName", "Isolation Group"}});
    const std::string groupPath =
        "/api/v1/groups/" + std::to_string(parse(group)["id"].get<long long>());

    EXPECT_EQ(call("GET", path(id), nullptr, foreign).status, 404);
    EXPECT_EQ(call("PATCH", path(id), {{"title", "x"}}, foreign).status, 404);
    EXPECT_EQ(call("POST", path(id, "/deactivate"), json::object(), foreign).status, 404);
    EXPECT_EQ(call("PUT", path(id, "/roles"), {{"roles", json::array()}}, foreign).status, 404);
    EXPECT_EQ(call("DELETE", path(id, "?confirm=isolation.user"), nullptr, foreign).status, 404);
    EXPECT_EQ(call("GET", path(id, "/identifiers"), nullptr, foreign).status, 404);
    EXPECT_EQ(call("GET", groupPath, nullptr, foreign).status, 404);
    EXPECT_EQ(call("PATCH", groupPath, {{"displayName", "x"}}, foreign).status, 404);
    EXPECT_EQ(
        call("POST", groupPath + "/members", {{"add", {{{"type", "user"}, {"id", id}}}}}, foreign)
            .status,
        404);
    EXPECT_EQ(call("DELETE", groupPath, nullptr, foreign).status, 404);
    // Nor may its groups take this tenant's users as members.
    HttpResult theirs = call("POST", "/api/v1/groups", {{"displayName", "Theirs"}}, foreign);
    ASSERT_EQ(theirs.status, 201);
    EXPECT_EQ(
        call("POST",
             "/api/v1/groups/" + std::to_string(parse(theirs)["id"].get<long long>()) + "/members",
             {{"add", {{{"type", "user"}, {"id", id}}}}}, foreign)
            .status,
        400);

    json users = parse(call("GET", "/api/v1/users", nullptr, foreign));
    EXPECT_EQ(users["counts"]["all"], 0);
    json audit = parse(call("GET", "/api/v1/audit", nullptr, foreign));
    for (const json& event : audit["items"]) {
        EXPECT_NE(event["targetId"], id) << "another tenant's audit must not show this user";
    }
    EXPECT_EQ(call("GET", path(id)).status, 200) << "still there for its own tenant";
}

}  // namespace

namespace {

class AdminCli : public AdminApi {
  protected:
    static ProgramResult ctl(std::vector<std::string> words, const std::string& token) {
        words.insert(words.begin(), DaemonProcess::ctlPath().string());
        return runProgram(words,
                          {{"MUSTER_URL", "http://127.0.0.1:" + std::to_string(daemon_->port())},
                           {"MUSTER_TOKEN", token}});
    }
};

TEST_F(AdminCli, ManagesUsersUnderTheSameRoleLimits) {
    const std::string admin = daemon_->bootstrapToken();
    ProgramResult created = ctl(
        {"user", "create", "cli.user", "--email", "cli.user@corp.example", "--role", "employee"},
        admin);
    ASSERT_EQ(created.exitCode, 0) << created.err;
    ProgramResult listed = ctl({"user", "list", "--q", "cli.user"}, admin);
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    EXPECT_NE(listed.out.find("cli.user@corp.example"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("all 1"), std::string::npos) << listed.out;

    const long long id =
        json::parse(call("GET", "/api/v1/users?q=cli.user").body)["items"][0]["id"];
    const std::string idText = std::to_string(id);
    EXPECT_EQ(ctl({"user", "delete", idText, "--confirm", "cli.user"}, admin).exitCode, 1)
        << "still active";
    EXPECT_EQ(ctl({"user", "deactivate", idText}, admin).exitCode, 0);
    EXPECT_EQ(ctl({"user", "delete", idText, "--confirm", "cli.user"}, admin).exitCode, 0);
    EXPECT_EQ(call("GET", path(id)).status, 404);

    const std::string asAdmin = tokenFor(createUser("cli.admin", json::array({"admin"})));
    ProgramResult refused = ctl({"user", "create", "cli.peer", "--role", "admin"}, asAdmin);
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.err.find("admin (rank 300)"), std::string::npos) << refused.err;
    ProgramResult roles = ctl({"role", "list"}, asAdmin);
    EXPECT_NE(roles.out.find("company_admin"), std::string::npos) << roles.out;
}

}  // namespace
