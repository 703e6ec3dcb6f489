// SCIM PATCH (RFC 7644 §3.5.2): the request envelope, operations on users and
// groups, and the payloads Entra ID and Okta send in practice.

#include "muster/scim/patch.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "muster/core/error.hpp"
#include "muster/scim/resource_json.hpp"

using namespace muster;
using namespace muster::scim;
using nlohmann::json;

namespace {

const std::string kEnterprise(kEnterpriseUserSchema);
const std::string kMuster(kMusterUserSchema);

const ResourceTypeDef& users() { return SchemaRegistry::instance().resourceType("User"); }
const ResourceTypeDef& groups() { return SchemaRegistry::instance().resourceType("Group"); }

const Links kLinks{"https://muster.example.com/scim/v2"};

Identifier email(std::string value, std::string type, bool primary) {
    Identifier identifier;
    identifier.kind = IdentifierKind::email;
    identifier.value = std::move(value);
    identifier.type = std::move(type);
    identifier.primary = primary;
    return identifier;
}

Identifier upn(std::string value) {
    Identifier identifier;
    identifier.kind = IdentifierKind::upn;
    identifier.value = std::move(value);
    return identifier;
}

// Barbara Jensen of RFC 7643 §8, as Muster stores her.
User bjensen() {
    User user;
    user.id = 2819;
    user.tenantId = 1;
    user.userName = "bjensen@example.com";
    user.externalId = "bjensen";
    user.name = {"Ms. Barbara J Jensen III", "Jensen", "Barbara", "Jane", "Ms.", "III"};
    user.displayName = "Babs Jensen";
    user.title = "Tour Guide";
    user.employeeNumber = "701984";
    user.department = "Tour Operations";
    user.managerId = 26;
    user.identifiers = {email("bjensen@example.com", "work", true),
                        email("babs@jensen.org", "home", false), upn("bjensen@corp.example.com")};
    user.tags = {"guide"};
    user.roles = {"employee"};
    user.groupIds = {7};
    user.version = 3;
    return user;
}

json bjensenJson() { return userToScim(bjensen(), kLinks); }

// A braced list of one operation, {op}, reaches here as that operation
// itself (nlohmann/json's copy wins over its initializer list): wrap it.
json patchRequest(const json& operations) {
    const json list = operations.is_object() ? json::array({operations}) : operations;
    return {{"schemas", {kPatchOpSchema}}, {"Operations", list}};
}

json patchUser(json user, const json& operations) {
    return applyPatch(std::move(user), parsePatchRequest(patchRequest(operations)), users());
}

GroupPatch patchGroup(const json& group, const json& operations) {
    return applyGroupPatch(group, parsePatchRequest(patchRequest(operations)));
}

json tourGuides() {
    Group group;
    group.id = 7;
    group.displayName = "Tour Guides";
    group.externalId = "e9e30dba-f08f-4109-8486-d5c6a331660a";
    return groupToScim(group, kLinks, false);
}

// The value at a JSON pointer, or null when there is none.
json at(const json& document, const std::string& pointer) {
    const json::json_pointer where(pointer);
    return document.contains(where) ? document.at(where) : json();
}

// The muster::Error an action throws (a failure if it throws nothing).
Error errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    ADD_FAILURE() << "expected a muster::Error";
    return Error(ErrorCode::internal, "nothing thrown");
}

Error userPatchError(const json& operations) {
    return errorOf([&] { patchUser(bjensenJson(), operations); });
}

std::vector<std::string> emailValues(const json& user) {
    std::vector<std::string> values;
    for (const json& email : at(user, "/emails")) values.push_back(email.value("value", ""));
    return values;
}

}  // namespace

// ---- the request envelope ----

TEST(PatchRequest, ReadsTheRfcEnvelope) {
    const auto operations = parsePatchRequest(json::parse(R"({
      "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations": [
        {"op": "add", "path": "members", "value": [{"value": "2819"}]},
        {"op": "remove", "path": "members[value eq \"2819\"]"},
        {"op": "replace", "value": {"displayName": "Tour Guides"}}]})"));
    ASSERT_EQ(operations.size(), 3u);
    EXPECT_EQ(operations[0].op, PatchOperation::Op::add);
    ASSERT_TRUE(operations[0].path);
    EXPECT_EQ(toString(*operations[0].path), "members");
    EXPECT_EQ(operations[0].value, json::parse(R"([{"value": "2819"}])"));
    EXPECT_EQ(operations[1].op, PatchOperation::Op::remove);
    EXPECT_EQ(toString(*operations[1].path), "members[value eq \"2819\"]");
    EXPECT_TRUE(operations[1].value.is_null());
    EXPECT_EQ(operations[2].op, PatchOperation::Op::replace);
    EXPECT_FALSE(operations[2].path);
}

TEST(PatchRequest, OpNamesInAnyCase) {
    // Entra ID sends "Add", "Replace", "Remove".
    const auto operations = parsePatchRequest(patchRequest(json::parse(R"([
        {"op": "Add", "path": "nickName", "value": "Babs"},
        {"op": "Replace", "path": "title", "value": "Guide"},
        {"op": "REMOVE", "path": "title"}])")));
    ASSERT_EQ(operations.size(), 3u);
    EXPECT_EQ(operations[0].op, PatchOperation::Op::add);
    EXPECT_EQ(operations[1].op, PatchOperation::Op::replace);
    EXPECT_EQ(operations[2].op, PatchOperation::Op::remove);
}

TEST(PatchRequest, LenientAboutSchemasAndKeyCase) {
    // Some clients omit "schemas" or spell "Operations" in lower case.
    EXPECT_EQ(parsePatchRequest(json::parse(R"({"operations": [{"op": "replace",
                                               "value": {"active": false}}]})"))
                  .size(),
              1u);
    EXPECT_EQ(parsePatchRequest(
                  json::parse(R"({"schemas": ["URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP"],
                                               "Operations": [{"OP": "replace", "PATH": "title",
                                                               "VALUE": "x"}]})"))
                  .size(),
              1u);
}

TEST(PatchRequest, MalformedEnvelopesAreInvalidSyntax) {
    for (
        const char* body : {
            R"([])",
            R"("Operations")",
            R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]})",
            R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": {"op": "add"}})",
            R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []})",
            R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ["add"]})",
            R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                 "Operations": [{"op": "replace", "value": {"active": false}}]})",
        }) {
        EXPECT_EQ(errorOf([&] { parsePatchRequest(json::parse(body)); }).code(),
                  ErrorCode::invalid_syntax)
            << body;
    }
}

TEST(PatchRequest, TooManyOperations) {
    const json operation = {{"op", "replace"}, {"path", "title"}, {"value", "x"}};
    json operations = json::array();
    for (std::size_t i = 0; i < kMaxPatchOperations; ++i) operations.push_back(operation);
    EXPECT_EQ(parsePatchRequest(patchRequest(operations)).size(), kMaxPatchOperations);
    operations.push_back(operation);
    EXPECT_EQ(errorOf([&] { parsePatchRequest(patchRequest(operations)); }).code(),
              ErrorCode::too_many);
}

TEST(PatchRequest, BadOpIsInvalidInputNamingOp) {
    for (const char* operation :
         {R"({"op": "frobnicate", "path": "title", "value": "x"})",
          R"({"op": "", "path": "title", "value": "x"})",
          R"({"op": 1, "path": "title", "value": "x"})", R"({"path": "title", "value": "x"})"}) {
        const Error error = errorOf(
            [&] { parsePatchRequest(patchRequest(json::array({json::parse(operation)}))); });
        EXPECT_EQ(error.code(), ErrorCode::invalid_input) << operation;
        EXPECT_EQ(error.attribute(), "op") << operation;
    }
}

