#include "muster/core/principal.hpp"

#include <algorithm>

#include "muster/core/error.hpp"

namespace muster {

bool Principal::has(TokenScope scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

bool Principal::mayAccessTenant(Id otherTenantId) const {
    return otherTenantId == tenantId || has(TokenScope::operator_);
}

AuditEvent auditEventBy(const Principal& by, std::string action, std::string targetType,
                        std::optional<Id> targetId, std::string targetDisplay) {
    AuditEvent event;
    event.tenantId = by.tenantId;
    event.actor = by.actor;
    event.action = std::move(action);
    event.targetType = std::move(targetType);
    event.targetId = targetId;
    event.targetDisplay = std::move(targetDisplay);
    return event;
}

void requireScope(const Principal& principal, std::initializer_list<TokenScope> anyOf) {
    for (TokenScope scope : anyOf) {
        if (principal.has(scope)) return;
    }
    std::string names;
    for (TokenScope scope : anyOf) {
        if (!names.empty()) names += " or ";
        names += toString(scope);
    }
    throw Error(ErrorCode::forbidden, "this action needs a token with the " + names + " scope");
}

}  // namespace muster
