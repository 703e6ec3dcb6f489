// RFC 7644 §3.14 versioning (SPEC S-5): weak ETags equal to meta.version,
// If-Match on writes (412 when stale), If-None-Match on reads (304).

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

class ScimVersioning : public ScimSuite {
protected:
    static json renameOp(const std::string& givenName) {
        return patchRequest({{{"op", "replace"}, {"path", "name.givenName"}, {"value", givenName}}});
    }
};

TEST_F(ScimVersioning, EveryChangeGetsANewEtag) {
    ScimResponse created = scim().post("/Users", userBody(uniqueName("etag")));
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);

    ScimResponse patched = scim().patch("/Users/" + id, renameOp("One"));
    ASSERT_EQ(patched.status, 200) << patched;
    EXPECT_FALSE(patched.etag().empty());
    EXPECT_NE(patched.etag(), created.etag());
    EXPECT_EQ(attr(patched.body, "/meta/version"), patched.etag());

    ScimResponse fetched = scim().get("/Users/" + id);
    EXPECT_EQ(fetched.etag(), patched.etag());
    EXPECT_EQ(attr(fetched.body, "/meta/version"), patched.etag());

    // Lists carry each resource's version too.
    ScimResponse listed = scim().list("Users", "id eq \"" + id + "\"");
    ASSERT_EQ(listed.status, 200) << listed;
    EXPECT_EQ(attr(listed.body, "/Resources/0/meta/version"), patched.etag()) << listed;
}

TEST_F(ScimVersioning, IfMatchWithTheCurrentEtagSucceeds) {
    ScimResponse created = scim().post("/Users", userBody(uniqueName("if-match")));
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);

    ScimResponse patched = scim().patch("/Users/" + id, renameOp("Matched"), {{"If-Match", created.etag()}});
    ASSERT_EQ(patched.status, 200) << patched;
    EXPECT_EQ(attr(patched.body, "/name/givenName"), "Matched");

    json body = getUser(id);
    body["title"] = "Put With If-Match";
    ScimResponse replaced = scim().put("/Users/" + id, body, {{"If-Match", patched.etag()}});
    ASSERT_EQ(replaced.status, 200) << replaced;
    EXPECT_EQ(attr(replaced.body, "/title"), "Put With If-Match");

    ScimResponse deleted = scim().remove("/Users/" + id, {{"If-Match", replaced.etag()}});
    EXPECT_EQ(deleted.status, 204) << deleted;
}

TEST_F(ScimVersioning, StaleIfMatchIs412AndChangesNothing) {
    ScimResponse created = scim().post("/Users", userBody(uniqueName("stale")));
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);
    const std::string stale = created.etag();
    ScimResponse current = scim().patch("/Users/" + id, renameOp("Current"));
    ASSERT_EQ(current.status, 200) << current;

    EXPECT_TRUE(isScimError(scim().patch("/Users/" + id, renameOp("Stale"), {{"If-Match", stale}}), 412,
                            "invalidVers"));
    json body = getUser(id);
    body["name"]["givenName"] = "Stale Put";
    EXPECT_TRUE(isScimError(scim().put("/Users/" + id, body, {{"If-Match", stale}}), 412, "invalidVers"));
    EXPECT_TRUE(isScimError(scim().remove("/Users/" + id, {{"If-Match", stale}}), 412, "invalidVers"));
    EXPECT_TRUE(isScimError(scim().patch("/Users/" + id, renameOp("Bogus"), {{"If-Match", "W/\"bogus\""}}),
                            412, "invalidVers"));

    ScimResponse after = scim().get("/Users/" + id);
    ASSERT_EQ(after.status, 200) << "a stale DELETE must not delete: " << after;
    EXPECT_EQ(attr(after.body, "/name/givenName"), "Current");
    EXPECT_EQ(after.etag(), current.etag());
}

TEST_F(ScimVersioning, IfNoneMatchWithTheCurrentEtagIs304) {
    ScimResponse created = scim().post("/Users", userBody(uniqueName("not-modified")));
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);

    ScimResponse unchanged = scim().get("/Users/" + id, {{"If-None-Match", created.etag()}});
    EXPECT_EQ(unchanged.status, 304) << unchanged;
    EXPECT_TRUE(unchanged.http.body.empty()) << unchanged;
    EXPECT_EQ(unchanged.etag(), created.etag());

    ScimResponse patched = scim().patch("/Users/" + id, renameOp("Modified"));
    ASSERT_EQ(patched.status, 200) << patched;
    ScimResponse modified = scim().get("/Users/" + id, {{"If-None-Match", created.etag()}});
    EXPECT_EQ(modified.status, 200) << modified;
    EXPECT_EQ(attr(modified.body, "/name/givenName"), "Modified");
}

TEST_F(ScimVersioning, GroupsAreVersionedToo) {
    ScimResponse created = scim().post("/Groups", groupBody(uniqueName("Versioned Group")));
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);
    EXPECT_EQ(created.etag().rfind("W/\"", 0), 0u) << created.etag();

    EXPECT_EQ(scim().get("/Groups/" + id, {{"If-None-Match", created.etag()}}).status, 304);

    const std::string member = createUser(userBody(uniqueName("versioned-member")));
    const json addMember = patchRequest({{{"op", "add"}, {"path", "members"}, {"value", {{{"value", member}}}}}});
    ScimResponse patched = scim().patch("/Groups/" + id, addMember, {{"If-Match", created.etag()}});
    EXPECT_EQ(patched.status, 204) << patched;
    EXPECT_NE(patched.etag(), created.etag()) << "the 204 carries the new ETag";

    ScimResponse stale = scim().patch(
        "/Groups/" + id,
        patchRequest({{{"op", "replace"}, {"path", "displayName"}, {"value", uniqueName("Too Late")}}}),
        {{"If-Match", created.etag()}});
    EXPECT_TRUE(isScimError(stale, 412, "invalidVers"));

    ScimResponse fetched = scim().get("/Groups/" + id);
    ASSERT_EQ(fetched.status, 200) << fetched;
    EXPECT_NE(fetched.etag(), created.etag());
    EXPECT_EQ(attr(fetched.body, "/meta/version"), fetched.etag());
}

}  // namespace
