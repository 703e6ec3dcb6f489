// List queries (filters, sort, offset and cursor paging) and the membership
// operations of the SQL store, against SQLite and a real PostgreSQL.

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "backend_fixture.hpp"

namespace muster::store::testing {
namespace {

using query::CompareOp;
using query::Condition;
using query::ConditionPtr;
using query::ListQuery;
using query::SortKey;

// --- building query conditions ---

ConditionPtr compare(const std::string& field, CompareOp op, query::Value value,
                     bool caseExact = false) {
    auto condition = std::make_shared<Condition>();
    condition->kind = Condition::Kind::compare;
    condition->field = field;
    condition->op = op;
    condition->value = std::move(value);
    condition->caseExact = caseExact;
    return condition;
}
ConditionPtr text(const std::string& field, CompareOp op, const std::string& value,
                  bool caseExact = false) {
    return compare(field, op, query::Value{value}, caseExact);
}
ConditionPtr exact(const std::string& field, CompareOp op, const std::string& value) {
    return text(field, op, value, true);
}
ConditionPtr number(const std::string& field, CompareOp op, std::int64_t value) {
    return compare(field, op, query::Value{value});
}
ConditionPtr flag(const std::string& field, bool value) {
    return compare(field, CompareOp::eq, query::Value{value});
}
ConditionPtr idIs(const std::string& field, Id id) {
    return text(field, CompareOp::eq, std::to_string(id));
}
ConditionPtr present(const std::string& field) {
    return compare(field, CompareOp::pr, std::monostate{});
}
ConditionPtr null(const std::string& field, CompareOp op = CompareOp::eq) {
    return compare(field, op, std::monostate{});
}
ConditionPtr combined(Condition::Kind kind, std::vector<ConditionPtr> children,
                      const std::string& field = {}) {
    auto condition = std::make_shared<Condition>();
    condition->kind = kind;
    condition->field = field;
    condition->children = std::move(children);
    return condition;
}
ConditionPtr allOf(std::vector<ConditionPtr> children) {
    return combined(Condition::Kind::all, std::move(children));
}
ConditionPtr anyOf(std::vector<ConditionPtr> children) {
    return combined(Condition::Kind::any, std::move(children));
}
ConditionPtr notOf(ConditionPtr child) { return combined(Condition::Kind::negate, {child}); }
// collection[child], e.g. emails[type eq "work" and value co "x"]; the
// child names its fields in full ("emails.type"), as scim/ translates them.
ConditionPtr within(const std::string& collection, ConditionPtr child) {
    return combined(Condition::Kind::within, {child}, collection);
}

ListQuery filtered(ConditionPtr filter) {
    ListQuery query;
    query.filter = std::move(filter);
    return query;
}
ListQuery sortedBy(const std::string& field, bool descending) {
    ListQuery query;
    query.sort = SortKey{field, descending};
    return query;
}

Identifier mail(const std::string& address, const std::string& type, bool primary = false) {
    Identifier identifier = email(address, primary);
    identifier.type = type;
    return identifier;
}

GroupMember userMember(Id id) { return GroupMember{GroupMember::Kind::user, id, {}}; }
GroupMember groupMember(Id id) { return GroupMember{GroupMember::Kind::group, id, {}}; }

std::vector<Id> memberIds(const Group& group) {
    std::vector<Id> ids;
    for (const GroupMember& member : group.members) ids.push_back(member.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}
std::vector<Id> sortedIds(std::vector<Id> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

using Names = std::vector<std::string>;

class QueryStoreTest : public BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        migrated();
        acme = createTenant("acme");
        globex = createTenant("globex");
    }

    template <typename Edit>
    User addUser(Id tenantId, const std::string& userName, Edit&& edit) {
        User user = minimalUser(tenantId, userName);
        edit(user);
        return inWrite([&](Transaction& tx) { return tx.users().create(user); });
    }
    User addUser(Id tenantId, const std::string& userName) {
        return addUser(tenantId, userName, [](User&) {});
    }
    User updateUser(const User& user) {
        return inWrite([&](Transaction& tx) { return tx.users().update(user); });
    }
    Group addGroup(Id tenantId, const std::string& displayName,
                   std::vector<GroupMember> members = {}, const std::string& externalId = {}) {
        Group group;
        group.tenantId = tenantId;
        group.displayName = displayName;
        group.externalId = externalId;
        group.members = std::move(members);
        return inWrite([&](Transaction& tx) { return tx.groups().create(group); });
    }
    Group groupNow(Id tenantId, Id id) {
        auto found = inRead([&](Transaction& tx) { return tx.groups().findById(tenantId, id); });
        EXPECT_TRUE(found) << "group " << id;
        return found.value_or(Group{});
    }

    Page<User> users(const ListQuery& query, Id tenantId) {
        return inRead([&](Transaction& tx) { return tx.users().query(tenantId, query); });
    }
    Page<User> users(const ListQuery& query) { return users(query, acme.id); }
    Page<Group> groups(const ListQuery& query, Id tenantId) {
        return inRead([&](Transaction& tx) { return tx.groups().query(tenantId, query); });
    }
    Page<Group> groups(const ListQuery& query) { return groups(query, acme.id); }

    static Names namesOf(const Page<User>& page) {
        Names names;
        for (const User& user : page.items) names.push_back(user.userName);
        return names;
    }
    static Names namesOf(const Page<Group>& page) {
        Names names;
        for (const Group& group : page.items) names.push_back(group.displayName);
        return names;
    }
    // userNames of acme's users matching `filter`, in id (creation) order,
    // checking that totalResults agrees.
    Names matching(ConditionPtr filter) {
        Page<User> page = users(filtered(std::move(filter)));
        EXPECT_EQ(page.totalResults, static_cast<std::int64_t>(page.items.size()));
        return namesOf(page);
    }
    Names groupsMatching(ConditionPtr filter) {
        Page<Group> page = groups(filtered(std::move(filter)));
        EXPECT_EQ(page.totalResults, static_cast<std::int64_t>(page.items.size()));
        return namesOf(page);
    }

    // Four people of acme, created in this order, and a look-alike in globex.
    void seedPeople() {
        alice = addUser(acme.id, "alice", [](User& u) {
            u.externalId = "EXT-Alice";
            u.name.familyName = "Smith";
            u.displayName = "Alice Smith";
            u.title = "Engineer";
            u.identifiers = {mail("alice@acme.test", "work", true),
                             mail("alice.ops@home.test", "home")};
            u.roles = {"admin"};
            u.tags = {"remote", "on-call"};
        });
        bob = addUser(acme.id, "Bob", [&](User& u) {
            u.externalId = "ext-bob";
            u.name.familyName = "Jones";
            u.displayName = "Bob Jones";
            u.title = "Senior Engineer";
            u.identifiers = {mail("bob.ops@acme.test", "work", true)};
            u.roles = {"employee"};
            u.managerId = alice.id;
        });
        carol = addUser(acme.id, "carol", [&](User& u) {
            u.name.familyName = "smithers";
            u.title = "engineering manager";
            u.status = UserStatus::deactivated;
            u.managerId = alice.id;
            u.tags = {"remote-ish"};
        });
        dave = addUser(acme.id, "dave", [](User& u) {
            u.identifiers = {mail("dave@home.test", "home")};
            u.status = UserStatus::invited;
        });
        // Same userName, title and email in another tenant.
        otherAlice = addUser(globex.id, "alice", [](User& u) {
            u.externalId = "EXT-Alice";
            u.title = "Engineer";
            u.identifiers = {mail("alice@acme.test", "work", true)};
        });
    }

    Tenant acme, globex;
    User alice, bob, carol, dave, otherAlice;
};

// --- filters on users ---

TEST_P(QueryStoreTest, QueryTextOperatorsIgnoreCaseOnATitle) {
    seedPeople();
    EXPECT_EQ(matching(text("title", CompareOp::eq, "ENGINEER")), Names{"alice"});
    EXPECT_EQ(matching(text("title", CompareOp::ne, "engineer")), (Names{"Bob", "carol", "dave"}));
    EXPECT_EQ(matching(text("title", CompareOp::co, "GINEER")), (Names{"alice", "Bob", "carol"}));
    EXPECT_EQ(matching(text("title", CompareOp::sw, "Engineer")), (Names{"alice", "carol"}));
    EXPECT_EQ(matching(text("title", CompareOp::ew, "ENGINEER")), (Names{"alice", "Bob"}));
    // Folded: "engineer" < "engineering manager" < "senior engineer".
    EXPECT_EQ(matching(text("title", CompareOp::gt, "Engineer")), (Names{"Bob", "carol"}));
    EXPECT_EQ(matching(text("title", CompareOp::ge, "Engineer")), (Names{"alice", "Bob", "carol"}));
    // dave has no title: an absent value is neither less nor greater than anything.
    EXPECT_EQ(matching(text("title", CompareOp::lt, "SENIOR")), (Names{"alice", "carol"}));
    EXPECT_EQ(matching(text("title", CompareOp::le, "engineer")), Names{"alice"});
    EXPECT_EQ(matching(present("title")), (Names{"alice", "Bob", "carol"}));
    EXPECT_EQ(matching(null("title")), Names{"dave"});
    EXPECT_EQ(matching(null("title", CompareOp::ne)), (Names{"alice", "Bob", "carol"}));
}

TEST_P(QueryStoreTest, QueryUserNameIgnoresCaseButExternalIdIsCaseExact) {
    seedPeople();
    EXPECT_EQ(matching(text("userName", CompareOp::eq, "BOB")), Names{"Bob"});
    EXPECT_EQ(matching(text("userName", CompareOp::sw, "AL")), Names{"alice"});
    EXPECT_EQ(matching(text("userName", CompareOp::ew, "OL")), Names{"carol"});

    EXPECT_EQ(matching(exact("externalId", CompareOp::eq, "EXT-Alice")), Names{"alice"});
    EXPECT_TRUE(matching(exact("externalId", CompareOp::eq, "ext-alice")).empty());
    EXPECT_EQ(matching(exact("externalId", CompareOp::sw, "EXT")), Names{"alice"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::sw, "ext")), Names{"Bob"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::co, "Alice")), Names{"alice"});
    EXPECT_TRUE(matching(exact("externalId", CompareOp::co, "ALICE")).empty());
    EXPECT_EQ(matching(exact("externalId", CompareOp::ew, "-bob")), Names{"Bob"});
    EXPECT_TRUE(matching(exact("externalId", CompareOp::ew, "-BOB")).empty());
    // The same field without caseExact ignores case.
    EXPECT_EQ(matching(text("externalId", CompareOp::sw, "ext")), (Names{"alice", "Bob"}));
    // A caseExact userName comparison compares the stored spelling.
    EXPECT_TRUE(matching(exact("userName", CompareOp::eq, "bob")).empty());
    EXPECT_EQ(matching(exact("userName", CompareOp::eq, "Bob")), Names{"Bob"});
}

