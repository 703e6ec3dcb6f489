// Dynamic tag rules (SPEC U-10): each operator, all/any, multi-valued
// attributes, unknown attributes and the limits on a rule.

#include "muster/policies/tag_rules.hpp"

#include <gtest/gtest.h>

namespace muster::policies {
namespace {

TagCondition condition(std::string attribute, TagRuleOp op, std::vector<std::string> values) {
    return TagCondition{std::move(attribute), op, std::move(values)};
}

TagRule allOf(std::vector<TagCondition> conditions) {
    return TagRule{TagRuleJoin::all, std::move(conditions)};
}

TagRule anyOf(std::vector<TagCondition> conditions) {
    return TagRule{TagRuleJoin::any, std::move(conditions)};
}

TagRule one(std::string attribute, TagRuleOp op, std::string value) {
    return allOf({condition(std::move(attribute), op, {std::move(value)})});
}

const TagAttributes kSalesUser = {
    {"department", {"Sales"}},
    {"team", {"Blue"}},
    {"title", {"Account Executive"}},
    {"userName", {"jane@corp.example"}},
    {"email", {"jane@corp.example", "jane.doe@home.example"}},
    {"status", {"active"}},
    {"section", {""}},
};

TEST(TagRules, EqualsIgnoresAsciiCase) {
    EXPECT_TRUE(matchesTagRule(one("department", TagRuleOp::eq, "Sales"), kSalesUser));
    EXPECT_TRUE(matchesTagRule(one("department", TagRuleOp::eq, "SALES"), kSalesUser));
    EXPECT_FALSE(matchesTagRule(one("department", TagRuleOp::eq, "Sale"), kSalesUser));
    EXPECT_FALSE(matchesTagRule(one("department", TagRuleOp::eq, "Support"), kSalesUser));
}

TEST(TagRules, NotEqualsHoldsWhenNoValueEquals) {
    EXPECT_TRUE(matchesTagRule(one("department", TagRuleOp::ne, "Support"), kSalesUser));
    EXPECT_FALSE(matchesTagRule(one("department", TagRuleOp::ne, "sales"), kSalesUser));
    // Multi-valued: one equal address is enough to make ne false.
    EXPECT_FALSE(matchesTagRule(one("email", TagRuleOp::ne, "jane.doe@home.example"), kSalesUser));
    EXPECT_TRUE(matchesTagRule(one("email", TagRuleOp::ne, "bob@corp.example"), kSalesUser));
}

TEST(TagRules, StartsWithEndsWithContains) {
    EXPECT_TRUE(matchesTagRule(one("title", TagRuleOp::sw, "account"), kSalesUser));
    EXPECT_FALSE(matchesTagRule(one("title", TagRuleOp::sw, "Executive"), kSalesUser));
    EXPECT_TRUE(matchesTagRule(one("title", TagRuleOp::ew, "EXECUTIVE"), kSalesUser));
    EXPECT_FALSE(matchesTagRule(one("title", TagRuleOp::ew, "Account"), kSalesUser));
    EXPECT_TRUE(matchesTagRule(one("title", TagRuleOp::co, "nt ex"), kSalesUser));
    EXPECT_FALSE(matchesTagRule(one("title", TagRuleOp::co, "manager"), kSalesUser));
    EXPECT_FALSE(
        matchesTagRule(one("title", TagRuleOp::sw, "Account Executive and more"), kSalesUser))
        << "a prefix longer than the value never matches";
}

TEST(TagRules, InMatchesAnyOfTheListedValues) {
    auto in = [](std::vector<std::string> values) {
        return allOf({condition("team", TagRuleOp::in, std::move(values))});
    };
    EXPECT_TRUE(matchesTagRule(in({"Red", "blue"}), kSalesUser));
    EXPECT_FALSE(matchesTagRule(in({"Red", "Green"}), kSalesUser));
}

TEST(TagRules, MultiValuedAttributeMatchesWhenSomeValueDoes) {
    EXPECT_TRUE(matchesTagRule(one("email", TagRuleOp::ew, "@home.example"), kSalesUser));
    EXPECT_TRUE(matchesTagRule(one("email", TagRuleOp::ew, "@corp.example"), kSalesUser));
    EXPECT_FALSE(matchesTagRule(one("email", TagRuleOp::ew, "@other.example"), kSalesUser));
}

TEST(TagRules, AllNeedsEveryConditionAnyNeedsOne) {
    const TagCondition sales = condition("department", TagRuleOp::eq, {"Sales"});
    const TagCondition corp = condition("email", TagRuleOp::ew, {"@corp.example"});
    const TagCondition red = condition("team", TagRuleOp::eq, {"Red"});
    EXPECT_TRUE(matchesTagRule(allOf({sales, corp}), kSalesUser));
    EXPECT_FALSE(matchesTagRule(allOf({sales, corp, red}), kSalesUser));
    EXPECT_TRUE(matchesTagRule(anyOf({red, corp}), kSalesUser));
    EXPECT_FALSE(
        matchesTagRule(anyOf({red, condition("status", TagRuleOp::eq, {"invited"})}), kSalesUser));
}

TEST(TagRules, AttributesTheUserLacksHaveNoValues) {
    // "locale" is missing from the map: eq never holds, ne always does.
    EXPECT_FALSE(matchesTagRule(one("locale", TagRuleOp::eq, ""), kSalesUser));
    EXPECT_TRUE(matchesTagRule(one("locale", TagRuleOp::ne, "de-DE"), kSalesUser));
    // An unset single-valued attribute is one empty value.
    EXPECT_TRUE(matchesTagRule(one("section", TagRuleOp::eq, ""), kSalesUser));
}

TEST(TagRules, RuleWithoutConditionsNeverMatches) {
    EXPECT_FALSE(matchesTagRule(allOf({}), kSalesUser));
    EXPECT_FALSE(matchesTagRule(anyOf({}), kSalesUser));
}

TEST(TagRules, UnknownAttributeIsAClearProblem) {
    auto problem = findTagRuleProblem(allOf({condition("department", TagRuleOp::eq, {"Sales"}),
                                             condition("salary", TagRuleOp::eq, {"1"})}));
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->where, "all[1].attribute");
    EXPECT_NE(problem->message.find("\"salary\""), std::string::npos) << problem->message;
    EXPECT_NE(problem->message.find("department"), std::string::npos)
        << "names the attributes that are allowed: " << problem->message;
}

TEST(TagRules, EveryAllowedAttributeIsAccepted) {
    for (std::string_view name : tagRuleAttributes()) {
        EXPECT_FALSE(findTagRuleProblem(one(std::string(name), TagRuleOp::eq, "x"))) << name;
    }
    EXPECT_EQ(tagRuleAttributes().size(), 14u);
    EXPECT_FALSE(isTagRuleAttribute("Department")) << "attribute names are exact";
}

TEST(TagRules, EmptyRuleIsAProblem) {
    auto problem = findTagRuleProblem(anyOf({}));
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->where, "any");
}