TEST(PatchRequest, BadPathIsInvalidPath) {
    for (const json& path : {json("emails[type eq \"work\""), json("name..givenName"),
                             json("emails[type eq \"work\"]]"), json("[type eq \"work\"]"),
                             json(""), json(12), json::array({"title"})}) {
        const json operation = {{"op", "replace"}, {"path", path}, {"value", "x"}};
        EXPECT_EQ(errorOf([&] { parsePatchRequest(patchRequest({operation})); }).code(),
                  ErrorCode::invalid_path)
            << path.dump();
    }
}

TEST(PatchRequest, FilterDepthLimitApplies) {
    const json operation = {{"op", "remove"}, {"path", "emails[((type eq \"work\"))]"}};
    EXPECT_NO_THROW(parsePatchRequest(patchRequest({operation}), 3));
    EXPECT_EQ(errorOf([&] { parsePatchRequest(patchRequest({operation}), 1); }).code(),
              ErrorCode::invalid_path);
}

TEST(PatchRequest, AddAndReplaceNeedAValue) {
    for (const char* op : {"add", "replace", "Replace"}) {
        const json operation = {{"op", op}, {"path", "title"}};
        const Error error = errorOf([&] { parsePatchRequest(patchRequest({operation})); });
        EXPECT_EQ(error.code(), ErrorCode::invalid_input) << op;
        EXPECT_EQ(error.attribute(), "value");
    }
    // An explicit null is a value: it clears the attribute.
    EXPECT_NO_THROW(parsePatchRequest(
        patchRequest({{{"op", "replace"}, {"path", "title"}, {"value", nullptr}}})));
}

TEST(PatchRequest, RemoveWithoutPathIsNoTarget) {
    const json operation = {{"op", "remove"}, {"value", {{"title", "x"}}}};
    EXPECT_EQ(errorOf([&] { parsePatchRequest(patchRequest({operation})); }).code(),
              ErrorCode::no_target);
}

// ---- Entra ID ----

TEST(PatchEntra, ReplaceWorkEmailGivenNameAndActiveAsString) {
    // Microsoft's "Update User [Multi-valued properties]" and "Disable User".
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com"},
        {"op": "Replace", "path": "name.givenName", "value": "Barbie"},
        {"op": "Replace", "path": "active", "value": "False"}])"));
    EXPECT_EQ(at(user, "/active"), false);
    EXPECT_EQ(at(user, "/name/givenName"), "Barbie");
    EXPECT_EQ(at(user, "/name/familyName"), "Jensen") << "untouched by the patch";
    EXPECT_EQ(emailValues(user),
              (std::vector<std::string>{"barbara@example.com", "babs@jensen.org"}));
    EXPECT_EQ(at(user, "/emails/0/type"), "work");
    EXPECT_EQ(at(user, "/emails/0/primary"), true) << "the rest of the element is kept";

    const json back = patchUser(user, {{{"op", "Replace"}, {"path", "active"}, {"value", "True"}}});
    EXPECT_EQ(at(back, "/active"), true);
}

TEST(PatchEntra, ReplaceOfAWorkEmailThatDoesNotExistAddsIt) {
    json user = bjensenJson();
    user.erase("emails");
    const json patched = patchUser(user, json::parse(R"([{"op": "Replace",
        "path": "emails[type eq \"work\"].value", "value": "bjensen@contoso.com"}])"));
    EXPECT_EQ(at(patched, "/emails"),
              json::parse(R"([{"type": "work", "value": "bjensen@contoso.com"}])"));

    // Entra also sends "Add" for the same change.
    const json added = patchUser(user, json::parse(R"([{"op": "Add",
        "path": "emails[type eq \"work\"].value", "value": "bjensen@contoso.com"}])"));
    EXPECT_EQ(at(added, "/emails"), at(patched, "/emails"));
}

TEST(PatchEntra, PathlessReplaceWithDottedAndUrnQualifiedKeys) {
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "Replace", "value": {
        "name.givenName": "A",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "7",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "44"}}])"));
    EXPECT_EQ(at(user, "/name/givenName"), "A");
    EXPECT_EQ(at(user, "/name/familyName"), "Jensen")
        << "a dotted key replaces only its sub-attribute";
    EXPECT_EQ(at(user, "/" + kEnterprise + "/employeeNumber"), "7");
    EXPECT_EQ(at(user, "/" + kEnterprise + "/department"), "Tour Operations");
    EXPECT_EQ(at(user, "/" + kEnterprise + "/manager"), json({{"value", "44"}}));
    EXPECT_EQ(at(user, "/userName"), "bjensen@example.com");
    EXPECT_EQ(at(user, "/active"), true);
}

TEST(PatchEntra, ManagerSetWithAStringIdThenCleared) {
    const std::string path = kEnterprise + ":manager";
    json user = patchUser(bjensenJson(), {{{"op", "Add"}, {"path", path}, {"value", "44"}}});
    EXPECT_EQ(at(user, "/" + kEnterprise + "/manager"), json({{"value", "44"}}))
        << "stored as {\"value\": id}; the old $ref is gone";

    // Every way Entra and Okta clear it.
    for (const json& cleared :
         {json(""), json(nullptr), json({{"value", ""}}), json::object(), json::array()}) {
        const json after =
            patchUser(user, {{{"op", "Replace"}, {"path", path}, {"value", cleared}}});
        EXPECT_TRUE(at(after, "/" + kEnterprise + "/manager").is_null()) << cleared.dump();
        EXPECT_EQ(at(after, "/" + kEnterprise + "/employeeNumber"), "701984");
    }
    const json removed = patchUser(user, {{{"op", "Remove"}, {"path", path}}});
    EXPECT_TRUE(at(removed, "/" + kEnterprise + "/manager").is_null());
}

TEST(PatchEntra, ManagerAsObjectListOrSubAttribute) {
    const std::string pointer = "/" + kEnterprise + "/manager";
    const std::string path = kEnterprise + ":manager";
    for (const json& value :
         {json({{"value", "45"}}), json::parse(R"([{"$ref": null, "value": "45"}])"),
          json({{"value", "45"}, {"displayName", "Boss"}})}) {
        const json user =
            patchUser(bjensenJson(), {{{"op", "Replace"}, {"path", path}, {"value", value}}});
        EXPECT_EQ(at(user, pointer), json({{"value", "45"}})) << value.dump();
    }
    json user =
        patchUser(bjensenJson(), {{{"op", "replace"}, {"path", path + ".value"}, {"value", "46"}}});
    EXPECT_EQ(at(user, pointer), json({{"value", "46"}}));
    user = patchUser(user, {{{"op", "remove"}, {"path", path + ".value"}}});
    EXPECT_TRUE(at(user, pointer).is_null());
    // Unqualified, as in a path-less value.
    user = patchUser(bjensenJson(),
                     {{{"op", "replace"}, {"value", {{"manager", {{"value", "47"}}}}}}});
    EXPECT_EQ(at(user, pointer), json({{"value", "47"}}));
}

TEST(PatchEntra, AppRolesSentAsObjectsBecomeRoleNames) {
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "Add", "path": "roles",
        "value": [{"primary": "True", "type": "WindowsAzureActiveDirectoryRole", "value": "manager"}]}])"));
    EXPECT_EQ(at(user, "/" + kMuster + "/roles"), json({"employee", "manager"}));
}

TEST(PatchEntra, AttributesMusterDoesNotStoreAreIgnored) {
    // Entra's default mappings include phone numbers and addresses.
    const json before = bjensenJson();
    const json user = patchUser(before, json::parse(R"([
        {"op": "Add", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1 555 0100"},
        {"op": "Replace", "path": "addresses[type eq \"work\"].streetAddress", "value": "1 Main St"},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:password",
         "value": "hunter2"},
        {"op": "Remove", "path": "addresses"},
        {"op": "Replace", "path": "name.nickname", "value": "x"},
        {"op": "Add", "value": {"phoneNumbers": [{"value": "+1 555 0100", "type": "work"}],
                                "addresses": [{"formatted": "1 Main St"}]}}])"));
    EXPECT_EQ(user, before);
}

// ---- Okta ----

