#pragma once

#include <optional>
#include <string>

#include "muster/daemon/server_context.hpp"

namespace muster::daemon {

// On first start with an empty store: creates tenant "default" and a token
// with the operator and admin scopes, in one transaction. Returns the token's
// secret (presetSecret when given, else random) so it can be printed once;
// std::nullopt when the store already had a tenant.
std::optional<std::string> bootstrapIfEmpty(ServerContext& context, const std::string& presetSecret);

}  // namespace muster::daemon
