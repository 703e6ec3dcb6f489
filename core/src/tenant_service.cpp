#include "muster/core/tenant_service.hpp"

#include "muster/core/error.hpp"

namespace muster {

void validateTenantName(const std::string& name) {
    auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    };
    bool valid = !name.empty() && name.size() <= 63 && name[0] != '-' && name[0] != '_';
    for (char c : name) valid = valid && allowed(c);
    if (!valid) {
        throw Error(ErrorCode::invalid_input,
                    "tenant name \"" + name +
                        "\" must be 1-63 characters of a-z, 0-9, '-' or '_', starting with a "
                        "letter or digit",
                    "name");
    }
}

Tenant TenantService::createIn(Transaction& tx, const Actor& actor, const std::string& name) {
    validateTenantName(name);
    if (tx.tenants().findByName(name)) {
        throw Error(ErrorCode::conflict, "tenant \"" + name + "\" already exists", "name");
    }
    Tenant tenant = tx.tenants().create(name);
    for (const RoleDefinition& role : roleCatalogue_) {
        tx.roles().upsert(tenant.id, role.name, role.rank);
    }
    AuditEvent event;
    event.tenantId = tenant.id;
    event.actor = actor;
    event.action = "tenant.create";
    event.targetType = "tenant";
    event.targetId = tenant.id;
    event.targetDisplay = tenant.name;
    event.after = Snapshot{{"name", tenant.name}};
    tx.audit().record(event);
    return tenant;
}

Tenant TenantService::create(const Principal& by, const std::string& name) {
    requireScope(by, {TokenScope::operator_});
    auto tx = store_.beginWrite();
    Tenant tenant = createIn(*tx, by.actor, name);
    tx->commit();
    return tenant;
}

std::vector<Tenant> TenantService::list(const Principal& by) {
    requireScope(by, {TokenScope::operator_});
    auto tx = store_.beginRead();
    return tx->tenants().list();
}

}  // namespace muster