TEST(PatchOkta, DeactivateAndReactivateWithAPathlessReplace) {
    json user =
        patchUser(bjensenJson(), json::parse(R"([{"op": "replace", "value": {"active": false}}])"));
    EXPECT_EQ(at(user, "/active"), false);
    user = patchUser(user, json::parse(R"([{"op": "replace", "value": {"active": true}}])"));
    EXPECT_EQ(at(user, "/active"), true);
}

TEST(PatchOkta, UserRenameCarryingTheUnchangedId) {
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "replace",
        "value": {"id": "2819", "displayName": "Barbara Jensen", "schemas": ["x"]}}])"));
    EXPECT_EQ(at(user, "/displayName"), "Barbara Jensen");
    EXPECT_EQ(at(user, "/id"), "2819");
    EXPECT_EQ(patchUser(user, json::parse(R"([{"op": "replace", "path": "id", "value": "2819"}])")),
              user);
}

TEST(PatchOkta, GroupRenameCarryingTheId) {
    const GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([{"op": "replace",
        "value": {"id": "7", "displayName": "Tour Guides EMEA"}}])"));
    EXPECT_EQ(at(patch.group, "/displayName"), "Tour Guides EMEA");
    EXPECT_EQ(at(patch.group, "/id"), "7");
    EXPECT_TRUE(patch.addMembers.empty());
    EXPECT_TRUE(patch.removeMembers.empty());
    EXPECT_FALSE(patch.removeAllMembers);
    EXPECT_EQ(groupFromScim(patch.group, Group{}).displayName, "Tour Guides EMEA");
}

TEST(PatchOkta, GroupRenameWithAnotherIdIsRefused) {
    const Error error = errorOf([] {
        patchGroup(tourGuides(), json::parse(R"([{"op": "replace",
            "value": {"id": "8", "displayName": "Stolen"}}])"));
    });
    EXPECT_EQ(error.code(), ErrorCode::mutability);
    EXPECT_EQ(error.attribute(), "id");
}

TEST(PatchOkta, MembersAddedAndRemoved) {
    // Okta's push-group operations, with "display" on each member.
    GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([{"op": "add", "path": "members",
        "value": [{"value": "2819", "display": "bjensen@example.com"},
                  {"value": "2820", "display": "jsmith@example.com"}]}])"));
    EXPECT_EQ(patch.addMembers, (std::vector<Id>{2819, 2820}));
    EXPECT_TRUE(patch.removeMembers.empty());

    patch = patchGroup(tourGuides(), json::parse(R"([{"op": "remove",
        "path": "members[value eq \"2820\"]"}])"));
    EXPECT_TRUE(patch.addMembers.empty());
    EXPECT_EQ(patch.removeMembers, (std::vector<Id>{2820}));
    EXPECT_FALSE(patch.removeAllMembers);
}

// ---- RFC 7644 §3.5.2 examples ----

TEST(PatchRfc, AddWithoutPathAppendsEmailsAndSetsNickName) {
    // §3.5.2.1; "nickname" in the RFC's own spelling.
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "add", "value": {
        "emails": [{"value": "babs@jensen.org", "type": "home"},
                   {"value": "barbara@tours.example.com", "type": "other"}],
        "nickname": "Babs"}}])"));
    EXPECT_EQ(at(user, "/nickName"), "Babs");
    EXPECT_FALSE(user.contains("nickname"));
    EXPECT_EQ(emailValues(user), (std::vector<std::string>{"bjensen@example.com", "babs@jensen.org",
                                                           "barbara@tours.example.com"}))
        << "babs@jensen.org was there already: not repeated";
}

TEST(PatchRfc, AddMembersToAGroup) {
    const GroupPatch patch =
        patchGroup(tourGuides(), json::parse(R"([{"op": "add", "path": "members",
        "value": [{"display": "Babs Jensen",
                   "$ref": "https://muster.example.com/scim/v2/Users/2819", "value": "2819"}]}])"));
    EXPECT_EQ(patch.addMembers, (std::vector<Id>{2819}));
    EXPECT_FALSE(patch.group.contains("members"));
}

TEST(PatchRfc, RemoveAMemberThroughAFilterAndAllMembers) {
    GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([{"op": "remove",
        "path": "members[value eq \"2819\"]"}])"));
    EXPECT_EQ(patch.removeMembers, (std::vector<Id>{2819}));
    EXPECT_FALSE(patch.removeAllMembers);

    patch = patchGroup(tourGuides(), json::parse(R"([{"op": "remove", "path": "members"}])"));
    EXPECT_TRUE(patch.removeAllMembers);
    EXPECT_TRUE(patch.removeMembers.empty());
}

TEST(PatchRfc, ReplaceAllMembersWithRemoveThenAdd) {
    const GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([
        {"op": "remove", "path": "members"},
        {"op": "add", "path": "members", "value": [{"value": "2819"}, {"value": "9"}]}])"));
    EXPECT_TRUE(patch.removeAllMembers);
    EXPECT_EQ(patch.addMembers, (std::vector<Id>{2819, 9}));
}

TEST(PatchRfc, ReplaceMembersWithAPath) {
    const GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([{"op": "replace",
        "path": "members", "value": [{"value": "2819"}, {"value": "9"}]}])"));
    EXPECT_TRUE(patch.removeAllMembers);
    EXPECT_EQ(patch.addMembers, (std::vector<Id>{2819, 9}));
}

TEST(PatchRfc, ReplaceEmailsWithoutPathReplacesTheList) {
    // §3.5.2.3.
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "replace", "value": {
        "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
        "nickName": "Babs"}}])"));
    EXPECT_EQ(
        at(user, "/emails"),
        json::parse(R"([{"value": "bjensen@example.com", "type": "work", "primary": true}])"));
    EXPECT_EQ(at(user, "/nickName"), "Babs");
}

TEST(PatchRfc, ReplaceEmailsWithAPathReplacesTheList) {
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "replace", "path": "emails",
        "value": [{"value": "babs@example.org", "type": "home"}]}])"));
    EXPECT_EQ(at(user, "/emails"),
              json::parse(R"([{"value": "babs@example.org", "type": "home"}])"));
}

TEST(PatchRfc, RemoveThroughAnAndFilter) {
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "remove",
        "path": "emails[type eq \"work\" and value ew \"example.com\"]"}])"));
    EXPECT_EQ(emailValues(user), std::vector<std::string>{"babs@jensen.org"});
}

// ---- attribute names and places ----

TEST(PatchNames, CaseInsensitiveAndWrittenCanonically) {
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "replace", "path": "DISPLAYNAME", "value": "Babs"},
        {"op": "replace", "path": "Name.GivenName", "value": "Barb"},
        {"op": "replace", "path": "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:Department",
         "value": "Sales"},
        {"op": "add", "path": "EMAILS[TYPE EQ \"WORK\"].VALUE", "value": "barb@example.com"}])"));
    EXPECT_EQ(at(user, "/displayName"), "Babs");
    EXPECT_FALSE(user.contains("DISPLAYNAME"));
    EXPECT_EQ(at(user, "/name/givenName"), "Barb");
    EXPECT_EQ(at(user, "/" + kEnterprise + "/department"), "Sales");
    EXPECT_EQ(at(user, "/emails/0/value"), "barb@example.com") << "emails.type is not caseExact";
}

TEST(PatchNames, ResourceKeysInAnotherCaseAreRenamed) {
    json user = bjensenJson();
    user["DisplayName"] = user["displayName"];
    user.erase("displayName");
    user = patchUser(user, {{{"op", "replace"}, {"path", "displayName"}, {"value", "Babs"}}});
    EXPECT_EQ(at(user, "/displayName"), "Babs");
    EXPECT_FALSE(user.contains("DisplayName"));
}

TEST(PatchNames, UnqualifiedExtensionAttributesLandUnderTheirUrn) {
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "replace", "path": "costCenter", "value": "4130"},
        {"op": "replace", "value": {"team": "Blue", "tracked": "False"}}])"));
    EXPECT_EQ(at(user, "/" + kEnterprise + "/costCenter"), "4130");
    EXPECT_EQ(at(user, "/" + kMuster + "/team"), "Blue");
    EXPECT_EQ(at(user, "/" + kMuster + "/tracked"), false);
    EXPECT_FALSE(user.contains("costCenter"));
}

