#include "muster/policies/tracking.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace muster::policies {

namespace {

constexpr char kKeySeparator = '\x1f';  // cannot appear in a validated name

std::string exactKey(std::string_view username, std::string_view domain) {
    std::string key;
    key.reserve(username.size() + domain.size() + 1);
    for (char c : username) key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    key.push_back(kKeySeparator);
    for (char c : domain) key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    return key;
}

std::optional<TrackingRule> ruleFor(const IdentifierFacts& identifier) {
    switch (identifier.kind) {
        case IdentifierKind::upn:
            return TrackingRule{std::string(localPart(identifier.value)), "", RuleSource::upn};
        case IdentifierKind::email:
            return TrackingRule{std::string(localPart(identifier.value)), "", RuleSource::email};
        case IdentifierKind::device_login:
            return TrackingRule{identifier.value,
                                identifier.anyDomain ? std::string() : identifier.logonDomain,
                                RuleSource::device_login};
        case IdentifierKind::employee_id:
            return std::nullopt;
    }
    return std::nullopt;
}

// Exclusions first, then by id: the order in which rules claim a key.
bool claimsFirst(const IndexedRule& a, const IndexedRule& b) {
    if (a.isExclusion() != b.isExclusion()) return a.isExclusion();
    return a.id < b.id;
}

}  // namespace

std::string_view toString(RuleSource source) {
    switch (source) {
        case RuleSource::upn:
            return "upn";
        case RuleSource::email:
            return "email";
        case RuleSource::device_login:
            return "device_login";
        case RuleSource::exclusion:
            return "exclusion";
    }
    return "exclusion";
}

std::optional<RuleSource> parseRuleSource(std::string_view text) {
    for (RuleSource source :
         {RuleSource::upn, RuleSource::email, RuleSource::device_login, RuleSource::exclusion}) {
        if (toString(source) == text) return source;
    }
    return std::nullopt;
}

std::string foldCase(std::string_view text) {
    std::string folded(text);
    for (char& c : folded) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return folded;
}

std::string_view localPart(std::string_view address) {
    const std::size_t at = address.rfind('@');
    return at == std::string_view::npos ? address : address.substr(0, at);
}

std::string_view domainPart(std::string_view address) {
    const std::size_t at = address.rfind('@');
    return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

std::vector<TrackingRule> rulesForUntrackedUser(const std::vector<IdentifierFacts>& identifiers) {
    std::vector<TrackingRule> candidates;
    std::set<std::string> everyDomain;  // folded usernames blocked in every domain
    for (const IdentifierFacts& identifier : identifiers) {
        std::optional<TrackingRule> rule = ruleFor(identifier);
        if (!rule || rule->username.empty()) continue;
        if (rule->everyDomain()) everyDomain.insert(foldCase(rule->username));
        candidates.push_back(std::move(*rule));
    }
    std::vector<TrackingRule> rules;
    std::set<std::string> seen;
    for (TrackingRule& rule : candidates) {
        if (!rule.everyDomain() && everyDomain.count(foldCase(rule.username)) > 0) continue;
        if (!seen.insert(exactKey(rule.username, rule.domain)).second) continue;
        rules.push_back(std::move(rule));
    }
    return rules;
}

TrackingIndex::TrackingIndex(std::vector<IndexedRule> rules) : rules_(std::move(rules)) {
    std::sort(rules_.begin(), rules_.end(), claimsFirst);
    exact_.reserve(rules_.size());
    everyDomain_.reserve(rules_.size());
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const TrackingRule& rule = rules_[i].rule;
        if (rule.everyDomain()) {
            everyDomain_.emplace(foldCase(rule.username), i);
        } else {
            exact_.emplace(exactKey(rule.username, rule.domain), i);
        }
    }
}

TrackingDecision TrackingIndex::decide(std::string_view username, std::string_view domain) const {
    if (rules_.empty()) return {};
    std::string key = exactKey(username, domain);
    if (!domain.empty()) {
        if (auto found = exact_.find(key); found != exact_.end()) {
            return {false, &rules_[found->second]};
        }
    }
    key.resize(username.size());  // the folded username alone
    if (auto found = everyDomain_.find(key); found != everyDomain_.end()) {
        return {false, &rules_[found->second]};
    }
    return {};
}

}  // namespace muster::policies
