#include "muster/core/tracking_service.hpp"

#include <map>

#include "muster/core/error.hpp"
#include "muster/core/role_limits.hpp"

namespace muster {

namespace {

std::int64_t steadyMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

policies::IdentifierKind policyKind(IdentifierKind kind) {
    switch (kind) {
        case IdentifierKind::upn:
            return policies::IdentifierKind::upn;
        case IdentifierKind::email:
            return policies::IdentifierKind::email;
        case IdentifierKind::employee_id:
            return policies::IdentifierKind::employee_id;
        case IdentifierKind::device_login:
            return policies::IdentifierKind::device_login;
    }
    return policies::IdentifierKind::employee_id;
}

std::vector<policies::TrackingRule> rulesFor(bool tracked,
                                             const std::vector<Identifier>& identifiers) {
    if (tracked) return {};
    return policies::rulesForUntrackedUser(identifierFacts(identifiers));
}

bool sameRules(const std::vector<policies::TrackingRule>& a,
               const std::vector<policies::TrackingRule>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].username != b[i].username || a[i].domain != b[i].domain ||
            a[i].source != b[i].source) {
            return false;
        }
    }
    return true;
}

void checkName(const std::string& value, const char* attribute, bool required) {
    if (required && value.empty()) {
        throw Error(ErrorCode::invalid_input, std::string(attribute) + " is required", attribute);
    }
    if (value.size() > maxTrackingNameLength) {
        throw Error(ErrorCode::invalid_input,
                    std::string(attribute) + " is longer than " +
                        std::to_string(maxTrackingNameLength) + " characters",
                    attribute);
    }
    for (unsigned char c : value) {
        if (c < 0x20 || c == 0x7f) {
            throw Error(ErrorCode::invalid_input,
                        std::string(attribute) + " contains a control character", attribute);
        }
    }
}

Snapshot snapshotOf(const TrackingRuleRecord& record) {
    return {{"username", record.rule.username},
            {"domain", record.rule.everyDomain() ? "*" : record.rule.domain},
            {"note", record.note}};
}

}  // namespace

std::vector<policies::IdentifierFacts> identifierFacts(const std::vector<Identifier>& identifiers) {
    std::vector<policies::IdentifierFacts> facts;
    facts.reserve(identifiers.size());
    for (const Identifier& identifier : identifiers) {
        facts.push_back({policyKind(identifier.kind), identifier.value, identifier.logonDomain,
                         identifier.anyDomain});
    }
    return facts;
}

// --- the index ---

TrackingAnswer TrackingService::decide(const Principal& by, std::string_view username,
                                       std::string_view domain) {
    std::shared_ptr<TenantIndex> entry = entryFor(by.tenantId);
    std::shared_ptr<const policies::TrackingIndex> index = freshIndex(*entry, by.tenantId);
    const policies::TrackingDecision decision = index->decide(username, domain);
    TrackingAnswer answer;
    answer.track = decision.track;
    if (decision.rule != nullptr) answer.rule = *decision.rule;
    return answer;
}

void TrackingService::invalidate(Id tenantId) { entryFor(tenantId)->stale = true; }

std::shared_ptr<TrackingService::TenantIndex> TrackingService::entryFor(Id tenantId) {
    std::lock_guard lock(tenantsMutex_);
    std::shared_ptr<TenantIndex>& entry = tenants_[tenantId];
    if (!entry) entry = std::make_shared<TenantIndex>();
    return entry;
}

std::shared_ptr<const policies::TrackingIndex> TrackingService::freshIndex(TenantIndex& entry,
                                                                           Id tenantId) {
    const bool due = steadyMillis() - entry.checkedAtMs.load() >= recheckEvery_.count();
    if (entry.stale.load()) {
        // A change this daemon made (or no index yet): wait for the rebuild,
        // so that an answer after a change always reflects it.
        std::lock_guard lock(entry.refreshMutex);
        if (entry.stale.load()) refresh(entry, tenantId);
    } else if (due) {
        // The periodic check for changes made elsewhere: one thread does it,
        // the others answer from the current index meanwhile.
        std::unique_lock lock(entry.refreshMutex, std::try_to_lock);
        if (lock.owns_lock() &&
            steadyMillis() - entry.checkedAtMs.load() >= recheckEvery_.count()) {
            refresh(entry, tenantId);
        }
    }
    std::lock_guard lock(entry.currentMutex);
    return entry.current;
}