TEST(PatchNames, ExtensionCreatedWhenMissing) {
    json user = bjensenJson();
    user.erase(kEnterprise);
    user["schemas"] = {kUserSchema};
    user = patchUser(user,
                     {{{"op", "add"}, {"path", kEnterprise + ":division"}, {"value", "Travel"}}});
    EXPECT_EQ(at(user, "/" + kEnterprise), json({{"division", "Travel"}}));
    EXPECT_EQ(at(user, "/schemas"), json({kUserSchema, kEnterpriseUserSchema}));
}

TEST(PatchNames, ExtensionObjectInAPathlessValueIsMerged) {
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "Replace", "value": {
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "department": "Sales", "manager": {"value": "44"}},
        "urn:muster:params:scim:schemas:extension:2.0:User": {"section": "North"}}}])"));
    EXPECT_EQ(
        at(user, "/" + kEnterprise),
        json::parse(
            R"({"employeeNumber": "701984", "department": "Sales", "manager": {"value": "44"}})"));
    EXPECT_EQ(at(user, "/" + kMuster + "/section"), "North");
    EXPECT_EQ(at(user, "/" + kMuster + "/team"), json()) << "not named: untouched";
}

TEST(PatchNames, PathNamingAnExtension) {
    json user = patchUser(bjensenJson(), {{{"op", "replace"},
                                           {"path", kEnterprise},
                                           {"value", {{"organization", "Example Tours"}}}}});
    EXPECT_EQ(at(user, "/" + kEnterprise + "/organization"), "Example Tours");
    EXPECT_EQ(at(user, "/" + kEnterprise + "/employeeNumber"), "701984");

    user = patchUser(user, {{{"op", "remove"}, {"path", kEnterprise}}});
    EXPECT_EQ(at(user, "/" + kEnterprise), json::object());
    // Removing the Muster extension leaves its read-only attributes.
    user = patchUser(user, {{{"op", "remove"}, {"path", kMuster}}});
    EXPECT_EQ(at(user, "/" + kMuster + "/status"), "active");
    EXPECT_EQ(at(user, "/" + kMuster + "/roles"), json());
}

TEST(PatchNames, UnknownSchemaIsInvalidPath) {
    for (
        const json& operation :
        {json::parse(
             R"({"op": "replace", "path": "urn:example:params:scim:schemas:Custom:badge", "value": "x"})"),
         json::parse(
             R"({"op": "replace", "value": {"urn:example:params:scim:schemas:Custom:badge": "x"}})"),
         json::parse(
             R"({"op": "add", "value": {"urn:example:params:scim:schemas:extension:custom:2.0:User": {"badge": "x"}}})"),
         json::parse(
             R"({"op": "remove", "path": "urn:ietf:params:scim:schemas:core:2.0:Group:displayName"})")}) {
        const Error error = userPatchError({operation});
        EXPECT_EQ(error.code(), ErrorCode::invalid_path) << operation.dump();
    }
}

TEST(PatchNames, QualifiedCoreNames) {
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:title", "value": "Lead"},
        {"op": "replace", "value": {"urn:ietf:params:scim:schemas:core:2.0:User": {"nickName": "B"}}}])"));
    EXPECT_EQ(at(user, "/title"), "Lead");
    EXPECT_EQ(at(user, "/nickName"), "B");
}

// ---- read-only attributes and types ----

TEST(PatchMutability, ReadOnlyAttributesAreRefusedByName) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"op": "replace", "path": "id", "value": "424242"})", "id"},
        {R"({"op": "remove", "path": "id"})", "id"},
        {R"({"op": "replace", "value": {"id": "424242"}})", "id"},
        {R"({"op": "replace", "path": "meta.created", "value": "2001-01-01T00:00:00Z"})",
         "meta.created"},
        {R"({"op": "replace", "path": "meta", "value": {"lastModified": "2001-01-01T00:00:00Z"}})",
         "meta"},
        {R"({"op": "add", "path": "groups", "value": [{"value": "1"}]})", "groups"},
        {R"({"op": "remove", "path": "groups[value eq \"7\"]"})", "groups"},
        {R"({"op": "replace", "path": "urn:muster:params:scim:schemas:extension:2.0:User:mfaStatus",
             "value": "enabled"})",
         "mfaStatus"},
        {R"({"op": "replace", "value": {"urn:muster:params:scim:schemas:extension:2.0:User": {
             "status": "active"}}})",
         "status"},
        {R"({"op": "add", "value": {"displayId": "me"}})", "displayId"},
        {R"({"op": "replace", "path": "profileIncomplete", "value": false})", "profileIncomplete"},
        {R"({"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName",
             "value": "Boss"})",
         "manager.displayName"},
    };
    for (const auto& [operation, attribute] : cases) {
        const Error error = userPatchError({json::parse(operation)});
        EXPECT_EQ(error.code(), ErrorCode::mutability) << operation;
        EXPECT_EQ(error.attribute(), attribute) << operation;
    }
}

TEST(PatchMutability, RefusedOperationsLeaveTheRequestAtomic) {
    // applyPatch works on a copy: the caller's resource is only replaced on success.
    const json before = bjensenJson();
    EXPECT_THROW(patchUser(before, json::parse(R"([{"op": "replace", "path": "title", "value": "x"},
                                                   {"op": "replace", "path": "id", "value": "1"}])")),
                 Error);
    EXPECT_EQ(at(before, "/title"), "Tour Guide");
}

TEST(PatchTypes, WrongTypesAreInvalidInputNamingTheAttribute) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"op": "replace", "path": "active", "value": "perhaps"})", "active"},
        {R"({"op": "replace", "path": "active", "value": 1})", "active"},
        {R"({"op": "replace", "path": "userName", "value": 12})", "userName"},
        {R"({"op": "replace", "path": "name", "value": "Just A String"})", "name"},
        {R"({"op": "replace", "path": "name", "value": [{"givenName": "B"}]})", "name"},
        {R"({"op": "replace", "value": {"name": ["B"]}})", "name"},
        {R"({"op": "add", "path": "emails", "value": "a@b.c"})", "emails"},
        {R"({"op": "add", "path": "emails", "value": [["a@b.c"]]})", "emails"},
        {R"({"op": "replace", "path": "emails[type eq \"work\"]", "value": "a@b.c"})", "emails"},
        {R"({"op": "replace", "path": "emails[type eq \"work\"].primary", "value": "yes"})",
         "emails.primary"},
        {R"({"op": "replace", "path": "name.givenName", "value": {"text": "B"}})",
         "name.givenName"},
        {R"({"op": "add", "path": "urn:muster:params:scim:schemas:extension:2.0:User:tags", "value": [1]})",
         "tags"},
        {R"({"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
             "value": 26})",
         "manager"},
        {R"({"op": "replace", "value": ["displayName", "x"]})", "value"},
        {R"({"op": "replace", "value": "x"})", "value"},
        {R"({"op": "replace", "value": {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "x"}})",
         kEnterprise},
    };
    for (const auto& [operation, attribute] : cases) {
        const Error error = userPatchError({json::parse(operation)});
        EXPECT_EQ(error.code(), ErrorCode::invalid_input) << operation << ": " << error.what();
        EXPECT_EQ(error.attribute(), attribute) << operation;
    }
}

