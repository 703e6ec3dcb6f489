// The request sequences Microsoft Entra ID sends when it provisions users and
// groups (as in Microsoft's documented SCIM validation flows): filter probe,
// create with the enterprise extension, PATCH with capitalised op names and
// string booleans, path-less dotted keys, manager set/clear, member PATCH
// without "type", and delete.

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

class ScimEntra : public ScimSuite {
protected:
    static std::string userNameFilter(const std::string& userName) {
        return "userName eq \"" + userName + "\"";
    }

    // PATCH /Users/{id}; Entra accepts 200 with the resource or 204.
    static void patchUser(const std::string& id, const json& operations) {
        ScimResponse patched = scim().patch("/Users/" + id, patchRequest(operations));
        EXPECT_TRUE(patched.status == 200 || patched.status == 204)
            << operations.dump() << ": " << patched;
    }

};

// Entra's create body, including what it sends that Muster does not store
// ("roles": [] in the core schema, read-only "meta").
json entraUser(const std::string& userName, const std::string& email) {
    json body = json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "active": true,
      "displayName": "Kim Test",
      "meta": {"resourceType": "User"},
      "name": {"formatted": "Kim Test", "familyName": "Test", "givenName": "Kim"},
      "roles": []
    })");
    body["userName"] = userName;
    // Display names are unique per tenant (SPEC U-2); see DuplicateDisplayNameIs409.
    body["displayName"] = "Kim Test " + userName;
    body["externalId"] = userName + "-object-id";
    body["emails"] = {{{"primary", true}, {"type", "work"}, {"value", email}}};
    return body;
}

TEST_F(ScimEntra, ProbeCreateProbe) {
    const std::string managerId = createUser(userBody(uniqueName("entra-manager")));
    const std::string userName = uniqueName("entra.user") + "@contoso.com";

    ScimResponse probe = scim().list("Users", userNameFilter(userName));
    ASSERT_EQ(probe.status, 200) << probe;
    EXPECT_EQ(attr(probe.body, "/schemas/0"), kListResponseSchema);
    EXPECT_EQ(totalOf(probe.body), 0) << probe;
    EXPECT_TRUE(resourcesOf(probe.body).empty()) << probe;

    json body = entraUser(userName, userName);
    body[kEnterpriseSchema] = {{"employeeNumber", "701984"},
                               {"department", "Tour Operations"},
                               {"manager", {{"value", managerId}}}};
    ScimResponse created = scim().post("/Users", body);
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);
    EXPECT_EQ(attr(created.body, enterprise("/employeeNumber")), "701984") << created;
    EXPECT_EQ(attr(created.body, enterprise("/department")), "Tour Operations") << created;
    EXPECT_EQ(attr(created.body, enterprise("/manager/value")), managerId) << created;

    ScimResponse again = scim().list("Users", userNameFilter(userName));
    ASSERT_EQ(again.status, 200) << again;
    EXPECT_EQ(totalOf(again.body), 1) << again;
    ASSERT_EQ(resourcesOf(again.body).size(), 1u) << again;
    EXPECT_EQ(attr(again.body, "/Resources/0/id"), id);
    EXPECT_EQ(attr(again.body, "/Resources/0" + enterprise("/employeeNumber")), "701984");
}

TEST_F(ScimEntra, ReplaceOpsWithFilterPathSubAttributeAndStringBoolean) {
    const std::string userName = uniqueName("entra.replace") + "@contoso.com";
    const std::string id = createUser(entraUser(userName, userName));
    ASSERT_FALSE(id.empty());
    const std::string newEmail = uniqueName("entra.new") + "@x.com";

    patchUser(id, {{{"op", "Replace"}, {"path", "emails[type eq \"work\"].value"}, {"value", newEmail}},
                   {{"op", "Replace"}, {"path", "name.givenName"}, {"value", "K"}},
                   {{"op", "Replace"}, {"path", "active"}, {"value", "False"}}});

    const json user = getUser(id);  // deactivated users are still returned by GET
    EXPECT_EQ(attr(user, "/active"), false) << user.dump();
    EXPECT_EQ(attr(user, "/name/givenName"), "K");
    EXPECT_EQ(attr(user, "/name/familyName"), "Test") << "untouched by the patch";
    EXPECT_EQ(attr(user, "/emails").size(), 1u) << user.dump();
    EXPECT_EQ(attr(user, "/emails/0/value"), newEmail);
    EXPECT_EQ(attr(user, "/emails/0/type"), "work");

    // ... and by filters.
    ScimResponse found = scim().list("Users", userNameFilter(userName));
    ASSERT_EQ(totalOf(found.body), 1) << found;
    EXPECT_EQ(attr(found.body, "/Resources/0/active"), false) << found;
    ScimResponse inactive = scim().list("Users", userNameFilter(userName) + " and active eq false");
    EXPECT_EQ(totalOf(inactive.body), 1) << inactive;

    // Reactivation with "True".
    patchUser(id, {{{"op", "Replace"}, {"path", "active"}, {"value", "True"}}});
    EXPECT_EQ(attr(getUser(id), "/active"), true);
}

