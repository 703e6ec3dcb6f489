// SCIM /Me (RFC 7644 §3.11) for a signed-in user: the user resource of the
// session (or of a token issued on behalf of a user). Reading only: a user
// changing their own record is not something Muster offers over SCIM.

#include "muster/core/error.hpp"
#include "muster/daemon/auth_services.hpp"
#include "muster/daemon/errors.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/daemon/scim_support.hpp"

namespace muster::daemon {

HttpResponse scimMe(ServerContext& context, HttpRequest& request) {
    const Principal& caller = request.caller();
    if (!caller.userId) {
        return errorResponse(501, "/Me needs a signed-in user; this token acts for no user");
    }
    if (request.method != "GET") {
        return errorResponse(501, "/Me is read-only here; an admin changes users through /Users");
    }
    const User user = context.users.get(caller, *caller.userId);
    if (scim_support::ifNoneMatchHits(request, user.version)) {
        return scim_support::notModified(user.version);
    }
    const auto& type = scim::SchemaRegistry::instance().resourceType("User");
    const scim::Links links = scim_support::linksOf(request);
    const std::string location = scim::userLocation(user.id, links);
    HttpResponse response = scim_support::resourceResponse(
        200,
        scim_support::projected(scim::userToScimText(user, links),
                                scim::parseProjection(request.query), type),
        user.version, location);
    // RFC 7644 §3.11: the response names the resource /Me stands for.
    response.headers.emplace_back("Content-Location", location);
    return response;
}

}  // namespace muster::daemon
