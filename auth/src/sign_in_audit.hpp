#pragma once

// Private to muster_auth: the audit events of sign-in. They target the user
// ("user", id), so the per-user activity log (L-2) finds them.

#include <optional>
#include <string>

#include "muster/auth/sign_in.hpp"

namespace muster::auth {

inline std::string userDisplay(const User& user) {
    return user.displayName.empty() ? user.userName : user.displayName;
}

// The user acting on their own account.
inline Actor userActor(const User& user, const ClientInfo& client) {
    return Actor{"user:" + std::to_string(user.id), "user", client.address, client.userAgent};
}

// Someone not (yet) signed in.
inline Actor anonymousActor(const ClientInfo& client) {
    return Actor{"anonymous", "user", client.address, client.userAgent};
}

inline AuditEvent userEvent(Id tenantId, const Actor& actor, std::string action,
                            const std::optional<User>& user, const std::string& fallbackDisplay,
                            Snapshot details) {
    AuditEvent event;
    event.tenantId = tenantId;
    event.actor = actor;
    event.action = std::move(action);
    event.targetType = "user";
    if (user) {
        event.targetId = user->id;
        event.targetDisplay = userDisplay(*user);
    } else {
        event.targetDisplay = fallbackDisplay;
    }
    if (!details.empty()) event.after = std::move(details);
    return event;
}

}  // namespace muster::auth
