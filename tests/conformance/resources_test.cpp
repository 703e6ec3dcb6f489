// RFC 7644 §3.3 (create), §3.4.1 (retrieve), §3.9 (attribute projection) and
// §3.12 (uniqueness errors), with the RFC's own example resource.

#include <algorithm>
#include <sstream>

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

class ScimResources : public ScimSuite {};

// RFC 7644 §3.3: "bjensen", plus a work email.
json rfcExampleUser() {
    return json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName": "bjensen",
      "externalId": "bjensen",
      "name": {
        "formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen",
        "givenName": "Barbara"
      },
      "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}]
    })");
}

bool hasSchema(const json& resource, const std::string& urn) {
    if (!resource.contains("schemas")) return false;
    const json schemas = attr(resource, "/schemas");
    return schemas.is_array() &&
           std::find(schemas.begin(), schemas.end(), json(urn)) != schemas.end();
}

// Guards the PostgreSQL run of this suite: it must really be on PostgreSQL.
TEST_F(ScimResources, RunsOnTheStoreItWasAskedFor) {
    const char* asked = std::getenv("MUSTER_CONFORMANCE_STORE");
    const std::string expected =
        asked != nullptr && std::string_view(asked) == "postgresql" ? "postgresql" : "sqlite3";
    muster::testing::HttpResult ready = daemon().request("GET", "/readyz");
    ASSERT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(json::parse(ready.body).value("store", ""), expected) << ready.body;
}

// SPEC L-1: every SCIM write is audited with the token as actor and source
// "scim". Read from the SQLite file itself: the audit API comes later.
TEST_F(ScimResources, EveryWriteIsAuditedAsScimWithTheTokenAsActor) {
    if (std::getenv("MUSTER_CONFORMANCE_STORE") != nullptr) GTEST_SKIP() << "reads the SQLite file";
    const std::string id = createUser(userBody(uniqueName("audited")));
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(
        scim()
            .patch("/Users/" + id,
                   patchRequest({{{"op", "replace"}, {"path", "title"}, {"value", "Auditor"}}}))
            .status,
        200);
    ASSERT_EQ(scim().remove("/Users/" + id).status, 204);
    const auto result = muster::testing::runProgram(
        {"/usr/bin/sqlite3", (daemon().workDir() / "muster.db").string(),
         "SELECT action || ' ' || source || ' ' || actor FROM audit_events "
         "WHERE target_type = 'user' AND target_id = " +
             id + " ORDER BY id"});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const std::string prefix = "token:";
    std::vector<std::string> lines;
    std::istringstream in(result.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 3u) << result.out;
    EXPECT_EQ(lines[0].rfind("user.create scim " + prefix, 0), 0u) << lines[0];
    EXPECT_EQ(lines[1].rfind("user.update scim " + prefix, 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("user.delete scim " + prefix, 0), 0u) << lines[2];
}

TEST_F(ScimResources, CreateUserFromRfcExample) {
    ScimResponse created = scim().post("/Users", rfcExampleUser());
    ASSERT_EQ(created.status, 201) << created;
    EXPECT_TRUE(created.isScimJson()) << created.header("content-type");

    const json& user = created.body;
    const std::string id = idOf(created);
    ASSERT_FALSE(id.empty()) << created;
    EXPECT_EQ(id.find_first_not_of("0123456789"), std::string::npos)
        << "ids are decimal strings: " << id;
    EXPECT_TRUE(hasSchema(user, kUserSchema)) << user.dump();
    EXPECT_EQ(attr(user, "/userName"), "bjensen");
    EXPECT_EQ(attr(user, "/externalId"), "bjensen");
    EXPECT_EQ(attr(user, "/name/familyName"), "Jensen");
    EXPECT_EQ(attr(user, "/name/givenName"), "Barbara");
    EXPECT_EQ(attr(user, "/name/formatted"), "Ms. Barbara J Jensen III");
    EXPECT_EQ(attr(user, "/emails").size(), 1u) << user.dump();
    EXPECT_EQ(attr(user, "/emails/0/value"), "bjensen@example.com");
    EXPECT_EQ(attr(user, "/emails/0/type"), "work");
    EXPECT_EQ(attr(user, "/active"), true) << "a user created without \"active\" is active";

    const json meta = attr(user, "/meta");
    EXPECT_EQ(attr(meta, "/resourceType"), "User") << user.dump();
    EXPECT_TRUE(attr(meta, "/created").is_string()) << user.dump();
    EXPECT_TRUE(attr(meta, "/lastModified").is_string()) << user.dump();

    // Location: the absolute URL of the new resource, the same as meta.location.
    const std::string location = created.header("location");
    EXPECT_EQ(location.rfind("http", 0), 0u) << location;
    EXPECT_NE(location.find("/scim/v2/Users/" + id), std::string::npos) << location;
    EXPECT_EQ(lastSegment(location), id);
    EXPECT_EQ(attr(meta, "/location"), location);

    // ETag: weak, and equal to meta.version.
    const std::string etag = created.etag();
    EXPECT_EQ(etag.rfind("W/\"", 0), 0u) << etag;
    EXPECT_EQ(etag.back(), '"') << etag;
    EXPECT_EQ(attr(meta, "/version"), etag);
}

TEST_F(ScimResources, GetUserById) {
    const std::string userName = uniqueName("get-by-id");
    ScimResponse created = scim().post("/Users", userBody(userName, {{"title", "Tour Guide"}}));
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);

    ScimResponse fetched = scim().get("/Users/" + id);
    ASSERT_EQ(fetched.status, 200) << fetched;
    EXPECT_TRUE(fetched.isScimJson()) << fetched.header("content-type");
    EXPECT_EQ(attr(fetched.body, "/id"), id);
    EXPECT_EQ(attr(fetched.body, "/userName"), userName);
    EXPECT_EQ(attr(fetched.body, "/title"), "Tour Guide");
    EXPECT_EQ(fetched.etag(), created.etag()) << "nothing changed in between";
    EXPECT_EQ(attr(fetched.body, "/meta/version"), fetched.etag());
    EXPECT_EQ(attr(fetched.body, "/meta/location"), created.header("location"));
}

