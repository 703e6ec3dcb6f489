#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "muster/core/principal.hpp"
#include "muster/core/store.hpp"
#include "muster/daemon/http.hpp"

namespace muster::daemon {

// Parses a request body that must be a JSON object; Error(invalid_syntax) otherwise.
nlohmann::json parseJsonObject(const std::string& body);

// Reads an optional string member; Error(invalid_input) naming the key when it
// is present with another type.
std::string optionalString(const nlohmann::json& object, const char* key);

// The tenant a request acts on: `name` when given (the operator may name any
// tenant, others only their own), else the caller's own tenant.
Tenant resolveTenant(Store& store, const Principal& caller, const std::string& name);

}  // namespace muster::daemon
