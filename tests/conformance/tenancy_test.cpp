// SPEC T-1: a SCIM token sees and writes only its own tenant; T-2 and the
// SCIM scope rule: tokens without the scim or admin scope are refused.

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

// Tenant "acme" next to "default", each with a SCIM token.
class ScimTenancy : public ScimSuite {
public:
    static void SetUpTestSuite() {
        startDaemon();
        acme_ = ScimClient();
        setUpError_.clear();
        if (!running()) return;
        muster::testing::HttpResult tenant =
            daemon().request("POST", "/api/v1/tenants", json({{"name", "acme"}}).dump());
        if (tenant.status != 201) {
            setUpError_ = "POST /api/v1/tenants: HTTP " + std::to_string(tenant.status) + " " + tenant.body;
            return;
        }
        acme_ = clientFor(createToken({"scim"}, "acme"));
    }

protected:
    void SetUp() override {
        ScimSuite::SetUp();
        if (HasFatalFailure()) return;
        ASSERT_TRUE(setUpError_.empty()) << setUpError_;
        ASSERT_FALSE(acme_.token().empty()) << "no SCIM token for acme";
    }

    static const ScimClient& acme() { return acme_; }

    static inline ScimClient acme_;
    static inline std::string setUpError_;
};

TEST_F(ScimTenancy, UserOfAnotherTenantIsInvisibleAndUntouchable) {
    const std::string userName = uniqueName("default-only");
    ScimResponse created = scim().post("/Users", userBody(userName, {{"title", "Original"}}));
    ASSERT_EQ(created.status, 201) << created;
    const std::string id = idOf(created);

    EXPECT_TRUE(isScimError(acme().get("/Users/" + id), 404));
    ScimResponse filtered = acme().list("Users", "userName eq \"" + userName + "\"");
    ASSERT_EQ(filtered.status, 200) << filtered;
    EXPECT_EQ(totalOf(filtered.body), 0) << filtered;
    ScimResponse everything = acme().get("/Users?count=1000");
    ASSERT_EQ(everything.status, 200) << everything;
    for (const std::string& visible : idsOf(everything.body)) EXPECT_NE(visible, id);
    ScimResponse searched =
        acme().post("/Users/.search", {{"schemas", {kSearchRequestSchema}}, {"filter", "id eq \"" + id + "\""}});
    EXPECT_EQ(totalOf(searched.body), 0) << searched;

    EXPECT_TRUE(isScimError(
        acme().patch("/Users/" + id, patchRequest({{{"op", "replace"}, {"path", "title"}, {"value", "Hacked"}}})),
        404));
    EXPECT_TRUE(isScimError(acme().put("/Users/" + id, userBody(userName, {{"title", "Hacked"}})), 404));
    EXPECT_TRUE(isScimError(acme().remove("/Users/" + id), 404));

    ScimResponse after = scim().get("/Users/" + id);
    ASSERT_EQ(after.status, 200) << after;
    EXPECT_EQ(attr(after.body, "/title"), "Original");
    EXPECT_EQ(after.etag(), created.etag()) << "not modified by the other tenant";
}

TEST_F(ScimTenancy, SameUserNameAndEmailInTwoTenants) {
    const std::string userName = uniqueName("shared.name") + "@example.com";
    const json body = userBody(userName, {{"emails", {{{"value", userName}, {"type", "work"}}}}});
    ScimResponse inDefault = scim().post("/Users", body);
    ScimResponse inAcme = acme().post("/Users", body);
    ASSERT_EQ(inDefault.status, 201) << inDefault;
    ASSERT_EQ(inAcme.status, 201) << inAcme;
    EXPECT_NE(idOf(inDefault), idOf(inAcme));

    ScimResponse foundInDefault = scim().list("Users", "userName eq \"" + userName + "\"");
    ScimResponse foundInAcme = acme().list("Users", "userName eq \"" + userName + "\"");
    EXPECT_EQ(idsOf(foundInDefault.body), std::vector<std::string>({idOf(inDefault)})) << foundInDefault;
    EXPECT_EQ(idsOf(foundInAcme.body), std::vector<std::string>({idOf(inAcme)})) << foundInAcme;
}