TEST_F(ScimResources, UnknownIdIs404WithErrorBody) {
    for (const std::string id :
         {"987654321", "0", "not-a-number", "2819c223-7f76-453a-919d-413861904646"}) {
        ScimResponse missing = scim().get("/Users/" + id);
        EXPECT_TRUE(isScimError(missing, 404)) << "id " << id;
        EXPECT_FALSE(missing.detail().empty()) << missing;
    }
    EXPECT_TRUE(isScimError(scim().get("/Groups/987654321"), 404));
}

TEST_F(ScimResources, UserNameDifferingOnlyInCaseIs409Uniqueness) {
    const std::string userName = uniqueName("dup-case");
    ASSERT_FALSE(createUser(userBody(userName)).empty());

    std::string upper = userName;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    ScimResponse duplicate = scim().post("/Users", userBody(upper));
    EXPECT_TRUE(isScimError(duplicate, 409, "uniqueness"));

    // Still exactly one of them.
    ScimResponse found = scim().list("Users", "userName eq \"" + userName + "\"");
    ASSERT_EQ(found.status, 200) << found;
    EXPECT_EQ(totalOf(found.body), 1) << found;
}

TEST_F(ScimResources, DuplicateEmailIs409Uniqueness) {
    const std::string email = uniqueName("shared.mailbox") + "@example.com";
    const json emails = {{"emails", {{{"value", email}, {"type", "work"}}}}};
    ASSERT_FALSE(createUser(userBody(uniqueName("email-owner"), emails)).empty());

    ScimResponse duplicate = scim().post("/Users", userBody(uniqueName("email-thief"), emails));
    EXPECT_TRUE(isScimError(duplicate, 409, "uniqueness"));
}

TEST_F(ScimResources, DuplicateExternalIdIs409Uniqueness) {
    const json external = {{"externalId", uniqueName("ext")}};
    ASSERT_FALSE(createUser(userBody(uniqueName("ext-owner"), external)).empty());
    EXPECT_TRUE(isScimError(scim().post("/Users", userBody(uniqueName("ext-thief"), external)), 409,
                            "uniqueness"));
}

TEST_F(ScimResources, DuplicateDisplayNameIs409Uniqueness) {
    const json shown = {{"displayName", uniqueName("Kim Test")}};
    ASSERT_FALSE(createUser(userBody(uniqueName("shown-owner"), shown)).empty());
    ScimResponse second = scim().post("/Users", userBody(uniqueName("shown-second"), shown));
    EXPECT_TRUE(isScimError(second, 409, "uniqueness"));
    EXPECT_NE(second.detail().find("displayName"), std::string::npos) << second;
}

TEST_F(ScimResources, ExternalIdIsFilterableAndFreedByDeletion) {
    const std::string externalId = uniqueName("ext-free");
    const std::string id =
        createUser(userBody(uniqueName("ext-first"), {{"externalId", externalId}}));
    ASSERT_FALSE(id.empty());
    ScimResponse found = scim().list("Users", "externalId eq \"" + externalId + "\"");
    ASSERT_EQ(totalOf(found.body), 1) << found;
    EXPECT_EQ(attr(found.body, "/Resources/0/id"), id);
    ASSERT_EQ(scim().remove("/Users/" + id).status, 204);
    EXPECT_FALSE(
        createUser(userBody(uniqueName("ext-second"), {{"externalId", externalId}})).empty());
}

