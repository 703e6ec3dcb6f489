// SCIM JSON ⇄ domain mapping, filter → query translation, list requests and projection.

#include <gtest/gtest.h>

#include "muster/core/audit.hpp"
#include "muster/core/error.hpp"
#include "muster/scim/filter_query.hpp"
#include "muster/scim/list_request.hpp"
#include "muster/scim/resource_json.hpp"

using namespace muster;
using namespace muster::scim;
using nlohmann::json;

namespace {

const ResourceTypeDef& users() { return SchemaRegistry::instance().resourceType("User"); }
const ResourceTypeDef& groups() { return SchemaRegistry::instance().resourceType("Group"); }

ErrorCode codeOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.code();
    }
    ADD_FAILURE() << "expected a muster::Error";
    return ErrorCode::internal;
}

json fullUser() {
    return json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                  "urn:muster:params:scim:schemas:extension:2.0:User"],
      "userName": "bjensen@example.com", "externalId": "ext-1",
      "name": {"givenName": "Barbara", "familyName": "Jensen", "formatted": "Ms. Barbara J Jensen III"},
      "displayName": "Babs Jensen", "title": "Tour Guide", "active": "True",
      "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
                 {"value": "babs@jensen.org", "type": "home"}],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
        "employeeNumber": "701984", "department": "Tour Operations", "manager": {"value": "26"}},
      "urn:muster:params:scim:schemas:extension:2.0:User": {
        "identifiers": [{"kind": "device_login", "value": "bjensen", "logonDomain": "CORP"},
                        {"kind": "upn", "value": "bjensen@corp.example.com"}],
        "tracked": false, "team": "Blue", "tags": ["guide"], "sitesMode": "listed",
        "sites": ["Berlin"], "roles": ["employee"]}
    })");
}

}  // namespace

TEST(UserMapping, ReadsEveryAttributeFromScim) {
    const User user = userFromScim(fullUser(), User{});
    EXPECT_EQ(user.userName, "bjensen@example.com");
    EXPECT_EQ(user.name.givenName, "Barbara");
    EXPECT_EQ(user.status, UserStatus::active);
    EXPECT_EQ(user.employeeNumber, "701984");
    EXPECT_EQ(user.managerId, 26);
    ASSERT_EQ(user.identifiers.size(), 4u);
    EXPECT_EQ(user.identifiers[0].kind, IdentifierKind::email);
    EXPECT_TRUE(user.identifiers[0].primary);
    EXPECT_EQ(user.identifiers[2].kind, IdentifierKind::device_login);
    EXPECT_EQ(user.identifiers[2].logonDomain, "CORP");
    EXPECT_FALSE(user.tracked);
    EXPECT_EQ(user.sites.mode, SiteAccess::Mode::listed);
    EXPECT_EQ(user.roles, std::vector<std::string>{"employee"});
    EXPECT_EQ(displayIdentifier(user), "bjensen@corp.example.com");
}

TEST(UserMapping, RoundTripsThroughScimJson) {
    User user = userFromScim(fullUser(), User{});
    user.id = 42;
    user.version = 3;
    const json out = userToScim(user, Links{"https://muster.example/scim/v2"});
    EXPECT_EQ(out["id"], "42");
    EXPECT_EQ(out["meta"]["version"], "W/\"3\"");
    EXPECT_EQ(out["meta"]["location"], "https://muster.example/scim/v2/Users/42");
    EXPECT_EQ(out["emails"].size(), 2u);
    const User back = userFromScim(out, user);
    EXPECT_EQ(snapshotOf(back), snapshotOf(user));
    EXPECT_EQ(back.identifiers.size(), user.identifiers.size());
}

TEST(UserMapping, ActiveFalseDeactivatesAndTrueReactivates) {
    json body = {{"userName", "x"}, {"active", false}};
    User user = userFromScim(body, User{});
    EXPECT_EQ(user.status, UserStatus::deactivated);
    body["active"] = "true";
    EXPECT_EQ(userFromScim(body, user).status, UserStatus::active);
}

