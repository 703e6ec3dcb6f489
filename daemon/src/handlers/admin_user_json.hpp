#pragma once

// JSON of the admin API's users (not SCIM): what /api/v1/users returns and
// accepts. Kept apart from the handlers so the routes file stays readable.

#include <nlohmann/json.hpp>

#include "muster/core/store.hpp"

namespace muster::daemon {

// The full view of a user: profile, state, identifiers, roles, groups, the
// manager (or "Deleted User (ID: n)") and the primary group with how it was
// chosen.
nlohmann::json adminUserJson(Transaction& tx, const User& user);

nlohmann::json identifierJson(const Identifier& identifier);
Identifier identifierFromJson(const nlohmann::json& item);

// Applies the members of `body` to `user`. Unknown members are refused with
// a 400 naming them, so a typo never passes silently. `creating` allows
// userName (renames go through PATCH too) and status.
void applyUserJson(const nlohmann::json& body, User& user, bool creating);

}  // namespace muster::daemon
