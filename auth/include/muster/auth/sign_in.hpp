#pragma once

// Sign-in for people (SPEC A-1 ... A-5, U-4, L-2): passwords, sessions, TOTP,
// trusted devices, throttling, invitations and resets, and the admin actions
// on a user's sign-in. Knows nothing of HTTP: the daemon turns requests into
// these calls and results into cookies and JSON.
//
// Every change is one store transaction with its audit event. Secrets are
// returned to the caller once and stored only hashed or encrypted.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "muster/auth/password_hash.hpp"
#include "muster/auth/password_policy.hpp"
#include "muster/auth/seed_cipher.hpp"
#include "muster/auth/totp.hpp"
#include "muster/core/error.hpp"
#include "muster/core/principal.hpp"
#include "muster/core/sign_in_store.hpp"
#include "muster/core/store.hpp"

namespace muster::auth {

// Failed sign-ins: the first `freeFailures` cost nothing; after that
// each failure locks for baseLockout doubled per further failure, up to
// maxLockout. Failures older than forgetAfter are forgotten.
struct ThrottlePolicy {
    int freeFailures = 5;
    std::chrono::seconds baseLockout{30};
    std::chrono::seconds maxLockout{900};
    std::chrono::seconds forgetAfter{3600};
};

// The throttle after one more failure at `now`.
SignInThrottle afterFailure(const ThrottlePolicy& policy,
                            const std::optional<SignInThrottle>& current, Timestamp now);

// A message template; {{link}}, {{userName}}, {{displayName}}, {{tenant}}
// and {{expiresHours}} are replaced.
struct MailTemplate {
    std::string subject;
    std::string body;
};
std::string renderTemplate(const std::string& text,
                           const std::vector<std::pair<std::string, std::string>>& values);

struct SignInOptions {
    HashParameters hash;
    PasswordPolicy passwordPolicy;
    std::chrono::seconds sessionIdleTimeout{std::chrono::minutes(30)};
    std::chrono::seconds sessionAbsoluteTimeout{std::chrono::hours(12)};
    std::chrono::seconds trustedDeviceLifetime{std::chrono::hours(24 * 30)};
    std::chrono::seconds inviteLifetime{std::chrono::hours(24 * 7)};
    std::chrono::seconds resetLifetime{std::chrono::hours(1)};
    std::chrono::seconds mfaChallengeLifetime{std::chrono::minutes(5)};
    ThrottlePolicy accountThrottle;
    ThrottlePolicy addressThrottle{20, std::chrono::seconds(30), std::chrono::seconds(900),
                                   std::chrono::seconds(3600)};
    TotpParameters totp;
    std::string totpIssuer = "Muster";
    // The key TOTP seeds are encrypted with; without one, MFA enrolment and
    // verification answer "unavailable".
    std::optional<SeedCipher> seedCipher;
    // Base of the links in e-mails: {publicUrl}/invite?token=...
    std::string publicUrl = "http://127.0.0.1:8080";
    std::string defaultTenant = "default";
    // A session gets the admin API when the user holds a role ranked at
    // least as high as this role of the tenant.
    std::string adminRole = "admin";
    MailTemplate inviteMail{
        "You are invited to {{tenant}}",
        "Hello {{displayName}},\n\nyou have been invited to {{tenant}}. Set your "
        "password (and enrol two-factor authentication) here:\n\n{{link}}\n\n"
        "The link works once and expires in {{expiresHours}} hours.\n"};
    MailTemplate resetMail{"Reset your {{tenant}} password",
                           "Hello {{displayName}},\n\nsomeone asked to reset the password of "
                           "{{userName}}. Choose a new one here:\n\n{{link}}\n\nThe link works "
                           "once and expires in {{expiresHours}} hours. If it was not you, ignore "
                           "this message.\n"};
};

struct ClientInfo {
    std::string address;
    std::string userAgent;
};

// A session handed to the client once.
struct IssuedSession {
    SignInSession session;
    std::string secret;
    std::optional<std::string> trustedDeviceSecret;  // when the device was just trusted
    Timestamp trustedDeviceExpiresAt = 0;
};

struct LoginAttempt {
    std::string tenant;  // empty: options.defaultTenant
    std::string identifier;
    std::string password;
    std::string trustedDeviceSecret;  // from the trusted-device cookie, if any
    ClientInfo client;
};

struct LoginResult {
    std::optional<IssuedSession> session;  // signed in (maybe restricted)
    std::string mfaChallenge;              // or: MFA needed, answer with this challenge
};

struct MfaAnswer {
    std::string challenge;
    std::string code;          // a TOTP code, or
    std::string recoveryCode;  // a recovery code
    bool trustDevice = false;
    ClientInfo client;
};

// Too many failures: sign-in refused until retryAfter passes (HTTP 429).
class SignInLockedOut : public Error {
  public:
    explicit SignInLockedOut(std::int64_t retryAfterSeconds)
        : Error(ErrorCode::too_many, "too many failed sign-ins; try again later"),
          retryAfterSeconds_(retryAfterSeconds) {}
    std::int64_t retryAfterSeconds() const { return retryAfterSeconds_; }

