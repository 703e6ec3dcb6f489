// RFC 7644 §3.4.2.2 filters, using the RFC's own example expressions on a
// small fixed data set, and the errors for filters that are malformed or name
// attributes the server does not know.

#include <chrono>
#include <thread>

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

// Four users, created in this order (a few milliseconds apart):
//   alice  O'Malley  title Engineer  Employee    work alice.P@example.com   department Tour Operations
//   bob    Brown     -               Intern      work bob.P@example.org
//   carol  Carlsson  title Manager   Employee    home carol.P@example.com
//   dave   Davies    -               Contractor  home dave.P@elsewhere.net  inactive
class ScimFilter : public ScimSuite {
public:
    static void SetUpTestSuite() {
        startDaemon();
        prefix_ = uniqueName("flt");
        lastModified_.clear();
        setUpError_.clear();
        if (!running()) return;
        const json people = json::parse(R"([
          {"short": "alice", "name": {"givenName": "Alice", "familyName": "O'Malley"}, "title": "Engineer",
           "userType": "Employee", "email": "work alice@example.com",
           "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Tour Operations"}},
          {"short": "bob", "name": {"givenName": "Bob", "familyName": "Brown"},
           "userType": "Intern", "email": "work bob@example.org"},
          {"short": "carol", "name": {"givenName": "Carol", "familyName": "Carlsson"}, "title": "Manager",
           "userType": "Employee", "email": "home carol@example.com"},
          {"short": "dave", "name": {"givenName": "Dave", "familyName": "Davies"},
           "userType": "Contractor", "email": "home dave@elsewhere.net", "active": false}
        ])");
        for (json person : people) {
            const std::string shortName = person["short"].get<std::string>();
            const std::string email = person["email"].get<std::string>();
            const std::string type = email.substr(0, email.find(' '));
            const std::string address = email.substr(email.find(' ') + 1);
            person.erase("short");
            person.erase("email");
            person["externalId"] = "ext-" + prefix_ + "-" + shortName;
            // Unique per run: "alice.flt-3@example.com".
            const std::string unique =
                address.substr(0, address.find('@')) + "." + prefix_ + address.substr(address.find('@'));
            person["emails"] = {{{"type", type}, {"value", unique}}};
            ScimResponse created = scim().post("/Users", userBody(prefix_ + "-" + shortName, person));
            if (created.status != 201) {
                setUpError_ = "creating " + shortName + ": HTTP " + std::to_string(created.status) + " " +
                              created.http.body;
                return;
            }
            const json modified = attr(created.body, "/meta/lastModified");
            lastModified_[shortName] = modified.is_string() ? modified.get<std::string>() : "<none>";
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
    }

protected:
    void SetUp() override {
        ScimSuite::SetUp();
        if (HasFatalFailure()) return;
        ASSERT_TRUE(setUpError_.empty()) << setUpError_;
    }

    static std::string user(const std::string& shortName) { return prefix_ + "-" + shortName; }

    // `userName sw "P-" and (filter)`: only this suite's data set.
    static std::string scoped(const std::string& filter) {
        return "userName sw \"" + prefix_ + "-\" and (" + filter + ")";
    }

    // The short names of the users a filter selects; checks totalResults too.
    static std::set<std::string> matching(const std::string& filter) {
        ScimResponse found = scim().list("Users", filter, "count=100");
        if (found.status != 200) {
            ADD_FAILURE() << "filter " << filter << ": " << found;
            return {"<HTTP " + std::to_string(found.status) + ">"};
        }
        EXPECT_EQ(totalOf(found.body), static_cast<long long>(resourcesOf(found.body).size()))
            << "filter " << filter << ": " << found;
        std::set<std::string> names;
        for (const std::string& userName : userNamesOf(found.body)) {
            names.insert(userName.rfind(prefix_ + "-", 0) == 0 ? userName.substr(prefix_.size() + 1)
                                                               : "<foreign " + userName + ">");
        }
        return names;
    }

    using Names = std::set<std::string>;

    static inline std::string prefix_;
    static inline std::string setUpError_;
    static inline std::map<std::string, std::string> lastModified_;
};

TEST_F(ScimFilter, UserNameEq) {
    EXPECT_EQ(matching("userName eq \"" + user("bob") + "\""), Names({"bob"}));
    EXPECT_EQ(matching("userName eq \"" + user("nobody") + "\""), Names());
}

