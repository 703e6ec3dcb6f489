#pragma once

#include <string>
#include <vector>

#include "muster/core/audit.hpp"
#include "muster/core/model.hpp"

namespace muster {

// Who is making a request, resolved from a token or session: exactly one
// tenant (SPEC T-1), the scopes granted, and the actor recorded in audit.
struct Principal {
    Id tenantId = 0;
    std::string tenantName;
    Id tokenId = 0;
    std::vector<TokenScope> scopes;
    Actor actor;

    bool has(TokenScope scope) const;
    // May act on tenantId: its own tenant, or any tenant for the operator scope.
    bool mayAccessTenant(Id otherTenantId) const;
};

// Throws Error(forbidden) unless the principal holds one of the scopes.
void requireScope(const Principal& principal, std::initializer_list<TokenScope> anyOf);

}  // namespace muster