TEST(TagRules, ConditionCountIsLimited) {
    std::vector<TagCondition> conditions(TagRuleLimits::maxConditions,
                                         condition("team", TagRuleOp::eq, {"Blue"}));
    EXPECT_FALSE(findTagRuleProblem(allOf(conditions)));
    conditions.push_back(condition("team", TagRuleOp::eq, {"Red"}));
    auto problem = findTagRuleProblem(allOf(conditions));
    ASSERT_TRUE(problem);
    EXPECT_NE(problem->message.find("at most 20"), std::string::npos) << problem->message;
}

TEST(TagRules, ValueCountsAndLengthsAreLimited) {
    EXPECT_TRUE(findTagRuleProblem(allOf({condition("team", TagRuleOp::in, {})})));
    EXPECT_TRUE(findTagRuleProblem(allOf({condition("team", TagRuleOp::eq, {"a", "b"})})))
        << "eq takes exactly one value";
    EXPECT_TRUE(findTagRuleProblem(allOf({condition("team", TagRuleOp::eq, {})})));

    std::vector<std::string> many(TagRuleLimits::maxValuesPerCondition, "x");
    EXPECT_FALSE(findTagRuleProblem(allOf({condition("team", TagRuleOp::in, many)})));
    many.push_back("y");
    EXPECT_TRUE(findTagRuleProblem(allOf({condition("team", TagRuleOp::in, many)})));

    const std::string longest(TagRuleLimits::maxValueLength, 'v');
    EXPECT_FALSE(findTagRuleProblem(one("title", TagRuleOp::co, longest)));
    auto problem = findTagRuleProblem(one("title", TagRuleOp::co, longest + "v"));
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->where, "all[0].value");
}

TEST(TagRules, ControlCharactersInValuesAreRefused) {
    EXPECT_TRUE(findTagRuleProblem(one("title", TagRuleOp::eq, "a\nb")));
    EXPECT_TRUE(findTagRuleProblem(one("title", TagRuleOp::eq, std::string("a\0b", 3))));
    EXPECT_FALSE(findTagRuleProblem(one("title", TagRuleOp::eq, "Müller")))
        << "non-ASCII text is fine";
}

TEST(TagRules, OperatorsRoundTripByName) {
    for (const char* name : {"eq", "ne", "sw", "ew", "co", "in"}) {
        auto op = parseTagRuleOp(name);
        ASSERT_TRUE(op) << name;
        EXPECT_EQ(toString(*op), name);
    }
    EXPECT_FALSE(parseTagRuleOp("EQ"));
    EXPECT_FALSE(parseTagRuleOp("gt"));
}

TEST(TagRules, DescribesARuleOnOneLine) {
    TagRule rule = allOf({condition("department", TagRuleOp::eq, {"Sales"}),
                          condition("team", TagRuleOp::in, {"Red", "Blue \"B\""})});
    EXPECT_EQ(describeTagRule(rule),
              R"(all(department eq "Sales", team in ["Red", "Blue \"B\""]))");
}

}  // namespace
}  // namespace muster::policies
