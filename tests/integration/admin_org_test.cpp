// The org structure admin API (SPEC U-1, U-10) end to end against a real
// musterd: departments with sections, teams, sites and tags (static and
// dynamic) — each action, each refusal, audit, and tenant isolation.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "shared_daemon_test.hpp"

using namespace muster::testing;
using nlohmann::json;

namespace {

class AdminOrgApi : public SharedDaemonTest {
  protected:
    // Creates an entry and returns its id.
    static long long create(const std::string& collection, const json& body) {
        HttpResult created = call("POST", collection, body);
        EXPECT_EQ(created.status, 201) << collection << ": " << created.body;
        return parse(created).value("id", 0LL);
    }

    static long long createUser(const std::string& userName, json extra = json::object()) {
        extra["userName"] = userName;
        HttpResult created = call("POST", "/api/v1/users", extra);
        EXPECT_EQ(created.status, 201) << created.body;
        return parse(created).value("id", 0LL);
    }

    static json user(long long id) {
        return parse(call("GET", "/api/v1/users/" + std::to_string(id)));
    }

    // An admin token of a second tenant.
    static std::string foreignToken() {
        static std::string token;
        if (!token.empty()) return token;
        EXPECT_EQ(call("POST", "/api/v1/tenants", {{"name", "org-elsewhere"}}).status, 201);
        HttpResult other =
            call("POST", "/api/v1/tokens",
                 {{"name", "elsewhere admin"}, {"tenant", "org-elsewhere"}, {"scopes", {"admin"}}});
        EXPECT_EQ(other.status, 201) << other.body;
        token = parse(other).value("token", "");
        return token;
    }

