#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "filter_test_support.hpp"

namespace muster::scim {
namespace {

using testing::as;
using testing::canonical;

const Comparison& comparison(const FilterPtr& node) { return as<Comparison>(node); }
const Comparison& comparison(FilterPtr&& node) = delete;

// A copy, so that the parsed tree may go.
Comparison comparisonOf(std::string_view filter) {
    const FilterPtr parsed = parseFilter(filter);
    return comparison(parsed);
}

Value valueOf(std::string_view filter) { return *comparisonOf(filter).value; }

TEST(FilterParser, ParsesEveryComparisonOperator) {
    const std::vector<std::pair<std::string, CompareOp>> operators = {
        {"eq", CompareOp::eq}, {"ne", CompareOp::ne}, {"co", CompareOp::co},
        {"sw", CompareOp::sw}, {"ew", CompareOp::ew}, {"gt", CompareOp::gt},
        {"ge", CompareOp::ge}, {"lt", CompareOp::lt}, {"le", CompareOp::le},
    };
    for (const auto& [name, op] : operators) {
        const FilterPtr filter = parseFilter("title " + name + " \"Boss\"");
        const Comparison& c = comparison(filter);
        EXPECT_EQ(c.op, op) << name;
        EXPECT_EQ(c.path, (AttributePath{"", "title", ""})) << name;
        EXPECT_EQ(c.value, Value{std::string("Boss")}) << name;
        EXPECT_EQ(toString(*filter), "title " + name + " \"Boss\"");
    }
}

TEST(FilterParser, PresentTakesNoValue) {
    const Comparison c = comparisonOf("title pr");
    EXPECT_EQ(c.op, CompareOp::pr);
    EXPECT_FALSE(c.value.has_value());
}

TEST(FilterParser, OperatorsAndKeywordsAreCaseInsensitive) {
    EXPECT_EQ(comparisonOf("userName EQ \"a\"").op, CompareOp::eq);
    EXPECT_EQ(comparisonOf("userName Eq \"a\"").op, CompareOp::eq);
    EXPECT_EQ(comparisonOf("title PR").op, CompareOp::pr);
    EXPECT_EQ(canonical("a pr AND b pr Or NOT (c pr)"), "(a pr and b pr) or not (c pr)");
    EXPECT_EQ(valueOf("active eq TRUE"), Value{true});
    EXPECT_EQ(valueOf("active eq False"), Value{false});
    EXPECT_EQ(valueOf("manager eq NULL"), Value{nullptr});
}

TEST(FilterParser, KeepsAttributeNamesAsWritten) {
    EXPECT_EQ(comparisonOf("USERNAME eq \"a\"").path.attribute, "USERNAME");
}

TEST(FilterParser, AndBindsTighterThanOr) {
    const FilterPtr filter = parseFilter("a eq 1 or b eq 2 and c eq 3");
    const Or& root = as<Or>(filter);
    EXPECT_EQ(comparison(root.left).path.attribute, "a");
    const And& right = as<And>(root.right);
    EXPECT_EQ(comparison(right.left).path.attribute, "b");
    EXPECT_EQ(comparison(right.right).path.attribute, "c");
    EXPECT_EQ(toString(*filter), "a eq 1 or (b eq 2 and c eq 3)");

    EXPECT_EQ(canonical("a eq 1 and b eq 2 or c eq 3"), "(a eq 1 and b eq 2) or c eq 3");
}

TEST(FilterParser, ChainsAreLeftAssociative) {
    EXPECT_EQ(canonical("a pr or b pr or c pr"), "(a pr or b pr) or c pr");
    EXPECT_EQ(canonical("a pr and b pr and c pr"), "(a pr and b pr) and c pr");
}

TEST(FilterParser, ParenthesesOverridePrecedence) {
    const FilterPtr filter = parseFilter("(a eq 1 or b eq 2) and c eq 3");
    const And& root = as<And>(filter);
    as<Or>(root.left);
    EXPECT_EQ(comparison(root.right).path.attribute, "c");
    EXPECT_EQ(canonical("a pr and (b pr or c pr)"), "a pr and (b pr or c pr)");
    EXPECT_EQ(canonical("((a pr))"), "a pr");
}

TEST(FilterParser, NotAppliesToItsParenthesisedGroup) {
    const FilterPtr filter = parseFilter("not (a pr) and b pr");
    const And& root = as<And>(filter);
    EXPECT_EQ(comparison(as<Not>(root.left).child).path.attribute, "a");

    const FilterPtr negated = parseFilter("not (a pr or b pr)");
    as<Or>(as<Not>(negated).child);
    EXPECT_EQ(canonical("not(not(a pr))"), "not (not (a pr))");
}

TEST(FilterParser, ToleratesAnyWhitespace) {
    EXPECT_EQ(canonical("  userName\teq   \"x\"\r\n and\t( title  pr )  "),
              "userName eq \"x\" and title pr");
    EXPECT_EQ(canonical("(a pr)and(b pr)"), "a pr and b pr");
}

TEST(FilterParser, ParsesValuePaths) {
    const FilterPtr filter = parseFilter(R"(emails[type eq "work" and value co "@example.com"])");
    const ValuePath& valuePath = as<ValuePath>(filter);
    EXPECT_EQ(valuePath.path, (AttributePath{"", "emails", ""}));
    const And& inner = as<And>(valuePath.inner);
    EXPECT_EQ(comparison(inner.left).path.attribute, "type");
    EXPECT_EQ(comparison(inner.right).op, CompareOp::co);
    EXPECT_EQ(toString(*filter), R"(emails[type eq "work" and value co "@example.com"])");
}

TEST(FilterParser, ValueFiltersMayUseOrNotAndParentheses) {
    EXPECT_EQ(canonical(R"(emails[not (type eq "work") or (primary eq true and value ew ".org")])"),
              R"(emails[not (type eq "work") or (primary eq true and value ew ".org")])");
    EXPECT_EQ(canonical(R"(userType eq "Employee" and emails[type eq "work"] or ims[type pr])"),
              R"((userType eq "Employee" and emails[type eq "work"]) or ims[type pr])");
    EXPECT_EQ(canonical(R"(not (emails[type eq "work"]))"), R"(not (emails[type eq "work"]))");
}

TEST(FilterParser, SplitsUrnQualifiedAttributePaths) {
    const std::string enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    EXPECT_EQ(comparisonOf(enterprise + ":manager.value eq \"26118915-6090\"").path,
              (AttributePath{enterprise, "manager", "value"}));
    EXPECT_EQ(comparisonOf(enterprise + ":employeeNumber eq \"701984\"").path,
              (AttributePath{enterprise, "employeeNumber", ""}));
    EXPECT_EQ(comparisonOf("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"").path,
              (AttributePath{"urn:ietf:params:scim:schemas:core:2.0:User", "userName", ""}));
    EXPECT_EQ(comparisonOf("URN:Example:Foo:bar pr").path,
              (AttributePath{"URN:Example:Foo", "bar", ""}));
    const FilterPtr valuePath = parseFilter("urn:example:schemas:2.0:Thing:items[value pr]");
    EXPECT_EQ(as<ValuePath>(valuePath).path,
              (AttributePath{"urn:example:schemas:2.0:Thing", "items", ""}));
}

TEST(FilterParser, SplitsSubAttributes) {
    EXPECT_EQ(comparisonOf("name.familyName co \"O'Malley\"").path,
              (AttributePath{"", "name", "familyName"}));
    EXPECT_EQ(comparisonOf("meta.lastModified gt \"2011-05-13T04:42:34Z\"").path,
              (AttributePath{"", "meta", "lastModified"}));
    EXPECT_EQ(comparisonOf("x-ray_2.sub-1_b pr").path, (AttributePath{"", "x-ray_2", "sub-1_b"}));
}

TEST(FilterParser, ParsesIntegersAsInt64) {
    EXPECT_EQ(valueOf("a eq 42"), Value{std::int64_t{42}});
    EXPECT_EQ(valueOf("a eq -7"), Value{std::int64_t{-7}});
    EXPECT_EQ(valueOf("a eq 0"), Value{std::int64_t{0}});
    EXPECT_EQ(valueOf("a eq 9223372036854775807"), Value{INT64_MAX});
    EXPECT_EQ(valueOf("a eq -9223372036854775808"), Value{INT64_MIN});
}

TEST(FilterParser, ParsesOtherNumbersAsDouble) {
    EXPECT_EQ(valueOf("a eq 1.5"), Value{1.5});
    EXPECT_EQ(valueOf("a eq -2.25e3"), Value{-2250.0});
    EXPECT_EQ(valueOf("a eq 1E-2"), Value{0.01});
    EXPECT_EQ(valueOf("a eq 5e+1"), Value{50.0});
    EXPECT_EQ(valueOf("a eq 1.0"), Value{1.0});
    // Too large for int64: kept as the nearest double rather than rejected, as JSON would.
    EXPECT_EQ(valueOf("a eq 9223372036854775808"), Value{9223372036854775808.0});
    EXPECT_EQ(canonical("a eq 1.0"), "a eq 1.0");
    EXPECT_EQ(canonical("a eq -2.25e3"), "a eq -2250.0");
}

TEST(FilterParser, ParsesBooleansAndNull) {
    EXPECT_EQ(valueOf("active eq true"), Value{true});
    EXPECT_EQ(valueOf("active ne false"), Value{false});
    EXPECT_EQ(valueOf("manager eq null"), Value{nullptr});
}

TEST(FilterParser, UnescapesJsonStrings) {
    EXPECT_EQ(valueOf(R"(a eq "q\"b\\s\/n\bf\f\nr\rt\t")"),
              Value{std::string("q\"b\\s/n\bf\f\nr\rt\t")});
    EXPECT_EQ(valueOf(R"(a eq "")"), Value{std::string()});
    EXPECT_EQ(valueOf(R"(a eq "caf\u00e9")"), Value{std::string("caf\xC3\xA9")});
    EXPECT_EQ(valueOf(R"(a eq "caf\u00E9")"), Value{std::string("caf\xC3\xA9")});
    EXPECT_EQ(valueOf(R"(a eq "\u20AC")"), Value{std::string("\xE2\x82\xAC")});
    // U+1F600 as a UTF-16 surrogate pair.
    EXPECT_EQ(valueOf(R"(a eq "\uD83D\uDE00!")"), Value{std::string("\xF0\x9F\x98\x80!")});
    EXPECT_EQ(valueOf("a eq \"Zo\xC3\xAB \xF0\x9F\x98\x80\""),
              Value{std::string("Zo\xC3\xAB \xF0\x9F\x98\x80")});
    EXPECT_EQ(valueOf(R"(a eq "and or not ( ) [ ]")"), Value{std::string("and or not ( ) [ ]")});
}

TEST(FilterParser, CanonicalTextParsesToTheSameTree) {
    const std::vector<std::string> filters = {
        R"(a eq "tab\there \"quoted\" back\\slash \u0001 caf\u00e9")",
        "a eq -0.5 or b gt 1e300 and not (c lt -12)",
        R"(emails[type eq "work" and (value ew "x" or not (primary eq false))] or d pr)",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq null",
    };
    for (const std::string& filter : filters) {
        const std::string once = canonical(filter);
        EXPECT_EQ(canonical(once), once) << filter;
    }
    EXPECT_EQ(canonical(R"(a eq "\u0001\n")"), R"(a eq "\u0001\n")");
}

// The examples of RFC 7644 §3.4.2.2, verbatim.
TEST(FilterParser, ParsesEveryRfc7644Example) {
    const std::vector<std::string> examples = {
        R"(userName eq "bjensen")",
        R"(name.familyName co "O'Malley")",
        R"(userName sw "J")",
        R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")",
        R"(title pr)",
        R"(meta.lastModified gt "2011-05-13T04:42:34Z")",
        R"(meta.lastModified ge "2011-05-13T04:42:34Z")",
        R"(meta.lastModified lt "2011-05-13T04:42:34Z")",
        R"(meta.lastModified le "2011-05-13T04:42:34Z")",
        R"(title pr and userType eq "Employee")",
        R"(title pr or userType eq "Intern")",
        R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
        R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))",
        R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
        R"(userType eq "Employee" and (emails.type eq "work"))",
        R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])",
        R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
        R"(userName Eq "john")",
        R"(Username eq "john")",
    };
    for (const std::string& example : examples) {
        EXPECT_NO_THROW(parseFilter(example)) << example;
    }
    EXPECT_EQ(
        canonical(examples[13]),
        R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))");
    EXPECT_EQ(
        canonical(examples[16]),
        R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])");
}

}  // namespace
}  // namespace muster::scim