TEST(PatchTypes, BooleansAsStringsBecomeBooleans) {
    json user = bjensenJson();
    user[kMuster]["identifiers"] = json::parse(R"([{"kind": "device_login", "value": "bjensen",
                                                    "logonDomain": "CORP", "anyDomain": false}])");
    user = patchUser(user, json::parse(R"([
        {"op": "Replace", "path": "active", "value": "FALSE"},
        {"op": "Replace", "path": "urn:muster:params:scim:schemas:extension:2.0:User:tracked", "value": "false"},
        {"op": "Replace", "path": "urn:muster:params:scim:schemas:extension:2.0:User:banned", "value": "True"},
        {"op": "Replace", "path": "urn:muster:params:scim:schemas:extension:2.0:User:identifiers[kind eq \"device_login\"].anyDomain",
         "value": "true"},
        {"op": "Add", "path": "emails", "value": [{"value": "b@example.net", "primary": "False"}]}])"));
    EXPECT_EQ(at(user, "/active"), false);
    EXPECT_EQ(at(user, "/" + kMuster + "/tracked"), false);
    EXPECT_EQ(at(user, "/" + kMuster + "/banned"), true);
    EXPECT_EQ(at(user, "/" + kMuster + "/identifiers/0/anyDomain"), true);
    EXPECT_EQ(at(user, "/emails/2/primary"), false);
}

TEST(PatchTypes, RequiredAttributesCannotBeCleared) {
    for (const char* operation : {R"({"op": "remove", "path": "userName"})",
                                  R"({"op": "replace", "path": "userName", "value": ""})",
                                  R"({"op": "replace", "value": {"userName": null}})"}) {
        const Error error = userPatchError({json::parse(operation)});
        EXPECT_EQ(error.code(), ErrorCode::invalid_input) << operation;
        EXPECT_EQ(error.attribute(), "userName");
    }
    EXPECT_EQ(errorOf([] {
                  patchGroup(tourGuides(),
                             json::parse(R"([{"op": "remove", "path": "displayName"}])"));
              }).attribute(),
              "displayName");
}

TEST(PatchTypes, ResourceMustBeAnObject) {
    EXPECT_EQ(errorOf([] { applyPatch(json::array(), {}, users()); }).code(),
              ErrorCode::invalid_syntax);
    EXPECT_EQ(errorOf([] { applyGroupPatch(json("group"), {}); }).code(),
              ErrorCode::invalid_syntax);
}

// ---- clearing ----

TEST(PatchClear, EmptyStringOrNullClears) {
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "replace", "path": "displayName", "value": ""},
        {"op": "replace", "path": "title", "value": null},
        {"op": "add", "path": "name.middleName", "value": ""},
        {"op": "replace", "value": {"externalId": "", "name.honorificSuffix": null}},
        {"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
         "value": ""}])"));
    EXPECT_FALSE(user.contains("displayName"));
    EXPECT_FALSE(user.contains("title"));
    EXPECT_FALSE(user.contains("externalId"));
    EXPECT_EQ(at(user, "/name"), json::parse(R"({"formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen", "givenName": "Barbara", "honorificPrefix": "Ms."})"));
    EXPECT_FALSE(at(user, "/" + kEnterprise).contains("department"));
}

TEST(PatchClear, ClearingTheLastSubAttributeRemovesTheObject) {
    json user = bjensenJson();
    user["name"] = {{"givenName", "Barbara"}};
    user = patchUser(user, {{{"op", "remove"}, {"path", "name.givenName"}}});
    EXPECT_FALSE(user.contains("name"));
}

TEST(PatchClear, RemoveSingleAttributes) {
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "remove", "path": "title"},
        {"op": "remove", "path": "name"},
        {"op": "remove", "path": "nickName"},
        {"op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"}])"));
    EXPECT_FALSE(user.contains("title"));
    EXPECT_FALSE(user.contains("name"));
    EXPECT_FALSE(at(user, "/" + kEnterprise).contains("employeeNumber"));
}

// ---- complex attributes ----

TEST(PatchComplex, AddAndReplaceWithAPathMergeSubAttributes) {
    // RFC 7644 §3.5.2.3: sub-attributes not given are left unchanged.
    for (const char* op : {"add", "replace"}) {
        const json user =
            patchUser(bjensenJson(), {{{"op", op},
                                       {"path", "name"},
                                       {"value", {{"givenName", "Barb"}, {"middleName", ""}}}}});
        EXPECT_EQ(at(user, "/name/givenName"), "Barb") << op;
        EXPECT_EQ(at(user, "/name/familyName"), "Jensen") << op;
        EXPECT_FALSE(at(user, "/name").contains("middleName")) << op;
    }
}

TEST(PatchComplex, PathlessReplaceOfAComplexAttributeReplacesItWhole) {
    json user = patchUser(bjensenJson(),
                          {{{"op", "replace"}, {"value", {{"name", {{"givenName", "Barb"}}}}}}});
    EXPECT_EQ(at(user, "/name"), json({{"givenName", "Barb"}}));
    // ... while add merges.
    user = patchUser(user, {{{"op", "add"}, {"value", {{"name", {{"familyName", "Jensen"}}}}}}});
    EXPECT_EQ(at(user, "/name"), json({{"givenName", "Barb"}, {"familyName", "Jensen"}}));
}

TEST(PatchComplex, UnknownSubAttributesAreDropped) {
    const json user = patchUser(
        bjensenJson(),
        {{{"op", "add"},
          {"path", "emails"},
          {"value", {{{"value", "b@example.net"}, {"type", "work"}, {"verified", true}}}}}});
    EXPECT_EQ(at(user, "/emails/2"), json({{"value", "b@example.net"}, {"type", "work"}}));
}

// ---- multi-valued attributes ----

TEST(PatchLists, AddAppendsWithoutRepeating) {
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "add", "path": "emails", "value": [{"value": "BJENSEN@example.com", "type": "home"},
                                                  {"value": "b@example.net"}]},
        {"op": "add", "path": "urn:muster:params:scim:schemas:extension:2.0:User:tags",
         "value": ["Guide", "senior"]},
        {"op": "add", "path": "urn:muster:params:scim:schemas:extension:2.0:User:roles", "value": "manager"}])"));
    EXPECT_EQ(emailValues(user),
              (std::vector<std::string>{"BJENSEN@example.com", "babs@jensen.org", "b@example.net"}))
        << "the same address in another case is the same element, updated in place";
    EXPECT_EQ(at(user, "/emails/0/type"), "home");
    EXPECT_EQ(at(user, "/emails/0/primary"), true);
    EXPECT_EQ(at(user, "/" + kMuster + "/tags"), json({"guide", "senior"}));
    EXPECT_EQ(at(user, "/" + kMuster + "/roles"), json({"employee", "manager"}))
        << "a single value is a list of one";
}

TEST(PatchLists, IdentifiersDifferByKindAndDomain) {
    json user = bjensenJson();
    user[kMuster]["identifiers"] = json::parse(R"([{"kind": "device_login", "value": "bjensen",
                                                    "logonDomain": "CORP", "anyDomain": false}])");
    user = patchUser(user, json::parse(R"([{"op": "add",
        "path": "urn:muster:params:scim:schemas:extension:2.0:User:identifiers",
        "value": [{"kind": "device_login", "value": "bjensen", "logonDomain": "LAB"},
                  {"kind": "device_login", "value": "bjensen", "logonDomain": "corp", "anyDomain": true},
                  {"kind": "employee_id", "value": "bjensen"}]}])"));
    EXPECT_EQ(at(user, "/" + kMuster + "/identifiers"), json::parse(R"([
        {"kind": "device_login", "value": "bjensen", "logonDomain": "corp", "anyDomain": true},
        {"kind": "device_login", "value": "bjensen", "logonDomain": "LAB"},
        {"kind": "employee_id", "value": "bjensen"}])"));
}

TEST(PatchLists, RemoveWithAValueRemovesJustThoseElements) {
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "remove", "path": "emails", "value": [{"value": "Babs@Jensen.org"}]},
        {"op": "remove", "path": "urn:muster:params:scim:schemas:extension:2.0:User:roles", "value": ["Employee"]},
        {"op": "remove", "path": "urn:muster:params:scim:schemas:extension:2.0:User:tags", "value": ["GUIDE"]}])"));
    EXPECT_EQ(emailValues(user), std::vector<std::string>{"bjensen@example.com"});
    EXPECT_EQ(at(user, "/" + kMuster + "/roles"), json({"employee"})) << "roles are caseExact";
    EXPECT_FALSE(at(user, "/" + kMuster).contains("tags")) << "an emptied list goes";
}

