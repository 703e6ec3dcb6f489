// Sign-in itself: password check with throttling, MFA challenge and answer,
// trusted devices, session resolution and logout.

#include <algorithm>
#include <cctype>

#include "muster/auth/secrets.hpp"
#include "muster/auth/sign_in.hpp"
#include "sign_in_audit.hpp"
#include "throttle_key.hpp"

namespace muster::auth {

namespace {

constexpr std::string_view mfaChallengePrefix = "mfc_";
// Longer identifiers and passwords are not sign-in attempts worth hashing.
constexpr std::size_t maxIdentifierLength = 320;
constexpr std::size_t maxSecretLength = 512;

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::int64_t millis(std::chrono::seconds duration) { return duration.count() * 1000; }

[[noreturn]] void failGenerically() { throw Error(ErrorCode::unauthorized, genericSignInFailure); }

bool maySignIn(const User& user) { return user.status == UserStatus::active && !user.banned; }

// Why a user with the right password still may not sign in; for the audit log.
std::string refusalReason(const User& user) {
    if (user.banned) return "banned";
    if (user.status == UserStatus::invited) return "invited";
    if (user.status == UserStatus::deactivated) return "deactivated";
    return "";
}

// The admin API for a session: roles ranked at least as the tenant's admin
// role (or, without such a role, its top rank).
bool holdsAdminRank(Transaction& tx, const User& user, const std::string& adminRole) {
    const std::vector<Role> catalogue = tx.roles().list(user.tenantId);
    if (catalogue.empty()) return false;
    int threshold = 0;
    bool found = false;
    for (const Role& role : catalogue) threshold = std::max(threshold, role.rank);
    for (const Role& role : catalogue) {
        if (lowerCase(role.name) == lowerCase(adminRole)) {
            threshold = role.rank;
            found = true;
        }
    }
    (void)found;
    for (const std::string& name : user.roles) {
        for (const Role& role : catalogue) {
            if (lowerCase(role.name) == lowerCase(name) && role.rank >= threshold) return true;
        }
    }
    return false;
}

}  // namespace

struct SignInService::Candidate {
    std::optional<Tenant> tenant;
    std::optional<User> user;
    std::optional<PasswordCredential> credential;
    std::string accountKey;  // lower-cased identifier, the per-account throttle key
};

SignInService::SignInService(Store& store, SignInOptions options)
    : store_(store),
      options_(std::move(options)),
      credentials_(options_.hash, options_.passwordPolicy) {}

void SignInService::mailQueued() {
    if (mailQueued_) mailQueued_();
}

const SeedCipher& SignInService::cipher() const {
    if (!options_.seedCipher) {
        throw Error(ErrorCode::unavailable,
                    "two-factor authentication is not available: no TOTP encryption key is "
                    "configured (auth.totp.key_file or MUSTER_TOTP_KEY)");
    }
    return *options_.seedCipher;
}

std::string SignInService::seedAssociatedData(Id tenantId, Id userId) const {
    return "muster-totp:" + std::to_string(tenantId) + ":" + std::to_string(userId);
}

SignInService::Candidate SignInService::findCandidate(Transaction& tx,
                                                      const LoginAttempt& attempt) {
    Candidate candidate;
    candidate.accountKey = lowerCase(attempt.identifier);
    candidate.tenant =
        tx.tenants().findByName(attempt.tenant.empty() ? options_.defaultTenant : attempt.tenant);
    if (!candidate.tenant) return candidate;
    // A name two users could mean signs in neither of them.
    const std::vector<Id> ids =
        tx.signIn().usersWithSignInName(candidate.tenant->id, attempt.identifier);
    if (ids.size() != 1) return candidate;
    candidate.user = tx.users().findById(candidate.tenant->id, ids.front());
    if (candidate.user) {
        // One counter per account, whichever of its names was typed: rotating
        // userName, email, UPN and employee id must not multiply the guesses.
        candidate.accountKey = accountKeyOf(*candidate.user);
        candidate.credential = tx.signIn().findCredential(candidate.tenant->id, ids.front());
    }
    return candidate;
}

void SignInService::checkNotLockedOut(Transaction& tx, Id tenantId, const std::string& accountKey,
                                      const ClientInfo& client) {
    const Timestamp now = nowMillis();
    Timestamp lockedUntil = 0;
    if (auto account = tx.signIn().findThrottle(tenantId, ThrottleKind::account, accountKey)) {
        lockedUntil = std::max(lockedUntil, account->lockedUntil);
    }
    if (auto address = tx.signIn().findThrottle(tenantId, ThrottleKind::address, client.address)) {
        lockedUntil = std::max(lockedUntil, address->lockedUntil);
    }
    if (lockedUntil > now) throw SignInLockedOut((lockedUntil - now + 999) / 1000);
}

void SignInService::recordFailure(Id tenantId, const std::string& accountKey,
                                  const ClientInfo& client, const std::optional<User>& user,
                                  const std::string& identifier, const std::string& reason,
                                  const char* action) {
    const Timestamp now = nowMillis();
    auto tx = store_.beginWrite();
    SignInRepository& repo = tx->signIn();
    const SignInThrottle account =
        afterFailure(options_.accountThrottle,
                     repo.findThrottle(tenantId, ThrottleKind::account, accountKey), now);
    const SignInThrottle address =
        afterFailure(options_.addressThrottle,
                     repo.findThrottle(tenantId, ThrottleKind::address, client.address), now);
    repo.saveThrottle(tenantId, ThrottleKind::account, accountKey, account);
    repo.saveThrottle(tenantId, ThrottleKind::address, client.address, address);
    // Audit lives in a tenant; a sign-in to a tenant that does not exist is
    // throttled but has nowhere to be recorded.
    if (tenantId != 0) {
        Snapshot details{{"reason", reason}, {"failures", std::to_string(account.failures)}};
        if (account.lockedUntil > now)
            details["lockedUntil"] = formatTimestamp(account.lockedUntil);
        tx->audit().record(userEvent(tenantId, anonymousActor(client), action, user,
                                     identifier.substr(0, 200), details));
        if (account.lockedUntil > now &&
            account.failures == options_.accountThrottle.freeFailures + 1) {
            tx->audit().record(userEvent(tenantId, anonymousActor(client), "auth.lockout", user,
                                         identifier.substr(0, 200),
                                         {{"lockedUntil", formatTimestamp(account.lockedUntil)}}));
        }
    }
    tx->commit();
}

SessionRestriction SignInService::restrictionAfterPassword(Transaction& tx, const User& user,
                                                           bool mustChange) {
    if (mustChange) return SessionRestriction::password_change;
    if (user.mfaStatus != MfaStatus::enabled && tx.signIn().settings(user.tenantId).mfaRequired) {
        return SessionRestriction::mfa_enrolment;
    }
    return SessionRestriction::none;
}

IssuedSession SignInService::openSession(Transaction& tx, const User& user,
                                         SessionRestriction restriction, bool mfaVerified,
                                         const ClientInfo& client) {
    const Timestamp now = nowMillis();
    IssuedSession issued;
    issued.secret = std::string(sessionSecretPrefix) + randomToken(32);
    SignInSession session;
    session.tenantId = user.tenantId;
    session.userId = user.id;
    session.secretHash = sha256Hex(issued.secret);
    session.restriction = restriction;
    session.mfaVerified = mfaVerified;
    session.authzVersion = user.authzVersion;
    session.sourceAddress = client.address.substr(0, 100);
    session.userAgent = client.userAgent.substr(0, 300);
    session.createdAt = now;
    session.lastSeenAt = now;
    session.expiresAt = now + millis(options_.sessionAbsoluteTimeout);
    issued.session = tx.signIn().createSession(session);
    tx.signIn().recordLastLogin(user.tenantId, user.id, now);
    return issued;
}

LoginResult SignInService::login(const LoginAttempt& attempt) {
    if (attempt.identifier.empty() || attempt.identifier.size() > maxIdentifierLength ||
        attempt.password.size() > maxSecretLength) {
        failGenerically();
    }
    Candidate candidate;
    {
        auto tx = store_.beginRead();
        candidate = findCandidate(*tx, attempt);
        const Id tenantId = candidate.tenant ? candidate.tenant->id : 0;
        checkNotLockedOut(*tx, tenantId, candidate.accountKey, attempt.client);
    }
    const Id tenantId = candidate.tenant ? candidate.tenant->id : 0;
    // The slow hash runs whether or not the user exists: timing tells nothing.
    bool passwordMatches = false;
    if (candidate.credential) {
        passwordMatches = credentials_.verify(attempt.password, *candidate.credential);
    } else {
        credentials_.spendVerificationTime(attempt.password);
    }
    if (!passwordMatches) {
        const std::string reason = !candidate.tenant       ? "unknown_tenant"
                                   : !candidate.user       ? "unknown_user"
                                   : !candidate.credential ? "no_password"
                                                           : "wrong_password";
        recordFailure(tenantId, candidate.accountKey, attempt.client, candidate.user,
                      attempt.identifier, reason, "auth.login.failed");
        failGenerically();
    }
    const User& user = *candidate.user;
    if (!maySignIn(user)) {
        // The right password for an account that may not sign in: refused
        // with the same message, the reason only in the audit log.
        auto tx = store_.beginWrite();
        tx->audit().record(userEvent(tenantId, anonymousActor(attempt.client), "auth.login.refused",
                                     user, "", {{"reason", refusalReason(user)}}));
        tx->commit();
        failGenerically();
    }

    auto tx = store_.beginWrite();
    SignInRepository& repo = tx->signIn();
    // Raised hash parameters reach existing passwords at their next sign-in.
    if (credentials_.needsRehash(*candidate.credential)) {
        PasswordCredential rehashed = *candidate.credential;
        rehashed.passwordHash = credentials_.hash(attempt.password);
        repo.saveCredential(rehashed);
    }
    const Actor actor = userActor(user, attempt.client);
    LoginResult result;
    std::optional<TotpEnrolment> totp = repo.findTotp(tenantId, user.id);
    if (totp && totp->confirmed) {
        bool trusted = false;
        if (!attempt.trustedDeviceSecret.empty() &&
            attempt.trustedDeviceSecret.size() <= maxSecretLength) {
            const std::string hash = sha256Hex(attempt.trustedDeviceSecret);
            std::optional<TrustedDevice> device = repo.findTrustedDevice(tenantId, user.id, hash);
            if (device && device->expiresAt > nowMillis() &&
                constantTimeEquals(device->secretHash, hash)) {
                repo.touchTrustedDevice(device->id, nowMillis());
                trusted = true;
            }
        }
        if (!trusted) {
            result.mfaChallenge =
                std::string(mfaChallengePrefix) +
                issueToken(*tx, user, TokenPurpose::mfa_challenge, options_.mfaChallengeLifetime);
            tx->audit().record(
                userEvent(tenantId, actor, "auth.login.password", user, "", {{"next", "mfa"}}));
            tx->commit();
            return result;
        }
        // The failure count clears only when a session opens: a right password
        // followed by wrong codes keeps counting (SPEC A-5).
        repo.clearThrottle(tenantId, ThrottleKind::account, candidate.accountKey);
        const SessionRestriction restriction =
            restrictionAfterPassword(*tx, user, candidate.credential->mustChange);
        result.session = openSession(*tx, user, restriction, true, attempt.client);
        tx->audit().record(userEvent(
            tenantId, actor, "auth.login", user, "",
            {{"mfa", "trusted_device"}, {"session", std::to_string(result.session->session.id)}}));
        tx->commit();
        return result;
    }
    repo.clearThrottle(tenantId, ThrottleKind::account, candidate.accountKey);
    const SessionRestriction restriction =
        restrictionAfterPassword(*tx, user, candidate.credential->mustChange);
    result.session = openSession(*tx, user, restriction, false, attempt.client);
    Snapshot details{{"mfa", "none"}, {"session", std::to_string(result.session->session.id)}};
    if (restriction != SessionRestriction::none) details["restriction"] = toString(restriction);
    tx->audit().record(userEvent(tenantId, actor, "auth.login", user, "", details));
    tx->commit();
    return result;
}

std::optional<std::int64_t> SignInService::verifyTotp(Transaction& tx, const User& user,
                                                      const std::string& code) {
    std::optional<TotpEnrolment> totp = tx.signIn().findTotp(user.tenantId, user.id);
    if (!totp) return std::nullopt;
    std::optional<std::string> seed =
        cipher().decrypt(totp->encryptedSeed, seedAssociatedData(user.tenantId, user.id));
    if (!seed) throw Error(ErrorCode::internal, "the stored TOTP seed does not decrypt");
    const std::int64_t unixSeconds = nowMillis() / 1000;
    std::optional<std::int64_t> step = matchTotp(*seed, code, unixSeconds, options_.totp);
    // A code whose step was used already (or an older one) is a replay.
    if (!step || *step <= totp->lastUsedStep) return std::nullopt;
    return step;
}

IssuedSession SignInService::answerMfa(const MfaAnswer& answer) {
    if (answer.challenge.rfind(mfaChallengePrefix, 0) != 0 ||
        answer.challenge.size() > maxSecretLength || answer.code.size() > 32 ||
        answer.recoveryCode.size() > 64) {
        failGenerically();
    }
    const std::string hash = sha256Hex(answer.challenge.substr(mfaChallengePrefix.size()));
    auto tx = store_.beginWrite();
    SignInRepository& repo = tx->signIn();
    // The challenge is spent by this attempt whatever its outcome: a wrong
    // code means signing in again, which bounds guessing by the password
    // throttle.
    std::optional<SingleUseToken> challenge =
        repo.consumeToken(TokenPurpose::mfa_challenge, hash, nowMillis());
    if (!challenge) failGenerically();
    std::optional<User> user = tx->users().findById(challenge->tenantId, challenge->userId);
    std::optional<PasswordCredential> credential =
        repo.findCredential(challenge->tenantId, challenge->userId);
    if (!user || !credential || !maySignIn(*user)) {
        tx->commit();
        failGenerically();
    }
    // A locked account answers no codes: the lockout bounds code guessing.
    try {
        checkNotLockedOut(*tx, user->tenantId, accountKeyOf(*user), answer.client);
    } catch (const SignInLockedOut&) {
        tx->commit();  // the challenge stays spent
        throw;
    }
    const Actor actor = userActor(*user, answer.client);
    std::string method;
    if (!answer.code.empty()) {
        std::optional<std::int64_t> step = verifyTotp(*tx, *user, answer.code);
        if (step && repo.advanceTotpStep(user->tenantId, user->id, *step)) method = "totp";
    } else if (!answer.recoveryCode.empty()) {
        const std::string codeHash = sha256Hex(normalizeRecoveryCode(answer.recoveryCode));
        if (repo.useRecoveryCode(user->tenantId, user->id, codeHash, nowMillis())) {
            method = "recovery_code";
        }
    }
    if (method.empty()) {
        tx->commit();  // the challenge stays spent
        tx.reset();
        recordFailure(user->tenantId, accountKeyOf(*user), answer.client, user, user->userName,
                      answer.code.empty() ? "wrong_recovery_code" : "wrong_code",
                      "auth.mfa.failed");
        failGenerically();
    }
    Snapshot verified{{"method", method}};
    if (method == "recovery_code") {
        verified["recoveryCodesLeft"] =
            std::to_string(repo.countUnusedRecoveryCodes(user->tenantId, user->id));
    }
    repo.clearThrottle(user->tenantId, ThrottleKind::account, accountKeyOf(*user));
    tx->audit().record(userEvent(user->tenantId, actor, "auth.mfa.verify", *user, "", verified));
    const SessionRestriction restriction =
        restrictionAfterPassword(*tx, *user, credential->mustChange);
    IssuedSession issued = openSession(*tx, *user, restriction, true, answer.client);
    if (answer.trustDevice) {
        const Timestamp now = nowMillis();
        TrustedDevice device;
        device.tenantId = user->tenantId;
        device.userId = user->id;
        const std::string secret = std::string(trustedDeviceSecretPrefix) + randomToken(32);
        device.secretHash = sha256Hex(secret);
        device.sourceAddress = answer.client.address.substr(0, 100);
        device.userAgent = answer.client.userAgent.substr(0, 300);
        device.createdAt = now;
        device.lastUsedAt = now;
        device.expiresAt = now + millis(options_.trustedDeviceLifetime);
        device = repo.createTrustedDevice(device);
        issued.trustedDeviceSecret = secret;
        issued.trustedDeviceExpiresAt = device.expiresAt;
        tx->audit().record(userEvent(user->tenantId, actor, "auth.device.trust", *user, "",
                                     {{"device", std::to_string(device.id)},
                                      {"expiresAt", formatTimestamp(device.expiresAt)}}));
    }
    tx->audit().record(
        userEvent(user->tenantId, actor, "auth.login", *user, "",
                  {{"mfa", method}, {"session", std::to_string(issued.session.id)}}));
    repo.clearThrottle(user->tenantId, ThrottleKind::account, lowerCase(user->userName));
    tx->commit();
    return issued;
}

void SignInService::logout(const std::string& sessionSecret) {
    std::optional<ResolvedSession> who = resolve(sessionSecret);
    if (!who) return;
    auto tx = store_.beginWrite();
    tx->signIn().deleteSession(who->session.tenantId, who->session.userId, who->session.id);
    std::optional<User> user = tx->users().findById(who->session.tenantId, who->session.userId);
    tx->audit().record(userEvent(who->session.tenantId, who->principal.actor, "auth.logout", user,
                                 "", {{"session", std::to_string(who->session.id)}}));
    tx->commit();
}

std::optional<ResolvedSession> SignInService::resolve(const std::string& sessionSecret) {
    if (sessionSecret.rfind(sessionSecretPrefix, 0) != 0 ||
        sessionSecret.size() > maxSecretLength) {
        return std::nullopt;
    }
    const std::string hash = sha256Hex(sessionSecret);
    const Timestamp now = nowMillis();
    ResolvedSession resolved;
    bool stale = false;
    bool touch = false;
    {
        auto tx = store_.beginRead();
        std::optional<SignInSession> session = tx->signIn().findSessionBySecretHash(hash);
        if (!session || !constantTimeEquals(session->secretHash, hash)) return std::nullopt;
        resolved.session = *session;
        stale = now >= session->expiresAt ||
                now - session->lastSeenAt > millis(options_.sessionIdleTimeout);
        if (!stale) {
            std::optional<User> user = tx->users().findById(session->tenantId, session->userId);
            std::optional<Tenant> tenant = tx->tenants().findById(session->tenantId);
            // Deactivated, banned or deleted users lose their sessions at once.
            if (!user || !tenant || !maySignIn(*user)) return std::nullopt;
            Principal& principal = resolved.principal;
            principal.tenantId = tenant->id;
            principal.tenantName = tenant->name;
            principal.userId = user->id;
            principal.actor = userActor(*user, {});
            if (session->restriction == SessionRestriction::none &&
                holdsAdminRank(*tx, *user, options_.adminRole)) {
                principal.scopes = {TokenScope::admin};
            }
            // The idle timer moves in coarse steps: not one write per request.
            const std::int64_t resolution =
                std::min<std::int64_t>(60'000, millis(options_.sessionIdleTimeout) / 4);
            touch = now - session->lastSeenAt >= resolution ||
                    session->authzVersion != user->authzVersion;
            resolved.session.authzVersion = user->authzVersion;
        }
    }
    if (stale) {
        auto tx = store_.beginWrite();
        tx->signIn().deleteSession(resolved.session.tenantId, resolved.session.userId,
                                   resolved.session.id);
        tx->commit();
        return std::nullopt;
    }
    if (touch) {
        auto tx = store_.beginWrite();
        tx->signIn().touchSession(resolved.session.id, now, resolved.session.authzVersion);
        tx->commit();
        resolved.session.lastSeenAt = now;
    }
    return resolved;
}

std::string SignInService::issueToken(Transaction& tx, const User& user, TokenPurpose purpose,
                                      std::chrono::seconds lifetime) {
    const std::string secret = randomToken(32);
    SingleUseToken token;
    token.tenantId = user.tenantId;
    token.userId = user.id;
    token.purpose = purpose;
    token.tokenHash = sha256Hex(secret);
    token.createdAt = nowMillis();
    token.expiresAt = token.createdAt + millis(lifetime);
    tx.signIn().createToken(token);
    return secret;
}

}  // namespace muster::auth