TEST(UserMapping, AbsentActiveKeepsTheStatus) {
    // A PATCH that removes "active", or a PUT without it, reactivates nobody.
    User deactivated;
    deactivated.status = UserStatus::deactivated;
    EXPECT_EQ(userFromScim({{"userName", "x"}}, deactivated).status, UserStatus::deactivated);
    User invited;
    invited.status = UserStatus::invited;
    EXPECT_EQ(userFromScim({{"userName", "x"}}, invited).status, UserStatus::invited);
    EXPECT_EQ(userFromScim({{"userName", "x"}}, User{}).status, UserStatus::active)
        << "a new user without \"active\" is active";
}

TEST(UserMapping, RejectsUnknownSchemasAndWrongTypes) {
    EXPECT_EQ(codeOf([] { userFromScim({{"schemas", {"urn:example:unknown"}}, {"userName", "x"}}, User{}); }),
              ErrorCode::invalid_syntax);
    EXPECT_EQ(codeOf([] { userFromScim({{"userName", "x"}, {"urn:example:ext:1.0:User", json::object()}}, User{}); }),
              ErrorCode::invalid_syntax);
    EXPECT_EQ(codeOf([] { userFromScim({{"userName", 5}}, User{}); }), ErrorCode::invalid_input);
    EXPECT_EQ(codeOf([] { userFromScim({{"userName", "x"}, {"active", "maybe"}}, User{}); }),
              ErrorCode::invalid_input);
    // Unknown attributes of a known schema are ignored.
    EXPECT_EQ(userFromScim({{"userName", "x"}, {"phoneNumbers", json::array()}}, User{}).userName, "x");
}

TEST(UserMapping, AttributeNamesAreCaseInsensitive) {
    const User user = userFromScim({{"USERNAME", "x"}, {"Name", {{"GIVENNAME", "K"}}}}, User{});
    EXPECT_EQ(user.userName, "x");
    EXPECT_EQ(user.name.givenName, "K");
}

TEST(FilterQuery, ResolvesAttributesAndCaseExactness) {
    auto condition = toCondition(*parseFilter(R"(USERNAME eq "A" and externalId eq "B")"), users());
    ASSERT_EQ(condition->kind, query::Condition::Kind::all);
    ASSERT_EQ(condition->children.size(), 2u);
    EXPECT_EQ(condition->children[0]->field, "userName");
    EXPECT_FALSE(condition->children[0]->caseExact);
    EXPECT_EQ(condition->children[1]->field, "externalId");
    EXPECT_TRUE(condition->children[1]->caseExact);
}

TEST(FilterQuery, ValuePathsAndMultiValuedAttributes) {
    auto within = toCondition(*parseFilter(R"(emails[type eq "work" and value co "@x"])"), users());
    EXPECT_EQ(within->kind, query::Condition::Kind::within);
    EXPECT_EQ(within->field, "emails");
    EXPECT_EQ(within->children[0]->children[0]->field, "emails.type");
    auto plain = toCondition(*parseFilter(R"(emails co "@x")"), users());
    EXPECT_EQ(plain->field, "emails.value");
    auto members = toCondition(*parseFilter(R"(members[value eq "7"])"), groups());
    EXPECT_EQ(members->field, "members");
}