    static bool bodyMentions(const HttpResult& result, const std::string& text) {
        return result.body.find(text) != std::string::npos;
    }
};

// The plain catalogues share one shape: create, get, list, rename, delete.
TEST_F(AdminOrgApi, TeamsSitesAndDepartmentsHaveCrud) {
    for (const std::string collection : {"/api/v1/teams", "/api/v1/sites", "/api/v1/departments"}) {
        SCOPED_TRACE(collection);
        HttpResult created =
            call("POST", collection, {{"name", "Crud One"}, {"description", "first"}});
        ASSERT_EQ(created.status, 201) << created.body;
        const long long id = parse(created)["id"];
        const std::string item = collection + "/" + std::to_string(id);
        EXPECT_EQ(created.header("location"), item);
        EXPECT_EQ(parse(created)["userCount"], 0);

        json got = parse(call("GET", item));
        EXPECT_EQ(got["name"], "Crud One");
        EXPECT_EQ(got["description"], "first");

        HttpResult renamed = call("PATCH", item, {{"name", "Crud Two"}});
        ASSERT_EQ(renamed.status, 200) << renamed.body;
        EXPECT_EQ(parse(renamed)["name"], "Crud Two");
        EXPECT_EQ(parse(renamed)["description"], "first") << "fields not named stay";

        json listed = parse(call("GET", collection + "?limit=200"));
        bool found = false;
        for (const json& entry : listed["items"]) found = found || entry["id"] == id;
        EXPECT_TRUE(found) << listed.dump();

        EXPECT_EQ(call("DELETE", item).status, 204);
        EXPECT_EQ(call("GET", item).status, 404);
        EXPECT_EQ(call("PATCH", item, {{"name", "x"}}).status, 404);
        EXPECT_EQ(call("DELETE", item).status, 404);
    }
}

TEST_F(AdminOrgApi, DuplicateNamesAreConflicts) {
    for (const std::string collection :
         {"/api/v1/teams", "/api/v1/sites", "/api/v1/departments", "/api/v1/tags"}) {
        SCOPED_TRACE(collection);
        create(collection, {{"name", "Twin"}});
        HttpResult again = call("POST", collection, {{"name", "TWIN"}});
        EXPECT_EQ(again.status, 409) << again.body;
        EXPECT_TRUE(bodyMentions(again, "\\\"TWIN\\\" already exists")) << again.body;
        const long long other = create(collection, {{"name", "Other Twin"}});
        EXPECT_EQ(
            call("PATCH", collection + "/" + std::to_string(other), {{"name", "twin"}}).status, 409)
            << "a rename onto a taken name";
    }
}

TEST_F(AdminOrgApi, InvalidBodiesAreRefusedNamingTheProblem) {
    HttpResult noName = call("POST", "/api/v1/teams", {{"description", "x"}});
    EXPECT_EQ(noName.status, 400);
    HttpResult typo = call("POST", "/api/v1/teams", {{"name", "T"}, {"nmae", "x"}});
    EXPECT_EQ(typo.status, 400);
    EXPECT_TRUE(bodyMentions(typo, "nmae")) << typo.body;
    HttpResult ruleOnTeam =
        call("POST", "/api/v1/teams", {{"name", "T"}, {"rule", {{"all", json::array()}}}});
    EXPECT_EQ(ruleOnTeam.status, 400);
    HttpResult tooLong = call("POST", "/api/v1/sites", {{"name", std::string(300, 's')}});
    EXPECT_EQ(tooLong.status, 400);
    EXPECT_EQ(call("POST", "/api/v1/sites", "not json").status, 400);
    EXPECT_EQ(call("DELETE", "/api/v1/teams/1?force=maybe").status, 400);
    EXPECT_EQ(call("GET", "/api/v1/teams/abc").status, 404);
}

TEST_F(AdminOrgApi, DepartmentsHoldSections) {
    const long long sales = create("/api/v1/departments", {{"name", "Sections Sales"}});
    const long long support = create("/api/v1/departments", {{"name", "Sections Support"}});
    const std::string sections = "/api/v1/departments/" + std::to_string(sales) + "/sections";

    HttpResult east = call("POST", sections, {{"name", "East"}});
    ASSERT_EQ(east.status, 201) << east.body;
    const long long eastId = parse(east)["id"];
    EXPECT_EQ(parse(east)["departmentId"], sales);
    EXPECT_EQ(east.header("location"), sections + "/" + std::to_string(eastId));
    create(sections, {{"name", "West"}});
    EXPECT_EQ(call("POST", sections, {{"name", "east"}}).status, 409);
    create("/api/v1/departments/" + std::to_string(support) + "/sections", {{"name", "East"}});

    json list = parse(call("GET", sections));
    ASSERT_EQ(list["items"].size(), 2u);
    EXPECT_EQ(list["items"][0]["name"], "East");
    json department = parse(call("GET", "/api/v1/departments/" + std::to_string(sales)));
    ASSERT_EQ(department["sections"].size(), 2u);

    const std::string eastPath = sections + "/" + std::to_string(eastId);
    EXPECT_EQ(parse(call("PATCH", eastPath, {{"name", "Eastern"}}))["name"], "Eastern");
    EXPECT_EQ(call("GET", "/api/v1/departments/" + std::to_string(support) + "/sections/" +
                              std::to_string(eastId))
                  .status,
              404)
        << "a section is found only under its own department";
    EXPECT_EQ(call("GET", "/api/v1/departments/999999/sections").status, 404);
    EXPECT_EQ(call("DELETE", eastPath).status, 204);
    EXPECT_EQ(call("GET", eastPath).status, 404);

    // Deleting a department takes its sections along.
    EXPECT_EQ(call("DELETE", "/api/v1/departments/" + std::to_string(sales)).status, 204);
    EXPECT_EQ(call("GET", sections).status, 404);
}

TEST_F(AdminOrgApi, ListsArePagedInNameOrderWithACursor) {
    for (const char* name : {"page-d", "Page-B", "page-a", "page-e", "Page-C"}) {
        create("/api/v1/sites", {{"name", name}});
    }
    std::vector<std::string> names;
    std::string cursor;
    for (int pages = 0; pages < 20; ++pages) {
        std::string url = "/api/v1/sites?limit=2";
        if (!cursor.empty()) url += "&cursor=" + cursor;
        HttpResult page = call("GET", url);
        ASSERT_EQ(page.status, 200) << page.body;
        json body = parse(page);
        EXPECT_LE(body["items"].size(), 2u);
        for (const json& item : body["items"]) {
            const std::string name = item["name"];
            if (name.rfind("page-", 0) == 0 || name.rfind("Page-", 0) == 0) names.push_back(name);
        }
        if (!body["nextCursor"].is_string()) break;
        cursor = body["nextCursor"];
    }
    EXPECT_EQ(names, (std::vector<std::string>{"page-a", "Page-B", "Page-C", "page-d", "page-e"}));
    EXPECT_EQ(call("GET", "/api/v1/sites?cursor=zz.1").status, 400);
    EXPECT_EQ(call("GET", "/api/v1/sites?limit=0").status, 400);
    EXPECT_EQ(call("GET", "/api/v1/sites?limit=201").status, 400);
}

TEST_F(AdminOrgApi, DynamicTagsHaveValidatedRules) {
    const json rule = {{"all",
                        {{{"attribute", "department"}, {"op", "eq"}, {"value", "Dyn Sales"}},
                         {{"attribute", "team"}, {"op", "in"}, {"value", {"Red", "Blue"}}}}}};
    HttpResult created = call("POST", "/api/v1/tags", {{"name", "dyn-sales"}, {"rule", rule}});
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(parse(created)["kind"], "dynamic");
    EXPECT_EQ(parse(created)["rule"], rule);
    const std::string item =
        "/api/v1/tags/" + std::to_string(parse(created)["id"].get<long long>());

    HttpResult unknown =
        call("POST", "/api/v1/tags",
             {{"name", "bad"},
              {"rule", {{"any", {{{"attribute", "salary"}, {"op", "eq"}, {"value", "1"}}}}}}});
    EXPECT_EQ(unknown.status, 400);
    EXPECT_TRUE(bodyMentions(unknown, "rule.any[0].attribute")) << unknown.body;
    EXPECT_TRUE(bodyMentions(unknown, "salary")) << unknown.body;

    HttpResult badOp =
        call("POST", "/api/v1/tags",
             {{"name", "bad"},
              {"rule", {{"all", {{{"attribute", "team"}, {"op", "gt"}, {"value", "1"}}}}}}});
    EXPECT_EQ(badOp.status, 400);
    EXPECT_TRUE(bodyMentions(badOp, "rule.all[0].op")) << badOp.body;
    json tooMany = json::array();
    for (int i = 0; i < 21; ++i) {
        tooMany.push_back({{"attribute", "team"}, {"op", "eq"}, {"value", "x"}});
    }
    EXPECT_EQ(call("POST", "/api/v1/tags", {{"name", "bad"}, {"rule", {{"all", tooMany}}}}).status,
              400);
    EXPECT_EQ(
        call("POST", "/api/v1/tags", {{"name", "bad"}, {"rule", {{"both", json::array()}}}}).status,
        400);

    json dynamicOnly = parse(call("GET", "/api/v1/tags?kind=dynamic&limit=200"));
    for (const json& tag : dynamicOnly["items"]) EXPECT_EQ(tag["kind"], "dynamic");
    EXPECT_EQ(call("GET", "/api/v1/tags?kind=weird").status, 400);

    // rule: null makes it static again.
    HttpResult madeStatic = call("PATCH", item, {{"rule", nullptr}});
    ASSERT_EQ(madeStatic.status, 200) << madeStatic.body;
    EXPECT_EQ(parse(madeStatic)["kind"], "static");
    EXPECT_TRUE(parse(madeStatic)["rule"].is_null());
}

TEST_F(AdminOrgApi, RenamesReachTheUsersAndDeletingInUseNeedsForce) {
    create("/api/v1/teams", {{"name", "Rename Blue"}});
    create("/api/v1/departments", {{"name", "Rename Sales"}});
    const long long jane =
        createUser("org.jane", {{"team", "Rename Blue"}, {"department", "Rename Sales"}});
    createUser("org.bob", {{"team", "Rename Blue"}});

    json teams = parse(call("GET", "/api/v1/teams?limit=200"));
    long long blue = 0;
    for (const json& team : teams["items"]) {
        if (team["name"] == "Rename Blue") {
            blue = team["id"];
            EXPECT_EQ(team["userCount"], 2);
        }
    }
    ASSERT_GT(blue, 0);
    const std::string bluePath = "/api/v1/teams/" + std::to_string(blue);

    HttpResult renamed = call("PATCH", bluePath, {{"name", "Rename Navy"}});
    ASSERT_EQ(renamed.status, 200) << renamed.body;
    EXPECT_EQ(parse(renamed)["userCount"], 2);
    EXPECT_EQ(user(jane)["team"], "Rename Navy");

    HttpResult inUse = call("DELETE", bluePath);
    EXPECT_EQ(inUse.status, 409);
    EXPECT_TRUE(bodyMentions(inUse, "used by 2 users")) << inUse.body;
    EXPECT_EQ(user(jane)["team"], "Rename Navy") << "a refused delete changes nothing";

    EXPECT_EQ(call("DELETE", bluePath + "?force=true").status, 204);
    EXPECT_FALSE(user(jane).contains("team") && user(jane)["team"] != "") << user(jane).dump();

    json audit = parse(call("GET", "/api/v1/audit?limit=20"));
    bool renameAudited = false, deleteAudited = false;
    for (const json& event : audit["items"]) {
        if (event["targetType"] != "team" || event["targetId"] != blue) continue;
        EXPECT_EQ(event["source"], "admin");
        renameAudited = renameAudited || event["action"] == "team.update";
        deleteAudited = deleteAudited || event["action"] == "team.delete";
    }
    EXPECT_TRUE(renameAudited) << audit.dump();
    EXPECT_TRUE(deleteAudited) << audit.dump();
}

TEST_F(AdminOrgApi, OnlyAdminTokensManageTheCatalogues) {
    HttpResult scim = call("POST", "/api/v1/tokens", {{"name", "org scim"}, {"scopes", {"scim"}}});
    ASSERT_EQ(scim.status, 201) << scim.body;
    const std::string token = parse(scim)["token"];
    EXPECT_EQ(call("GET", "/api/v1/teams", nullptr, token).status, 403);
    EXPECT_EQ(call("POST", "/api/v1/tags", {{"name", "nope"}}, token).status, 403);
    EXPECT_EQ(call("GET", "/api/v1/teams", nullptr, "").status, 401);
}

TEST_F(AdminOrgApi, AnotherTenantSeesNothingOfThisOne) {
    const std::string foreign = foreignToken();
    std::vector<std::string> items;
    for (const std::string collection :
         {"/api/v1/teams", "/api/v1/sites", "/api/v1/departments", "/api/v1/tags"}) {
        items.push_back(collection + "/" +
                        std::to_string(create(collection, {{"name", "Isolated Entry"}})));
    }
    const std::string department = items[2];
    items.push_back(department + "/sections/" +
                    std::to_string(create(department + "/sections", {{"name", "Isolated"}})));

    for (const std::string& item : items) {
        SCOPED_TRACE(item);
        HttpResult got = call("GET", item, nullptr, foreign);
        EXPECT_EQ(got.status, 404);
        EXPECT_FALSE(bodyMentions(got, "Isolated")) << got.body;
        EXPECT_EQ(call("PATCH", item, {{"name", "Stolen"}}, foreign).status, 404);
        EXPECT_EQ(call("DELETE", item + "?force=true", nullptr, foreign).status, 404);
        EXPECT_EQ(call("GET", item).status, 200) << "still there for its own tenant";
    }
    EXPECT_EQ(call("GET", department + "/sections", nullptr, foreign).status, 404);
    EXPECT_EQ(call("POST", department + "/sections", {{"name", "Theirs"}}, foreign).status, 404);
    for (const std::string collection :
         {"/api/v1/teams", "/api/v1/sites", "/api/v1/departments", "/api/v1/tags"}) {
        HttpResult listed = call("GET", collection + "?limit=200", nullptr, foreign);
        ASSERT_EQ(listed.status, 200) << listed.body;
        EXPECT_FALSE(bodyMentions(listed, "Isolated")) << collection << ": " << listed.body;
    }
    // The same names are free in the other tenant.
    EXPECT_EQ(call("POST", "/api/v1/teams", {{"name", "Isolated Entry"}}, foreign).status, 201);
}

// User writes go through the catalogues (core applyOrgStructure, called by
// UserService): unknown sites are refused, new teams and tags appear, and
// dynamic tags follow the user.
TEST_F(AdminOrgApi, UserWritesAreCheckedAgainstTheCatalogues) {
    create("/api/v1/sites", {{"name", "Users Berlin"}});
    HttpResult unknown =
        call("POST", "/api/v1/users",
             {{"userName", "org.sites"}, {"sites", {"Users Berlin", "Users Atlantis"}}});
    EXPECT_EQ(unknown.status, 400) << unknown.body;
    EXPECT_TRUE(bodyMentions(unknown, "Users Atlantis")) << unknown.body;

    create("/api/v1/tags",
           {{"name", "users-dyn"},
            {"rule",
             {{"all", {{{"attribute", "department"}, {"op", "eq"}, {"value", "Users Dyn"}}}}}}});
    const long long id = createUser("org.auto", {{"team", "Users Auto Team"},
                                                 {"tags", {"users-static"}},
                                                 {"department", "users dyn"},
                                                 {"sites", {"users berlin"}}});
    json created = user(id);
    EXPECT_EQ(created["tags"], json({"users-static", "users-dyn"})) << created.dump();
    EXPECT_EQ(created["department"], "users dyn") << "a new department keeps the spelling given";

    bool teamListed = false;
    std::string cursor;
    for (int page = 0; page < 50 && !teamListed; ++page) {  // other tests add teams too
        json listed = parse(
            call("GET", "/api/v1/teams?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor)));
        for (const json& team : listed["items"]) {
            teamListed = teamListed || team["name"] == "Users Auto Team";
        }
        if (!listed["nextCursor"].is_string()) break;
        cursor = listed["nextCursor"];
    }
    EXPECT_TRUE(teamListed) << "unknown teams are created";

    HttpResult moved =
        call("PATCH", "/api/v1/users/" + std::to_string(id), {{"department", "Other"}});
    ASSERT_EQ(moved.status, 200) << moved.body;
    EXPECT_EQ(parse(moved)["tags"], json({"users-static"}));
}

}  // namespace