TEST_P(QueryStoreTest, QueryOtherUserFields) {
    seedPeople();
    EXPECT_EQ(matching(text("name.familyName", CompareOp::sw, "SMITH")), (Names{"alice", "carol"}));
    EXPECT_EQ(matching(text("name.familyName", CompareOp::eq, "smith")), Names{"alice"});
    EXPECT_EQ(matching(text("displayName", CompareOp::co, "jones")), Names{"Bob"});
    EXPECT_EQ(matching(text("roles", CompareOp::eq, "ADMIN")), Names{"alice"});
    EXPECT_EQ(matching(text("tags", CompareOp::eq, "remote")), Names{"alice"});
    EXPECT_EQ(matching(text("tags", CompareOp::sw, "remote")), (Names{"alice", "carol"}));
    EXPECT_EQ(matching(idIs("manager.value", alice.id)), (Names{"Bob", "carol"}));
    EXPECT_EQ(matching(present("manager.value")), (Names{"Bob", "carol"}));
    EXPECT_EQ(matching(null("manager.value")), (Names{"alice", "dave"}));
    // NULL-safe: users without a manager are not managed by alice.
    EXPECT_EQ(matching(text("manager.value", CompareOp::ne, std::to_string(alice.id))),
              (Names{"alice", "dave"}));
    EXPECT_EQ(matching(notOf(idIs("manager.value", alice.id))), (Names{"alice", "dave"}));
    EXPECT_EQ(matching(idIs("id", carol.id)), Names{"carol"});
    EXPECT_TRUE(matching(text("id", CompareOp::eq, "not-a-number")).empty());
    EXPECT_EQ(matching(flag("emails.primary", true)), (Names{"alice", "Bob"}));

    Error unknown = errorFrom([&] { matching(text("password", CompareOp::eq, "x")); });
    EXPECT_EQ(unknown.code(), ErrorCode::invalid_filter);
}

