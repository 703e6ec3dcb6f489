#pragma once

#include <string>
#include <utility>
#include <vector>

#include "muster/core/principal.hpp"
#include "muster/core/store.hpp"

namespace muster {

struct RoleDefinition {
    std::string name;
    int rank = 0;
};

// Tenants are created by the operator (or at bootstrap). A new tenant gets
// the configured role catalogue.
class TenantService {
public:
    TenantService(Store& store, std::vector<RoleDefinition> roleCatalogue)
        : store_(store), roleCatalogue_(std::move(roleCatalogue)) {}

    Tenant create(const Principal& by, const std::string& name);
    std::vector<Tenant> list(const Principal& by);

    // Creates the tenant inside an existing transaction (used by bootstrap).
    Tenant createIn(Transaction& tx, const Actor& actor, const std::string& name);

private:
    Store& store_;
    std::vector<RoleDefinition> roleCatalogue_;
};

// Tenant names: 1-63 of a-z, 0-9, '-' and '_', starting with a letter or digit.
void validateTenantName(const std::string& name);

}  // namespace muster