TEST_F(ScimEntra, ReplaceOfAWorkEmailThatDoesNotExistAddsIt) {
    const std::string id = createUser(userBody(uniqueName("entra.noemail")));
    ASSERT_FALSE(id.empty());
    const std::string email = uniqueName("entra.added") + "@contoso.com";
    patchUser(id, {{{"op", "Replace"}, {"path", "emails[type eq \"work\"].value"}, {"value", email}}});

    const json user = getUser(id);
    EXPECT_EQ(attr(user, "/emails").size(), 1u) << user.dump();
    EXPECT_EQ(attr(user, "/emails/0/value"), email) << user.dump();
    EXPECT_EQ(attr(user, "/emails/0/type"), "work") << user.dump();
}

TEST_F(ScimEntra, PathlessReplaceWithDottedAndUrnQualifiedKeys) {
    const std::string userName = uniqueName("entra.pathless") + "@contoso.com";
    const std::string id = createUser(entraUser(userName, userName));
    ASSERT_FALSE(id.empty());

    patchUser(id, {{{"op", "Replace"},
                    {"value",
                     {{"name.givenName", "A"},
                      {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "7"}}}}});

    const json user = getUser(id);
    EXPECT_EQ(attr(user, "/name/givenName"), "A") << user.dump();
    EXPECT_EQ(attr(user, "/name/familyName"), "Test") << "a dotted key replaces only its sub-attribute";
    EXPECT_EQ(attr(user, enterprise("/employeeNumber")), "7") << user.dump();
    EXPECT_EQ(attr(user, "/userName"), userName);
    EXPECT_EQ(attr(user, "/active"), true);
}

TEST_F(ScimEntra, ManagerAddThenRemove) {
    const std::string managerId = createUser(userBody(uniqueName("entra-boss")));
    const std::string id = createUser(userBody(uniqueName("entra-report")));
    ASSERT_FALSE(managerId.empty());
    ASSERT_FALSE(id.empty());
    const std::string path = std::string(kEnterpriseSchema) + ":manager";

    patchUser(id, {{{"op", "Add"}, {"path", path}, {"value", managerId}}});
    json user = getUser(id);
    EXPECT_EQ(attr(user, enterprise("/manager/value")), managerId) << user.dump();

    patchUser(id, {{{"op", "Remove"}, {"path", path}}});
    user = getUser(id);
    EXPECT_TRUE(attr(user, enterprise("/manager")).is_null()) << user.dump();
}

TEST_F(ScimEntra, ManagerClearedWithEmptyValue) {
    const std::string managerId = createUser(userBody(uniqueName("entra-boss")));
    const std::string id = createUser(userBody(uniqueName("entra-report")));
    const std::string path = std::string(kEnterpriseSchema) + ":manager";

    patchUser(id, {{{"op", "Replace"}, {"path", path}, {"value", {{"value", managerId}}}}});
    ASSERT_EQ(attr(getUser(id), enterprise("/manager/value")), managerId);

    patchUser(id, {{{"op", "Replace"}, {"path", path}, {"value", ""}}});
    const json user = getUser(id);
    EXPECT_TRUE(attr(user, enterprise("/manager")).is_null()) << user.dump();
}

