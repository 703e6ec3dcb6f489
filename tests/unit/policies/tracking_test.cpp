// SPEC U-7: tracking rules generated from identifiers, and the index that
// answers "track username U on domain D?".

#include "muster/policies/tracking.hpp"

#include <gtest/gtest.h>

namespace muster::policies {
namespace {

IdentifierFacts upn(const std::string& value) { return {IdentifierKind::upn, value, "", false}; }
IdentifierFacts email(const std::string& value) {
    return {IdentifierKind::email, value, "", false};
}
IdentifierFacts deviceLogin(const std::string& user, const std::string& domain,
                            bool anyDomain = false) {
    return {IdentifierKind::device_login, user, domain, anyDomain};
}

TEST(TrackingRules, UpnAndEmailBlockTheUsernameInEveryDomain) {
    const auto rules =
        rulesForUntrackedUser({upn("jane.doe@corp.example.com"), email("jdoe@mail.example.org")});
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0].username, "jane.doe");
    EXPECT_TRUE(rules[0].everyDomain());
    EXPECT_EQ(rules[0].source, RuleSource::upn);
    EXPECT_EQ(rules[1].username, "jdoe");
    EXPECT_TRUE(rules[1].everyDomain());
    EXPECT_EQ(rules[1].source, RuleSource::email);
}

TEST(TrackingRules, DeviceLoginBlocksUsernameInItsDomainOnly) {
    const auto rules = rulesForUntrackedUser({deviceLogin("jdoe", "CORP")});
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].username, "jdoe");
    EXPECT_EQ(rules[0].domain, "CORP");
    EXPECT_EQ(rules[0].source, RuleSource::device_login);
}

TEST(TrackingRules, DeviceLoginWithAnyDomainBlocksEveryDomain) {
    const auto rules = rulesForUntrackedUser({deviceLogin("kiosk", "CORP", true)});
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].username, "kiosk");
    EXPECT_TRUE(rules[0].everyDomain()) << "the logon domain is ignored with anyDomain";
}

TEST(TrackingRules, EmployeeIdsGenerateNothing) {
    EXPECT_TRUE(rulesForUntrackedUser({{IdentifierKind::employee_id, "E-42", "", false}}).empty());
    EXPECT_TRUE(rulesForUntrackedUser({}).empty());
}

TEST(TrackingRules, DuplicatesCollapseCaseInsensitively) {
    // Email and UPN with the same local part, and the same device login twice
    // in different case: one rule each.
    const auto rules =
        rulesForUntrackedUser({upn("Jane@corp.example.com"), email("jane@home.example"),
                               deviceLogin("JDOE", "corp"), deviceLogin("jdoe", "CORP")});
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0].username, "Jane");
    EXPECT_EQ(rules[0].source, RuleSource::upn);
    EXPECT_EQ(rules[1].username, "JDOE");
    EXPECT_EQ(rules[1].domain, "corp");
}

TEST(TrackingRules, EveryDomainRuleMakesTheSingleDomainRuleRedundant) {
    const auto rules =
        rulesForUntrackedUser({deviceLogin("jane", "CORP"), email("JANE@corp.example.com")});
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_TRUE(rules[0].everyDomain());
    EXPECT_EQ(rules[0].source, RuleSource::email);
}

TEST(TrackingRules, LocalAndDomainParts) {
    EXPECT_EQ(localPart("a.b@c.example"), "a.b");
    EXPECT_EQ(domainPart("a.b@c.example"), "c.example");
    EXPECT_EQ(localPart("plain"), "plain");
    EXPECT_EQ(domainPart("plain"), "");
    EXPECT_EQ(foldCase("CoRP\\Ünï"), "corp\\Ünï") << "ASCII only; other bytes unchanged";
}

TEST(TrackingRules, SourceNamesRoundTrip) {
    for (RuleSource source :
         {RuleSource::upn, RuleSource::email, RuleSource::device_login, RuleSource::exclusion}) {
        EXPECT_EQ(parseRuleSource(toString(source)), source);
    }
    EXPECT_FALSE(parseRuleSource("nonsense"));
}

IndexedRule userRule(std::int64_t id, std::int64_t userId, std::string username, std::string domain,
                     RuleSource source = RuleSource::device_login) {
    return {id, userId, {std::move(username), std::move(domain), source}};
}
IndexedRule exclusion(std::int64_t id, std::string username, std::string domain = "") {
    return {id, std::nullopt, {std::move(username), std::move(domain), RuleSource::exclusion}};
}

