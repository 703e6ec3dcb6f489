#pragma once

// The SOCI repository for sign-in (core/sign_in_store.hpp): credentials,
// sessions, trusted devices, TOTP, recovery codes, throttles, single-use
// tokens, the mail outbox and per-tenant settings.

#include "muster/core/sign_in_store.hpp"
#include "soci_headers.hpp"

namespace muster::store {

class SqlSignInRepository final : public SignInRepository {
  public:
    explicit SqlSignInRepository(soci::session& sql) : sql_(sql) {}

    std::optional<PasswordCredential> findCredential(Id tenantId, Id userId) override;
    void saveCredential(const PasswordCredential& credential) override;

    SignInSession createSession(const SignInSession& session) override;
    std::optional<SignInSession> findSessionBySecretHash(const std::string& hash) override;
    void touchSession(Id sessionId, Timestamp lastSeenAt, std::int64_t authzVersion) override;
    void setSessionRestriction(Id sessionId, SessionRestriction restriction) override;
    bool deleteSession(Id tenantId, Id userId, Id sessionId) override;
    std::int64_t deleteSessionsOf(Id tenantId, Id userId) override;
    std::vector<SignInSession> sessionsOf(Id tenantId, Id userId) override;
    std::int64_t deleteStaleSessions(Timestamp idleBefore, Timestamp now) override;

    TrustedDevice createTrustedDevice(const TrustedDevice& device) override;
    std::optional<TrustedDevice> findTrustedDevice(Id tenantId, Id userId,
                                                   const std::string& hash) override;
    void touchTrustedDevice(Id id, Timestamp when) override;
    std::int64_t deleteTrustedDevicesOf(Id tenantId, Id userId) override;
    std::int64_t countTrustedDevices(Id tenantId, Id userId, Timestamp now) override;

    std::optional<TotpEnrolment> findTotp(Id tenantId, Id userId) override;
    void saveTotp(const TotpEnrolment& enrolment) override;
    void deleteTotp(Id tenantId, Id userId) override;
    bool advanceTotpStep(Id tenantId, Id userId, std::int64_t step) override;
    void replaceRecoveryCodes(Id tenantId, Id userId,
                              const std::vector<std::string>& codeHashes) override;
    bool useRecoveryCode(Id tenantId, Id userId, const std::string& codeHash,
                         Timestamp when) override;
    std::int64_t countUnusedRecoveryCodes(Id tenantId, Id userId) override;

    std::optional<SignInThrottle> findThrottle(Id tenantId, ThrottleKind kind,
                                               const std::string& key) override;
    void saveThrottle(Id tenantId, ThrottleKind kind, const std::string& key,
                      const SignInThrottle& throttle) override;
    void clearThrottle(Id tenantId, ThrottleKind kind, const std::string& key) override;

    SingleUseToken createToken(const SingleUseToken& token) override;
    std::optional<SingleUseToken> consumeToken(TokenPurpose purpose, const std::string& hash,
                                               Timestamp now) override;
    std::int64_t invalidateTokens(Id tenantId, Id userId, TokenPurpose purpose,
                                  Timestamp now) override;

    Id enqueueMail(const OutboxMail& mail) override;
    std::vector<OutboxMail> dueMail(Timestamp now, std::size_t limit) override;
    bool claimMail(Id id, Timestamp seenNextAttemptAt, Timestamp leaseUntil) override;
    void markMailSent(Id id, Timestamp when) override;
    void markMailFailed(Id id, int attempts, Timestamp nextAttemptAt, const std::string& error,
                        bool giveUp) override;
    std::optional<OutboxMail> findMail(Id id) override;

    std::vector<Id> usersWithSignInName(Id tenantId, const std::string& name) override;
    void recordLastLogin(Id tenantId, Id userId, Timestamp when) override;
    void setMfaStatus(Id tenantId, Id userId, MfaStatus status) override;

    std::vector<AuditEvent> userActivity(Id tenantId, Id userId, std::optional<Id> beforeId,
                                         std::size_t limit) override;

    TenantSignInSettings settings(Id tenantId) override;
    void saveSettings(Id tenantId, const TenantSignInSettings& settings) override;

  private:
    soci::session& sql_;
};

}  // namespace muster::store
