#pragma once

#include <optional>
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
    Id tokenId = 0;  // 0 when the principal is a signed-in session
    // The user acting, when the request comes from a sign-in session or a
    // token issued on behalf of a user; role limits (SPEC T-3) apply to them.
    // Unset for tenant-level automation tokens, which act with full rights.
    std::optional<Id> userId;
    std::vector<TokenScope> scopes;
    Actor actor;

    bool has(TokenScope scope) const;
    // May act on tenantId: its own tenant, or any tenant for the operator scope.
    bool mayAccessTenant(Id otherTenantId) const;
};

// An audit event of `by` in its tenant about one target; the caller adds the
// before/after snapshots.
AuditEvent auditEventBy(const Principal& by, std::string action, std::string targetType,
                        std::optional<Id> targetId, std::string targetDisplay);

// Throws Error(forbidden) unless the principal holds one of the scopes.
void requireScope(const Principal& principal, std::initializer_list<TokenScope> anyOf);

}  // namespace muster
