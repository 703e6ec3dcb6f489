#include <gtest/gtest.h>

#include <string>

#include "filter_test_support.hpp"

// Filters come from outside: size and nesting are bounded, and no input may
// exhaust the stack.
namespace muster::scim {
namespace {

using testing::filterError;
using testing::startsWith;

std::string nestedParentheses(int levels) {
    return std::string(static_cast<std::size_t>(levels), '(') + "a pr" +
           std::string(static_cast<std::size_t>(levels), ')');
}

std::string chainOf(int terms, const std::string& keyword) {
    std::string filter = "a pr";
    for (int i = 1; i < terms; ++i) filter += " " + keyword + " a pr";
    return filter;
}

TEST(FilterLimits, AcceptsNestingUpToTheDefaultDepth) {
    EXPECT_NO_THROW(parseFilter(nestedParentheses(kDefaultMaxFilterDepth)));
    EXPECT_EQ(filterError(nestedParentheses(kDefaultMaxFilterDepth + 1)),
              "invalid filter at position 33: nesting too deep: more than 32 levels of \"(\", "
              "\"not (\" and \"[\"");
}

TEST(FilterLimits, CountsParenthesesNotAndBrackets) {
    EXPECT_NO_THROW(parseFilter("((a pr))", 2));
    EXPECT_EQ(filterError("(((a pr)))", 2),
              "invalid filter at position 3: nesting too deep: more than 2 levels of \"(\", "
              "\"not (\" and \"[\"");
    EXPECT_NO_THROW(parseFilter("not (a pr)", 1));
    EXPECT_TRUE(startsWith(filterError("not ((a pr))", 1),
                           "invalid filter at position 6: nesting too deep: more than"));
    EXPECT_NO_THROW(parseFilter("emails[type pr]", 1));
    EXPECT_TRUE(startsWith(filterError("(emails[type pr])", 1),
                           "invalid filter at position 8: nesting too deep: more than"));
    EXPECT_TRUE(startsWith(filterError("emails[type pr]", 0),
                           "invalid filter at position 7: nesting too deep: more than"));
    EXPECT_NO_THROW(parseFilter("a pr and b pr or c pr", 0));
}

TEST(FilterLimits, ClampsTheCallersDepthToTheCeiling) {
    EXPECT_NO_THROW(parseFilter(nestedParentheses(kMaxFilterDepthCeiling), 1'000'000));
    EXPECT_TRUE(startsWith(
        filterError(nestedParentheses(kMaxFilterDepthCeiling + 1), 1'000'000),
        "invalid filter at position 257: nesting too deep: more than 256 levels of \"(\""));
    EXPECT_TRUE(startsWith(filterError("(a pr)", -5),
                           "invalid filter at position 1: nesting too deep: more than "));
}

TEST(FilterLimits, RejectsDeepNestingWithoutRecursingIntoIt) {
    const std::string opens(kMaxFilterBytes, '(');
    EXPECT_TRUE(startsWith(filterError(opens),
                           "invalid filter at position 33: nesting too deep: more than "));
    std::string nots;
    while (nots.size() + 5 <= kMaxFilterBytes) nots += "not (";
    EXPECT_TRUE(startsWith(filterError(nots),
                           "invalid filter at position 165: nesting too deep: more than "));
}

TEST(FilterLimits, ParsesTheLongestChainsThatFitIterativelyIntoLeftLeaningTrees) {
    // "a pr" plus 1,023 " or a pr": 8,188 bytes, just under the limit.
    const std::string longOr = chainOf(1024, "or");
    ASSERT_LE(longOr.size(), kMaxFilterBytes);
    FilterPtr node = parseFilter(longOr);
    int height = 0;
    while (std::holds_alternative<Or>(node->expr)) {
        node = std::get<Or>(node->expr).left;
        ++height;
    }
    EXPECT_EQ(height, 1023);
    EXPECT_EQ(std::get<Comparison>(node->expr).path.attribute, "a");

    const FilterPtr longAnd = parseFilter(chainOf(800, "and"));
    EXPECT_TRUE(std::holds_alternative<And>(longAnd->expr));
    EXPECT_EQ(toString(*parseFilter(chainOf(3, "and"))), "(a pr and a pr) and a pr");
}

TEST(FilterLimits, RejectsAChainOfTenThousandTermsAsTooLong) {
    const std::string filter = chainOf(10'000, "or");
    EXPECT_EQ(filterError(filter), "invalid filter at position 8193: filter too long (" +
                                       std::to_string(filter.size()) +
                                       " bytes; the limit is 8192)");
}

TEST(FilterLimits, AcceptsExactlyTheMaximumLength) {
    const std::string prefix = "a eq \"";
    std::string filter = prefix + std::string(kMaxFilterBytes - prefix.size() - 1, 'x') + "\"";
    ASSERT_EQ(filter.size(), kMaxFilterBytes);
    EXPECT_NO_THROW(parseFilter(filter));
    filter.insert(0, " ");
    EXPECT_EQ(filterError(filter),
              "invalid filter at position 8193: filter too long (8193 bytes; the limit is 8192)");
}

}  // namespace
}  // namespace muster::scim
