#pragma once

// The tenant's role catalogue (SPEC T-3): names and ranks. Seeded from the
// YAML config when a tenant is created and topped up at start-up; changed
// here only by a principal without role limits (the tenant's top role or an
// automation token), since ranks decide who may manage whom.

#include <string>
#include <vector>

#include "muster/core/principal.hpp"
#include "muster/core/store.hpp"
#include "muster/core/tenant_service.hpp"

namespace muster {

class RoleService {
  public:
    explicit RoleService(Store& store) : store_(store) {}

    std::vector<Role> list(const Principal& by);
    // Creates the role or changes its rank; audited as role.define.
    Role define(const Principal& by, const std::string& name, int rank);

    // Adds the configured roles that a tenant lacks (ranks an admin changed
    // stay as they are); returns how many were added.
    int addMissingRoles(const std::vector<RoleDefinition>& catalogue);

  private:
    Store& store_;
};

}  // namespace muster