TEST(PatchLists, RemovingAnIdentifierKeepsThoseOfAnotherKindOrDomain) {
    json user = bjensenJson();
    user[kMuster]["identifiers"] = json::parse(R"([
        {"kind": "device_login", "value": "bjensen", "logonDomain": "CORP"},
        {"kind": "device_login", "value": "bjensen", "logonDomain": "LAB"},
        {"kind": "employee_id", "value": "bjensen"}])");
    const std::string path = kMuster + ":identifiers";
    json after = patchUser(
        user, {{{"op", "remove"}, {"path", path}, {"value", json::parse(R"([{"kind": "device_login",
                                        "value": "bjensen", "logonDomain": "lab"}])")}}});
    EXPECT_EQ(at(after, "/" + kMuster + "/identifiers"), json::parse(R"([
        {"kind": "device_login", "value": "bjensen", "logonDomain": "CORP"},
        {"kind": "employee_id", "value": "bjensen"}])"));

    // Naming only the value removes every identifier with it.
    after =
        patchUser(user, {{{"op", "remove"}, {"path", path}, {"value", {{{"value", "bjensen"}}}}}});
    EXPECT_FALSE(at(after, "/" + kMuster).contains("identifiers"));
}

TEST(PatchLists, RemoveWithoutAValueRemovesTheList) {
    const json user =
        patchUser(bjensenJson(), json::parse(R"([{"op": "remove", "path": "emails"}])"));
    EXPECT_FALSE(user.contains("emails"));
}

TEST(PatchLists, RemoveWithValuesThatAreNotElements) {
    const Error error = userPatchError(json::parse(R"([{"op": "remove", "path": "emails",
                                                         "value": [{"type": "work"}]}])"));
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "emails");
}

TEST(PatchLists, SubAttributeWithoutFilterAppliesToEveryElement) {
    json user =
        patchUser(bjensenJson(),
                  json::parse(R"([{"op": "replace", "path": "emails.type", "value": "other"}])"));
    EXPECT_EQ(at(user, "/emails/0/type"), "other");
    EXPECT_EQ(at(user, "/emails/1/type"), "other");
    user = patchUser(user, json::parse(R"([{"op": "remove", "path": "emails.type"}])"));
    EXPECT_EQ(at(user, "/emails"),
              json::parse(R"([{"value": "bjensen@example.com", "primary": true},
                                                   {"value": "babs@jensen.org"}])"));
}

TEST(PatchLists, PrimaryMovesToTheNewPrimaryEmail) {
    json user = patchUser(bjensenJson(), json::parse(R"([{"op": "add", "path": "emails",
        "value": [{"value": "b@example.net", "type": "work", "primary": true}]}])"));
    EXPECT_EQ(at(user, "/emails/0/primary"), json()) << user.dump();
    EXPECT_EQ(at(user, "/emails/2/primary"), true);

    user = patchUser(user, json::parse(R"([{"op": "replace",
        "path": "emails[value eq \"babs@jensen.org\"].primary", "value": "True"}])"));
    EXPECT_EQ(at(user, "/emails/1/primary"), true);
    EXPECT_EQ(at(user, "/emails/2/primary"), json());
}

// ---- value filters ----

TEST(PatchFilters, ReplaceMergesIntoMatchingElements) {
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "replace",
        "path": "emails[type eq \"home\"]", "value": {"value": "babs@example.org", "display": "Babs"}}])"));
    EXPECT_EQ(at(user, "/emails/1"),
              json::parse(R"({"value": "babs@example.org", "type": "home", "display": "Babs"})"));
    EXPECT_EQ(at(user, "/emails/0/value"), "bjensen@example.com");
}

TEST(PatchFilters, ReplaceMatchingNothingAddsTheDescribedElement) {
    json user = patchUser(bjensenJson(), json::parse(R"([{"op": "replace",
        "path": "emails[type eq \"other\" and primary eq false]", "value": {"value": "b@example.net"}}])"));
    EXPECT_EQ(at(user, "/emails/2"),
              json::parse(R"({"type": "other", "primary": false, "value": "b@example.net"})"));
    // A clearing value that matches nothing adds nothing.
    const json same = patchUser(user, json::parse(R"([{"op": "replace",
        "path": "emails[type eq \"other2\"].value", "value": ""}])"));
    EXPECT_EQ(same, user);
}

TEST(PatchFilters, RemoveMatchingElementsOrTheirSubAttribute) {
    json user = patchUser(bjensenJson(),
                          json::parse(R"([{"op": "remove", "path": "emails[type eq \"home\"]"}])"));
    EXPECT_EQ(emailValues(user), std::vector<std::string>{"bjensen@example.com"});
    user = patchUser(bjensenJson(),
                     json::parse(R"([{"op": "remove", "path": "emails[primary eq true].type"}])"));
    EXPECT_EQ(at(user, "/emails/0"),
              json::parse(R"({"value": "bjensen@example.com", "primary": true})"));
    user =
        patchUser(bjensenJson(), json::parse(R"([{"op": "remove", "path": "emails[type pr]"}])"));
    EXPECT_FALSE(user.contains("emails"));
}

TEST(PatchFilters, RemoveMatchingNothingChangesNothing) {
    const json before = bjensenJson();
    EXPECT_EQ(patchUser(before,
                        json::parse(R"([{"op": "remove", "path": "emails[type eq \"other\"]"}])")),
              before);
    json without = before;
    without.erase("emails");
    EXPECT_EQ(
        patchUser(without,
                  json::parse(R"([{"op": "remove", "path": "emails[type eq \"work\"].value"}])")),
        without);
}

TEST(PatchFilters, ClearingThroughAFilterRemovesTheElement) {
    const json user = patchUser(bjensenJson(), json::parse(R"([{"op": "replace",
        "path": "emails[type eq \"home\"]", "value": null}])"));
    EXPECT_EQ(emailValues(user), std::vector<std::string>{"bjensen@example.com"});
}

TEST(PatchFilters, EveryOperator) {
    // Which emails of Barbara (work: bjensen@example.com, home: babs@jensen.org) each filter
    // removes.
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
        {R"(value eq "BJENSEN@EXAMPLE.COM")", {"babs@jensen.org"}},
        {R"(type ne "work")", {"bjensen@example.com"}},
        {R"(value co "jensen.")", {"bjensen@example.com"}},
        {R"(value sw "Babs")", {"bjensen@example.com"}},
        {R"(value ew ".COM")", {"babs@jensen.org"}},
        {R"(primary pr)", {"babs@jensen.org"}},
        {R"(value gt "b")", {}},
        {R"(value gt "bb")", {"babs@jensen.org"}},
        {R"(value ge "babs@jensen.org")", {}},
        {R"(value lt "bb")", {"bjensen@example.com"}},
        {R"(value le "babs@jensen.org")", {"bjensen@example.com"}},
        {R"(type eq "work" or type eq "home")", {}},
        {R"(type eq "work" and primary eq true)", {"babs@jensen.org"}},
        {R"(not (type eq "work"))", {"bjensen@example.com"}},
        {R"(primary eq "True")", {"babs@jensen.org"}},
        {R"(primary ne true)", {"bjensen@example.com"}},
        {R"(display eq null)", {}},
        {R"(type eq 5)", {"bjensen@example.com", "babs@jensen.org"}},
    };
    for (const auto& [filter, remaining] : cases) {
        const json user =
            patchUser(bjensenJson(), {{{"op", "remove"}, {"path", "emails[" + filter + "]"}}});
        EXPECT_EQ(emailValues(user), remaining) << filter;
    }
}

