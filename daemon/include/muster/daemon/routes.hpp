#pragma once

#include "muster/daemon/server_context.hpp"

namespace muster::daemon {

// Each group of endpoints registers its routes on the context's router.
void registerHealthRoutes(ServerContext& context);
void registerTokenRoutes(ServerContext& context);
void registerTenantRoutes(ServerContext& context);
void registerScimUserRoutes(ServerContext& context);
void registerScimGroupRoutes(ServerContext& context);
void registerScimDiscoveryRoutes(ServerContext& context);
void registerScimBulkRoutes(ServerContext& context);
void registerAdminUserRoutes(ServerContext& context);
void registerAdminGroupRoutes(ServerContext& context);
void registerAdminAuditRoutes(ServerContext& context);
void registerAuthSignInRoutes(ServerContext& context);  // /auth/v1
void registerAuthAdminRoutes(ServerContext& context);   // sign-in admin actions under /api/v1
// SCIM /Me for a signed-in user (auth_me.cpp); registered with the SCIM discovery routes.
HttpResponse scimMe(ServerContext& context, HttpRequest& request);
void registerAdminOrgRoutes(ServerContext& context);
void registerAgentRoutes(ServerContext& context);
void registerAdminAgentRoutes(ServerContext& context);

// Directory sync sources: status and runs (handlers/sync.cpp).
void registerSyncRoutes(ServerContext& context);

// All of the above.
void registerAllRoutes(ServerContext& context);

}  // namespace muster::daemon