TEST(FilterQuery, ConvertsDateTimesAndChecksTypes) {
    auto condition = toCondition(*parseFilter(R"(meta.lastModified gt "2011-05-13T04:42:34Z")"), users());
    EXPECT_EQ(condition->field, "meta.lastModified");
    EXPECT_EQ(std::get<std::int64_t>(condition->value), 1'305'261'754'000);
    EXPECT_EQ(codeOf([] { toCondition(*parseFilter(R"(meta.lastModified gt "yesterday")"), users()); }),
              ErrorCode::invalid_filter);
    EXPECT_EQ(codeOf([] { toCondition(*parseFilter("active gt true"), users()); }),
              ErrorCode::invalid_filter);
    EXPECT_EQ(codeOf([] { toCondition(*parseFilter(R"(nosuch eq "x")"), users()); }),
              ErrorCode::invalid_filter);
    EXPECT_EQ(codeOf([] { toCondition(*parseFilter(R"(name eq "x")"), users()); }),
              ErrorCode::invalid_filter);
    EXPECT_EQ(codeOf([] { toCondition(*parseFilter(R"(userName eq "x")"), groups()); }),
              ErrorCode::invalid_filter);
}

TEST(FilterQuery, LongOrChainsBecomeOneFlatCondition) {
    std::string filter = R"(userName eq "u0")";
    for (int i = 1; i < 300; ++i) filter += " or userName eq \"u" + std::to_string(i) + "\"";
    auto condition = toCondition(*parseFilter(filter), users());
    EXPECT_EQ(condition->kind, query::Condition::Kind::any);
    EXPECT_EQ(condition->children.size(), 300u);
}

TEST(ListRequest, ParsesPagingSortingAndCaps) {
    const ListLimits limits{100, 1000, 32};
    auto request = parseListRequest({{"startindex", "11"}, {"count", "5000"}, {"sortby", "name.familyName"},
                                     {"sortorder", "descending"}},
                                    users(), limits);
    EXPECT_EQ(request.query.offset, 10);
    EXPECT_EQ(request.query.count, 1000);
    ASSERT_TRUE(request.query.sort);
    EXPECT_EQ(request.query.sort->field, "name.familyName");
    EXPECT_TRUE(request.query.sort->descending);
    auto defaults = parseListRequest({{"startindex", "-4"}, {"count", "-1"}}, users(), limits);
    EXPECT_EQ(defaults.query.offset, 0);
    EXPECT_EQ(defaults.query.count, 0);
    EXPECT_EQ(codeOf([&] { parseListRequest({{"count", "ten"}}, users(), limits); }),
              ErrorCode::invalid_input);
    EXPECT_EQ(codeOf([&] { parseListRequest({{"cursor", ""}, {"startindex", "1"}}, users(), limits); }),
              ErrorCode::invalid_input);
    EXPECT_EQ(codeOf([&] { parseListRequest({{"sortby", "emails"}}, users(), limits); }),
              ErrorCode::invalid_input);
    EXPECT_TRUE(parseListRequest({{"cursor", ""}}, users(), limits).cursorPaging);
}

TEST(ListRequest, SearchBodyAndMemberExclusion) {
    auto request = parseSearchRequest(
        json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                        "filter":"displayName sw \"Eng\"","excludedAttributes":["members"],"count":10})"),
        groups(), ListLimits{});
    EXPECT_TRUE(request.query.filter);
    EXPECT_EQ(request.query.count, 10);
    EXPECT_FALSE(request.query.withMembers) << "excluded members must not even be read";
}

TEST(Projection, KeepsAlwaysReturnedAttributes) {
    User user = userFromScim(fullUser(), User{});
    user.id = 1;
    const json full = userToScim(user, Links{"/scim/v2"});
    const json only = project(full, parseProjection({{"attributes", "userName,name.givenName"}}), users());
    EXPECT_TRUE(only.contains("id"));
    EXPECT_TRUE(only.contains("schemas"));
    EXPECT_EQ(only["userName"], "bjensen@example.com");
    EXPECT_EQ(only["name"], json({{"givenName", "Barbara"}}));
    EXPECT_FALSE(only.contains("emails"));
    const json without = project(
        full, parseProjection({{"excludedattributes", "emails,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}}),
        users());
    EXPECT_FALSE(without.contains("emails"));
    EXPECT_FALSE(without.contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
    EXPECT_TRUE(without.contains("userName"));
}
