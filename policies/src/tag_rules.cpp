#include "muster/policies/tag_rules.hpp"

#include <algorithm>

namespace muster::policies {

namespace {

char foldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalFolded(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return foldAscii(x) == foldAscii(y);
           });
}

bool startsWithFolded(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && equalFolded(text.substr(0, prefix.size()), prefix);
}

bool endsWithFolded(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() &&
           equalFolded(text.substr(text.size() - suffix.size()), suffix);
}

bool containsFolded(std::string_view text, std::string_view part) {
    if (part.empty()) return true;
    auto found = std::search(text.begin(), text.end(), part.begin(), part.end(),
                             [](char x, char y) { return foldAscii(x) == foldAscii(y); });
    return found != text.end();
}

bool hasControlCharacter(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

// Whether one attribute value satisfies a positive condition (every op but ne).
bool valueSatisfies(const TagCondition& condition, std::string_view value) {
    const std::string_view wanted =
        condition.values.empty() ? std::string_view() : std::string_view(condition.values.front());
    switch (condition.op) {
        case TagRuleOp::eq:
        case TagRuleOp::ne:
            return equalFolded(value, wanted);
        case TagRuleOp::sw:
            return startsWithFolded(value, wanted);
        case TagRuleOp::ew:
            return endsWithFolded(value, wanted);
        case TagRuleOp::co:
            return containsFolded(value, wanted);
        case TagRuleOp::in:
            return std::any_of(condition.values.begin(), condition.values.end(),
                               [&](const std::string& one) { return equalFolded(value, one); });
    }
    return false;
}

bool conditionHolds(const TagCondition& condition, const TagAttributes& attributes) {
    auto found = attributes.find(condition.attribute);
    static const std::vector<std::string> none;
    const std::vector<std::string>& values = found == attributes.end() ? none : found->second;
    const bool someValueMatches = std::any_of(values.begin(), values.end(), [&](const auto& value) {
        return valueSatisfies(condition, value);
    });
    return condition.op == TagRuleOp::ne ? !someValueMatches : someValueMatches;
}

// "all[2].attribute": where the condition sits in the rule's JSON form.
std::string conditionPath(TagRuleJoin join, std::size_t index, const char* member) {
    return std::string(toString(join)) + "[" + std::to_string(index) + "]." + member;
}

std::optional<TagRuleProblem> conditionProblem(TagRuleJoin join, const TagCondition& condition,
                                               std::size_t index) {
    if (!isTagRuleAttribute(condition.attribute)) {
        std::string known;
        for (std::string_view name : tagRuleAttributes()) {
            if (!known.empty()) known += ", ";
            known += name;
        }
        return TagRuleProblem{conditionPath(join, index, "attribute"),
                              "\"" + condition.attribute +
                                  "\" is not an attribute a tag rule may use (one of: " + known +
                                  ")"};
    }
    const std::size_t count = condition.values.size();
    if (condition.op == TagRuleOp::in) {
        if (count == 0 || count > TagRuleLimits::maxValuesPerCondition) {
            return TagRuleProblem{conditionPath(join, index, "value"),
                                  "\"in\" takes a list of 1 to " +
                                      std::to_string(TagRuleLimits::maxValuesPerCondition) +
                                      " values"};
        }
    } else if (count != 1) {
        return TagRuleProblem{conditionPath(join, index, "value"),
                              "\"" + std::string(toString(condition.op)) + "\" takes one value"};
    }
    for (const std::string& value : condition.values) {
        if (value.size() > TagRuleLimits::maxValueLength) {
            return TagRuleProblem{conditionPath(join, index, "value"),
                                  "a value is longer than " +
                                      std::to_string(TagRuleLimits::maxValueLength) +
                                      " characters"};
        }
        if (hasControlCharacter(value)) {
            return TagRuleProblem{conditionPath(join, index, "value"),
                                  "a value contains a control character"};
        }
    }
    return std::nullopt;
}

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string_view toString(TagRuleJoin join) { return join == TagRuleJoin::all ? "all" : "any"; }

std::string_view toString(TagRuleOp op) {
    switch (op) {
        case TagRuleOp::eq:
            return "eq";
        case TagRuleOp::ne:
            return "ne";
        case TagRuleOp::sw:
            return "sw";
        case TagRuleOp::ew:
            return "ew";
        case TagRuleOp::co:
            return "co";
        case TagRuleOp::in:
            return "in";
    }
    return "eq";
}

std::optional<TagRuleOp> parseTagRuleOp(std::string_view text) {
    for (TagRuleOp op : {TagRuleOp::eq, TagRuleOp::ne, TagRuleOp::sw, TagRuleOp::ew, TagRuleOp::co,
                         TagRuleOp::in}) {
        if (toString(op) == text) return op;
    }
    return std::nullopt;
}

const std::vector<std::string_view>& tagRuleAttributes() {
    static const std::vector<std::string_view> names = {
        "department",     "section",    "team",         "title",    "userType",
        "employeeNumber", "costCenter", "organization", "division", "status",
        "userName",       "email",      "locale",       "timezone",
    };
    return names;
}

bool isTagRuleAttribute(std::string_view name) {
    const auto& names = tagRuleAttributes();
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<TagRuleProblem> findTagRuleProblem(const TagRule& rule) {
    if (rule.conditions.empty()) {
        return TagRuleProblem{std::string(toString(rule.join)),
                              "a rule needs at least one condition"};
    }
    if (rule.conditions.size() > TagRuleLimits::maxConditions) {
        return TagRuleProblem{
            std::string(toString(rule.join)),
            "a rule has at most " + std::to_string(TagRuleLimits::maxConditions) + " conditions"};
    }
    for (std::size_t i = 0; i < rule.conditions.size(); ++i) {
        if (auto problem = conditionProblem(rule.join, rule.conditions[i], i)) return problem;
    }
    return std::nullopt;
}

bool matchesTagRule(const TagRule& rule, const TagAttributes& attributes) {
    if (rule.conditions.empty()) return false;
    auto holds = [&](const TagCondition& condition) {
        return conditionHolds(condition, attributes);
    };
    return rule.join == TagRuleJoin::all
               ? std::all_of(rule.conditions.begin(), rule.conditions.end(), holds)
               : std::any_of(rule.conditions.begin(), rule.conditions.end(), holds);
}

std::string describeTagRule(const TagRule& rule) {
    std::string text(toString(rule.join));
    text += "(";
    for (std::size_t i = 0; i < rule.conditions.size(); ++i) {
        const TagCondition& condition = rule.conditions[i];
        if (i > 0) text += ", ";
        text += condition.attribute + " " + std::string(toString(condition.op)) + " ";
        if (condition.op == TagRuleOp::in) {
            text += "[";
            for (std::size_t v = 0; v < condition.values.size(); ++v) {
                if (v > 0) text += ", ";
                text += quoted(condition.values[v]);
            }
            text += "]";
        } else {
            text += quoted(condition.values.empty() ? "" : condition.values.front());
        }
    }
    return text + ")";
}

}  // namespace muster::policies