TEST_P(QueryStoreTest, QueryActiveIsFalseForDeactivatedAndInvitedUsers) {
    seedPeople();
    EXPECT_EQ(matching(flag("active", false)), (Names{"carol", "dave"}));
    EXPECT_EQ(matching(flag("active", true)), (Names{"alice", "Bob"}));
    EXPECT_EQ(matching(compare("active", CompareOp::ne, query::Value{true})),
              (Names{"carol", "dave"}));
    EXPECT_EQ(matching(text("status", CompareOp::eq, "invited")), Names{"dave"});
}

TEST_P(QueryStoreTest, QueryAndOrNotNestLikeParentheses) {
    seedPeople();
    // (title co "engineer" and not (active eq false)) or userName eq "dave"
    EXPECT_EQ(matching(anyOf(
                  {allOf({text("title", CompareOp::co, "engineer"), notOf(flag("active", false))}),
                   text("userName", CompareOp::eq, "dave")})),
              (Names{"alice", "Bob", "dave"}));
    // title co "engineer" and (userName eq "alice" or userName eq "carol")
    EXPECT_EQ(matching(allOf({text("title", CompareOp::co, "engineer"),
                              anyOf({text("userName", CompareOp::eq, "alice"),
                                     text("userName", CompareOp::eq, "carol")})})),
              (Names{"alice", "carol"}));
    // (title co "engineer" and userName eq "alice") or userName eq "dave"
    EXPECT_EQ(matching(anyOf({allOf({text("title", CompareOp::co, "engineer"),
                                     text("userName", CompareOp::eq, "alice")}),
                              text("userName", CompareOp::eq, "dave")})),
              (Names{"alice", "dave"}));
    // not (title sw "engineer" or active eq false)
    EXPECT_EQ(
        matching(notOf(anyOf({text("title", CompareOp::sw, "engineer"), flag("active", false)}))),
        Names{"Bob"});
    // not not
    EXPECT_EQ(matching(notOf(notOf(text("userName", CompareOp::eq, "carol")))), Names{"carol"});
}

TEST_P(QueryStoreTest, QueryValuePathMatchesWithinOneEmail) {
    seedPeople();
    // alice has a work email and an "ops" email, but not one that is both.
    EXPECT_EQ(matching(within("emails", allOf({text("emails.type", CompareOp::eq, "work"),
                                               text("emails.value", CompareOp::co, "ops")}))),
              Names{"Bob"});
    EXPECT_EQ(matching(allOf({text("emails.type", CompareOp::eq, "work"),
                              text("emails.value", CompareOp::co, "ops")})),
              (Names{"alice", "Bob"}));
    EXPECT_EQ(
        matching(within("emails", allOf({text("emails.type", CompareOp::eq, "home"),
                                         text("emails.value", CompareOp::ew, "@home.test")}))),
        (Names{"alice", "dave"}));
    EXPECT_EQ(matching(within("emails", anyOf({flag("emails.primary", true),
                                               text("emails.value", CompareOp::sw, "DAVE")}))),
              (Names{"alice", "Bob", "dave"}));
    EXPECT_EQ(matching(text("emails.value", CompareOp::eq, "ALICE@acme.test")), Names{"alice"});
}

TEST_P(QueryStoreTest, QueryNeOnAMultiValuedFieldMeansNoElementEquals) {
    seedPeople();
    EXPECT_EQ(matching(text("emails.value", CompareOp::ne, "bob.ops@acme.test")),
              (Names{"alice", "carol", "dave"}));
    // alice has a home email besides her work one: she is excluded.
    EXPECT_EQ(matching(text("emails.type", CompareOp::ne, "home")), (Names{"Bob", "carol"}));
    EXPECT_EQ(matching(notOf(text("emails.type", CompareOp::eq, "home"))), (Names{"Bob", "carol"}));
    EXPECT_EQ(matching(text("roles", CompareOp::ne, "admin")), (Names{"Bob", "carol", "dave"}));
    EXPECT_EQ(matching(text("tags", CompareOp::ne, "remote")), (Names{"Bob", "carol", "dave"}));
}

TEST_P(QueryStoreTest, QueryPresenceAndNullOnMultiValuedFields) {
    seedPeople();
    Group staff = addGroup(acme.id, "Staff", {userMember(alice.id), userMember(dave.id)});
    EXPECT_EQ(matching(present("emails.value")), (Names{"alice", "Bob", "dave"}));
    // `emails eq null` asks for users without any email, `ne null` for users with one.
    EXPECT_EQ(matching(null("emails.value")), Names{"carol"});
    EXPECT_EQ(matching(null("emails.value", CompareOp::ne)), (Names{"alice", "Bob", "dave"}));
    EXPECT_EQ(matching(notOf(present("emails.value"))), Names{"carol"});
    EXPECT_EQ(matching(present("roles")), (Names{"alice", "Bob"}));
    EXPECT_EQ(matching(null("roles")), (Names{"carol", "dave"}));
    EXPECT_EQ(matching(present("groups.value")), (Names{"alice", "dave"}));
    EXPECT_EQ(matching(null("groups.value")), (Names{"Bob", "carol"}));
    EXPECT_EQ(matching(idIs("groups.value", staff.id)), (Names{"alice", "dave"}));
    EXPECT_EQ(matching(present("tags")), (Names{"alice", "carol"}));
    EXPECT_EQ(matching(null("tags")), (Names{"Bob", "dave"}));
}

