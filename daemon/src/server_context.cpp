#include "muster/daemon/server_context.hpp"

#include <iostream>

namespace muster::daemon {

std::vector<RoleDefinition> roleCatalogueOf(const config::Config& config) {
    std::vector<RoleDefinition> roles;
    for (const config::RoleConfig& role : config.roles) roles.push_back({role.name, role.rank});
    return roles;
}

ServerContext::ServerContext(const config::Config& config, Store& store)
    : config(config),
      store(store),
      tokens(store),
      tenants(store, roleCatalogueOf(config)),
      users(store),
      groups(store),
      org(store),
      tracking(store),
      agents(store, users, tracking),
      dataDeletion(store, users),
      auth(makeAuthServices(config, store)),
      sync(config.sync.sources.empty() ? nullptr
                                       : std::make_unique<sync::SyncService>(store, config.sync)),
      accessLog(std::cout, config.log.accessLog) {
}

}  // namespace muster::daemon
