#pragma once

// SPEC U-10: dynamic tags. A dynamic tag is defined by a rule over a user's
// attributes; a user carries the tag while the rule holds. The rule is one
// level deep: all (or any) of a list of conditions "attribute op value".
//
// The evaluator works on a plain attribute -> values map, not on a user
// record, so that it stays a pure function of its inputs. Comparisons ignore
// ASCII case, as names, departments and email addresses do elsewhere.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace muster::policies {

enum class TagRuleJoin { all, any };
std::string_view toString(TagRuleJoin join);

// eq: equals, ne: equals none, sw: starts with, ew: ends with, co: contains,
// in: equals one of several values.
enum class TagRuleOp { eq, ne, sw, ew, co, in };
std::string_view toString(TagRuleOp op);
std::optional<TagRuleOp> parseTagRuleOp(std::string_view text);

struct TagCondition {
    std::string attribute;
    TagRuleOp op = TagRuleOp::eq;
    // Exactly one value, except for `in` (one or more).
    std::vector<std::string> values;

    bool operator==(const TagCondition&) const = default;
};

struct TagRule {
    TagRuleJoin join = TagRuleJoin::all;
    std::vector<TagCondition> conditions;

    bool operator==(const TagRule&) const = default;
};

// A user's attributes as the rule sees them: name -> values. Single-valued
// attributes have one value (empty when unset); "email" has every address.
// A missing attribute has no values.
using TagAttributes = std::map<std::string, std::vector<std::string>, std::less<>>;

// The attributes a rule may name, in the order the documentation lists them.
const std::vector<std::string_view>& tagRuleAttributes();
bool isTagRuleAttribute(std::string_view name);

// Limits on one rule: it is evaluated on every change of every user.
struct TagRuleLimits {
    static constexpr std::size_t maxConditions = 20;
    static constexpr std::size_t maxValuesPerCondition = 100;
    static constexpr std::size_t maxValueLength = 256;
};

// What is wrong with a rule: where, as in its JSON form ("all[1].attribute"), and why.
struct TagRuleProblem {
    std::string where;
    std::string message;
};

// The first problem of the rule (unknown attribute, wrong number of values,
// a limit exceeded, a control character in a value); std::nullopt when the
// rule may be stored.
std::optional<TagRuleProblem> findTagRuleProblem(const TagRule& rule);

// Whether the user described by `attributes` carries the tag. A condition on
// a multi-valued attribute holds when some value satisfies it, except `ne`,
// which holds when no value equals. Meant for rules without problems; an
// attribute the map lacks simply has no values.
bool matchesTagRule(const TagRule& rule, const TagAttributes& attributes);

// A one-line text of the rule for audit trails and messages:
// all(department eq "Sales", email ew "@corp.example")
std::string describeTagRule(const TagRule& rule);

}  // namespace muster::policies
