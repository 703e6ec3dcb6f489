// RFC 7644 §3.12 errors (SPEC S-9): status, error schema and scimType for
// each kind of bad request, and bodies accepted whatever their Content-Type.

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

class ScimErrors : public ScimSuite {
protected:
    // A request with exactly these headers (the harness adds no Content-Type).
    static muster::testing::HttpResult rawRequest(const std::string& method, const std::string& path,
                                                  const std::string& body, Headers headers) {
        headers["Authorization"] = "Bearer " + scim().token();
        return muster::testing::httpRequest(daemon().port(), method, "/scim/v2" + path, body, headers);
    }
};

TEST_F(ScimErrors, BodyThatIsNotJsonIs400InvalidSyntax) {
    for (const std::string body : {"{not json", "", "[]", "\"userName\""}) {
        ScimResponse rejected = scim().send("POST", "/Users", body);
        EXPECT_TRUE(isScimError(rejected, 400, "invalidSyntax")) << "body: " << body;
    }
    const std::string id = createUser(userBody(uniqueName("syntax")));
    EXPECT_TRUE(isScimError(scim().send("PATCH", "/Users/" + id, "{\"Operations\": ["), 400, "invalidSyntax"));
    EXPECT_TRUE(isScimError(scim().send("PUT", "/Users/" + id, "userName=x"), 400, "invalidSyntax"));
}

TEST_F(ScimErrors, JsonBodyIsAcceptedWithoutOrWithAnyContentType) {
    const std::string withNone = uniqueName("no-content-type");
    muster::testing::HttpResult created = rawRequest("POST", "/Users", userBody(withNone).dump(), {});
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("content-type").rfind(kScimContentType, 0), 0u) << created.header("content-type");

    const std::string withPlain = uniqueName("text-plain");
    created = rawRequest("POST", "/Users", userBody(withPlain).dump(), {{"Content-Type", "text/plain"}});
    EXPECT_EQ(created.status, 201) << created.body;

    const std::string withJson = uniqueName("application-json");
    created = rawRequest("POST", "/Users", userBody(withJson).dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(created.status, 201) << created.body;

    for (const std::string& userName : {withNone, withPlain, withJson}) {
        EXPECT_EQ(totalOf(scim().list("Users", "userName eq \"" + userName + "\"").body), 1) << userName;
    }
}

TEST_F(ScimErrors, ErrorResponsesAreScimJsonToo) {
    ScimResponse missing = scim().get("/Users/987654321");
    ASSERT_TRUE(isScimError(missing, 404));
    EXPECT_TRUE(missing.isScimJson()) << missing.header("content-type");
    ScimResponse badFilter = scim().list("Users", "userName eq");
    ASSERT_TRUE(isScimError(badFilter, 400));
    EXPECT_TRUE(badFilter.isScimJson()) << badFilter.header("content-type");
}

TEST_F(ScimErrors, UnknownSchemaIs400InvalidSyntax) {
    json listed = userBody(uniqueName("unknown-schema"));
    listed["schemas"].push_back("urn:example:params:scim:schemas:extension:acme:2.0:User");
    EXPECT_TRUE(isScimError(scim().post("/Users", listed), 400, "invalidSyntax"));

    json extensionKey = userBody(uniqueName("unknown-extension"));
    extensionKey["urn:example:params:scim:schemas:extension:acme:2.0:User"] = {{"badge", "7"}};
    EXPECT_TRUE(isScimError(scim().post("/Users", extensionKey), 400, "invalidSyntax"));

    json groupWithUserSchema = groupBody(uniqueName("Wrong Schema"));
    groupWithUserSchema["schemas"] = {kUserSchema};
    EXPECT_TRUE(isScimError(scim().post("/Groups", groupWithUserSchema), 400, "invalidSyntax"));
}

TEST_F(ScimErrors, UnknownAttributeOfAKnownSchemaIsIgnored) {
    const std::string userName = uniqueName("unknown-attribute");
    json body = userBody(userName, {{"favouriteColour", "blue"}, {"phoneNumbers", {{{"value", "555-0100"}}}}});
    body[kEnterpriseSchema] = {{"department", "Tours"}, {"shoeSize", 44}};
    ScimResponse created = scim().post("/Users", withExtensionSchemas(body));
    ASSERT_EQ(created.status, 201) << created;
    EXPECT_TRUE(attr(created.body, "/favouriteColour").is_null()) << created;
    EXPECT_EQ(attr(created.body, enterprise("/department")), "Tours") << created;
    EXPECT_TRUE(attr(created.body, enterprise("/shoeSize")).is_null()) << created;
}

TEST_F(ScimErrors, ReadOnlyAttributesInAPostBodyAreIgnored) {
    const std::string userName = uniqueName("read-only-post");
    ScimResponse created = scim().post(
        "/Users", userBody(userName, {{"id", "424242"},
                                      {"meta", {{"resourceType", "User"}, {"created", "2001-01-01T00:00:00Z"}}},
                                      {"groups", json::array()}}));
    ASSERT_EQ(created.status, 201) << created;
    EXPECT_NE(attr(created.body, "/id"), "424242") << "the server assigns ids";
    EXPECT_NE(attr(created.body, "/meta/created"), "2001-01-01T00:00:00Z");
}