TEST_F(ScimResources, AttributesReturnsOnlyWhatWasAskedPlusAlwaysReturned) {
    const std::string userName = uniqueName("projected");
    const std::string id = createUser(userBody(
        userName, {{"name", {{"givenName", "Pro"}, {"familyName", "Jected"}}},
                   {"emails", {{{"value", userName + "@example.com"}, {"type", "work"}}}}}));
    ASSERT_FALSE(id.empty());

    const std::set<std::string> allowed = {"id", "schemas", "meta", "userName"};
    auto checkOnlyUserName = [&](const json& resource) {
        EXPECT_EQ(attr(resource, "/id"), id) << resource.dump();
        EXPECT_EQ(attr(resource, "/userName"), userName) << resource.dump();
        for (auto it = resource.begin(); it != resource.end(); ++it) {
            EXPECT_TRUE(allowed.count(it.key()))
                << "unexpected attribute " << it.key() << " in " << resource.dump();
        }
    };

    ScimResponse one = scim().get("/Users/" + id + "?attributes=userName");
    ASSERT_EQ(one.status, 200) << one;
    checkOnlyUserName(one.body);

    ScimResponse listed =
        scim().list("Users", "userName eq \"" + userName + "\"", "attributes=userName");
    ASSERT_EQ(listed.status, 200) << listed;
    ASSERT_EQ(resourcesOf(listed.body).size(), 1u) << listed;
    checkOnlyUserName(resourcesOf(listed.body)[0]);
}

TEST_F(ScimResources, AttributesSelectsSubAttributes) {
    const std::string userName = uniqueName("sub-projected");
    const std::string id = createUser(
        userBody(userName, {{"name", {{"givenName", "Sub"}, {"familyName", "Attribute"}}}}));
    ASSERT_FALSE(id.empty());
    ScimResponse one = scim().get("/Users/" + id + "?attributes=name.familyName");
    ASSERT_EQ(one.status, 200) << one;
    EXPECT_EQ(attr(one.body, "/name/familyName"), "Attribute") << one;
    EXPECT_TRUE(attr(one.body, "/name/givenName").is_null()) << one;
    EXPECT_FALSE(one.body.contains("userName")) << one;
}

TEST_F(ScimResources, ExcludedAttributesLeavesThemOut) {
    const std::string userName = uniqueName("excluded");
    const std::string id = createUser(userBody(
        userName, {{"name", {{"givenName", "Ex"}, {"familyName", "Cluded"}}},
                   {"emails", {{{"value", userName + "@example.com"}, {"type", "work"}}}}}));
    ASSERT_FALSE(id.empty());

    ScimResponse full = scim().get("/Users/" + id);
    ASSERT_EQ(full.status, 200) << full;
    ASSERT_TRUE(full.body.contains("emails")) << "precondition: the user has emails";

    ScimResponse one = scim().get("/Users/" + id + "?excludedAttributes=emails");
    ASSERT_EQ(one.status, 200) << one;
    EXPECT_FALSE(one.body.contains("emails")) << one;
    EXPECT_EQ(attr(one.body, "/userName"), userName);
    EXPECT_EQ(attr(one.body, "/name/familyName"), "Cluded");
    EXPECT_EQ(attr(one.body, "/id"), id);

    ScimResponse listed =
        scim().list("Users", "userName eq \"" + userName + "\"", "excludedAttributes=emails,name");
    ASSERT_EQ(listed.status, 200) << listed;
    ASSERT_EQ(resourcesOf(listed.body).size(), 1u) << listed;
    EXPECT_FALSE(resourcesOf(listed.body)[0].contains("emails")) << listed;
    EXPECT_FALSE(resourcesOf(listed.body)[0].contains("name")) << listed;
    EXPECT_EQ(attr(listed.body, "/Resources/0/userName"), userName);
}

TEST_F(ScimResources, GroupCreateAndGet) {
    const std::string member = createUser(userBody(uniqueName("group-member")));
    const std::string name = uniqueName("Tour Guides");
    ScimResponse created = scim().post("/Groups", groupBody(name, {member}));
    ASSERT_EQ(created.status, 201) << created;
    EXPECT_TRUE(created.isScimJson());
    const std::string id = idOf(created);
    EXPECT_EQ(attr(created.body, "/displayName"), name);
    EXPECT_EQ(attr(created.body, "/meta/resourceType"), "Group");
    EXPECT_EQ(attr(created.body, "/meta/version"), created.etag());
    EXPECT_EQ(lastSegment(created.header("location")), id);

    ScimResponse fetched = scim().get("/Groups/" + id);
    ASSERT_EQ(fetched.status, 200) << fetched;
    EXPECT_EQ(attr(fetched.body, "/members").size(), 1u) << fetched;
    EXPECT_EQ(attr(fetched.body, "/members/0/value"), member) << fetched;

    // The member's groups attribute lists the group.
    const json user = getUser(member);
    EXPECT_EQ(attr(user, "/groups/0/value"), id) << user.dump();
}

TEST_F(ScimResources, DuplicateGroupDisplayNameIs409) {
    const std::string name = uniqueName("Unique Group");
    ASSERT_FALSE(createGroup(name).empty());
    EXPECT_TRUE(isScimError(scim().post("/Groups", groupBody(name)), 409, "uniqueness"));
}

TEST_F(ScimResources, ExcludedMembersLeavesGroupMembersOut) {
    const std::string member = createUser(userBody(uniqueName("hidden-member")));
    const std::string id = createGroup(uniqueName("Hidden Members"), {member});
    ScimResponse group = scim().get("/Groups/" + id + "?excludedAttributes=members");
    ASSERT_EQ(group.status, 200) << group;
    EXPECT_FALSE(group.body.contains("members")) << group;
    EXPECT_TRUE(group.body.contains("displayName")) << group;
}

}  // namespace
