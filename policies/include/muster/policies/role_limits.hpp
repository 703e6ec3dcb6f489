#pragma once

// SPEC T-3: who may manage whom. An actor may create, edit, (de)activate,
// reset or delete a user, or grant a role, only when the target's highest
// rank and every granted role's rank are below the actor's own highest rank.
// The tenant's top role (company_admin in the default catalogue) may do
// everything.

#include <optional>
#include <string>
#include <vector>

namespace muster::policies {

struct RankedRole {
    std::string name;
    int rank = 0;
};

// The highest-ranked role of the list; std::nullopt for an empty list.
std::optional<RankedRole> highestRole(const std::vector<RankedRole>& roles);

// The role that stops the actor, or std::nullopt when the action is allowed.
// actorRoles: the acting user's roles; tenantTopRank: the highest rank of the
// tenant's catalogue; targetRoles: the roles the target holds now (empty for
// a new user); grantedRoles: roles the action would give the target.
std::optional<RankedRole> roleBlocking(const std::vector<RankedRole>& actorRoles, int tenantTopRank,
                                       const std::vector<RankedRole>& targetRoles,
                                       const std::vector<RankedRole>& grantedRoles);

}  // namespace muster::policies
