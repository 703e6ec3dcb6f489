#pragma once

#include <atomic>
#include <cstdint>

#include "muster/auth/token_service.hpp"
#include "muster/config/config.hpp"
#include "muster/core/agent_service.hpp"
#include "muster/core/data_deletion_service.hpp"
#include "muster/core/group_service.hpp"
#include "muster/core/org_service.hpp"
#include "muster/core/store.hpp"
#include "muster/core/tenant_service.hpp"
#include "muster/core/tracking_service.hpp"
#include "muster/core/user_service.hpp"
#include "muster/daemon/access_log.hpp"
#include "muster/daemon/auth_services.hpp"
#include "muster/daemon/metrics.hpp"
#include "muster/daemon/router.hpp"
#include "muster/sync/sync_service.hpp"

namespace muster::daemon {

// Everything the request handlers share. Built once at start-up; lives as
// long as the servers.
struct ServerContext {
    ServerContext(const config::Config& config, Store& store);

    const config::Config& config;
    Store& store;
    auth::TokenService tokens;
    TenantService tenants;
    UserService users;
    GroupService groups;
    OrgService org;
    TrackingService tracking;
    AgentService agents;
    DataDeletionService dataDeletion;
    std::unique_ptr<AuthServices> auth;  // sign-in, sessions, mail worker
    std::unique_ptr<sync::SyncService> sync;  // directory sources; null without any
    Metrics metrics;
    AccessLog accessLog;
    Router router;
    std::atomic<std::int64_t> inFlight{0};
};

std::vector<RoleDefinition> roleCatalogueOf(const config::Config& config);

}  // namespace muster::daemon