TEST(TrackingIndex, EmptyIndexTracksEveryone) {
    TrackingIndex index;
    EXPECT_TRUE(index.decide("anyone", "CORP").track);
    EXPECT_EQ(index.decide("anyone", "CORP").rule, nullptr);
}

TEST(TrackingIndex, ExactRuleMatchesOnlyItsDomain) {
    TrackingIndex index({userRule(1, 10, "jdoe", "CORP")});
    TrackingDecision blocked = index.decide("JDoe", "corp");
    EXPECT_FALSE(blocked.track);
    ASSERT_NE(blocked.rule, nullptr);
    EXPECT_EQ(blocked.rule->id, 1);
    EXPECT_EQ(blocked.rule->userId, 10);
    EXPECT_TRUE(index.decide("jdoe", "LAB").track);
    EXPECT_TRUE(index.decide("jdoe", "").track);
    EXPECT_TRUE(index.decide("jdoe2", "CORP").track);
}

TEST(TrackingIndex, EveryDomainRuleMatchesAnyDomainAndNone) {
    TrackingIndex index({userRule(1, 10, "jane", "", RuleSource::email)});
    EXPECT_FALSE(index.decide("jane", "CORP").track);
    EXPECT_FALSE(index.decide("JANE", "lab.example").track);
    EXPECT_FALSE(index.decide("jane", "").track);
    EXPECT_TRUE(index.decide("janet", "CORP").track) << "no prefix matching";
    EXPECT_TRUE(index.decide("jan", "CORP").track);
}

TEST(TrackingIndex, ExclusionsBlockAndAreReportedAsSuch) {
    TrackingIndex index({exclusion(5, "Administrator"), exclusion(6, "svc-backup", "CORP")});
    TrackingDecision admin = index.decide("administrator", "ANYWHERE");
    EXPECT_FALSE(admin.track);
    ASSERT_NE(admin.rule, nullptr);
    EXPECT_TRUE(admin.rule->isExclusion());
    EXPECT_EQ(admin.rule->rule.source, RuleSource::exclusion);
    EXPECT_FALSE(index.decide("SVC-BACKUP", "corp").track);
    EXPECT_TRUE(index.decide("svc-backup", "LAB").track);
}

TEST(TrackingIndex, MostSpecificRuleAnswersThenExclusionThenLowestId) {
    TrackingIndex index({userRule(9, 10, "jdoe", "", RuleSource::email),
                         userRule(3, 11, "jdoe", "CORP"), exclusion(7, "jdoe", "CORP"),
                         userRule(2, 12, "jdoe", "LAB")});
    const TrackingDecision corp = index.decide("jdoe", "CORP");
    ASSERT_NE(corp.rule, nullptr);
    EXPECT_EQ(corp.rule->id, 7) << "the exclusion claims the exact key before the user rule";
    const TrackingDecision lab = index.decide("jdoe", "LAB");
    ASSERT_NE(lab.rule, nullptr);
    EXPECT_EQ(lab.rule->id, 2) << "exact before every-domain";
    const TrackingDecision elsewhere = index.decide("jdoe", "HOME");
    ASSERT_NE(elsewhere.rule, nullptr);
    EXPECT_EQ(elsewhere.rule->id, 9);
}

TEST(TrackingIndex, ManyRulesEachFoundAndOthersTracked) {
    std::vector<IndexedRule> rules;
    for (int i = 0; i < 10000; ++i) {
        rules.push_back(
            i % 2 == 0 ? userRule(i + 1, i, "user" + std::to_string(i), "CORP")
                       : userRule(i + 1, i, "user" + std::to_string(i), "", RuleSource::email));
    }
    TrackingIndex index(std::move(rules));
    EXPECT_EQ(index.size(), 10000u);
    for (int i = 0; i < 10000; ++i) {
        const TrackingDecision decision = index.decide("USER" + std::to_string(i), "corp");
        ASSERT_FALSE(decision.track) << i;
        EXPECT_EQ(decision.rule->id, i + 1);
    }
    EXPECT_TRUE(index.decide("user0", "LAB").track) << "even users have CORP-only rules";
    EXPECT_FALSE(index.decide("user1", "LAB").track);
    EXPECT_TRUE(index.decide("user10000", "CORP").track);
}

}  // namespace
}  // namespace muster::policies
