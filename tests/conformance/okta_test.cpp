// The request sequences Okta sends when it provisions (as in Okta's SCIM 2.0
// reference): lookup by userName with startIndex/count, create (with the
// password and empty groups it always sends), deactivate by PATCH or by PUT,
// and group push (create, rename carrying "id", members, PUT).

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

class ScimOkta : public ScimSuite {
protected:
    static ScimResponse lookup(const std::string& userName) {
        return scim().list("Users", "userName eq \"" + userName + "\"", "startIndex=1&count=100");
    }
};

json oktaUser(const std::string& userName) {
    json body = json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "name": {"givenName": "Test", "familyName": "User"},
      "displayName": "Test User",
      "locale": "en-US",
      "groups": [],
      "password": "1mz050nq",
      "active": true
    })");
    body["userName"] = userName;
    // Display names are unique per tenant (SPEC U-2).
    body["displayName"] = "Test User " + userName;
    body["externalId"] = userName + "-okta-id";
    body["emails"] = {{{"primary", true}, {"value", userName}, {"type", "work"}}};
    return body;
}

TEST_F(ScimOkta, LookupCreateDeactivateReactivateWithPatch) {
    const std::string userName = uniqueName("okta.user") + "@okta.local";
    ScimResponse before = lookup(userName);
    ASSERT_EQ(before.status, 200) << before;
    EXPECT_EQ(totalOf(before.body), 0) << before;

    ScimResponse created = scim().post("/Users", oktaUser(userName));
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);
    EXPECT_TRUE(attr(created.body, "/password").is_null()) << "passwords are never returned: " << created;
    EXPECT_EQ(attr(created.body, "/locale"), "en-US");
    EXPECT_EQ(attr(created.body, "/displayName"), "Test User " + userName);

    ScimResponse found = lookup(userName);
    ASSERT_EQ(totalOf(found.body), 1) << found;
    EXPECT_EQ(attr(found.body, "/Resources/0/id"), id);

    ScimResponse deactivated = scim().patch(
        "/Users/" + id, patchRequest({{{"op", "replace"}, {"value", {{"active", false}}}}}));
    ASSERT_EQ(deactivated.status, 200) << "Okta expects the user back: " << deactivated;
    EXPECT_EQ(attr(deactivated.body, "/active"), false) << deactivated;
    EXPECT_EQ(attr(deactivated.body, "/userName"), userName);
    EXPECT_EQ(attr(getUser(id), "/active"), false);
    EXPECT_EQ(attr(lookup(userName).body, "/Resources/0/active"), false) << "still found by filters";

    ScimResponse reactivated = scim().patch(
        "/Users/" + id, patchRequest({{{"op", "replace"}, {"value", {{"active", true}}}}}));
    ASSERT_EQ(reactivated.status, 200) << reactivated;
    EXPECT_EQ(attr(getUser(id), "/active"), true);
}

TEST_F(ScimOkta, PutReplacesTheWholeUserAndCanDeactivate) {
    const std::string userName = uniqueName("okta.put") + "@okta.local";
    json body = oktaUser(userName);
    body["title"] = "Developer";
    body["nickName"] = "Testy";
    const std::string id = createUser(body);
    ASSERT_FALSE(id.empty());

    // What a client GETs, changed and sent back whole (with id, meta and
    // read-only attributes that must be ignored).
    json replacement = getUser(id);
    ASSERT_TRUE(replacement.is_object());
    replacement["active"] = false;
    replacement["name"]["givenName"] = "Changed";
    replacement.erase("title");
    replacement.erase("nickName");

    ScimResponse replaced = scim().put("/Users/" + id, replacement);
    ASSERT_EQ(replaced.status, 200) << replaced;
    EXPECT_TRUE(replaced.isScimJson());
    EXPECT_EQ(attr(replaced.body, "/id"), id);
    EXPECT_EQ(attr(replaced.body, "/active"), false) << replaced;
    EXPECT_EQ(attr(replaced.body, "/meta/version"), replaced.etag());

    const json user = getUser(id);
    EXPECT_EQ(attr(user, "/active"), false) << user.dump();
    EXPECT_EQ(attr(user, "/name/givenName"), "Changed");
    EXPECT_EQ(attr(user, "/name/familyName"), "User");
    EXPECT_EQ(attr(user, "/userName"), userName);
    EXPECT_TRUE(attr(user, "/title").is_null()) << "PUT without title clears it: " << user.dump();
    EXPECT_TRUE(attr(user, "/nickName").is_null()) << user.dump();
    EXPECT_EQ(attr(user, "/emails/0/value"), userName);
}

