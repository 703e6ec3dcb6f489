#pragma once

// What sign-in (SPEC A-1 ... A-5, U-4, L-2) keeps in the store, and the
// repository a Transaction hands out for it (Transaction::signIn()).
// Every secret arrives here already hashed or encrypted by auth/: the store
// never sees a password, a session id, a recovery code or a TOTP seed in
// the clear.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "muster/core/audit.hpp"
#include "muster/core/model.hpp"

namespace muster {

// A user's password: the encoded hash carries algorithm, parameters and salt
// ("$pbkdf2-sha256$i=600000$<salt>$<hash>"), so parameters can be raised
// later and old hashes still verify.
struct PasswordCredential {
    Id tenantId = 0;
    Id userId = 0;
    std::string passwordHash;
    bool mustChange = false;  // a temporary password: change it at the next sign-in
    Timestamp changedAt = 0;
};

// What a session may do before it is a full session.
enum class SessionRestriction {
    none,
    password_change,  // signed in with a temporary password
    mfa_enrolment,    // the tenant requires MFA and the user has none yet
};
inline std::string_view toString(SessionRestriction restriction) {
    switch (restriction) {
        case SessionRestriction::password_change:
            return "password_change";
        case SessionRestriction::mfa_enrolment:
            return "mfa_enrolment";
        case SessionRestriction::none:
            break;
    }
    return "";
}
inline SessionRestriction parseSessionRestriction(std::string_view text) {
    if (text == "password_change") return SessionRestriction::password_change;
    if (text == "mfa_enrolment") return SessionRestriction::mfa_enrolment;
    return SessionRestriction::none;
}

struct SignInSession {
    Id id = 0;
    Id tenantId = 0;
    Id userId = 0;
    std::string secretHash;  // SHA-256 of the session secret
    SessionRestriction restriction = SessionRestriction::none;
    bool mfaVerified = false;
    std::int64_t authzVersion = 1;  // the user's authz version the scopes were computed for
    std::string sourceAddress;
    std::string userAgent;
    Timestamp createdAt = 0;
    Timestamp lastSeenAt = 0;
    Timestamp expiresAt = 0;  // absolute timeout
};

// A browser that passed MFA and asked to be remembered: skips MFA until it
// expires or the user is forced out.
struct TrustedDevice {
    Id id = 0;
    Id tenantId = 0;
    Id userId = 0;
    std::string secretHash;
    std::string sourceAddress;
    std::string userAgent;
    Timestamp createdAt = 0;
    Timestamp expiresAt = 0;
    Timestamp lastUsedAt = 0;
};

struct TotpEnrolment {
    Id tenantId = 0;
    Id userId = 0;
    std::string encryptedSeed;  // AES-256-GCM, see auth/seed_cipher.hpp
    bool confirmed = false;
    std::int64_t lastUsedStep = 0;  // replay protection: a step is accepted once
    Timestamp createdAt = 0;
    std::optional<Timestamp> confirmedAt;
};

// Failed sign-ins counted per account name and per source address.
enum class ThrottleKind { account, address };
inline std::string_view toString(ThrottleKind kind) {
    return kind == ThrottleKind::account ? "account" : "address";
}

struct SignInThrottle {
    std::int64_t failures = 0;
    Timestamp lastFailureAt = 0;
    Timestamp lockedUntil = 0;
};

// Invitation links, password reset links and MFA challenges: random secrets
// stored hashed, expiring, usable once.
enum class TokenPurpose { invite, password_reset, mfa_challenge };
inline std::string_view toString(TokenPurpose purpose) {
    switch (purpose) {
        case TokenPurpose::invite:
            return "invite";
        case TokenPurpose::password_reset:
            return "password_reset";
        case TokenPurpose::mfa_challenge:
            return "mfa_challenge";
    }
    return "";
}

struct SingleUseToken {
    Id id = 0;
    Id tenantId = 0;
    Id userId = 0;
    TokenPurpose purpose = TokenPurpose::invite;
    std::string tokenHash;
    Timestamp createdAt = 0;
    Timestamp expiresAt = 0;
    std::optional<Timestamp> usedAt;
};

enum class MailStatus { pending, sent, failed };
inline std::string_view toString(MailStatus status) {
    switch (status) {
        case MailStatus::pending:
            return "pending";
        case MailStatus::sent:
            return "sent";
        case MailStatus::failed:
            return "failed";
    }
    return "";
}
inline MailStatus parseMailStatus(std::string_view text) {
    if (text == "sent") return MailStatus::sent;
    if (text == "failed") return MailStatus::failed;
    return MailStatus::pending;
}

// A message written in the transaction of the change that causes it and
// delivered later by the mail worker.
struct OutboxMail {
    Id id = 0;
    Id tenantId = 0;
    std::string recipient;
    std::string subject;
    std::string body;  // erased once delivered or given up: it may carry a link
    MailStatus status = MailStatus::pending;
    int attempts = 0;
    std::string lastError;
    Timestamp createdAt = 0;
    Timestamp nextAttemptAt = 0;
    std::optional<Timestamp> sentAt;
};

struct TenantSignInSettings {
    bool mfaRequired = false;
};

class SignInRepository {
  public:
    virtual ~SignInRepository() = default;

    // --- passwords ---
    virtual std::optional<PasswordCredential> findCredential(Id tenantId, Id userId) = 0;
    // Inserts or replaces the user's credential.
    virtual void saveCredential(const PasswordCredential& credential) = 0;

