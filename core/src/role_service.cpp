#include "muster/core/role_service.hpp"

#include <algorithm>
#include <cctype>

#include "muster/core/error.hpp"
#include "muster/core/role_limits.hpp"

namespace muster {

namespace {

constexpr std::size_t maxRoleNameLength = 64;
constexpr int maxRank = 1'000'000;

void validateRole(const std::string& name, int rank) {
    bool valid = !name.empty() && name.size() <= maxRoleNameLength;
    for (char c : name) {
        valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    }
    if (!valid) {
        throw Error(ErrorCode::invalid_input,
                    "role name \"" + name + "\" must be 1-64 letters, digits, '_' or '-'", "name");
    }
    if (rank < 0 || rank > maxRank) {
        throw Error(ErrorCode::invalid_input, "rank must be from 0 to 1000000", "rank");
    }
}

}  // namespace

std::vector<Role> RoleService::list(const Principal& by) {
    auto tx = store_.beginRead();
    std::vector<Role> roles = tx->roles().list(by.tenantId);
    std::sort(roles.begin(), roles.end(),
              [](const Role& a, const Role& b) { return a.rank > b.rank; });
    return roles;
}

Role RoleService::define(const Principal& by, const std::string& name, int rank) {
    validateRole(name, rank);
    auto tx = store_.beginWrite();
    if (!RoleLimits::load(*tx, by).unrestricted()) {
        throw Error(ErrorCode::forbidden,
                    "only the tenant's top role (or an automation token) may change the role "
                    "catalogue",
                    "roles");
    }
    std::optional<Role> before;
    for (const Role& role : tx->roles().list(by.tenantId)) {
        if (equalsIgnoringCase(role.name, name)) before = role;
    }
    Role role = tx->roles().upsert(by.tenantId, name, rank);
    AuditEvent event = auditEventBy(by, "role.define", "role", role.id, role.name);
    if (before)
        event.before = Snapshot{{"name", before->name}, {"rank", std::to_string(before->rank)}};
    event.after = Snapshot{{"name", role.name}, {"rank", std::to_string(role.rank)}};
    tx->audit().record(event);
    tx->commit();
    return role;
}

int RoleService::addMissingRoles(const std::vector<RoleDefinition>& catalogue) {
    auto tx = store_.beginWrite();
    int added = 0;
    for (const Tenant& tenant : tx->tenants().list()) {
        const std::vector<Role> existing = tx->roles().list(tenant.id);
        for (const RoleDefinition& wanted : catalogue) {
            bool present = std::any_of(existing.begin(), existing.end(), [&](const Role& role) {
                return equalsIgnoringCase(role.name, wanted.name);
            });
            if (present) continue;
            tx->roles().upsert(tenant.id, wanted.name, wanted.rank);
            ++added;
        }
    }
    tx->commit();
    return added;
}

}  // namespace muster