// Called with entry.refreshMutex held.
void TrackingService::refresh(TenantIndex& entry, Id tenantId) {
    // Cleared first: an invalidation while this runs makes the next call refresh again.
    entry.stale = false;
    entry.checkedAtMs = steadyMillis();
    try {
        std::int64_t version = 0;
        UntrackedFingerprint fingerprint;
        {
            auto tx = store_.beginRead();
            version = tx->tracking().version(tenantId);
            fingerprint = tx->tracking().untrackedFingerprint(tenantId);
        }
        const bool firstBuild = entry.current == nullptr;
        const bool usersChanged = firstBuild || !(fingerprint == entry.fingerprint);
        if (usersChanged && resyncUserRules(tenantId)) {
            auto tx = store_.beginRead();
            version = tx->tracking().version(tenantId);
        }
        if (!usersChanged && version == entry.version) return;

        std::vector<policies::IndexedRule> rules;
        {
            auto tx = store_.beginRead();
            for (TrackingRuleRecord& record : tx->tracking().allRules(tenantId)) {
                rules.push_back({record.id, record.userId, std::move(record.rule)});
            }
        }
        auto index = std::make_shared<const policies::TrackingIndex>(std::move(rules));
        {
            std::lock_guard lock(entry.currentMutex);
            entry.current = std::move(index);
        }
        entry.version = version;
        entry.fingerprint = fingerprint;
    } catch (const Error&) {
        // Without an index there is no answer; with one, keep answering from
        // it and try again after the next interval.
        if (entry.current == nullptr) {
            entry.stale = true;
            throw;
        }
    }
}

bool TrackingService::resyncUserRules(Id tenantId) {
    auto tx = store_.beginWrite();
    std::map<Id, std::vector<policies::TrackingRule>> stored;
    for (TrackingRuleRecord& record : tx->tracking().allRules(tenantId)) {
        if (record.userId) stored[*record.userId].push_back(std::move(record.rule));
    }
    bool changed = false;
    for (const UntrackedUserIdentifiers& user : tx->tracking().untrackedUsers(tenantId)) {
        std::vector<policies::TrackingRule> wanted = rulesFor(false, user.identifiers);
        auto found = stored.find(user.userId);
        const bool same = found == stored.end() ? wanted.empty() : sameRules(found->second, wanted);
        if (!same) {
            tx->tracking().replaceUserRules(tenantId, user.userId, wanted);
            changed = true;
        }
        if (found != stored.end()) stored.erase(found);
    }
    // Whoever is left has rules but is tracked now.
    for (const auto& [userId, rules] : stored) {
        tx->tracking().replaceUserRules(tenantId, userId, {});
        changed = true;
    }
    if (!changed) return false;
    tx->tracking().bumpVersion(tenantId);
    tx->commit();
    return true;
}

namespace {

// Tenant exclusions stop tracking whoever the name matches, admins of any
// rank included (or, removed, start it again): a tenant-wide setting, so it
// is for principals without role limits, as the sign-in settings are.
void requireUnrestricted(Transaction& tx, const Principal& by) {
    if (!RoleLimits::load(tx, by).unrestricted()) {
        throw Error(ErrorCode::forbidden,
                    "only the tenant's top role (or an automation token) may change the "
                    "tenant's tracking exclusions",
                    "username");
    }
}

}  // namespace

// --- use cases ---

