// RFC 7644 §4 discovery (SPEC S-7): /ServiceProviderConfig, /Schemas and
// /ResourceTypes, checked against what the server was configured with.

#include <algorithm>

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

constexpr int kMaxResults = 321;
constexpr int kMaxOperations = 42;
constexpr int kMaxPayloadBytes = 123456;

class ScimDiscovery : public ScimSuite {
public:
    static void SetUpTestSuite() {
        startDaemon("scim:\n  max_results: " + std::to_string(kMaxResults) +
                    "\n  bulk_max_operations: " + std::to_string(kMaxOperations) +
                    "\n  bulk_max_payload_bytes: " + std::to_string(kMaxPayloadBytes) + "\n");
    }

protected:
    // The resource of a discovery list with this id (null when absent).
    static json byId(const json& listResponse, const std::string& id) {
        for (const json& resource : resourcesOf(listResponse)) {
            if (attr(resource, "/id") == id) return resource;
        }
        return nullptr;
    }

    static std::set<std::string> attributeNames(const json& schema) {
        std::set<std::string> names;
        for (const json& attribute : attr(schema, "/attributes")) {
            names.insert(attr(attribute, "/name").is_string() ? attr(attribute, "/name").get<std::string>() : "?");
        }
        return names;
    }

    static json attributeNamed(const json& schema, const std::string& name) {
        for (const json& attribute : attr(schema, "/attributes")) {
            if (attr(attribute, "/name") == name) return attribute;
        }
        return nullptr;
    }

    static bool includesAll(const std::set<std::string>& names, const std::set<std::string>& wanted) {
        return std::includes(names.begin(), names.end(), wanted.begin(), wanted.end());
    }
};

