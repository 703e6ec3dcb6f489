#include "muster/daemon/json_body.hpp"

#include "muster/core/error.hpp"

namespace muster::daemon {

nlohmann::json parseJsonObject(const std::string& body) {
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
        throw Error(ErrorCode::invalid_syntax, "the request body is not valid JSON");
    }
    if (!parsed.is_object()) {
        throw Error(ErrorCode::invalid_syntax, "the request body must be a JSON object");
    }
    return parsed;
}

std::string optionalString(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) return {};
    if (!found->is_string()) {
        throw Error(ErrorCode::invalid_input, std::string(key) + ": expected a string", key);
    }
    return found->get<std::string>();
}

Tenant resolveTenant(Store& store, const Principal& caller, const std::string& name) {
    auto tx = store.beginRead();
    if (name.empty() || name == caller.tenantName) {
        std::optional<Tenant> own = tx->tenants().findById(caller.tenantId);
        if (!own) throw Error(ErrorCode::not_found, "the caller's tenant no longer exists");
        return *own;
    }
    // Don't tell a non-operator whether another tenant exists.
    if (!caller.has(TokenScope::operator_)) {
        throw Error(ErrorCode::forbidden, "this token may only act on its own tenant", "tenant");
    }
    std::optional<Tenant> tenant = tx->tenants().findByName(name);
    if (!tenant) throw Error(ErrorCode::not_found, "no tenant named \"" + name + "\"", "tenant");
    return *tenant;
}

}  // namespace muster::daemon