TEST(PatchFilters, CaseExactSubAttributesCompareExactly) {
    json user = bjensenJson();
    const std::string path = kMuster + ":identifiers";
    EXPECT_EQ(patchUser(user, {{{"op", "remove"}, {"path", path + "[kind eq \"UPN\"]"}}}), user)
        << "identifiers.kind is caseExact";
    user = patchUser(user, {{{"op", "remove"}, {"path", path + "[kind eq \"upn\"]"}}});
    EXPECT_FALSE(at(user, "/" + kMuster).contains("identifiers"));
}

TEST(PatchFilters, SimpleListsFilterOnValue) {
    const json user = patchUser(bjensenJson(), json::parse(R"([
        {"op": "replace", "path": "urn:muster:params:scim:schemas:extension:2.0:User:tags[value eq \"GUIDE\"]",
         "value": "lead guide"},
        {"op": "replace", "path": "urn:muster:params:scim:schemas:extension:2.0:User:roles[value eq \"auditor\"]",
         "value": "auditor"}])"));
    EXPECT_EQ(at(user, "/" + kMuster + "/tags"), json({"lead guide"}));
    EXPECT_EQ(at(user, "/" + kMuster + "/roles"), json({"employee", "auditor"}));
}

TEST(PatchFilters, BadFiltersAreInvalidPath) {
    for (const char* path :
         {R"(name[givenName eq "Barbara"])", R"(emails[verified eq true])",
          R"(emails[emails.type eq "work"])",
          R"(emails[urn:ietf:params:scim:schemas:core:2.0:User:type eq "work"])",
          R"(urn:muster:params:scim:schemas:extension:2.0:User:tags[type eq "x"])",
          R"(urn:muster:params:scim:schemas:extension:2.0:User:tags[value eq "x"].value)",
          R"(displayName[value eq "x"])"}) {
        const Error error = userPatchError({{{"op", "replace"}, {"path", path}, {"value", "x"}}});
        EXPECT_EQ(error.code(), ErrorCode::invalid_path) << path << ": " << error.what();
    }
    // Also when there is nothing to filter.
    json user = bjensenJson();
    user.erase("emails");
    EXPECT_EQ(errorOf([&] {
                  patchUser(user, {{{"op", "remove"}, {"path", "emails[verified eq true]"}}});
              }).code(),
              ErrorCode::invalid_path);
}

// ---- groups ----

TEST(PatchGroup, AddMembersAsAListOrOneObject) {
    GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([
        {"op": "Add", "path": "members", "value": {"value": "2819"}},
        {"op": "Add", "path": "members", "value": [{"value": "2820", "type": "User"}, {"value": "2819"}]}])"));
    EXPECT_EQ(patch.addMembers, (std::vector<Id>{2819, 2820}));
    EXPECT_FALSE(patch.removeAllMembers);
}

TEST(PatchGroup, PathlessMembersAddOrReplace) {
    GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([{"op": "add",
        "value": {"members": [{"value": "2819"}]}}])"));
    EXPECT_EQ(patch.addMembers, std::vector<Id>{2819});
    EXPECT_FALSE(patch.removeAllMembers);

    patch = patchGroup(tourGuides(), json::parse(R"([{"op": "replace",
        "value": {"displayName": "Guides", "Members": [{"value": "2819"}]}}])"));
    EXPECT_TRUE(patch.removeAllMembers);
    EXPECT_EQ(patch.addMembers, std::vector<Id>{2819});
    EXPECT_EQ(at(patch.group, "/displayName"), "Guides");
    EXPECT_FALSE(patch.group.contains("members"));
    EXPECT_FALSE(patch.group.contains("Members"));
}

TEST(PatchGroup, MembersUnderTheGroupSchemaUrnAreMemberChanges) {
    const std::string schema(kGroupSchema);
    for (const json& operation : {
             json{{"op", "replace"},
                  {"path", schema},
                  {"value", {{"displayName", "Guides"}, {"members", {{{"value", "2819"}}}}}}},
             json{{"op", "replace"},
                  {"value",
                   {{"displayName", "Guides"}, {schema + ":members", {{{"value", "2819"}}}}}}},
             json{{"op", "replace"},
                  {"value",
                   {{schema, {{"displayName", "Guides"}, {"members", {{{"value", "2819"}}}}}}}}},
         }) {
        const GroupPatch patch = patchGroup(tourGuides(), operation);
        EXPECT_TRUE(patch.removeAllMembers) << operation.dump();
        EXPECT_EQ(patch.addMembers, std::vector<Id>{2819}) << operation.dump();
        EXPECT_EQ(at(patch.group, "/displayName"), "Guides") << operation.dump();
        EXPECT_FALSE(patch.group.contains("members")) << operation.dump();
        EXPECT_FALSE(at(patch.group, "/" + schema).contains("members")) << operation.dump();
    }
}

TEST(PatchGroup, RemoveWithAValueRemovesExactlyThoseMembers) {
    // Entra ID: never read as "remove everyone".
    GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([{"op": "Remove", "path": "members",
        "value": [{"value": "2819"}, {"value": "2821"}]}])"));
    EXPECT_EQ(patch.removeMembers, (std::vector<Id>{2819, 2821}));
    EXPECT_FALSE(patch.removeAllMembers);

    patch = patchGroup(tourGuides(),
                       json::parse(R"([{"op": "Remove", "path": "members", "value": []}])"));
    EXPECT_TRUE(patch.removeMembers.empty());
    EXPECT_FALSE(patch.removeAllMembers);
}

TEST(PatchGroup, RemoveThroughAnOrChainOfValueEq) {
    // Azure sends several members in one filter.
    const GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([{"op": "Remove",
        "path": "members[value eq \"2819\" or value eq \"2820\" or Value EQ \"2821\"]"}])"));
    EXPECT_EQ(patch.removeMembers, (std::vector<Id>{2819, 2820, 2821}));
}

TEST(PatchGroup, OtherMemberFiltersAreInvalidFilter) {
    for (const char* path :
         {R"(members[display eq "Babs"])", R"(members[value ne "2819"])",
          R"(members[value eq "2819" and type eq "User"])", R"(members[value pr])",
          R"(members[value eq 2819])", R"(members[not (value eq "2819")])"}) {
        const Error error = errorOf([&] {
            patchGroup(tourGuides(), {{{"op", "remove"}, {"path", path}}});
        });
        EXPECT_EQ(error.code(), ErrorCode::invalid_filter) << path;
        EXPECT_NE(std::string(error.what()).find("value eq"), std::string::npos) << error.what();
    }
}

TEST(PatchGroup, MemberIdsThatAreNotOursAreInvalidInput) {
    for (
        const char* operation :
        {R"({"op": "add", "path": "members", "value": [{"value": "2819c223-7f76-453a-919d-413861904646"}]})",
         R"({"op": "remove", "path": "members[value eq \"abc\"]"})",
         R"({"op": "remove", "path": "members", "value": [{"value": ""}]})",
         R"({"op": "add", "path": "members", "value": ["2819"]})",
         R"({"op": "replace", "value": {"members": [{"value": "-1"}]}})"}) {
        const Error error = errorOf([&] { patchGroup(tourGuides(), {json::parse(operation)}); });
        EXPECT_EQ(error.code(), ErrorCode::invalid_input) << operation;
        EXPECT_EQ(error.attribute(), "members") << operation;
    }
}

TEST(PatchGroup, TheLastOperationOnAnIdWins) {
    GroupPatch patch = patchGroup(tourGuides(), json::parse(R"([
        {"op": "add", "path": "members", "value": [{"value": "1"}, {"value": "2"}]},
        {"op": "remove", "path": "members[value eq \"1\"]"},
        {"op": "remove", "path": "members", "value": [{"value": "3"}]},
        {"op": "add", "path": "members", "value": [{"value": "3"}]}])"));
    EXPECT_EQ(patch.addMembers, (std::vector<Id>{2, 3}));
    EXPECT_EQ(patch.removeMembers, (std::vector<Id>{1}));

    patch = patchGroup(tourGuides(), json::parse(R"([
        {"op": "add", "path": "members", "value": [{"value": "1"}]},
        {"op": "replace", "path": "members", "value": [{"value": "2"}]},
        {"op": "remove", "path": "members", "value": [{"value": "2"}, {"value": "4"}]}])"));
    EXPECT_TRUE(patch.removeAllMembers);
    EXPECT_TRUE(patch.addMembers.empty());
    EXPECT_TRUE(patch.removeMembers.empty()) << "everyone goes anyway";
}