bool TrackingService::syncUserRulesIn(Transaction& tx, const User& user) {
    RuleFilter filter;
    filter.kind = RuleKind::user;
    filter.userId = user.id;
    filter.limit = 1000;
    std::vector<policies::TrackingRule> stored;
    for (TrackingRuleRecord& record : tx.tracking().listRules(user.tenantId, filter)) {
        stored.push_back(std::move(record.rule));
    }
    // A placeholder email (agent check-in) is no real address: it blocks nothing.
    std::vector<Identifier> identifiers = user.identifiers;
    if (std::optional<std::string> placeholder =
            tx.agents().placeholderOf(user.tenantId, user.id)) {
        std::erase_if(identifiers, [&](const Identifier& id) {
            return id.kind == IdentifierKind::email && policies::foldCase(id.value) == *placeholder;
        });
    }
    const std::vector<policies::TrackingRule> wanted = rulesFor(user.tracked, identifiers);
    if (sameRules(stored, wanted)) return false;
    tx.tracking().replaceUserRules(user.tenantId, user.id, wanted);
    tx.tracking().bumpVersion(user.tenantId);
    return true;
}

User TrackingService::setTracked(const Principal& by, Id userId, bool tracked) {
    auto tx = store_.beginWrite();
    std::optional<User> before = tx->users().findById(by.tenantId, userId);
    if (!before) throw Error(ErrorCode::not_found, "no user with id " + std::to_string(userId));
    RoleLimits::load(*tx, by).checkMayManage(*before);
    User after = *before;
    if (before->tracked != tracked) {
        User changed = *before;
        changed.tracked = tracked;
        after = tx->users().update(changed);
        AuditEvent event = auditEventBy(by, tracked ? "user.track" : "user.untrack", "user",
                                        after.id, after.userName);
        event.before = snapshotOf(*before);
        event.after = snapshotOf(after);
        tx->audit().record(event);
    }
    syncUserRulesIn(*tx, after);
    tx->commit();
    invalidate(by.tenantId);
    return after;
}

std::vector<TrackingRuleRecord> TrackingService::listRules(const Principal& by,
                                                           const RuleFilter& filter) {
    auto tx = store_.beginRead();
    return tx->tracking().listRules(by.tenantId, filter);
}

TrackingRuleRecord TrackingService::addExclusion(const Principal& by, const std::string& username,
                                                 const std::string& domain,
                                                 const std::string& note) {
    checkName(username, "username", true);
    checkName(domain, "domain", false);
    if (note.size() > maxTrackingNoteLength) {
        throw Error(ErrorCode::invalid_input,
                    "note is longer than " + std::to_string(maxTrackingNoteLength) + " characters",
                    "note");
    }
    TrackingRuleRecord exclusion;
    exclusion.tenantId = by.tenantId;
    exclusion.rule = {username, domain, policies::RuleSource::exclusion};
    exclusion.note = note;
    auto tx = store_.beginWrite();
    requireUnrestricted(*tx, by);
    TrackingRuleRecord stored = tx->tracking().addExclusion(exclusion);
    tx->tracking().bumpVersion(by.tenantId);
    AuditEvent event =
        auditEventBy(by, "tracking.exclusion.create", "tracking_rule", stored.id, username);
    event.after = snapshotOf(stored);
    tx->audit().record(event);
    tx->commit();
    invalidate(by.tenantId);
    return stored;
}

void TrackingService::removeExclusion(const Principal& by, Id id) {
    auto tx = store_.beginWrite();
    requireUnrestricted(*tx, by);
    std::optional<TrackingRuleRecord> stored = tx->tracking().findRule(by.tenantId, id);
    if (!stored || stored->userId || !tx->tracking().removeExclusion(by.tenantId, id)) {
        throw Error(ErrorCode::not_found, "no tracking exclusion with id " + std::to_string(id));
    }
    tx->tracking().bumpVersion(by.tenantId);
    AuditEvent event =
        auditEventBy(by, "tracking.exclusion.delete", "tracking_rule", id, stored->rule.username);
    event.before = snapshotOf(*stored);
    tx->audit().record(event);
    tx->commit();
    invalidate(by.tenantId);
}

}  // namespace muster
