// What a user does with their own sign-in (password change, TOTP enrolment,
// recovery codes) and the e-mailed flows: invitations and password resets
// (SPEC U-4, A-4), with their mail written to the outbox in the same
// transaction.

#include <algorithm>

#include "muster/auth/secrets.hpp"
#include "muster/auth/sign_in.hpp"
#include "muster/core/role_limits.hpp"
#include "sign_in_audit.hpp"
#include "throttle_key.hpp"

namespace muster::auth {

namespace {

constexpr int recoveryCodeCount = 10;
constexpr const char* invalidLink = "this link is not valid: it was used already or has expired";

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string hoursText(std::chrono::seconds lifetime) {
    return std::to_string(std::max<std::int64_t>(1, lifetime.count() / 3600));
}

std::vector<std::string> hashedCodes(const std::vector<std::string>& codes) {
    std::vector<std::string> hashes;
    for (const std::string& code : codes) hashes.push_back(sha256Hex(normalizeRecoveryCode(code)));
    return hashes;
}

User requireUser(Transaction& tx, Id tenantId, Id userId) {
    std::optional<User> user = tx.users().findById(tenantId, userId);
    if (!user) throw Error(ErrorCode::not_found, "no user with id " + std::to_string(userId));
    return *user;
}

}  // namespace

namespace {

constexpr Timestamp resetRequestCooldownMillis = 60'000;

ClientInfo clientOf(const ResolvedSession& who) {
    return {who.principal.actor.sourceAddress, who.principal.actor.userAgent};
}

}  // namespace

User SignInService::currentUser(const ResolvedSession& who) {
    auto tx = store_.beginRead();
    return requireUser(*tx, who.session.tenantId, who.session.userId);
}

void SignInService::changePassword(const ResolvedSession& who, const std::string& currentPassword,
                                   const std::string& newPassword) {
    std::optional<PasswordCredential> credential;
    User user;
    {
        auto tx = store_.beginRead();
        user = requireUser(*tx, who.session.tenantId, who.session.userId);
        credential = tx->signIn().findCredential(user.tenantId, user.id);
        // A stolen session must not guess the current password at hash speed.
        checkNotLockedOut(*tx, user.tenantId, accountKeyOf(user), clientOf(who));
    }
    const ClientInfo client = clientOf(who);
    if (!credential || currentPassword.size() > 1024 ||
        !credentials_.verify(currentPassword, *credential)) {
        recordFailure(user.tenantId, accountKeyOf(user), client, user, user.userName,
                      "wrong_current_password", "auth.password.change_failed");
        throw Error(ErrorCode::forbidden, "the current password is wrong", "currentPassword");
    }
    if (currentPassword == newPassword) {
        throw Error(ErrorCode::invalid_input, "the new password must differ from the current one",
                    "password");
    }
    auto tx = store_.beginWrite();
    credentials_.setPassword(*tx, user, newPassword, false);
    // Whoever else holds a session of this account loses it.
    for (const SignInSession& session : tx->signIn().sessionsOf(user.tenantId, user.id)) {
        if (session.id != who.session.id) {
            tx->signIn().deleteSession(user.tenantId, user.id, session.id);
        }
    }
    if (who.session.restriction == SessionRestriction::password_change) {
        tx->signIn().setSessionRestriction(who.session.id,
                                           restrictionAfterPassword(*tx, user, false));
    }
    tx->audit().record(
        userEvent(user.tenantId, who.principal.actor, "auth.password.change", user, "", {}));
    tx->commit();
}

TotpSetup SignInService::beginTotpEnrolment(const ResolvedSession& who) {
    const SeedCipher& seedCipher = cipher();
    auto tx = store_.beginWrite();
    const User user = requireUser(*tx, who.session.tenantId, who.session.userId);
    std::optional<TotpEnrolment> existing = tx->signIn().findTotp(user.tenantId, user.id);
    if (existing && existing->confirmed) {
        throw Error(ErrorCode::conflict,
                    "two-factor authentication is already enabled; an admin can reset it");
    }
    const std::string seed = randomBytes(totpSecretBytes);
    TotpEnrolment enrolment;
    enrolment.tenantId = user.tenantId;
    enrolment.userId = user.id;
    enrolment.encryptedSeed = seedCipher.encrypt(seed, seedAssociatedData(user.tenantId, user.id));
    enrolment.createdAt = nowMillis();
    tx->signIn().saveTotp(enrolment);
    tx->commit();
    TotpSetup setup;
    setup.secret = base32Encode(seed);
    setup.otpauthUri = otpauthUri(options_.totpIssuer, user.userName, setup.secret, options_.totp);
    return setup;
}

std::vector<std::string> SignInService::confirmTotpEnrolment(const ResolvedSession& who,
                                                             const std::string& code) {
    const SeedCipher& seedCipher = cipher();
    auto tx = store_.beginWrite();
    const User user = requireUser(*tx, who.session.tenantId, who.session.userId);
    std::optional<TotpEnrolment> enrolment = tx->signIn().findTotp(user.tenantId, user.id);
    if (!enrolment) {
        throw Error(ErrorCode::conflict, "start the enrolment first (POST /auth/v1/mfa/totp)");
    }
    if (enrolment->confirmed) {
        throw Error(ErrorCode::conflict, "two-factor authentication is already enabled");
    }
    std::optional<std::string> seed =
        seedCipher.decrypt(enrolment->encryptedSeed, seedAssociatedData(user.tenantId, user.id));
    if (!seed) throw Error(ErrorCode::internal, "the stored TOTP seed does not decrypt");
    std::optional<std::int64_t> step = matchTotp(*seed, code, nowMillis() / 1000, options_.totp);
    if (!step) throw Error(ErrorCode::invalid_input, "the code is not valid", "code");
    enrolment->confirmed = true;
    enrolment->lastUsedStep = *step;
    enrolment->confirmedAt = nowMillis();
    tx->signIn().saveTotp(*enrolment);
    std::vector<std::string> codes = generateRecoveryCodes(recoveryCodeCount);
    tx->signIn().replaceRecoveryCodes(user.tenantId, user.id, hashedCodes(codes));
    tx->signIn().setMfaStatus(user.tenantId, user.id, MfaStatus::enabled);
    if (who.session.restriction == SessionRestriction::mfa_enrolment) {
        tx->signIn().setSessionRestriction(who.session.id, SessionRestriction::none);
    }
    tx->audit().record(userEvent(user.tenantId, who.principal.actor, "auth.mfa.enrol", user, "",
                                 {{"method", "totp"}}));
    tx->commit();
    return codes;
}

std::vector<std::string> SignInService::regenerateRecoveryCodes(const ResolvedSession& who,
                                                                const std::string& code) {
    auto tx = store_.beginWrite();
    const User user = requireUser(*tx, who.session.tenantId, who.session.userId);
    checkNotLockedOut(*tx, user.tenantId, accountKeyOf(user), clientOf(who));
    std::optional<std::int64_t> step = verifyTotp(*tx, user, code);
    if (!step || !tx->signIn().advanceTotpStep(user.tenantId, user.id, *step)) {
        tx.reset();
        recordFailure(user.tenantId, accountKeyOf(user), clientOf(who), user, user.userName,
                      "wrong_code", "auth.mfa.failed");
        throw Error(ErrorCode::invalid_input, "the code is not valid", "code");
    }
    std::vector<std::string> codes = generateRecoveryCodes(recoveryCodeCount);
    tx->signIn().replaceRecoveryCodes(user.tenantId, user.id, hashedCodes(codes));
    tx->audit().record(
        userEvent(user.tenantId, who.principal.actor, "auth.mfa.recovery_codes", user, "", {}));
    tx->commit();
    return codes;
}

void SignInService::queueMail(Transaction& tx, const User& user, const MailTemplate& mail,
                              const std::string& link, std::chrono::seconds lifetime,
                              const std::string& tenantName) {
    const std::vector<std::pair<std::string, std::string>> values = {
        {"link", link},
        {"userName", user.userName},
        {"displayName", userDisplay(user)},
        {"tenant", tenantName},
        {"expiresHours", hoursText(lifetime)},
    };
    OutboxMail message;
    message.tenantId = user.tenantId;
    message.recipient = mailAddressOf(user);
    message.subject = renderTemplate(mail.subject, values);
    message.body = renderTemplate(mail.body, values);
    tx.signIn().enqueueMail(message);
}

void SignInService::invite(const Principal& by, Id userId, bool resend) {
    auto tx = store_.beginWrite();
    const User user = loadManaged(*tx, by, userId, true);
    if (user.status != UserStatus::invited) {
        throw Error(ErrorCode::conflict,
                    "only a user in status invited can be invited; send a password reset instead",
                    "status");
    }
    if (mailAddressOf(user).empty()) {
        throw Error(ErrorCode::invalid_input, "the user has no e-mail address to invite", "emails");
    }
    const std::int64_t replaced =
        tx->signIn().invalidateTokens(user.tenantId, user.id, TokenPurpose::invite, nowMillis());
    const std::string token = issueToken(*tx, user, TokenPurpose::invite, options_.inviteLifetime);
    const std::optional<Tenant> tenant = tx->tenants().findById(user.tenantId);
    queueMail(*tx, user, options_.inviteMail, options_.publicUrl + "/invite?token=" + token,
              options_.inviteLifetime, tenant ? tenant->name : "");
    tx->audit().record(userEvent(
        user.tenantId, by.actor, resend ? "user.invite.resend" : "user.invite", user, "",
        {{"to", mailAddressOf(user)}, {"previousLinksRevoked", std::to_string(replaced)}}));
    tx->commit();
    mailQueued();
}

IssuedSession SignInService::acceptInvitation(const std::string& token, const std::string& password,
                                              const ClientInfo& client) {
    if (token.empty() || token.size() > 512)
        throw Error(ErrorCode::invalid_input, invalidLink, "token");
    auto tx = store_.beginWrite();
    std::optional<SingleUseToken> used =
        tx->signIn().consumeToken(TokenPurpose::invite, sha256Hex(token), nowMillis());
    if (!used) throw Error(ErrorCode::invalid_input, invalidLink, "token");
    User user = requireUser(*tx, used->tenantId, used->userId);
    // Only while the user is still invited: once active (an admin activated it
    // or handed over a temporary password), an old link must not set a password.
    if (user.banned || user.status != UserStatus::invited) {
        throw Error(ErrorCode::invalid_input, invalidLink, "token");
    }
    // A password the policy refuses rolls everything back, the link included.
    credentials_.setPassword(*tx, user, password, false);
    const Actor actor = userActor(user, client);
    if (user.status == UserStatus::invited) {
        const Snapshot before = snapshotOf(user);
        user.status = UserStatus::active;
        user = tx->users().update(user);
        AuditEvent event = userEvent(user.tenantId, actor, "user.invitation.accept", user, "", {});
        event.before = before;
        event.after = snapshotOf(user);
        tx->audit().record(event);
    }
    const SessionRestriction restriction = restrictionAfterPassword(*tx, user, false);
    IssuedSession issued = openSession(*tx, user, restriction, false, client);
    Snapshot details{{"mfa", "none"}, {"session", std::to_string(issued.session.id)}};
    if (restriction != SessionRestriction::none) details["restriction"] = toString(restriction);
    tx->audit().record(userEvent(user.tenantId, actor, "auth.login", user, "", details));
    tx->commit();
    return issued;
}

void SignInService::sendPasswordReset(const Principal& by, Id userId) {
    auto tx = store_.beginWrite();
    const User user = loadManaged(*tx, by, userId, true);
    if (mailAddressOf(user).empty()) {
        throw Error(ErrorCode::invalid_input, "the user has no e-mail address to send a reset to",
                    "emails");
    }
    tx->signIn().invalidateTokens(user.tenantId, user.id, TokenPurpose::password_reset,
                                  nowMillis());
    const std::string token =
        issueToken(*tx, user, TokenPurpose::password_reset, options_.resetLifetime);
    const std::optional<Tenant> tenant = tx->tenants().findById(user.tenantId);
    queueMail(*tx, user, options_.resetMail, options_.publicUrl + "/reset-password?token=" + token,
              options_.resetLifetime, tenant ? tenant->name : "");
    tx->audit().record(userEvent(user.tenantId, by.actor, "auth.password.reset_sent", user, "",
                                 {{"to", mailAddressOf(user)}}));
    tx->commit();
    mailQueued();
}

void SignInService::requestPasswordReset(const std::string& tenantName,
                                         const std::string& identifier, const ClientInfo& client) {
    if (identifier.empty() || identifier.size() > 320) return;
    auto tx = store_.beginWrite();
    std::optional<Tenant> tenant =
        tx->tenants().findByName(tenantName.empty() ? options_.defaultTenant : tenantName);
    if (!tenant) return;
    const std::vector<Id> ids = tx->signIn().usersWithSignInName(tenant->id, identifier);
    if (ids.size() != 1) return;
    const User user = requireUser(*tx, tenant->id, ids.front());
    if (user.status != UserStatus::active || user.banned || mailAddressOf(user).empty()) return;
    // One mail per account per cooldown: the unauthenticated endpoint must not
    // mail-bomb a user or keep replacing their link (the answer stays 202).
    const std::string cooldownKey = "reset:" + std::to_string(user.id);
    const Timestamp now = nowMillis();
    if (auto last = tx->signIn().findThrottle(user.tenantId, ThrottleKind::account, cooldownKey);
        last && last->lockedUntil > now) {
        return;
    }
    tx->signIn().saveThrottle(user.tenantId, ThrottleKind::account, cooldownKey,
                              {0, now, now + resetRequestCooldownMillis});
    // A new request replaces the previous link.
    tx->signIn().invalidateTokens(user.tenantId, user.id, TokenPurpose::password_reset,
                                  nowMillis());
    const std::string token =
        issueToken(*tx, user, TokenPurpose::password_reset, options_.resetLifetime);
    queueMail(*tx, user, options_.resetMail, options_.publicUrl + "/reset-password?token=" + token,
              options_.resetLifetime, tenant->name);
    tx->audit().record(userEvent(user.tenantId, anonymousActor(client),
                                 "auth.password.reset_requested", user, "", {}));
    tx->commit();
    mailQueued();
}

void SignInService::resetPassword(const std::string& token, const std::string& password,
                                  const ClientInfo& client) {
    if (token.empty() || token.size() > 512)
        throw Error(ErrorCode::invalid_input, invalidLink, "token");
    auto tx = store_.beginWrite();
    std::optional<SingleUseToken> used =
        tx->signIn().consumeToken(TokenPurpose::password_reset, sha256Hex(token), nowMillis());
    if (!used) throw Error(ErrorCode::invalid_input, invalidLink, "token");
    const User user = requireUser(*tx, used->tenantId, used->userId);
    if (user.banned || user.status != UserStatus::active) {
        throw Error(ErrorCode::invalid_input, invalidLink, "token");
    }
    credentials_.setPassword(*tx, user, password, false);
    const std::int64_t revoked = Sessions::revokeAll(*tx, user.tenantId, user.id);
    tx->signIn().clearThrottle(user.tenantId, ThrottleKind::account, lowerCase(user.userName));
    tx->audit().record(userEvent(user.tenantId, userActor(user, client), "auth.password.reset",
                                 user, "", {{"sessionsRevoked", std::to_string(revoked)}}));
    tx->commit();
}

std::string SignInService::issueTemporaryPassword(const Principal& by, Id userId) {
    auto tx = store_.beginWrite();
    const User user = loadManaged(*tx, by, userId, true);
    const std::string password = Credentials::generateTemporaryPassword();
    credentials_.setPassword(*tx, user, password, true);
    tx->signIn().invalidateTokens(user.tenantId, user.id, TokenPurpose::password_reset,
                                  nowMillis());
    const std::int64_t revoked = Sessions::revokeAll(*tx, user.tenantId, user.id);
    tx->signIn().clearThrottle(user.tenantId, ThrottleKind::account, lowerCase(user.userName));
    tx->audit().record(userEvent(user.tenantId, by.actor, "auth.password.temporary", user, "",
                                 {{"sessionsRevoked", std::to_string(revoked)}}));
    tx->commit();
    return password;
}

}  // namespace muster::auth