TEST_P(QueryStoreTest, QueryDateTimesCompareAsInstants) {
    User first = addUser(acme.id, "first");
    User second = addUser(acme.id, "second");
    User third = addUser(acme.id, "third");
    const Timestamp created = std::max({first.updatedAt, second.updatedAt, third.updatedAt});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    second.title = "changed";
    User changed = updateUser(second);
    ASSERT_GT(changed.updatedAt, created);

    EXPECT_EQ(matching(number("meta.lastModified", CompareOp::gt, created)), Names{"second"});
    EXPECT_EQ(matching(number("meta.lastModified", CompareOp::ge, changed.updatedAt)),
              Names{"second"});
    EXPECT_EQ(matching(number("meta.lastModified", CompareOp::le, created)),
              (Names{"first", "third"}));
    EXPECT_EQ(matching(number("meta.lastModified", CompareOp::lt, changed.updatedAt)),
              (Names{"first", "third"}));
    // Creation times do not move on update.
    EXPECT_TRUE(matching(number("meta.created", CompareOp::gt, created)).empty());
    EXPECT_EQ(matching(number("meta.created", CompareOp::le, created)),
              (Names{"first", "second", "third"}));
}

TEST_P(QueryStoreTest, QueryLikeMetacharactersInAValueMatchLiterally) {
    auto withFields = [](const std::string& title, const std::string& externalId) {
        return [=](User& u) {
            u.title = title;
            u.externalId = externalId;
        };
    };
    addUser(acme.id, "percent", withFields("100% remote", "50%off"));
    addUser(acme.id, "words", withFields("100 percent remote", "50 off"));
    addUser(acme.id, "underscore", withFields("a_b", "x_y"));
    addUser(acme.id, "letter", withFields("axb", "xzy"));
    addUser(acme.id, "backslash", withFields("back\\slash", "c*d"));
    addUser(acme.id, "nobackslash", withFields("backslash", "cxd"));
    addUser(acme.id, "question", withFields("", "e?f"));
    addUser(acme.id, "capital", withFields("", "eXf"));
    addUser(acme.id, "bracket", withFields("", "[g]"));
    addUser(acme.id, "gee", withFields("", "g"));

    // Case-insensitive (LIKE on both backends).
    EXPECT_EQ(matching(text("title", CompareOp::co, "100%")), Names{"percent"});
    EXPECT_EQ(matching(text("title", CompareOp::sw, "100%")), Names{"percent"});
    EXPECT_EQ(matching(text("title", CompareOp::ew, "% REMOTE")), Names{"percent"});
    EXPECT_EQ(matching(text("title", CompareOp::co, "a_b")), Names{"underscore"});
    EXPECT_EQ(matching(text("title", CompareOp::sw, "A_")), Names{"underscore"});
    EXPECT_EQ(matching(text("title", CompareOp::ew, "_b")), Names{"underscore"});
    EXPECT_EQ(matching(text("title", CompareOp::co, "k\\s")), Names{"backslash"});
    EXPECT_EQ(matching(text("title", CompareOp::co, "\\")), Names{"backslash"});
    EXPECT_EQ(matching(text("externalId", CompareOp::co, "[G]")), Names{"bracket"});

    // caseExact (GLOB on SQLite, LIKE on PostgreSQL).
    EXPECT_EQ(matching(exact("externalId", CompareOp::co, "50%")), Names{"percent"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::ew, "%off")), Names{"percent"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::co, "x_y")), Names{"underscore"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::sw, "x_")), Names{"underscore"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::co, "*")), Names{"backslash"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::co, "c*d")), Names{"backslash"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::sw, "e?")), Names{"question"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::co, "?")), Names{"question"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::co, "[g]")), Names{"bracket"});
    EXPECT_EQ(matching(exact("externalId", CompareOp::ew, "g]")), Names{"bracket"});
}

// --- sort and paging ---

TEST_P(QueryStoreTest, QuerySortsByATextFieldIgnoringCaseWithIdTieBreak) {
    for (auto [userName, title] : std::vector<std::pair<std::string, std::string>>{
             {"u1", "beta"}, {"u2", "Alpha"}, {"u3", "gamma"}, {"u4", "alpha"}, {"u5", "Beta"}}) {
        addUser(acme.id, userName, [&](User& u) { u.title = title; });
    }
    EXPECT_EQ(namesOf(users(sortedBy("title", false))), (Names{"u2", "u4", "u1", "u5", "u3"}));
    EXPECT_EQ(namesOf(users(sortedBy("title", true))), (Names{"u3", "u5", "u1", "u4", "u2"}));

    ListQuery byUserName = sortedBy("userName", true);
    byUserName.filter = text("title", CompareOp::sw, "a");
    EXPECT_EQ(namesOf(users(byUserName)), (Names{"u4", "u2"}));

    Error multiValued = errorFrom([&] { users(sortedBy("emails.value", false)); });
    EXPECT_EQ(multiValued.code(), ErrorCode::invalid_input);
    EXPECT_EQ(multiValued.attribute(), "sortBy");
}

