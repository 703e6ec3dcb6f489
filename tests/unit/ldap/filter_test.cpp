#include "muster/ldap/filter.hpp"

#include <gtest/gtest.h>

#include "muster/core/error.hpp"
#include "muster/ldap/entry.hpp"

namespace muster::ldap {
namespace {

TEST(FilterEscaping, EscapesTheCharactersThatChangeAFilter) {
    EXPECT_EQ(escapeFilterValue("a*)(uid=*"), "a\\2a\\29\\28uid=\\2a");
    EXPECT_EQ(escapeFilterValue("back\\slash"), "back\\5cslash");
    EXPECT_EQ(escapeFilterValue(std::string("nul\0byte", 8)), "nul\\00byte");
    EXPECT_EQ(escapeFilterValue("plain value@example.com"), "plain value@example.com");
    // Non-ASCII (UTF-8 "é") is escaped byte by byte.
    EXPECT_EQ(escapeFilterValue("\xc3\xa9"), "\\c3\\a9");
}

TEST(FilterEscaping, EqualityFilterEscapesTheValueAndChecksTheAttribute) {
    EXPECT_EQ(equalityFilter("uid", "*)(|(uid=*"), "(uid=\\2a\\29\\28|\\28uid=\\2a)");
    EXPECT_EQ(equalityFilter("memberOf:1.2.840.113556.1.4.1941:", "CN=Staff,DC=x"),
              "(memberOf:1.2.840.113556.1.4.1941:=CN=Staff,DC=x)");
    EXPECT_THROW(equalityFilter("uid)(cn", "x"), Error);
    EXPECT_THROW(equalityFilter("", "x"), Error);
}

TEST(FilterEscaping, AllOfCombinesNonEmptyParts) {
    EXPECT_EQ(allOf({}), "(objectClass=*)");
    EXPECT_EQ(allOf({"(a=1)", ""}), "(a=1)");
    EXPECT_EQ(allOf({"(a=1)", "(b=2)"}), "(&(a=1)(b=2))");
}

TEST(FilterSyntax, AcceptsWellFormedFiltersAndRejectsBrokenOnes) {
    EXPECT_NO_THROW(checkFilterSyntax("(objectClass=person)"));
    EXPECT_NO_THROW(checkFilterSyntax("(&(objectClass=user)(!(cn=a\\2ab)))"));
    EXPECT_THROW(checkFilterSyntax("objectClass=person"), Error);
    EXPECT_THROW(checkFilterSyntax("(objectClass=person"), Error);
    EXPECT_THROW(checkFilterSyntax("(a=1))(b=2)"), Error);
    EXPECT_THROW(checkFilterSyntax("(a=\\zz)"), Error);
}

TEST(DnValues, EscapingAndNormalising) {
    EXPECT_EQ(escapeDnValue("Smith, John"), "Smith\\, John");
    EXPECT_EQ(escapeDnValue(" #lead"), "\\ #lead");
    EXPECT_EQ(normalizeDn("CN=Alice One , OU=People,DC=Example, DC=com"),
              "cn=alice one,ou=people,dc=example,dc=com");
    EXPECT_EQ(normalizeDn("cn=Smith\\, John,dc=x"), "cn=smith\\, john,dc=x");
}

TEST(Values, ObjectGuidIsFormattedInMicrosoftByteOrder) {
    // objectGUID:: f9PZAaLdd0WgIXamV1SfbQ== as Samba returned it.
    const std::string bytes("\x7f\xd3\xd9\x01\xa2\xdd\x77\x45\xa0\x21\x76\xa6\x57\x54\x9f\x6d", 16);
    EXPECT_EQ(formatObjectGuid(bytes), "01d9d37f-dda2-4577-a021-76a657549f6d");
    EXPECT_EQ(formatUuid(bytes), "7fd3d901-a2dd-7745-a021-76a657549f6d");
}

TEST(Values, EntryLooksUpAttributesCaseInsensitively) {
    Entry entry;
    entry.attributes["givenname"] = {"Alice"};
    EXPECT_EQ(entry.first("givenName"), "Alice");
    EXPECT_TRUE(entry.has("GIVENNAME"));
    EXPECT_EQ(entry.first("sn"), "");
    EXPECT_TRUE(entry.values("mail").empty());
}

}  // namespace
}  // namespace muster::ldap
