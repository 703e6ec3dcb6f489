// Admin actions on a user's sign-in (SPEC A-2 reset 2FA, A-3 sessions, force
// logout, drop connection, L-2 activity) and the per-tenant settings. Every
// write is checked against the role limits (SPEC T-3) like any other change
// to the user.

#include "muster/auth/sign_in.hpp"
#include "muster/core/role_limits.hpp"
#include "sign_in_audit.hpp"

namespace muster::auth {

User SignInService::loadManaged(Transaction& tx, const Principal& by, Id userId, bool write) {
    requireScope(by, {TokenScope::admin, TokenScope::operator_});
    std::optional<User> user = tx.users().findById(by.tenantId, userId);
    if (!user) throw Error(ErrorCode::not_found, "no user with id " + std::to_string(userId));
    if (!write) return *user;
    // On oneself these actions (temporary password, reset links, MFA reset,
    // session control) would let a stolen session take the account over
    // without the current password or code: they go through /auth/v1.
    if (by.userId == userId) {
        throw Error(ErrorCode::forbidden,
                    "this admin action cannot target yourself; change your own password or "
                    "MFA under /auth/v1 with your current credentials",
                    "id");
    }
    RoleLimits::load(tx, by).checkMayManage(*user);
    return *user;
}

void SignInService::resetMfa(const Principal& by, Id userId) {
    auto tx = store_.beginWrite();
    const User user = loadManaged(*tx, by, userId, true);
    tx->signIn().deleteTotp(user.tenantId, user.id);
    const std::int64_t devices = tx->signIn().deleteTrustedDevicesOf(user.tenantId, user.id);
    if (user.mfaStatus != MfaStatus::not_enrolled) {
        tx->signIn().setMfaStatus(user.tenantId, user.id, MfaStatus::not_enrolled);
    }
    tx->audit().record(userEvent(user.tenantId, by.actor, "auth.mfa.reset", user, "",
                                 {{"trustedDevicesRevoked", std::to_string(devices)}}));
    tx->commit();
}

std::vector<SignInSession> SignInService::sessionsOf(const Principal& by, Id userId) {
    auto tx = store_.beginRead();
    const User user = loadManaged(*tx, by, userId, false);
    std::vector<SignInSession> sessions = tx->signIn().sessionsOf(user.tenantId, user.id);
    // Sessions past their timeouts are gone for the user; do not show them.
    const Timestamp now = nowMillis();
    const std::int64_t idleMillis = options_.sessionIdleTimeout.count() * 1000;
    std::erase_if(sessions, [&](const SignInSession& s) {
        return now >= s.expiresAt || now - s.lastSeenAt > idleMillis;
    });
    return sessions;
}

std::int64_t SignInService::trustedDeviceCount(const Principal& by, Id userId) {
    auto tx = store_.beginRead();
    const User user = loadManaged(*tx, by, userId, false);
    return tx->signIn().countTrustedDevices(user.tenantId, user.id, nowMillis());
}

void SignInService::forceLogout(const Principal& by, Id userId) {
    auto tx = store_.beginWrite();
    const User user = loadManaged(*tx, by, userId, true);
    const std::int64_t devices = tx->signIn().deleteTrustedDevicesOf(user.tenantId, user.id);
    const std::int64_t sessions = tx->signIn().deleteSessionsOf(user.tenantId, user.id);
    tx->audit().record(userEvent(user.tenantId, by.actor, "auth.force_logout", user, "",
                                 {{"sessionsRevoked", std::to_string(sessions)},
                                  {"trustedDevicesRevoked", std::to_string(devices)}}));
    tx->commit();
}

void SignInService::dropConnection(const Principal& by, Id userId) {
    auto tx = store_.beginWrite();
    const User user = loadManaged(*tx, by, userId, true);
    const std::int64_t sessions = Sessions::dropConnections(*tx, user.tenantId, user.id);
    tx->audit().record(userEvent(user.tenantId, by.actor, "auth.drop_connection", user, "",
                                 {{"sessionsRevoked", std::to_string(sessions)}}));
    tx->commit();
}

std::vector<AuditEvent> SignInService::activity(const Principal& by, Id userId,
                                                std::optional<Id> beforeId, std::size_t limit) {
    auto tx = store_.beginRead();
    requireScope(by, {TokenScope::admin, TokenScope::operator_});
    // The log outlives the user: a deleted user's activity stays readable.
    return tx->signIn().userActivity(by.tenantId, userId, beforeId, limit + 1);
}

TenantSignInSettings SignInService::settings(const Principal& by) {
    requireScope(by, {TokenScope::admin, TokenScope::operator_});
    auto tx = store_.beginRead();
    return tx->signIn().settings(by.tenantId);
}

TenantSignInSettings SignInService::saveSettings(const Principal& by,
                                                 const TenantSignInSettings& settings) {
    requireScope(by, {TokenScope::admin, TokenScope::operator_});
    auto tx = store_.beginWrite();
    // Turning MFA off weakens every account, the top role's too.
    if (!RoleLimits::load(*tx, by).unrestricted()) {
        throw Error(ErrorCode::forbidden,
                    "only the tenant's top role (or an automation token) may change the sign-in "
                    "settings",
                    "mfaRequired");
    }
    const TenantSignInSettings before = tx->signIn().settings(by.tenantId);
    tx->signIn().saveSettings(by.tenantId, settings);
    AuditEvent event;
    event.tenantId = by.tenantId;
    event.actor = by.actor;
    event.action = "tenant.sign_in_settings";
    event.targetType = "tenant";
    event.targetId = by.tenantId;
    event.targetDisplay = by.tenantName;
    event.before = Snapshot{{"mfaRequired", before.mfaRequired ? "true" : "false"}};
    event.after = Snapshot{{"mfaRequired", settings.mfaRequired ? "true" : "false"}};
    tx->audit().record(event);
    tx->commit();
    return settings;
}

}  // namespace muster::auth
