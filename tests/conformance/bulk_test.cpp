// RFC 7644 §3.7 bulk operations (SPEC S-6): bulkId references, circular
// references, failOnErrors, and the advertised maxOperations and
// maxPayloadSize.

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

constexpr int kMaxOperations = 10;
constexpr int kMaxPayloadBytes = 65536;

class ScimBulk : public ScimSuite {
public:
    static void SetUpTestSuite() {
        startDaemon("scim:\n  bulk_max_operations: " + std::to_string(kMaxOperations) +
                    "\n  bulk_max_payload_bytes: " + std::to_string(kMaxPayloadBytes) + "\n");
    }

protected:
    static json bulkRequest(const json& operations, int failOnErrors = -1) {
        json request = {{"schemas", {kBulkRequestSchema}}, {"Operations", operations}};
        if (failOnErrors >= 0) request["failOnErrors"] = failOnErrors;
        return request;
    }

    static json createUserOp(const std::string& bulkId, const json& data) {
        return {{"method", "POST"}, {"path", "/Users"}, {"bulkId", bulkId}, {"data", data}};
    }

    static json createGroupOp(const std::string& bulkId, const std::string& displayName,
                              const std::vector<std::string>& members, const std::string& type) {
        json data = groupBody(displayName);
        data["members"] = json::array();
        for (const std::string& member : members) data["members"].push_back({{"type", type}, {"value", member}});
        return {{"method", "POST"}, {"path", "/Groups"}, {"bulkId", bulkId}, {"data", data}};
    }

    // The result of the operation with this bulkId (null when there is none).
    static json resultFor(const ScimResponse& response, const std::string& bulkId) {
        for (const json& result : attr(response.body, "/Operations")) {
            if (attr(result, "/bulkId") == bulkId) return result;
        }
        return nullptr;
    }

    // The id at the end of an operation result's location ("" without one).
    static std::string createdId(const json& result) {
        const json location = attr(result, "/location");
        return location.is_string() ? lastSegment(location.get<std::string>()) : std::string();
    }

    static long long countOf(const std::string& resource, const std::string& filter) {
        ScimResponse found = scim().list(resource, filter);
        EXPECT_EQ(found.status, 200) << found;
        return totalOf(found.body);
    }
};

TEST_F(ScimBulk, UserAndGroupReferencingItByBulkId) {
    const std::string userName = uniqueName("bulk-user");
    const std::string groupName = uniqueName("Bulk Group");
    ScimResponse response = scim().post(
        "/Bulk", bulkRequest({createUserOp("u1", userBody(userName)),
                              createGroupOp("g1", groupName, {"bulkId:u1"}, "User")}));
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_TRUE(response.isScimJson());
    EXPECT_EQ(attr(response.body, "/schemas/0"), kBulkResponseSchema);
    ASSERT_EQ(attr(response.body, "/Operations").size(), 2u) << response;

    const json user = resultFor(response, "u1");
    const json group = resultFor(response, "g1");
    EXPECT_EQ(statusOf(user), 201) << response;
    EXPECT_EQ(statusOf(group), 201) << response;
    EXPECT_EQ(attr(user, "/method"), "POST");
    const std::string userId = createdId(user);
    const std::string groupId = createdId(group);
    ASSERT_FALSE(userId.empty()) << response;
    ASSERT_FALSE(groupId.empty()) << response;
    EXPECT_NE(attr(user, "/location").dump().find("/Users/" + userId), std::string::npos) << response;

    EXPECT_EQ(attr(getUser(userId), "/userName"), userName);
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({userId}));
}

TEST_F(ScimBulk, ReferenceToAnOperationListedLaterIsResolved) {
    const std::string userName = uniqueName("bulk-later");
    ScimResponse response = scim().post(
        "/Bulk", bulkRequest({createGroupOp("g", uniqueName("Bulk First"), {"bulkId:u"}, "User"),
                              createUserOp("u", userBody(userName))}));
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(statusOf(resultFor(response, "u")), 201) << response;
    ASSERT_EQ(statusOf(resultFor(response, "g")), 201) << response;
    const std::string userId = createdId(resultFor(response, "u"));
    const std::string groupId = createdId(resultFor(response, "g"));
    EXPECT_EQ(memberIdsOf(groupId), std::set<std::string>({userId}));
}

TEST_F(ScimBulk, BulkIdInThePathOfALaterOperation) {
    const std::string userName = uniqueName("bulk-path");
    ScimResponse response = scim().post(
        "/Bulk", bulkRequest({createUserOp("p", userBody(userName)),
                              {{"method", "PATCH"},
                               {"path", "/Users/bulkId:p"},
                               {"data", patchRequest({{{"op", "replace"}, {"path", "title"}, {"value", "Patched"}}})}}}));
    ASSERT_EQ(response.status, 200) << response;
    ASSERT_EQ(attr(response.body, "/Operations").size(), 2u) << response;
    const int patchStatus = statusOf(attr(response.body, "/Operations/1"));
    EXPECT_TRUE(patchStatus == 200 || patchStatus == 204) << response;
    const std::string userId = createdId(resultFor(response, "p"));
    ASSERT_FALSE(userId.empty()) << response;
    EXPECT_EQ(attr(getUser(userId), "/title"), "Patched");
}