TEST_F(ScimTenancy, GroupsOfAnotherTenantAreInvisibleAndCannotTakeItsUsers) {
    const std::string defaultUser = createUser(userBody(uniqueName("default-member")));
    const std::string defaultGroup = createGroup(uniqueName("Default Group"), {defaultUser});
    ASSERT_FALSE(defaultGroup.empty());

    EXPECT_TRUE(isScimError(acme().get("/Groups/" + defaultGroup), 404));
    EXPECT_TRUE(isScimError(
        acme().patch("/Groups/" + defaultGroup,
                     patchRequest({{{"op", "replace"}, {"path", "displayName"}, {"value", uniqueName("Taken")}}})),
        404));
    EXPECT_TRUE(isScimError(acme().remove("/Groups/" + defaultGroup), 404));

    // An acme group cannot get a default-tenant user as a member.
    const std::string acmeGroup = createGroup(uniqueName("Acme Group"), {}, acme());
    ASSERT_FALSE(acmeGroup.empty());
    ScimResponse added = acme().patch(
        "/Groups/" + acmeGroup,
        patchRequest({{{"op", "add"}, {"path", "members"}, {"value", {{{"value", defaultUser}}}}}}));
    EXPECT_GE(added.status, 400) << added;
    EXPECT_LT(added.status, 500) << added;
    EXPECT_TRUE(memberIdsOf(acmeGroup, acme()).empty());
    ScimResponse created = acme().post("/Groups", groupBody(uniqueName("Acme Sneaky"), {defaultUser}));
    EXPECT_GE(created.status, 400) << created;
    EXPECT_LT(created.status, 500) << created;

    EXPECT_EQ(memberIdsOf(defaultGroup), std::set<std::string>({defaultUser}));
}

TEST_F(ScimTenancy, ManagerMustBeOfTheSameTenant) {
    const std::string defaultManager = createUser(userBody(uniqueName("default-manager")));
    json body = userBody(uniqueName("acme-report"));
    body[kEnterpriseSchema] = {{"manager", {{"value", defaultManager}}}};
    ScimResponse created = acme().post("/Users", withExtensionSchemas(body));
    EXPECT_GE(created.status, 400) << created;
    EXPECT_LT(created.status, 500) << created;
}

TEST_F(ScimTenancy, BulkStaysInItsTenant) {
    const std::string defaultUser = createUser(userBody(uniqueName("default-bulk-target")));
    ScimResponse response =
        acme().post("/Bulk", {{"schemas", {kBulkRequestSchema}},
                              {"Operations", {{{"method", "DELETE"}, {"path", "/Users/" + defaultUser}}}}});
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(statusOf(attr(response.body, "/Operations/0")), 404) << response;
    EXPECT_EQ(scim().get("/Users/" + defaultUser).status, 200);
}

class ScimAccess : public ScimSuite {};

TEST_F(ScimAccess, NoTokenIs401) {
    const ScimClient anonymous = clientFor("");
    ScimResponse response = anonymous.get("/Users");
    EXPECT_TRUE(isScimError(response, 401));
    EXPECT_EQ(response.header("www-authenticate").rfind("Bearer", 0), 0u) << response.header("www-authenticate");
    EXPECT_TRUE(isScimError(anonymous.post("/Users", userBody(uniqueName("anonymous"))), 401));
}

TEST_F(ScimAccess, UnknownTokenIs401) {
    EXPECT_TRUE(isScimError(clientFor("mst_not-a-real-token-0123456789").get("/Users"), 401));
}

TEST_F(ScimAccess, TokenWithoutScimOrAdminScopeIs403) {
    const ScimClient agent = clientFor(createToken({"agent"}));
    ASSERT_FALSE(agent.token().empty());
    EXPECT_TRUE(isScimError(agent.get("/Users"), 403));
    const std::string userName = uniqueName("agent-made");
    EXPECT_TRUE(isScimError(agent.post("/Users", userBody(userName)), 403));
    EXPECT_TRUE(isScimError(agent.get("/Groups"), 403));
    EXPECT_TRUE(isScimError(agent.post("/Bulk", {{"schemas", {kBulkRequestSchema}}, {"Operations", json::array()}}),
                            403));
    EXPECT_EQ(totalOf(scim().list("Users", "userName eq \"" + userName + "\"").body), 0);
}

TEST_F(ScimAccess, AdminScopeMayUseScim) {
    const ScimClient admin = clientFor(createToken({"admin"}));
    ASSERT_FALSE(admin.token().empty());
    ScimResponse listed = admin.get("/Users");
    EXPECT_EQ(listed.status, 200) << listed;
    ScimResponse created = admin.post("/Users", userBody(uniqueName("admin-made")));
    EXPECT_EQ(created.status, 201) << created;
}

TEST_F(ScimAccess, RevokedTokenIs401) {
    muster::testing::HttpResult issued = daemon().request(
        "POST", "/api/v1/tokens", json({{"name", uniqueName("revoked")}, {"scopes", {"scim"}}}).dump());
    ASSERT_EQ(issued.status, 201) << issued.body;
    const json token = json::parse(issued.body, nullptr, false);
    const ScimClient client = clientFor(attr(token, "/token").get<std::string>());
    ASSERT_EQ(client.get("/Users").status, 200);

    muster::testing::HttpResult revoked =
        daemon().request("DELETE", "/api/v1/tokens/" + attr(token, "/id").dump());
    ASSERT_EQ(revoked.status, 204) << revoked.body;
    EXPECT_TRUE(isScimError(client.get("/Users"), 401));
}

}  // namespace