TEST_P(QueryStoreTest, QueryOffsetPagesAreStableWithExactTotal) {
    for (const char* name : {"g", "c", "e", "a", "f", "b", "d"}) {
        addUser(acme.id, name, [&](User& u) { u.title = std::string("title ") + name; });
    }
    addUser(globex.id, "a0", [](User& u) { u.title = "title a0"; });
    Names all;
    for (std::int64_t offset : {0, 3, 6}) {
        ListQuery query = sortedBy("title", false);
        query.offset = offset;
        query.count = 3;
        Page<User> page = users(query);
        EXPECT_EQ(page.totalResults, 7) << offset;
        EXPECT_FALSE(page.nextCursor) << "no cursor unless asked for";
        Names names = namesOf(page);
        all.insert(all.end(), names.begin(), names.end());
    }
    EXPECT_EQ(all, (Names{"a", "b", "c", "d", "e", "f", "g"}));

    ListQuery beyond = sortedBy("title", false);
    beyond.offset = 7;
    Page<User> past = users(beyond);
    EXPECT_TRUE(past.items.empty());
    EXPECT_EQ(past.totalResults, 7);

    // totalResults counts every match, not the page.
    ListQuery some = sortedBy("userName", true);
    some.filter = text("userName", CompareOp::lt, "e");
    some.offset = 1;
    some.count = 2;
    Page<User> middle = users(some);
    EXPECT_EQ(namesOf(middle), (Names{"c", "b"}));
    EXPECT_EQ(middle.totalResults, 4);
}

TEST_P(QueryStoreTest, QueryCountZeroReturnsOnlyTheTotal) {
    seedPeople();
    ListQuery query = filtered(flag("active", true));
    query.count = 0;
    query.cursorPaging = true;
    Page<User> page = users(query);
    EXPECT_TRUE(page.items.empty());
    EXPECT_EQ(page.totalResults, 2);
    EXPECT_FALSE(page.nextCursor);

    ListQuery everything;
    everything.count = 0;
    EXPECT_EQ(users(everything).totalResults, 4);
    EXPECT_EQ(users(everything, globex.id).totalResults, 1);
}

TEST_P(QueryStoreTest, QueryCursorPagesWithoutSortSurviveInsertsAndDeletes) {
    std::vector<User> created;
    for (int i = 1; i <= 7; ++i) created.push_back(addUser(acme.id, "user" + std::to_string(i)));
    addUser(globex.id, "outsider");

    ListQuery query;
    query.count = 3;
    query.cursorPaging = true;
    Page<User> first = users(query);
    EXPECT_EQ(namesOf(first), (Names{"user1", "user2", "user3"}));
    EXPECT_EQ(first.totalResults, 7);
    ASSERT_TRUE(first.nextCursor);

    // Between pages: one new user and one already-seen user gone. Neither
    // shifts what the next page holds.
    addUser(acme.id, "user8");
    inWrite([&](Transaction& tx) { tx.users().remove(acme.id, created[1].id); });

    query.cursor = first.nextCursor;
    Page<User> second = users(query);
    EXPECT_EQ(namesOf(second), (Names{"user4", "user5", "user6"}));
    EXPECT_EQ(second.totalResults, 7);
    ASSERT_TRUE(second.nextCursor);

    query.cursor = second.nextCursor;
    Page<User> third = users(query);
    EXPECT_EQ(namesOf(third), (Names{"user7", "user8"}));
    EXPECT_FALSE(third.nextCursor);

    // Without cursorPaging no cursor is handed out.
    ListQuery plain;
    plain.count = 3;
    EXPECT_FALSE(users(plain).nextCursor);
}

TEST_P(QueryStoreTest, QueryCursorPagesWithAFilterVisitEveryMatchOnce) {
    for (int i = 1; i <= 9; ++i) {
        addUser(acme.id, "user" + std::to_string(i),
                [&](User& u) { u.title = i % 3 == 0 ? "skip" : "keep"; });
    }
    ListQuery query = filtered(text("title", CompareOp::eq, "keep"));
    query.count = 2;
    query.cursorPaging = true;
    Names seen;
    for (int pages = 0; pages < 10; ++pages) {
        Page<User> page = users(query);
        EXPECT_EQ(page.totalResults, 6);
        Names names = namesOf(page);
        seen.insert(seen.end(), names.begin(), names.end());
        if (!page.nextCursor) break;
        query.cursor = page.nextCursor;
    }
    EXPECT_EQ(seen, (Names{"user1", "user2", "user4", "user5", "user7", "user8"}));
}

TEST_P(QueryStoreTest, QueryCursorPagesWithSortFollowTheSortOrder) {
    for (const char* name : {"d", "a", "e", "c", "b"}) addUser(acme.id, name);
    ListQuery query = sortedBy("userName", true);
    query.count = 2;
    query.cursorPaging = true;
    Names seen;
    int pages = 0;
    for (; pages < 10; ++pages) {
        Page<User> page = users(query);
        EXPECT_EQ(page.totalResults, 5);
        Names names = namesOf(page);
        seen.insert(seen.end(), names.begin(), names.end());
        if (!page.nextCursor) break;
        query.cursor = page.nextCursor;
    }
    EXPECT_EQ(seen, (Names{"e", "d", "c", "b", "a"}));
    EXPECT_EQ(pages, 2);  // three pages: 2 + 2 + 1
}

TEST_P(QueryStoreTest, QueryRejectsACursorItDidNotIssue) {
    for (const char* name : {"a", "b", "c"}) addUser(acme.id, name);
    ListQuery unsorted;
    unsorted.count = 1;
    unsorted.cursorPaging = true;
    ListQuery sorted = sortedBy("userName", false);
    sorted.count = 1;
    sorted.cursorPaging = true;
    const std::optional<std::string> keysetCursor = users(unsorted).nextCursor;
    const std::optional<std::string> offsetCursor = users(sorted).nextCursor;
    ASSERT_TRUE(keysetCursor);
    ASSERT_TRUE(offsetCursor);

    for (const std::string& garbled :
         {std::string(), std::string("zzz"), std::string("a"), std::string("a-1"),
          std::string("a12x"), std::string("a 1"), std::string("a99999999999999999999999"),
          std::string("'; DROP TABLE users; --"), *keysetCursor + "0x"}) {
        ListQuery query = unsorted;
        query.cursor = garbled;
        Error error = errorFrom([&] { users(query); });
        EXPECT_EQ(error.code(), ErrorCode::invalid_cursor) << "cursor \"" << garbled << "\"";
    }
    // A cursor from a listing with another sortBy does not fit.
    ListQuery mixed = unsorted;
    mixed.cursor = offsetCursor;
    EXPECT_EQ(errorFrom([&] { users(mixed); }).code(), ErrorCode::invalid_cursor);
    mixed = sorted;
    mixed.cursor = keysetCursor;
    EXPECT_EQ(errorFrom([&] { users(mixed); }).code(), ErrorCode::invalid_cursor);
    // Groups check cursors the same way.
    ListQuery groupQuery;
    groupQuery.cursor = "garbage";
    EXPECT_EQ(errorFrom([&] { groups(groupQuery); }).code(), ErrorCode::invalid_cursor);
}