TEST_F(ScimEntra, GroupProbeCreateAndMembersWithoutType) {
    const std::string displayName = uniqueName("Entra Group");
    ScimResponse probe = scim().list("Groups", "displayName eq \"" + displayName + "\"",
                                     "excludedAttributes=members");
    ASSERT_EQ(probe.status, 200) << probe;
    EXPECT_EQ(totalOf(probe.body), 0) << probe;

    ScimResponse created = scim().post(
        "/Groups", {{"schemas", {kGroupSchema}},
                    {"externalId", displayName + "-object-id"},
                    {"displayName", displayName},
                    {"meta", {{"resourceType", "Group"}}}});
    ASSERT_EQ(created.status, 201) << created;
    const std::string groupId = idOf(created);

    ScimResponse found = scim().list("Groups", "displayName eq \"" + displayName + "\"",
                                     "excludedAttributes=members");
    ASSERT_EQ(totalOf(found.body), 1) << found;
    EXPECT_EQ(attr(found.body, "/Resources/0/id"), groupId);
    EXPECT_TRUE(attr(found.body, "/Resources/0/members").is_null()) << found;

    const std::string a = createUser(userBody(uniqueName("entra-member-a")));
    const std::string b = createUser(userBody(uniqueName("entra-member-b")));
    const std::string c = createUser(userBody(uniqueName("entra-member-c")));

    ScimResponse added = scim().patch(
        "/Groups/" + groupId,
        patchRequest({{{"op", "Add"}, {"path", "members"}, {"value", {{{"value", a}}, {{"value", b}}, {{"value", c}}}}}}));
    EXPECT_EQ(added.status, 204) << added;
    EXPECT_TRUE(added.http.body.empty()) << added;
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({a, b, c}));

    // Remove with a value list removes just those members.
    ScimResponse removed = scim().patch(
        "/Groups/" + groupId,
        patchRequest({{{"op", "Remove"}, {"path", "members"}, {"value", {{{"value", b}}}}}}));
    EXPECT_EQ(removed.status, 204) << removed;
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({a, c}));

    // Remove through a value filter.
    ScimResponse filtered = scim().patch(
        "/Groups/" + groupId,
        patchRequest({{{"op", "Remove"}, {"path", "members[value eq \"" + a + "\"]"}}}));
    EXPECT_EQ(filtered.status, 204) << filtered;
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({c}));

    // The remaining member sees the group; the removed ones don't.
    const json userC = getUser(c);
    EXPECT_EQ(attr(userC, "/groups/0/value"), groupId) << userC.dump();
    const json userB = getUser(b);
    EXPECT_EQ(attr(userB, "/groups").size(), 0u) << userB.dump();
}

TEST_F(ScimEntra, AddingAnExistingMemberAgainKeepsOneMembership) {
    const std::string member = createUser(userBody(uniqueName("entra-twice")));
    const std::string groupId = createGroup(uniqueName("Entra Twice"), {member});
    ScimResponse again = scim().patch(
        "/Groups/" + groupId,
        patchRequest({{{"op", "Add"}, {"path", "members"}, {"value", {{{"value", member}}}}}}));
    EXPECT_EQ(again.status, 204) << again;
    ScimResponse group = scim().get("/Groups/" + groupId);
    ASSERT_EQ(group.status, 200) << group;
    EXPECT_EQ(attr(group.body, "/members").size(), 1u) << group;
}

TEST_F(ScimEntra, DeleteUserThenGetIs404) {
    const std::string userName = uniqueName("entra.delete") + "@contoso.com";
    const std::string id = createUser(entraUser(userName, userName));
    ASSERT_FALSE(id.empty());

    ScimResponse deleted = scim().remove("/Users/" + id);
    EXPECT_EQ(deleted.status, 204) << deleted;
    EXPECT_TRUE(deleted.http.body.empty());

    EXPECT_TRUE(isScimError(scim().get("/Users/" + id), 404));
    EXPECT_EQ(totalOf(scim().list("Users", userNameFilter(userName)).body), 0);
    EXPECT_TRUE(isScimError(scim().remove("/Users/" + id), 404));
    // The userName is free again.
    EXPECT_FALSE(createUser(userBody(userName)).empty());
}

TEST_F(ScimEntra, DeletedUserLeavesItsGroups) {
    const std::string stays = createUser(userBody(uniqueName("entra-stays")));
    const std::string goes = createUser(userBody(uniqueName("entra-goes")));
    const std::string groupId = createGroup(uniqueName("Entra Leavers"), {stays, goes});
    ASSERT_EQ(scim().remove("/Users/" + goes).status, 204);
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({stays}));
}

}  // namespace