TEST_F(ScimErrors, MissingUserNameIs400InvalidValue) {
    EXPECT_TRUE(isScimError(scim().post("/Users", {{"schemas", {kUserSchema}}, {"displayName", "No Name"}}), 400,
                            "invalidValue"));
    EXPECT_TRUE(isScimError(scim().post("/Groups", {{"schemas", {kGroupSchema}}}), 400, "invalidValue"));
}

TEST_F(ScimErrors, WrongTypeIs400InvalidValue) {
    EXPECT_TRUE(isScimError(scim().post("/Users", {{"schemas", {kUserSchema}}, {"userName", 5}}), 400,
                            "invalidValue"));
    EXPECT_TRUE(isScimError(scim().post("/Users", userBody(uniqueName("bad-active"), {{"active", "maybe"}})), 400,
                            "invalidValue"));
    EXPECT_TRUE(isScimError(scim().post("/Users", userBody(uniqueName("bad-name"), {{"name", "Just A String"}})),
                            400, "invalidValue"));
    EXPECT_TRUE(isScimError(scim().post("/Users", userBody(uniqueName("bad-emails"), {{"emails", "a@b.c"}})), 400,
                            "invalidValue"));

    const std::string id = createUser(userBody(uniqueName("patch-type")));
    EXPECT_TRUE(isScimError(
        scim().patch("/Users/" + id, patchRequest({{{"op", "replace"}, {"path", "active"}, {"value", "perhaps"}}})),
        400, "invalidValue"));
    EXPECT_TRUE(isScimError(
        scim().patch("/Users/" + id, patchRequest({{{"op", "replace"}, {"path", "userName"}, {"value", 12}}})), 400,
        "invalidValue"));
}

TEST_F(ScimErrors, PatchWithABadPathIs400InvalidPath) {
    const std::string id = createUser(userBody(uniqueName("bad-path")));
    ASSERT_FALSE(id.empty());
    for (const std::string path :
         {"emails[type eq \"work\"", "name..givenName", "emails[type eq \"work\"]]", "[type eq \"work\"]"}) {
        ScimResponse rejected =
            scim().patch("/Users/" + id, patchRequest({{{"op", "replace"}, {"path", path}, {"value", "x"}}}));
        EXPECT_TRUE(isScimError(rejected, 400, "invalidPath")) << "path: " << path;
    }
    // Nothing changed.
    ScimResponse after = scim().get("/Users/" + id);
    EXPECT_TRUE(attr(after.body, "/emails").is_null()) << after;
}

TEST_F(ScimErrors, PatchOfAReadOnlyAttributeIs400Mutability) {
    const std::string id = createUser(userBody(uniqueName("read-only")));
    ASSERT_FALSE(id.empty());
    const std::vector<json> operations = {
        {{"op", "replace"}, {"path", "id"}, {"value", "424242"}},
        {{"op", "replace"}, {"path", "meta.created"}, {"value", "2001-01-01T00:00:00Z"}},
        {{"op", "replace"}, {"path", "meta"}, {"value", {{"lastModified", "2001-01-01T00:00:00Z"}}}},
        {{"op", "add"}, {"path", "groups"}, {"value", {{{"value", "1"}}}}},
        {{"op", "replace"}, {"value", {{"id", "424242"}}}},
        {{"op", "replace"}, {"path", std::string(kMusterSchema) + ":mfaStatus"}, {"value", "enabled"}},
    };
    for (const json& operation : operations) {
        ScimResponse rejected = scim().patch("/Users/" + id, patchRequest(json::array({operation})));
        EXPECT_TRUE(isScimError(rejected, 400, "mutability")) << operation.dump();
    }
    EXPECT_EQ(attr(getUser(id), "/id"), id);
}

TEST_F(ScimErrors, MalformedPatchRequestIs400) {
    const std::string id = createUser(userBody(uniqueName("malformed-patch")));
    ASSERT_FALSE(id.empty());
    // No Operations at all.
    EXPECT_TRUE(isScimError(scim().patch("/Users/" + id, {{"schemas", {kPatchOpSchema}}}), 400, "invalidSyntax"));
    // Operations that is not a list.
    EXPECT_TRUE(isScimError(
        scim().patch("/Users/" + id, {{"schemas", {kPatchOpSchema}}, {"Operations", {{"op", "replace"}}}}), 400,
        "invalidSyntax"));
    // An op that does not exist, and a replace without a value.
    EXPECT_TRUE(isScimError(
        scim().patch("/Users/" + id, patchRequest({{{"op", "frobnicate"}, {"path", "title"}, {"value", "x"}}})), 400));
    EXPECT_TRUE(isScimError(scim().patch("/Users/" + id, patchRequest({{{"op", "replace"}, {"path", "title"}}})), 400));
}

TEST_F(ScimErrors, UnknownEndpointAndMethod) {
    EXPECT_EQ(scim().get("/Widgets").status, 404);
    EXPECT_EQ(scim().send("PATCH", "/Users", "{}").status, 405);
}

}  // namespace