  private:
    std::int64_t retryAfterSeconds_;
};

// The one message for every failed sign-in, whatever the reason (no user
// enumeration); the reason goes to the audit log only.
inline constexpr const char* genericSignInFailure =
    "sign-in failed: the user name or password is wrong, or the account cannot sign in";

// A request's session, resolved from its secret.
struct ResolvedSession {
    Principal principal;  // userId set; actor "user:<id>"; admin scope by role rank
    SignInSession session;
};

struct TotpSetup {
    std::string secret;  // base32, for manual entry
    std::string otpauthUri;
};

// Passwords: hashing with the configured parameters and the policy. Exposed
// for other writers (the admin API's "create with a temporary password").
class Credentials {
  public:
    Credentials(HashParameters hash, PasswordPolicy policy);

    // Checks the policy against the user and stores the password hash.
    void setPassword(Transaction& tx, const User& user, std::string_view password,
                     bool mustChange) const;
    // An admin-chosen or generated temporary password: the user must change
    // it at the next sign-in. Throws Error(not_found) for an unknown user and
    // Error(invalid_input, "password") when the policy refuses it.
    void setTemporaryPassword(Transaction& tx, Id tenantId, Id userId,
                              std::string_view password) const;
    // 20 random characters from an alphabet without look-alikes.
    static std::string generateTemporaryPassword();

    bool verify(std::string_view password, const PasswordCredential& credential) const;
    // Spends the time of one verification, so an unknown user name answers
    // as slowly as a wrong password.
    void spendVerificationTime(std::string_view password) const;
    bool needsRehash(const PasswordCredential& credential) const;
    std::string hash(std::string_view password) const { return hasher_.hash(password); }

    const PasswordHasher& hasher() const { return hasher_; }
    const PasswordPolicy& policy() const { return policy_; }

  private:
    PasswordHasher hasher_;
    PasswordPolicy policy_;
    std::string dummyHash_;
};

// Server-side sessions and trusted devices.
class Sessions {
  public:
    // Every session and trusted device of the user ("force logout"); returns
    // how many sessions went. For other writers (deactivate, ban, delete).
    static std::int64_t revokeAll(Transaction& tx, Id tenantId, Id userId);
    // Live sessions only, trusted devices stay ("drop connection").
    static std::int64_t dropConnections(Transaction& tx, Id tenantId, Id userId);
};

class SignInService {
  public:
    SignInService(Store& store, SignInOptions options);

    // Called after a transaction that queued mail commits (wakes the mail worker).
    void onMailQueued(std::function<void()> notify) { mailQueued_ = std::move(notify); }

    const SignInOptions& options() const { return options_; }
    const Credentials& credentials() const { return credentials_; }

    // --- sign-in (the user) ---
    // Throws Error(unauthorized, genericSignInFailure) or SignInLockedOut.
    LoginResult login(const LoginAttempt& attempt);
    IssuedSession answerMfa(const MfaAnswer& answer);
    void logout(const std::string& sessionSecret);
    // The session behind a secret, or std::nullopt when it is unknown,
    // expired, or its user may no longer sign in. Refreshes the scopes when
    // the user's roles changed (authz version) and the idle timer.
    std::optional<ResolvedSession> resolve(const std::string& sessionSecret);

