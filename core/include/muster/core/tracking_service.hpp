#pragma once

// SPEC U-7 use cases: tracking and untracking users, tenant exclusions, and
// the agents' question "track username U on domain D?", answered from an
// in-memory index per tenant.
//
// The index is refreshed on change. Changes made through this daemon mark it
// stale at once (the next question rebuilds it). Changes made elsewhere are
// noticed by a cheap check, at most once per `recheckEvery` and tenant, of
// the tenant's tracking version (bumped by every rule change) and of a
// fingerprint of its untracked users (which changes when one of them gets
// new identifiers through SCIM, the admin API or a sync). When only the
// fingerprint moved, the users' rules are regenerated first.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "muster/core/agent_store.hpp"
#include "muster/core/principal.hpp"

namespace muster {

struct TrackingAnswer {
    bool track = true;
    std::optional<policies::IndexedRule> rule;  // what says "do not track"
};

// Limits on what an exclusion may hold.
inline constexpr std::size_t maxTrackingNameLength = 256;
inline constexpr std::size_t maxTrackingNoteLength = 1024;

class TrackingService {
  public:
    explicit TrackingService(Store& store,
                             std::chrono::milliseconds recheckEvery = std::chrono::seconds(1))
        : store_(store), recheckEvery_(recheckEvery) {}

    // The agents' question; any principal of the tenant may ask.
    TrackingAnswer decide(const Principal& by, std::string_view username, std::string_view domain);

    // Untracking generates the user's rules from its identifiers; tracking
    // removes them. Audited ("user.untrack" / "user.track"), under the role
    // limits. Doing it twice changes nothing the second time.
    User setTracked(const Principal& by, Id userId, bool tracked);

    std::vector<TrackingRuleRecord> listRules(const Principal& by, const RuleFilter& filter);
    TrackingRuleRecord addExclusion(const Principal& by, const std::string& username,
                                    const std::string& domain, const std::string& note);
    void removeExclusion(const Principal& by, Id id);

    // For use cases that change a user's identifiers in their own
    // transaction (agent check-in): brings the user's rules in line with
    // its identifiers and tracked flag, bumping the tenant's version when
    // they change. True when they changed: call invalidate() after the commit.
    static bool syncUserRulesIn(Transaction& tx, const User& user);
    // Marks the tenant's index stale: the next decide() rebuilds it.
    void invalidate(Id tenantId);

  private:
    struct TenantIndex {
        std::mutex refreshMutex;  // one refresh at a time; guards version and fingerprint
        std::int64_t version = -1;
        UntrackedFingerprint fingerprint;
        std::mutex currentMutex;  // guards current (readers copy the pointer)
        std::shared_ptr<const policies::TrackingIndex> current;
        std::atomic<std::int64_t> checkedAtMs{0};
        std::atomic<bool> stale{true};
    };

    std::shared_ptr<TenantIndex> entryFor(Id tenantId);
    std::shared_ptr<const policies::TrackingIndex> freshIndex(TenantIndex& entry, Id tenantId);
    void refresh(TenantIndex& entry, Id tenantId);
    // Regenerates every user's rules of the tenant; true when any changed.
    bool resyncUserRules(Id tenantId);

    Store& store_;
    std::chrono::milliseconds recheckEvery_;
    std::mutex tenantsMutex_;
    std::unordered_map<Id, std::shared_ptr<TenantIndex>> tenants_;
};

// The rule-relevant facts of a user's identifiers, for policies::.
std::vector<policies::IdentifierFacts> identifierFacts(const std::vector<Identifier>& identifiers);

}  // namespace muster
