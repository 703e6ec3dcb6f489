#pragma once

// SPEC U-7: which logins the monitoring agents must not track.
//
// An untracked user's identifiers become "do not track" rules: a UPN or an
// email blocks its username (the part before '@') in every domain; a device
// login blocks username + its logon domain, or the username in every domain
// when its "any domain" flag is set. A tenant adds exclusions of its own
// (system accounts such as "administrator"). Names compare case-insensitively,
// as Windows compares account and domain names.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace muster::policies {

// The kinds of identifiers a user holds (SPEC U-2), as far as tracking cares.
enum class IdentifierKind { upn, email, employee_id, device_login };

struct IdentifierFacts {
    IdentifierKind kind = IdentifierKind::email;
    std::string value;        // the address, employee id or device username
    std::string logonDomain;  // device_login only
    bool anyDomain = false;   // device_login only
};

// Where a rule came from; the agent API reports it with the decision.
enum class RuleSource { upn, email, device_login, exclusion };
std::string_view toString(RuleSource source);
std::optional<RuleSource> parseRuleSource(std::string_view text);

// "Do not track `username` in `domain`"; an empty domain means every domain.
struct TrackingRule {
    std::string username;
    std::string domain;
    RuleSource source = RuleSource::email;

    bool everyDomain() const { return domain.empty(); }
};

// ASCII lower-case: the comparison form of usernames and domains.
std::string foldCase(std::string_view text);

// The part of "name@domain" before the last '@' (the whole text without one).
std::string_view localPart(std::string_view address);
// The part after the last '@' (empty without one).
std::string_view domainPart(std::string_view address);

// The rules an untracked user's identifiers generate. Employee ids generate
// none (an agent never sees them). One rule per (username, domain), compared
// case-insensitively; a username blocked in every domain needs no rule for
// a single domain as well. Order: as the identifiers are listed.
std::vector<TrackingRule> rulesForUntrackedUser(const std::vector<IdentifierFacts>& identifiers);

// A stored rule: a user's generated rule or a tenant exclusion.
struct IndexedRule {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;  // unset for a tenant exclusion
    TrackingRule rule;

    bool isExclusion() const { return !userId.has_value(); }
};

struct TrackingDecision {
    bool track = true;
    // The rule that says "do not track"; null when tracking. Points into the
    // index that answered and lives as long as it.
    const IndexedRule* rule = nullptr;
};

// An immutable lookup structure over a tenant's rules: two hash lookups per
// decision, whatever the number of rules. Rebuilt (not edited) on change, so
// readers can share one without locks.
class TrackingIndex {
  public:
    TrackingIndex() = default;
    explicit TrackingIndex(std::vector<IndexedRule> rules);

    // The most specific rule answers: username + domain before username in
    // every domain. Between rules equally specific, a tenant exclusion comes
    // before a user's rule, then the lowest id.
    TrackingDecision decide(std::string_view username, std::string_view domain) const;

    std::size_t size() const { return rules_.size(); }
    const std::vector<IndexedRule>& rules() const { return rules_; }

  private:
    std::vector<IndexedRule> rules_;
    // folded "username\x1fdomain" -> index into rules_
    std::unordered_map<std::string, std::size_t> exact_;
    // folded username -> index into rules_
    std::unordered_map<std::string, std::size_t> everyDomain_;
};

}  // namespace muster::policies
