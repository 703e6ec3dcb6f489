#pragma once

#include <map>
#include <optional>
#include <string>

#include "muster/core/model.hpp"

namespace muster {

// A flat view of a record for the audit trail: field name -> value as text.
// Lists are joined with ", ". The store writes it as a JSON object.
using Snapshot = std::map<std::string, std::string>;

// Who did something, through which door (SPEC L-1).
struct Actor {
    std::string id;      // "token:12", "user:7", "system"
    std::string source;  // "admin", "scim", "sync:corp-ad", "agent", "user", "system"
    std::string sourceAddress;
    std::string userAgent;

    static Actor system() { return Actor{"system", "system", {}, {}}; }
};

struct AuditEvent {
    Id id = 0;
    Id tenantId = 0;
    Actor actor;
    std::string action;      // "user.create", "token.revoke", ...
    std::string targetType;  // "user", "group", "token", "tenant"
    std::optional<Id> targetId;
    std::string targetDisplay;  // what the target was called at the time
    std::optional<Snapshot> before;
    std::optional<Snapshot> after;
    Timestamp occurredAt = 0;
};

Snapshot snapshotOf(const User& user);
Snapshot snapshotOf(const Group& group);
Snapshot snapshotOf(const ApiToken& token);  // never includes the secret hash

}  // namespace muster