TEST_F(ScimFilter, AttributeNamesAndOperatorsAreCaseInsensitive) {
    EXPECT_EQ(matching("USERNAME EQ \"" + user("bob") + "\""), Names({"bob"}));
    EXPECT_EQ(matching("UserName Eq \"" + user("bob") + "\""), Names({"bob"}));
    EXPECT_EQ(matching(scoped("TITLE PR AND NOT (USERTYPE EQ \"Intern\")")), Names({"alice", "carol"}));
}

TEST_F(ScimFilter, StringComparisonFollowsCaseExact) {
    std::string upper = user("bob");
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // userName is caseExact false; externalId is caseExact true.
    EXPECT_EQ(matching("userName eq \"" + upper + "\""), Names({"bob"}));
    EXPECT_EQ(matching("externalId eq \"ext-" + user("alice") + "\""), Names({"alice"}));
    std::string upperExternal = "EXT-" + user("alice");
    for (char& c : upperExternal) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(matching("externalId eq \"" + upperExternal + "\""), Names());
}

TEST_F(ScimFilter, SubAttributeContains) {
    EXPECT_EQ(matching(scoped("name.familyName co \"O'Malley\"")), Names({"alice"}));
    EXPECT_EQ(matching(scoped("name.familyName co \"malley\"")), Names({"alice"}));
    EXPECT_EQ(matching(scoped("name.givenName ew \"ol\"")), Names({"carol"}));
}

TEST_F(ScimFilter, UserNameStartsWith) {
    EXPECT_EQ(matching("userName sw \"" + user("a") + "\""), Names({"alice"}));
    EXPECT_EQ(matching("userName sw \"" + prefix_ + "-\""), Names({"alice", "bob", "carol", "dave"}));
}

TEST_F(ScimFilter, UrnQualifiedAttributes) {
    EXPECT_EQ(matching("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"" + user("c") + "\""),
              Names({"carol"}));
    EXPECT_EQ(matching(scoped(
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Tour Operations\"")),
              Names({"alice"}));
}

TEST_F(ScimFilter, Present) {
    EXPECT_EQ(matching(scoped("title pr")), Names({"alice", "carol"}));
    EXPECT_EQ(matching(scoped("not (title pr)")), Names({"bob", "dave"}));
}

TEST_F(ScimFilter, AndOr) {
    EXPECT_EQ(matching(scoped("title pr and userType eq \"Employee\"")), Names({"alice", "carol"}));
    EXPECT_EQ(matching(scoped("title pr or userType eq \"Intern\"")), Names({"alice", "bob", "carol"}));
}

TEST_F(ScimFilter, AndBindsTighterThanOrAndParenthesesOverride) {
    const std::string alice = "userName eq \"" + user("alice") + "\"";
    const std::string bob = "userName eq \"" + user("bob") + "\"";
    EXPECT_EQ(matching(alice + " or " + bob + " and userType eq \"Intern\""), Names({"alice", "bob"}));
    EXPECT_EQ(matching("(" + alice + " or " + bob + ") and userType eq \"Intern\""), Names({"bob"}));
    EXPECT_EQ(matching(bob + " and userType eq \"Intern\" or " + alice), Names({"alice", "bob"}));
}

TEST_F(ScimFilter, NotWithParentheses) {
    EXPECT_EQ(matching(scoped("not (userName eq \"" + user("alice") + "\")")), Names({"bob", "carol", "dave"}));
    EXPECT_EQ(matching(scoped("not (userType eq \"Employee\" or userType eq \"Intern\")")), Names({"dave"}));
}

// RFC 7644 §3.4.2.2's examples on multi-valued emails.
TEST_F(ScimFilter, RfcExamplesOnEmails) {
    EXPECT_EQ(matching(scoped("userType eq \"Employee\" and (emails co \"example.com\" or "
                              "emails.value co \"example.org\")")),
              Names({"alice", "carol"}));
    EXPECT_EQ(matching(scoped("userType ne \"Employee\" and not (emails co \"example.com\" or "
                              "emails.value co \"example.org\")")),
              Names({"dave"}));
    EXPECT_EQ(matching(scoped("userType eq \"Employee\" and (emails.type eq \"work\")")), Names({"alice"}));
    EXPECT_EQ(matching(scoped("emails.value ew \".net\"")), Names({"dave"}));
}