// --- tenant isolation ---

TEST_P(QueryStoreTest, QueryNeverCrossesTenants) {
    seedPeople();
    Page<User> engineers = users(filtered(text("title", CompareOp::eq, "engineer")));
    ASSERT_EQ(engineers.items.size(), 1u);
    EXPECT_EQ(engineers.items[0].id, alice.id);
    EXPECT_EQ(engineers.totalResults, 1);

    Page<User> byEmail = users(filtered(text("emails.value", CompareOp::eq, "alice@acme.test")));
    ASSERT_EQ(byEmail.items.size(), 1u);
    EXPECT_EQ(byEmail.items[0].id, alice.id);

    EXPECT_TRUE(matching(idIs("id", otherAlice.id)).empty());
    EXPECT_TRUE(matching(anyOf({idIs("id", otherAlice.id), flag("active", false)})) ==
                (Names{"carol", "dave"}));
    EXPECT_TRUE(users(filtered(idIs("id", alice.id)), globex.id).items.empty());
    Page<User> theirs = users(filtered(exact("externalId", CompareOp::eq, "EXT-Alice")), globex.id);
    ASSERT_EQ(theirs.items.size(), 1u);
    EXPECT_EQ(theirs.items[0].id, otherAlice.id);
    EXPECT_EQ(users(ListQuery{}, globex.id).totalResults, 1);

    Group mine = addGroup(acme.id, "Support", {userMember(alice.id)});
    Group foreign = addGroup(globex.id, "Support", {userMember(otherAlice.id)});
    Page<Group> support = groups(filtered(text("displayName", CompareOp::eq, "support")));
    ASSERT_EQ(support.items.size(), 1u);
    EXPECT_EQ(support.items[0].id, mine.id);
    EXPECT_TRUE(groupsMatching(idIs("id", foreign.id)).empty());
    EXPECT_TRUE(groupsMatching(idIs("members.value", otherAlice.id)).empty());
    EXPECT_TRUE(groups(filtered(idIs("members.value", alice.id)), globex.id).items.empty());
}

// --- groups ---

TEST_P(QueryStoreTest, QueryGroupsByDisplayNameAndMembers) {
    User ann = addUser(acme.id, "ann");
    User ben = addUser(acme.id, "ben");
    Group night = addGroup(acme.id, "Night Shift", {userMember(ann.id)});
    Group support = addGroup(acme.id, "Support", {userMember(ann.id), groupMember(night.id)});
    Group sales = addGroup(acme.id, "Sales", {userMember(ben.id)});
    addGroup(acme.id, "Empty");
    addGroup(globex.id, "Support Globex");

    EXPECT_EQ(groupsMatching(text("displayName", CompareOp::eq, "SUPPORT")), Names{"Support"});
    EXPECT_EQ(groupsMatching(text("displayName", CompareOp::sw, "s")), (Names{"Support", "Sales"}));
    EXPECT_EQ(groupsMatching(text("displayName", CompareOp::co, "SHIFT")), Names{"Night Shift"});
    EXPECT_EQ(groupsMatching(idIs("members.value", ann.id)), (Names{"Night Shift", "Support"}));
    EXPECT_EQ(groupsMatching(idIs("members.value", night.id)), Names{"Support"});
    EXPECT_EQ(groupsMatching(idIs("members.value", ben.id)), Names{"Sales"});
    EXPECT_EQ(groupsMatching(present("members.value")), (Names{"Night Shift", "Support", "Sales"}));
    EXPECT_EQ(groupsMatching(null("members.value")), Names{"Empty"});
    EXPECT_EQ(groupsMatching(text("members.value", CompareOp::ne, std::to_string(ann.id))),
              (Names{"Sales", "Empty"}));
    EXPECT_EQ(groupsMatching(within("members", idIs("members.value", ben.id))), Names{"Sales"});
    EXPECT_EQ(groupsMatching(idIs("id", sales.id)), Names{"Sales"});

    ListQuery byName = sortedBy("displayName", false);
    EXPECT_EQ(namesOf(groups(byName)), (Names{"Empty", "Night Shift", "Sales", "Support"}));

    Page<Group> withMembers = groups(filtered(idIs("id", support.id)));
    ASSERT_EQ(withMembers.items.size(), 1u);
    EXPECT_EQ(memberIds(withMembers.items[0]), sortedIds({ann.id, night.id}));

    ListQuery bare = byName;
    bare.withMembers = false;
    Page<Group> withoutMembers = groups(bare);
    ASSERT_EQ(withoutMembers.items.size(), 4u);
    for (const Group& group : withoutMembers.items) {
        EXPECT_TRUE(group.members.empty()) << group.displayName;
    }
    EXPECT_EQ(withoutMembers.totalResults, 4);
}