    // --- sessions ---
    virtual SignInSession createSession(const SignInSession& session) = 0;  // id assigned
    // The one lookup without a tenant: the secret tells the tenant.
    virtual std::optional<SignInSession> findSessionBySecretHash(const std::string& hash) = 0;
    virtual void touchSession(Id sessionId, Timestamp lastSeenAt, std::int64_t authzVersion) = 0;
    virtual void setSessionRestriction(Id sessionId, SessionRestriction restriction) = 0;
    // False when there was no such session of the user.
    virtual bool deleteSession(Id tenantId, Id userId, Id sessionId) = 0;
    // Returns how many were deleted.
    virtual std::int64_t deleteSessionsOf(Id tenantId, Id userId) = 0;
    // Newest first.
    virtual std::vector<SignInSession> sessionsOf(Id tenantId, Id userId) = 0;
    // Sessions idle since before idleBefore or past their absolute expiry.
    virtual std::int64_t deleteStaleSessions(Timestamp idleBefore, Timestamp now) = 0;

    // --- trusted devices ---
    virtual TrustedDevice createTrustedDevice(const TrustedDevice& device) = 0;
    virtual std::optional<TrustedDevice> findTrustedDevice(Id tenantId, Id userId,
                                                           const std::string& hash) = 0;
    virtual void touchTrustedDevice(Id id, Timestamp when) = 0;
    virtual std::int64_t deleteTrustedDevicesOf(Id tenantId, Id userId) = 0;
    virtual std::int64_t countTrustedDevices(Id tenantId, Id userId, Timestamp now) = 0;

    // --- TOTP and recovery codes ---
    virtual std::optional<TotpEnrolment> findTotp(Id tenantId, Id userId) = 0;
    virtual void saveTotp(const TotpEnrolment& enrolment) = 0;  // insert or replace
    // Removes the enrolment and its recovery codes.
    virtual void deleteTotp(Id tenantId, Id userId) = 0;
    // Records `step` as used when it is later than the last used one, in one
    // statement so two requests with the same code cannot both succeed.
    virtual bool advanceTotpStep(Id tenantId, Id userId, std::int64_t step) = 0;
    virtual void replaceRecoveryCodes(Id tenantId, Id userId,
                                      const std::vector<std::string>& codeHashes) = 0;
    // Marks an unused code as used; false when it is unknown or used.
    virtual bool useRecoveryCode(Id tenantId, Id userId, const std::string& codeHash,
                                 Timestamp when) = 0;
    virtual std::int64_t countUnusedRecoveryCodes(Id tenantId, Id userId) = 0;

    // --- throttling ---
    virtual std::optional<SignInThrottle> findThrottle(Id tenantId, ThrottleKind kind,
                                                       const std::string& key) = 0;
    virtual void saveThrottle(Id tenantId, ThrottleKind kind, const std::string& key,
                              const SignInThrottle& throttle) = 0;
    virtual void clearThrottle(Id tenantId, ThrottleKind kind, const std::string& key) = 0;

    // --- single-use tokens ---
    virtual SingleUseToken createToken(const SingleUseToken& token) = 0;
    // Marks the token used and returns it, when it exists with this purpose,
    // is unused and unexpired; atomic, so a token works once.
    virtual std::optional<SingleUseToken> consumeToken(TokenPurpose purpose,
                                                       const std::string& hash, Timestamp now) = 0;
    // Every unused token of the user with this purpose stops working.
    virtual std::int64_t invalidateTokens(Id tenantId, Id userId, TokenPurpose purpose,
                                          Timestamp now) = 0;

    // --- mail outbox ---
    virtual Id enqueueMail(const OutboxMail& mail) = 0;
    // Pending mail due at `now`, oldest first, any tenant.
    virtual std::vector<OutboxMail> dueMail(Timestamp now, std::size_t limit) = 0;
    // Takes a due message for one attempt by moving its next attempt to
    // `leaseUntil`; false when another worker took it first.
    virtual bool claimMail(Id id, Timestamp seenNextAttemptAt, Timestamp leaseUntil) = 0;
    virtual void markMailSent(Id id, Timestamp when) = 0;
    // A failed attempt: retried at nextAttemptAt, or given up when giveUp.
    virtual void markMailFailed(Id id, int attempts, Timestamp nextAttemptAt,
                                const std::string& error, bool giveUp) = 0;
    virtual std::optional<OutboxMail> findMail(Id id) = 0;

    // --- users ---
    // Users of the tenant a sign-in name may mean: the userName, or a UPN,
    // e-mail or employee id identifier (case-insensitive).
    virtual std::vector<Id> usersWithSignInName(Id tenantId, const std::string& name) = 0;
    // Narrow writes that do not touch the rest of the user (no version bump
    // for a sign-in; the MFA status is part of the resource, so it bumps).
    virtual void recordLastLogin(Id tenantId, Id userId, Timestamp when) = 0;
    virtual void setMfaStatus(Id tenantId, Id userId, MfaStatus status) = 0;

    // --- activity (L-2) ---
    // Audit events about one user, newest first, ids below beforeId.
    virtual std::vector<AuditEvent> userActivity(Id tenantId, Id userId, std::optional<Id> beforeId,
                                                 std::size_t limit) = 0;

    // --- per-tenant settings ---
    virtual TenantSignInSettings settings(Id tenantId) = 0;
    virtual void saveSettings(Id tenantId, const TenantSignInSettings& settings) = 0;
};

}  // namespace muster
