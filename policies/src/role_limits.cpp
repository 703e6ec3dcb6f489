#include "muster/policies/role_limits.hpp"

namespace muster::policies {

std::optional<RankedRole> highestRole(const std::vector<RankedRole>& roles) {
    std::optional<RankedRole> best;
    for (const RankedRole& role : roles) {
        if (!best || role.rank > best->rank) best = role;
    }
    return best;
}

std::optional<RankedRole> roleBlocking(const std::vector<RankedRole>& actorRoles, int tenantTopRank,
                                       const std::vector<RankedRole>& targetRoles,
                                       const std::vector<RankedRole>& grantedRoles) {
    const std::optional<RankedRole> actorTop = highestRole(actorRoles);
    const int actorRank = actorTop ? actorTop->rank : 0;
    if (actorTop && actorRank >= tenantTopRank) return std::nullopt;

    // Report the highest offending role: it is the one to ask about.
    std::optional<RankedRole> blocking;
    for (const std::vector<RankedRole>* roles : {&targetRoles, &grantedRoles}) {
        for (const RankedRole& role : *roles) {
            if (role.rank >= actorRank && (!blocking || role.rank > blocking->rank)) {
                blocking = role;
            }
        }
    }
    return blocking;
}

}  // namespace muster::policies