TEST_P(QueryStoreTest, MembershipAddAndRemoveTouchOnlyTheMembersNamed) {
    User ann = addUser(acme.id, "ann");
    User ben = addUser(acme.id, "ben");
    User cy = addUser(acme.id, "cy");
    Group nested = addGroup(acme.id, "Nested");
    Group stranger = addGroup(acme.id, "Stranger");
    Group team = addGroup(acme.id, "Team");
    Group other = addGroup(acme.id, "Other", {userMember(ann.id)});

    inWrite(
        [&](Transaction& tx) { tx.groups().addMembers(acme.id, team.id, {userMember(ann.id)}); });
    inWrite([&](Transaction& tx) {
        tx.groups().addMembers(
            acme.id, team.id,
            {userMember(ann.id), userMember(ben.id), userMember(ben.id), groupMember(nested.id)});
    });
    Group afterAdd = groupNow(acme.id, team.id);
    EXPECT_EQ(memberIds(afterAdd), sortedIds({ann.id, ben.id, nested.id}));

    // Removing non-members is no error and changes nothing.
    EXPECT_NO_THROW(inWrite([&](Transaction& tx) {
        tx.groups().removeMembers(acme.id, team.id, {userMember(cy.id), groupMember(stranger.id)});
    }));
    EXPECT_EQ(memberIds(groupNow(acme.id, team.id)), sortedIds({ann.id, ben.id, nested.id}));

    inWrite([&](Transaction& tx) {
        tx.groups().removeMembers(acme.id, team.id, {userMember(ben.id)});
    });
    EXPECT_EQ(memberIds(groupNow(acme.id, team.id)), sortedIds({ann.id, nested.id}));
    EXPECT_EQ(inRead([&](Transaction& tx) { return tx.groups().memberGroupIds(acme.id, team.id); }),
              std::vector<Id>{nested.id});
    auto aliceNow = inRead([&](Transaction& tx) { return tx.users().findById(acme.id, ann.id); });
    ASSERT_TRUE(aliceNow);
    EXPECT_EQ(aliceNow->groupIds, sortedIds({team.id, other.id}));

    inWrite([&](Transaction& tx) { tx.groups().removeAllMembers(acme.id, team.id); });
    EXPECT_TRUE(groupNow(acme.id, team.id).members.empty());
    EXPECT_TRUE(inRead([&](Transaction& tx) {
                    return tx.groups().memberGroupIds(acme.id, team.id);
                }).empty());
    // Other groups keep their members.
    EXPECT_EQ(memberIds(groupNow(acme.id, other.id)), std::vector<Id>{ann.id});
    aliceNow = inRead([&](Transaction& tx) { return tx.users().findById(acme.id, ann.id); });
    EXPECT_EQ(aliceNow->groupIds, std::vector<Id>{other.id});
}

TEST_P(QueryStoreTest, MembershipMemberGroupIdsListsOnlyDirectGroupMembers) {
    User ann = addUser(acme.id, "ann");
    Group leaf = addGroup(acme.id, "Leaf");
    Group middle = addGroup(acme.id, "Middle", {groupMember(leaf.id)});
    Group second = addGroup(acme.id, "Second");
    Group top = addGroup(acme.id, "Top",
                         {userMember(ann.id), groupMember(middle.id), groupMember(second.id)});
    inRead([&](Transaction& tx) {
        EXPECT_EQ(sortedIds(tx.groups().memberGroupIds(acme.id, top.id)),
                  sortedIds({middle.id, second.id}));
        EXPECT_EQ(tx.groups().memberGroupIds(acme.id, middle.id), std::vector<Id>{leaf.id});
        EXPECT_TRUE(tx.groups().memberGroupIds(acme.id, leaf.id).empty());
        EXPECT_TRUE(tx.groups().memberGroupIds(globex.id, top.id).empty());
    });
}

TEST_P(QueryStoreTest, KindOfResourceTellsUsersFromGroupsWithinTheTenant) {
    User ann = addUser(acme.id, "ann");
    Group support = addGroup(acme.id, "Support");
    User outsider = addUser(globex.id, "outsider");
    Group foreign = addGroup(globex.id, "Foreign");
    inRead([&](Transaction& tx) {
        EXPECT_EQ(tx.groups().kindOfResource(acme.id, ann.id), GroupMember::Kind::user);
        EXPECT_EQ(tx.groups().kindOfResource(acme.id, support.id), GroupMember::Kind::group);
        EXPECT_EQ(tx.groups().kindOfResource(acme.id, outsider.id), std::nullopt);
        EXPECT_EQ(tx.groups().kindOfResource(acme.id, foreign.id), std::nullopt);
        EXPECT_EQ(tx.groups().kindOfResource(acme.id, 987654321), std::nullopt);
        EXPECT_EQ(tx.groups().kindOfResource(globex.id, outsider.id), GroupMember::Kind::user);
        EXPECT_EQ(tx.groups().kindOfResource(globex.id, foreign.id), GroupMember::Kind::group);
    });
}

TEST_P(QueryStoreTest, TouchBumpsVersionWritesOwnersAndKeepsMembers) {
    User ann = addUser(acme.id, "ann");
    User ben = addUser(acme.id, "ben");
    Group input;
    input.tenantId = acme.id;
    input.displayName = "Support";
    input.externalId = "ext-1";
    input.members = {userMember(ann.id)};
    input.ownerIds = {ben.id};
    Group created = inWrite([&](Transaction& tx) { return tx.groups().create(input); });
    addGroup(acme.id, "Sales");
    std::this_thread::sleep_for(std::chrono::milliseconds(3));

    Group changed = created;
    changed.displayName = "Customer Support";
    changed.externalId = "ext-2";
    changed.productiveHoursGoal = 6.5;
    changed.members.clear();  // touch leaves members alone whatever the group says
    changed.ownerIds = {ann.id};  // owners are the group's own fields: written
    Group touched = inWrite([&](Transaction& tx) { return tx.groups().touch(changed); });
    EXPECT_EQ(touched.version, created.version + 1);
    EXPECT_GT(touched.updatedAt, created.updatedAt);
    EXPECT_EQ(touched.createdAt, created.createdAt);
    EXPECT_EQ(touched.displayName, "Customer Support");
    EXPECT_TRUE(touched.members.empty()) << "touch returns the group without members";

    Group stored = groupNow(acme.id, created.id);
    EXPECT_EQ(stored.version, created.version + 1);
    EXPECT_EQ(stored.displayName, "Customer Support");
    EXPECT_EQ(stored.externalId, "ext-2");
    EXPECT_EQ(stored.productiveHoursGoal, 6.5);
    EXPECT_EQ(memberIds(stored), std::vector<Id>{ann.id});
    EXPECT_EQ(stored.ownerIds, std::vector<Id>{ann.id});

    EXPECT_EQ(inWrite([&](Transaction& tx) { return tx.groups().touch(changed); }).version,
              created.version + 2);

    Group clash = changed;
    clash.displayName = "SALES";
    Error conflict =
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.groups().touch(clash); }); });
    EXPECT_EQ(conflict.code(), ErrorCode::conflict);
    EXPECT_EQ(conflict.attribute(), "displayName");

    Group ghost = changed;
    ghost.id = 987654321;
    EXPECT_EQ(
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.groups().touch(ghost); }); }).code(),
        ErrorCode::not_found);
    Group foreign = changed;
    foreign.tenantId = globex.id;
    EXPECT_EQ(
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.groups().touch(foreign); }); }).code(),
        ErrorCode::not_found);
    EXPECT_EQ(groupNow(acme.id, created.id).version, created.version + 2);
}