TEST_F(ScimOkta, OktaStyleFullPutDeactivate) {
    const std::string userName = uniqueName("okta.deactivate") + "@okta.local";
    const std::string id = createUser(oktaUser(userName));
    ASSERT_FALSE(id.empty());

    json body = oktaUser(userName);
    body["id"] = id;
    body["active"] = false;
    body.erase("password");
    ScimResponse replaced = scim().put("/Users/" + id, body);
    ASSERT_EQ(replaced.status, 200) << replaced;
    EXPECT_EQ(attr(replaced.body, "/active"), false) << replaced;
    EXPECT_EQ(attr(getUser(id), "/active"), false);
}

TEST_F(ScimOkta, GroupPushCreateRenameAndMembers) {
    const std::string first = createUser(oktaUser(uniqueName("okta.member") + "@okta.local"));
    const std::string second = createUser(oktaUser(uniqueName("okta.member") + "@okta.local"));

    ScimResponse created = scim().post(
        "/Groups", {{"schemas", {kGroupSchema}}, {"displayName", uniqueName("Okta Push")}, {"members", json::array()}});
    ASSERT_EQ(created.status, 201) << created;
    const std::string groupId = idOf(created);

    const std::string renamed = uniqueName("Okta Renamed");
    ScimResponse rename = scim().patch(
        "/Groups/" + groupId,
        patchRequest({{{"op", "replace"}, {"value", {{"id", groupId}, {"displayName", renamed}}}}}));
    EXPECT_EQ(rename.status, 204) << rename;
    EXPECT_EQ(attr(scim().get("/Groups/" + groupId).body, "/displayName"), renamed);

    ScimResponse added = scim().patch(
        "/Groups/" + groupId,
        patchRequest({{{"op", "add"},
                       {"path", "members"},
                       {"value", {{{"value", first}, {"display", "first@okta.local"}},
                                  {{"value", second}, {"display", "second@okta.local"}}}}}}));
    EXPECT_EQ(added.status, 204) << added;
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({first, second}));

    ScimResponse removed = scim().patch(
        "/Groups/" + groupId,
        patchRequest({{{"op", "remove"}, {"path", "members[value eq \"" + first + "\"]"}}}));
    EXPECT_EQ(removed.status, 204) << removed;
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({second}));
}

TEST_F(ScimOkta, GroupPatchWithAttributesReturns200AndTheGroup) {
    const std::string member = createUser(userBody(uniqueName("okta-attr-member")));
    const std::string name = uniqueName("Okta Attributes");
    const std::string groupId = createGroup(name);
    ASSERT_FALSE(groupId.empty());

    ScimResponse patched = scim().patch(
        "/Groups/" + groupId + "?attributes=displayName",
        patchRequest({{{"op", "add"}, {"path", "members"}, {"value", {{{"value", member}}}}}}));
    ASSERT_EQ(patched.status, 200) << patched;
    EXPECT_TRUE(patched.isScimJson());
    EXPECT_EQ(attr(patched.body, "/id"), groupId);
    EXPECT_EQ(attr(patched.body, "/displayName"), name);
    EXPECT_TRUE(attr(patched.body, "/members").is_null()) << "only displayName was asked for: " << patched;
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({member}));
}

TEST_F(ScimOkta, GroupPutReplacesTheMemberList) {
    const std::string a = createUser(userBody(uniqueName("okta-put-a")));
    const std::string b = createUser(userBody(uniqueName("okta-put-b")));
    const std::string c = createUser(userBody(uniqueName("okta-put-c")));
    const std::string name = uniqueName("Okta Put Group");
    const std::string groupId = createGroup(name, {a, b});
    ASSERT_FALSE(groupId.empty());

    ScimResponse replaced = scim().put("/Groups/" + groupId, {{"schemas", {kGroupSchema}},
                                                              {"id", groupId},
                                                              {"displayName", name},
                                                              {"members", {{{"value", c}}}}});
    ASSERT_EQ(replaced.status, 200) << replaced;
    EXPECT_EQ(attr(replaced.body, "/displayName"), name);
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({c}));
}

TEST_F(ScimOkta, DeleteGroupKeepsItsUsers) {
    const std::string member = createUser(userBody(uniqueName("okta-survivor")));
    const std::string groupId = createGroup(uniqueName("Okta Doomed"), {member});
    ScimResponse deleted = scim().remove("/Groups/" + groupId);
    EXPECT_EQ(deleted.status, 204) << deleted;
    EXPECT_TRUE(isScimError(scim().get("/Groups/" + groupId), 404));
    const json user = getUser(member);
    EXPECT_EQ(attr(user, "/groups").size(), 0u) << user.dump();
}

}  // namespace