    // --- the signed-in user ---
    // Revokes the user's other sessions; lifts a password_change restriction.
    void changePassword(const ResolvedSession& who, const std::string& currentPassword,
                        const std::string& newPassword);
    TotpSetup beginTotpEnrolment(const ResolvedSession& who);
    // Returns the recovery codes, shown once.
    std::vector<std::string> confirmTotpEnrolment(const ResolvedSession& who,
                                                  const std::string& code);
    std::vector<std::string> regenerateRecoveryCodes(const ResolvedSession& who,
                                                     const std::string& code);
    User currentUser(const ResolvedSession& who);

    // --- invitations and resets (U-4, A-4) ---
    // Single user; the mail goes out through the outbox.
    void invite(const Principal& by, Id userId, bool resend);
    IssuedSession acceptInvitation(const std::string& token, const std::string& password,
                                   const ClientInfo& client);
    void sendPasswordReset(const Principal& by, Id userId);
    // Self-service: silently does nothing for unknown users (no enumeration).
    void requestPasswordReset(const std::string& tenant, const std::string& identifier,
                              const ClientInfo& client);
    void resetPassword(const std::string& token, const std::string& password,
                       const ClientInfo& client);
    // Returns the generated temporary password, shown once.
    std::string issueTemporaryPassword(const Principal& by, Id userId);

    // --- admin actions on a user ---
    void resetMfa(const Principal& by, Id userId);
    std::vector<SignInSession> sessionsOf(const Principal& by, Id userId);
    std::int64_t trustedDeviceCount(const Principal& by, Id userId);
    void forceLogout(const Principal& by, Id userId);
    void dropConnection(const Principal& by, Id userId);
    // Newest first; `beforeId` from the previous page. Returns up to limit+1
    // so the caller knows whether more follow.
    std::vector<AuditEvent> activity(const Principal& by, Id userId, std::optional<Id> beforeId,
                                     std::size_t limit);
    TenantSignInSettings settings(const Principal& by);
    TenantSignInSettings saveSettings(const Principal& by, const TenantSignInSettings& settings);

  private:
    struct Candidate;
    Candidate findCandidate(Transaction& tx, const LoginAttempt& attempt);
    IssuedSession openSession(Transaction& tx, const User& user, SessionRestriction restriction,
                              bool mfaVerified, const ClientInfo& client);
    SessionRestriction restrictionAfterPassword(Transaction& tx, const User& user, bool mustChange);
    void recordFailure(Id tenantId, const std::string& accountKey, const ClientInfo& client,
                       const std::optional<User>& user, const std::string& identifier,
                       const std::string& reason, const char* action);
    void checkNotLockedOut(Transaction& tx, Id tenantId, const std::string& accountKey,
                           const ClientInfo& client);
    const SeedCipher& cipher() const;
    std::optional<std::int64_t> verifyTotp(Transaction& tx, const User& user,
                                           const std::string& code);
    std::string seedAssociatedData(Id tenantId, Id userId) const;
    User loadManaged(Transaction& tx, const Principal& by, Id userId, bool write);
    void queueMail(Transaction& tx, const User& user, const MailTemplate& mail,
                   const std::string& link, std::chrono::seconds lifetime,
                   const std::string& tenantName);
    std::string issueToken(Transaction& tx, const User& user, TokenPurpose purpose,
                           std::chrono::seconds lifetime);
    void mailQueued();

    Store& store_;
    SignInOptions options_;
    Credentials credentials_;
    std::function<void()> mailQueued_;
};

// The address mail to the user goes to: the primary e-mail, any e-mail, the
// UPN, or a userName that looks like an address; empty when there is none.
std::string mailAddressOf(const User& user);

// Secret prefixes, so leaked values are recognisable.
inline constexpr std::string_view sessionSecretPrefix = "mss_";
inline constexpr std::string_view trustedDeviceSecretPrefix = "mtd_";

}  // namespace muster::auth