TEST(PatchGroup, MemberPathsThatAreNotSupported) {
    for (const char* operation :
         {R"({"op": "replace", "path": "members.value", "value": "1"})",
          R"({"op": "replace", "path": "members[value eq \"1\"]", "value": {"value": "2"}})",
          R"({"op": "remove", "path": "members[value eq \"1\"].display"})"}) {
        const Error error = errorOf([&] { patchGroup(tourGuides(), {json::parse(operation)}); });
        EXPECT_EQ(error.code(), ErrorCode::invalid_path) << operation;
    }
}

TEST(PatchGroup, OtherAttributesGoThroughApplyPatch) {
    json group = tourGuides();
    group["members"] = json::parse(R"([{"value": "5"}])");
    const GroupPatch patch = patchGroup(group, json::parse(R"([
        {"op": "replace", "path": "externalId", "value": "new-object-id"},
        {"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:Group:displayName", "value": "Guides"},
        {"op": "add", "value": {"owner": "ignored"}}])"));
    EXPECT_EQ(at(patch.group, "/externalId"), "new-object-id");
    EXPECT_EQ(at(patch.group, "/displayName"), "Guides");
    EXPECT_FALSE(patch.group.contains("members")) << "the result never carries members";
    EXPECT_FALSE(patch.group.contains("owner"));
    EXPECT_EQ(errorOf([] {
                  patchGroup(
                      tourGuides(),
                      {{{"op", "add"}, {"path", kEnterprise + ":department"}, {"value", "x"}}});
              }).code(),
              ErrorCode::invalid_path)
        << "the enterprise extension is not a Group schema";
}

// ---- round trips through the domain model ----

TEST(PatchRoundTrip, EntraChangesReachTheUser) {
    const User before = bjensen();
    const json patched = patchUser(userToScim(before, kLinks), json::parse(R"([
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com"},
        {"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"},
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "44"},
        {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
         "value": "Sales"},
        {"op": "Add", "path": "urn:muster:params:scim:schemas:extension:2.0:User:tags", "value": ["senior"]}])"));
    const User after = userFromScim(patched, before);
    EXPECT_EQ(after.status, UserStatus::deactivated);
    EXPECT_EQ(after.name.familyName, "Jensen-Smith");
    EXPECT_EQ(after.name.givenName, "Barbara");
    EXPECT_EQ(after.managerId, 44);
    EXPECT_EQ(after.department, "Sales");
    EXPECT_EQ(after.employeeNumber, "701984");
    EXPECT_EQ(after.tags, (std::vector<std::string>{"guide", "senior"}));
    EXPECT_EQ(after.groupIds, before.groupIds);
    ASSERT_EQ(after.identifiers.size(), 3u);
    EXPECT_EQ(after.identifiers[0].value, "barbara@example.com");
    EXPECT_TRUE(after.identifiers[0].primary);
    EXPECT_EQ(after.identifiers[2].kind, IdentifierKind::upn);
}

TEST(PatchRoundTrip, ClearingManagerAndReactivating) {
    User deactivated = bjensen();
    deactivated.status = UserStatus::deactivated;
    const json patched = patchUser(userToScim(deactivated, kLinks), json::parse(R"([
        {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
         "value": {"value": ""}},
        {"op": "replace", "value": {"active": true}}])"));
    const User after = userFromScim(patched, deactivated);
    EXPECT_FALSE(after.managerId);
    EXPECT_EQ(after.status, UserStatus::active);
}

TEST(PatchRoundTrip, AnOperationThatChangesNothingKeepsTheUser) {
    const User before = bjensen();
    const json original = userToScim(before, kLinks);
    const json patched = patchUser(original, json::parse(R"([
        {"op": "replace", "value": {"id": "2819", "displayName": "Babs Jensen"}},
        {"op": "add", "path": "emails", "value": [{"value": "bjensen@example.com"}]},
        {"op": "remove", "path": "emails[type eq \"other\"]"}])"));
    EXPECT_EQ(patched, original);
    EXPECT_EQ(userToScim(userFromScim(patched, before), kLinks), original);
}

// ---- robustness ----

TEST(PatchRobustness, OddValuesNeverThrowAnythingButError) {
    const std::vector<json> values = {json(nullptr),
                                      json(""),
                                      json("x"),
                                      json(true),
                                      json(0),
                                      json(-1.5),
                                      json::array(),
                                      json::array({nullptr}),
                                      json::array({json::array()}),
                                      json::object(),
                                      json({{"value", json::object()}}),
                                      json({{"value", "1"}, {"primary", "maybe"}}),
                                      json::array({1, "a", true})};
    const std::vector<std::string> paths = {"",
                                            "id",
                                            "userName",
                                            "name",
                                            "name.givenName",
                                            "active",
                                            "emails",
                                            "emails.value",
                                            "emails[type eq \"work\"]",
                                            "emails[type eq \"work\"].value",
                                            "emails[primary eq true].primary",
                                            "groups",
                                            "meta",
                                            "displayName",
                                            "members",
                                            "members[value eq \"1\"]",
                                            "externalId",
                                            kEnterprise,
                                            kEnterprise + ":manager",
                                            kEnterprise + ":manager.value",
                                            kMuster,
                                            kMuster + ":identifiers",
                                            kMuster + ":identifiers[kind eq \"upn\"].anyDomain",
                                            kMuster + ":tags",
                                            kMuster + ":tags[value eq \"guide\"]",
                                            kMuster + ":sites",
                                            "phoneNumbers"};
    for (const std::string& path : paths) {
        for (const json& value : values) {
            for (const char* op : {"add", "replace", "remove"}) {
                json operation = {{"op", op}, {"value", value}};
                if (!path.empty()) operation["path"] = path;
                if (path.empty() && std::string(op) != "remove")
                    operation["value"] = {{"displayName", value}};
                const json request = patchRequest({operation});
                try {
                    const auto operations = parsePatchRequest(request);
                    applyPatch(bjensenJson(), operations, users());
                    applyPatch(tourGuides(), operations, groups());
                    applyGroupPatch(tourGuides(), operations);
                } catch (const Error&) {
                    // Refusing is fine; anything else would be a 500.
                } catch (const std::exception& error) {
                    ADD_FAILURE() << request.dump() << ": " << error.what();
                }
            }
        }
    }
}

TEST(PatchRobustness, ResourcesWithOddShapesAreRefusedCleanly) {
    json user = bjensenJson();
    user["emails"] = "bjensen@example.com";
    user[kEnterprise] = json::array();
    for (
        const char* operation :
        {R"({"op": "add", "path": "emails", "value": [{"value": "a@b.c"}]})",
         R"({"op": "remove", "path": "emails[type eq \"work\"]"})",
         R"({"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "x"})"}) {
        EXPECT_EQ(errorOf([&] { patchUser(user, {json::parse(operation)}); }).code(),
                  ErrorCode::invalid_input)
            << operation;
    }
}

TEST(PatchRobustness, RemovingTheCoreSchemaWouldRemoveUserName) {
    const Error error = userPatchError(json::parse(R"([{"op": "remove",
        "path": "urn:ietf:params:scim:schemas:core:2.0:User"}])"));
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "userName");
}

TEST(PatchRobustness, PathlessRemoveBuiltByHandIsNoTarget) {
    PatchOperation remove;
    remove.op = PatchOperation::Op::remove;
    remove.value = {{"members", {{{"value", "1"}}}}};
    EXPECT_EQ(errorOf([&] { applyGroupPatch(tourGuides(), {remove}); }).code(),
              ErrorCode::no_target);
    EXPECT_EQ(errorOf([&] { applyPatch(bjensenJson(), {remove}, users()); }).code(),
              ErrorCode::no_target);
}