TEST_F(ScimBulk, CircularReferencesFailWith409) {
    const std::string nameA = uniqueName("Circular A");
    const std::string nameB = uniqueName("Circular B");
    const std::string bystander = uniqueName("bulk-bystander");
    ScimResponse response = scim().post(
        "/Bulk", bulkRequest({createGroupOp("ga", nameA, {"bulkId:gb"}, "Group"),
                              createGroupOp("gb", nameB, {"bulkId:ga"}, "Group"),
                              createUserOp("ok", userBody(bystander))}));
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(statusOf(resultFor(response, "ga")), 409) << response;
    EXPECT_EQ(statusOf(resultFor(response, "gb")), 409) << response;
    EXPECT_EQ(statusOf(resultFor(response, "ok")), 201) << "unrelated operations still run: " << response;
    EXPECT_EQ(attr(resultFor(response, "ga"), "/response/schemas/0"), kErrorSchema) << response;

    EXPECT_EQ(countOf("Groups", "displayName eq \"" + nameA + "\""), 0);
    EXPECT_EQ(countOf("Groups", "displayName eq \"" + nameB + "\""), 0);
    EXPECT_EQ(countOf("Users", "userName eq \"" + bystander + "\""), 1);
}

TEST_F(ScimBulk, FailOnErrorsStopsAfterThatManyErrors) {
    const std::string first = uniqueName("bulk-first");
    const std::string third = uniqueName("bulk-third");
    const json operations = {createUserOp("one", userBody(first)),
                             createUserOp("two", {{"schemas", {kUserSchema}}, {"userName", 5}}),
                             createUserOp("three", userBody(third))};

    ScimResponse response = scim().post("/Bulk", bulkRequest(operations, 1));
    ASSERT_EQ(response.status, 200) << response;
    ASSERT_EQ(attr(response.body, "/Operations").size(), 2u) << "processing stops at the first error: " << response;
    EXPECT_EQ(statusOf(resultFor(response, "one")), 201) << response;
    EXPECT_EQ(statusOf(resultFor(response, "two")), 400) << response;
    EXPECT_EQ(attr(resultFor(response, "two"), "/response/scimType"), "invalidValue") << response;
    EXPECT_EQ(countOf("Users", "userName eq \"" + first + "\""), 1);
    EXPECT_EQ(countOf("Users", "userName eq \"" + third + "\""), 0);
}

TEST_F(ScimBulk, WithoutFailOnErrorsEveryOperationRuns) {
    const std::string first = uniqueName("bulk-all-first");
    const std::string third = uniqueName("bulk-all-third");
    ScimResponse response = scim().post(
        "/Bulk", bulkRequest({createUserOp("one", userBody(first)),
                              createUserOp("two", {{"schemas", {kUserSchema}}, {"userName", 5}}),
                              createUserOp("three", userBody(third))}));
    ASSERT_EQ(response.status, 200) << response;
    ASSERT_EQ(attr(response.body, "/Operations").size(), 3u) << response;
    EXPECT_EQ(statusOf(resultFor(response, "one")), 201);
    EXPECT_EQ(statusOf(resultFor(response, "two")), 400);
    EXPECT_EQ(statusOf(resultFor(response, "three")), 201);
    EXPECT_EQ(countOf("Users", "userName eq \"" + third + "\""), 1);
}

TEST_F(ScimBulk, MoreOperationsThanMaxOperationsIs413) {
    ScimResponse config = scim().get("/ServiceProviderConfig");
    ASSERT_EQ(config.status, 200) << config;
    ASSERT_EQ(attr(config.body, "/bulk/maxOperations"), kMaxOperations) << "advertised as configured: " << config;
    const int maxOperations = kMaxOperations;

    auto deletes = [](int count) {
        json operations = json::array();
        for (int i = 0; i < count; ++i) {
            operations.push_back({{"method", "DELETE"}, {"path", "/Users/" + std::to_string(900000000 + i)}});
        }
        return operations;
    };

    ScimResponse atLimit = scim().post("/Bulk", bulkRequest(deletes(maxOperations)));
    ASSERT_EQ(atLimit.status, 200) << "exactly maxOperations is allowed: " << atLimit;
    EXPECT_EQ(attr(atLimit.body, "/Operations").size(), static_cast<std::size_t>(maxOperations));
    EXPECT_EQ(statusOf(attr(atLimit.body, "/Operations/0")), 404) << atLimit;

    EXPECT_TRUE(isScimError(scim().post("/Bulk", bulkRequest(deletes(maxOperations + 1))), 413));
}

TEST_F(ScimBulk, PayloadOverMaxPayloadSizeIs413) {
    ScimResponse config = scim().get("/ServiceProviderConfig");
    ASSERT_EQ(config.status, 200) << config;
    ASSERT_EQ(attr(config.body, "/bulk/maxPayloadSize"), kMaxPayloadBytes) << config;

    const std::string userName = uniqueName("bulk-too-big");
    const json big = bulkRequest(
        {createUserOp("big", userBody(userName, {{"displayName", std::string(kMaxPayloadBytes, 'x')}}))});
    EXPECT_TRUE(isScimError(scim().post("/Bulk", big), 413));
    EXPECT_EQ(countOf("Users", "userName eq \"" + userName + "\""), 0);
}

}  // namespace
