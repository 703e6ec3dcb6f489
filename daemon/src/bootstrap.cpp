#include "muster/daemon/bootstrap.hpp"

namespace muster::daemon {

std::optional<std::string> bootstrapIfEmpty(ServerContext& context,
                                            const std::string& presetSecret) {
    auto tx = context.store.beginWrite();
    // Inside the write transaction, so two daemons starting together on one
    // database cannot both bootstrap.
    if (tx->tenants().count() > 0) return std::nullopt;
    const Actor actor = Actor::system();
    Tenant tenant = context.tenants.createIn(*tx, actor, "default");
    auth::TokenRequest request;
    request.tenantId = tenant.id;
    request.name = "bootstrap";
    request.scopes = {TokenScope::operator_, TokenScope::admin};
    request.presetSecret = presetSecret;
    auth::IssuedToken issued = context.tokens.issueIn(*tx, actor, request);
    tx->commit();
    return issued.secret;
}

}  // namespace muster::daemon