// --- migration 2: one id space, unique externalIds ---

TEST_P(QueryStoreTest, UsersAndGroupsShareOneIdSpace) {
    std::vector<Id> userIds, groupIds;
    for (int i = 0; i < 4; ++i) {
        userIds.push_back(addUser(acme.id, "user" + std::to_string(i)).id);
        groupIds.push_back(addGroup(acme.id, "group" + std::to_string(i)).id);
        groupIds.push_back(addGroup(globex.id, "group" + std::to_string(i)).id);
        userIds.push_back(addUser(globex.id, "user" + std::to_string(i)).id);
    }
    std::set<Id> distinct(userIds.begin(), userIds.end());
    distinct.insert(groupIds.begin(), groupIds.end());
    EXPECT_EQ(distinct.size(), userIds.size() + groupIds.size());

    for (Id id : groupIds) {
        EXPECT_FALSE(inRead([&](Transaction& tx) { return tx.users().findById(acme.id, id); }));
        EXPECT_FALSE(inRead([&](Transaction& tx) { return tx.users().findById(globex.id, id); }));
        EXPECT_TRUE(matching(idIs("id", id)).empty());
    }
    for (Id id : userIds) {
        EXPECT_FALSE(inRead([&](Transaction& tx) { return tx.groups().findById(acme.id, id); }));
        EXPECT_TRUE(groupsMatching(idIs("id", id)).empty());
    }
}

TEST_P(QueryStoreTest, UserExternalIdIsUniquePerTenant) {
    User first = addUser(acme.id, "first", [](User& u) { u.externalId = "okta-1"; });
    Error error =
        errorFrom([&] { addUser(acme.id, "second", [](User& u) { u.externalId = "okta-1"; }); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "externalId");
    EXPECT_NE(std::string(error.what()).find("externalId"), std::string::npos) << error.what();

    User second = addUser(acme.id, "second", [](User& u) { u.externalId = "okta-2"; });
    second.externalId = "okta-1";
    Error onUpdate = errorFrom([&] { updateUser(second); });
    EXPECT_EQ(onUpdate.code(), ErrorCode::conflict);
    EXPECT_EQ(onUpdate.attribute(), "externalId");

    // Keeping one's own externalId is no conflict.
    first.title = "changed";
    EXPECT_NO_THROW(updateUser(first));
    // Empty externalIds never collide; externalId is caseExact; tenants are apart.
    EXPECT_NO_THROW(addUser(acme.id, "third"));
    EXPECT_NO_THROW(addUser(acme.id, "fourth"));
    EXPECT_NO_THROW(addUser(acme.id, "fifth", [](User& u) { u.externalId = "OKTA-1"; }));
    EXPECT_NO_THROW(addUser(globex.id, "first", [](User& u) { u.externalId = "okta-1"; }));
    EXPECT_EQ(matching(exact("externalId", CompareOp::eq, "okta-1")), Names{"first"});
}

TEST_P(QueryStoreTest, GroupExternalIdIsUniquePerTenant) {
    Group first = addGroup(acme.id, "First", {}, "okta-g1");
    Error error = errorFrom([&] { addGroup(acme.id, "Second", {}, "okta-g1"); });
    EXPECT_EQ(error.code(), ErrorCode::conflict);
    EXPECT_EQ(error.attribute(), "externalId");
    EXPECT_NE(std::string(error.what()).find("externalId"), std::string::npos) << error.what();

    Group second = addGroup(acme.id, "Second", {}, "okta-g2");
    Group taking = second;
    taking.externalId = "okta-g1";
    Error onUpdate =
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.groups().update(taking); }); });
    EXPECT_EQ(onUpdate.code(), ErrorCode::conflict);
    EXPECT_EQ(onUpdate.attribute(), "externalId");
    Error onTouch =
        errorFrom([&] { inWrite([&](Transaction& tx) { tx.groups().touch(taking); }); });
    EXPECT_EQ(onTouch.code(), ErrorCode::conflict);
    EXPECT_EQ(onTouch.attribute(), "externalId");
    EXPECT_EQ(groupNow(acme.id, second.id).externalId, "okta-g2");

    EXPECT_NO_THROW(inWrite([&](Transaction& tx) { tx.groups().touch(first); }));
    EXPECT_NO_THROW(addGroup(acme.id, "Third"));
    EXPECT_NO_THROW(addGroup(acme.id, "Fourth"));
    EXPECT_NO_THROW(addGroup(acme.id, "Fifth", {}, "OKTA-G1"));
    EXPECT_NO_THROW(addGroup(globex.id, "First", {}, "okta-g1"));
    // A user may carry the same externalId as a group.
    EXPECT_NO_THROW(addUser(acme.id, "user", [](User& u) { u.externalId = "okta-g1"; }));
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryStoreTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
