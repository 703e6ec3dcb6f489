#pragma once

// JSON shapes shared by the agent API (/agent/v1) and the admin endpoints
// for devices and tracking (/api/v1).

#include <nlohmann/json.hpp>
#include <optional>

#include "muster/core/agent_store.hpp"
#include "muster/core/tracking_service.hpp"

namespace muster::daemon {

// A device without its user's name (the agent's own view).
nlohmann::json deviceJson(const Device& device);

// {"id", "kind": "user"|"exclusion", "source", "username", "domain" (null:
// every domain), "userId" (users' rules), "note"}.
nlohmann::json ruleJson(const policies::IndexedRule& rule);
nlohmann::json ruleJson(const TrackingRuleRecord& record);

// {"track": bool, "rule": rule or null}
nlohmann::json answerJson(const TrackingAnswer& answer);

// Whole ids in the path, body or cursor.
std::optional<Id> parsePositiveId(const std::string& text);

}  // namespace muster::daemon