TEST_F(ScimFilter, ValuePathFilter) {
    EXPECT_EQ(matching(scoped("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]")),
              Names({"alice"}));
    EXPECT_EQ(matching(scoped("emails[type eq \"work\" and value co \"@example.com\"]")), Names({"alice"}));
    EXPECT_EQ(matching(scoped("emails[type eq \"home\"]")), Names({"carol", "dave"}));
    // Both conditions must hold for the same email: bob's work address is not at example.com.
    EXPECT_EQ(matching(scoped("emails[type eq \"work\" and value co \"example.org\"]")), Names({"bob"}));
    EXPECT_EQ(matching(scoped("emails[type eq \"home\" and value co \"example.org\"]")), Names());
}

TEST_F(ScimFilter, InactiveUsersAreStillFound) {
    EXPECT_EQ(matching(scoped("active eq false")), Names({"dave"}));
    EXPECT_EQ(matching(scoped("active eq true")), Names({"alice", "bob", "carol"}));
    EXPECT_EQ(matching("userName eq \"" + user("dave") + "\""), Names({"dave"}));
}

TEST_F(ScimFilter, MetaLastModifiedComparisons) {
    EXPECT_EQ(matching(scoped("meta.lastModified gt \"2011-05-13T04:42:34Z\"")),
              Names({"alice", "bob", "carol", "dave"}));
    EXPECT_EQ(matching(scoped("meta.lastModified gt \"" + lastModified_["carol"] + "\"")), Names({"dave"}));
    EXPECT_EQ(matching(scoped("meta.lastModified ge \"" + lastModified_["carol"] + "\"")),
              Names({"carol", "dave"}));
    EXPECT_EQ(matching(scoped("meta.lastModified lt \"" + lastModified_["bob"] + "\"")), Names({"alice"}));
    EXPECT_EQ(matching(scoped("meta.lastModified gt \"2999-01-01T00:00:00Z\"")), Names());
}

TEST_F(ScimFilter, SearchEndpointTakesTheSameFilter) {
    const std::string filter = scoped("title pr or userType eq \"Intern\"");
    ScimResponse found = scim().post("/Users/.search", {{"schemas", {kSearchRequestSchema}},
                                                        {"filter", filter},
                                                        {"startIndex", 1},
                                                        {"count", 10}});
    ASSERT_EQ(found.status, 200) << found;
    EXPECT_TRUE(found.isScimJson());
    EXPECT_EQ(attr(found.body, "/schemas/0"), kListResponseSchema);
    EXPECT_EQ(totalOf(found.body), 3);
    EXPECT_EQ(userNamesOf(found.body), std::set<std::string>({user("alice"), user("bob"), user("carol")}));
}

TEST_F(ScimFilter, MalformedFilterIs400InvalidFilterWithPosition) {
    for (const std::string filter :
         {"userName eq", "userName zz \"x\"", "userName eq \"unterminated", "(userName eq \"x\"",
          "userName eq \"x\" and", "emails[type eq \"work\"", "userName eq \"x\" userName eq \"y\"",
          "and userName eq \"x\"", "userName eq x"}) {
        ScimResponse rejected = scim().list("Users", filter);
        EXPECT_TRUE(isScimError(rejected, 400, "invalidFilter")) << "filter: " << filter;
        const std::string detail = rejected.detail();
        EXPECT_NE(detail.find("position"), std::string::npos) << "filter: " << filter << ": " << detail;
        EXPECT_NE(detail.find_first_of("0123456789"), std::string::npos) << "filter: " << filter << ": " << detail;
    }
}

TEST_F(ScimFilter, UnknownAttributeIs400InvalidFilterNeverEverything) {
    for (const std::string& filter : std::vector<std::string>{
             "nosuchAttribute eq \"x\"", "name.nosuch eq \"x\"", "emails[nosuch eq \"x\"]",
          "urn:example:params:scim:schemas:unknown:2.0:User:userName eq \"x\"", "nosuchAttribute pr",
          "userName eq \"" + user("bob") + "\" or nosuchAttribute pr"}) {
        ScimResponse rejected = scim().list("Users", filter);
        EXPECT_TRUE(isScimError(rejected, 400, "invalidFilter")) << "filter: " << filter;
    }
    EXPECT_TRUE(isScimError(scim().list("Groups", "nosuchAttribute eq \"x\""), 400, "invalidFilter"));
}

TEST_F(ScimFilter, ValueOfTheWrongTypeIs400InvalidFilter) {
    for (const std::string filter :
         {"meta.lastModified gt \"yesterday\"", "active eq \"maybe\"", "active co \"tr\""}) {
        EXPECT_TRUE(isScimError(scim().list("Users", filter), 400, "invalidFilter")) << "filter: " << filter;
    }
}

}  // namespace