TEST_F(ScimDiscovery, ServiceProviderConfigAdvertisesWhatIsSupported) {
    ScimResponse response = scim().get("/ServiceProviderConfig");
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_TRUE(response.isScimJson());
    const json& config = response.body;
    EXPECT_EQ(attr(config, "/schemas/0"), "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
    EXPECT_EQ(attr(config, "/patch/supported"), true);
    EXPECT_EQ(attr(config, "/bulk/supported"), true);
    EXPECT_EQ(attr(config, "/bulk/maxOperations"), kMaxOperations) << response;
    EXPECT_EQ(attr(config, "/bulk/maxPayloadSize"), kMaxPayloadBytes) << response;
    EXPECT_EQ(attr(config, "/filter/supported"), true);
    EXPECT_EQ(attr(config, "/filter/maxResults"), kMaxResults) << response;
    EXPECT_EQ(attr(config, "/sort/supported"), true);
    EXPECT_EQ(attr(config, "/etag/supported"), true);
    EXPECT_EQ(attr(config, "/changePassword/supported"), false) << "passwords are not stored";
    // RFC 9865
    EXPECT_EQ(attr(config, "/pagination/cursor"), true) << response;
    EXPECT_EQ(attr(config, "/pagination/index"), true) << response;
    EXPECT_GE(attr(config, "/authenticationSchemes").size(), 1u) << response;
    EXPECT_TRUE(attr(config, "/authenticationSchemes/0/type").is_string()) << response;
}

TEST_F(ScimDiscovery, SchemasListsUserExtensionsAndGroup) {
    ScimResponse response = scim().get("/Schemas");
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_TRUE(response.isScimJson());
    EXPECT_EQ(attr(response.body, "/schemas/0"), kListResponseSchema);
    EXPECT_EQ(totalOf(response.body), static_cast<long long>(resourcesOf(response.body).size()));

    for (const std::string id : {kUserSchema, kEnterpriseSchema, kMusterSchema, kGroupSchema}) {
        const json schema = byId(response.body, id);
        ASSERT_TRUE(schema.is_object()) << "missing schema " << id << ": " << response;
        EXPECT_FALSE(attr(schema, "/attributes").empty()) << id;
        for (const json& attribute : attr(schema, "/attributes")) {
            for (const char* field : {"name", "type", "multiValued", "mutability", "returned"}) {
                EXPECT_TRUE(attribute.contains(field)) << id << ": " << attribute.dump() << " lacks " << field;
            }
        }
    }

    const json user = byId(response.body, kUserSchema);
    EXPECT_TRUE(includesAll(attributeNames(user), {"userName", "name", "displayName", "title", "userType",
                                                   "active", "emails", "externalId"}))
        << user.dump();
    const json userName = attributeNamed(user, "userName");
    EXPECT_EQ(attr(userName, "/required"), true);
    EXPECT_EQ(attr(userName, "/uniqueness"), "server");
    EXPECT_EQ(attr(userName, "/caseExact"), false);
    const json emails = attributeNamed(user, "emails");
    EXPECT_EQ(attr(emails, "/multiValued"), true);
    EXPECT_FALSE(attr(emails, "/subAttributes").empty()) << emails.dump();
    // It describes what is stored, nothing more.
    EXPECT_TRUE(attributeNamed(user, "password").is_null()) << "password is not stored";

    EXPECT_TRUE(includesAll(attributeNames(byId(response.body, kEnterpriseSchema)),
                            {"employeeNumber", "costCenter", "organization", "division", "department", "manager"}));
    EXPECT_TRUE(includesAll(attributeNames(byId(response.body, kMusterSchema)),
                            {"identifiers", "tracked", "section", "team", "tags", "sitesMode", "sites", "roles",
                             "banned", "status", "mfaStatus"}))
        << byId(response.body, kMusterSchema).dump();
    EXPECT_EQ(attr(attributeNamed(byId(response.body, kMusterSchema), "mfaStatus"), "/mutability"), "readOnly");
    EXPECT_TRUE(includesAll(attributeNames(byId(response.body, kGroupSchema)), {"displayName", "members"}));
}

TEST_F(ScimDiscovery, OneSchemaById) {
    ScimResponse user = scim().get(std::string("/Schemas/") + kUserSchema);
    ASSERT_EQ(user.status, 200) << user;
    EXPECT_TRUE(user.isScimJson());
    EXPECT_EQ(attr(user.body, "/id"), kUserSchema);
    EXPECT_TRUE(attributeNamed(user.body, "userName").is_object()) << user;

    ScimResponse enterprise = scim().get(std::string("/Schemas/") + kEnterpriseSchema);
    ASSERT_EQ(enterprise.status, 200) << enterprise;
    EXPECT_TRUE(attributeNamed(enterprise.body, "manager").is_object()) << enterprise;

    EXPECT_TRUE(isScimError(scim().get("/Schemas/urn:example:params:scim:schemas:unknown:2.0:Thing"), 404));
}

TEST_F(ScimDiscovery, ResourceTypesDescribeUsersAndGroups) {
    ScimResponse response = scim().get("/ResourceTypes");
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_TRUE(response.isScimJson());

    const json user = byId(response.body, "User");
    ASSERT_TRUE(user.is_object()) << response;
    EXPECT_EQ(attr(user, "/endpoint"), "/Users");
    EXPECT_EQ(attr(user, "/schema"), kUserSchema);
    std::set<std::string> extensions;
    for (const json& extension : attr(user, "/schemaExtensions")) {
        extensions.insert(attr(extension, "/schema").is_string() ? attr(extension, "/schema").get<std::string>() : "?");
        EXPECT_TRUE(attr(extension, "/required").is_boolean()) << extension.dump();
    }
    EXPECT_EQ(extensions, std::set<std::string>({kEnterpriseSchema, kMusterSchema}));

    const json group = byId(response.body, "Group");
    ASSERT_TRUE(group.is_object()) << response;
    EXPECT_EQ(attr(group, "/endpoint"), "/Groups");
    EXPECT_EQ(attr(group, "/schema"), kGroupSchema);

    ScimResponse one = scim().get("/ResourceTypes/User");
    ASSERT_EQ(one.status, 200) << one;
    EXPECT_EQ(attr(one.body, "/endpoint"), "/Users");
}

}  // namespace
