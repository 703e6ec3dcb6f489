#include "sign_in_repository.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "sql_errors.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"

namespace muster::store {

namespace {

std::int64_t rowLimit(std::size_t limit) {
    return static_cast<std::int64_t>(
        std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
}

// --- sessions ---

constexpr const char* sessionColumns =
    "SELECT id, tenant_id, user_id, secret_hash, restriction, mfa_verified, authz_version, "
    "source_address, user_agent, created_at, last_seen_at, expires_at FROM sign_in_sessions ";

struct SessionRow {
    SignInSession session;
    std::string restriction;
    int mfaVerified = 0;
};

void bindSession(SqlStatement& st, SessionRow& row) {
    SignInSession& s = row.session;
    st.into(s.id);
    st.into(s.tenantId);
    st.into(s.userId);
    st.into(s.secretHash);
    st.into(row.restriction);
    st.into(row.mfaVerified);
    st.into(s.authzVersion);
    st.into(s.sourceAddress);
    st.into(s.userAgent);
    st.into(s.createdAt);
    st.into(s.lastSeenAt);
    st.into(s.expiresAt);
}

SignInSession sessionOf(const SessionRow& row) {
    SignInSession session = row.session;
    session.restriction = parseSessionRestriction(row.restriction);
    session.mfaVerified = row.mfaVerified != 0;
    return session;
}

// --- trusted devices ---

void bindDevice(SqlStatement& st, TrustedDevice& d) {
    st.into(d.id);
    st.into(d.tenantId);
    st.into(d.userId);
    st.into(d.secretHash);
    st.into(d.sourceAddress);
    st.into(d.userAgent);
    st.into(d.createdAt);
    st.into(d.expiresAt);
    st.into(d.lastUsedAt);
}

// --- mail ---

constexpr const char* mailColumns =
    "SELECT id, tenant_id, recipient, subject, body, status, attempts, last_error, created_at, "
    "next_attempt_at, sent_at FROM mail_outbox ";

struct MailRow {
    OutboxMail mail;
    std::string status;
    Timestamp sentAt = 0;
    soci::indicator sentInd = soci::i_null;
};

void bindMail(SqlStatement& st, MailRow& row) {
    OutboxMail& m = row.mail;
    st.into(m.id);
    st.into(m.tenantId);
    st.into(m.recipient);
    st.into(m.subject);
    st.into(m.body);
    st.into(row.status);
    st.into(m.attempts);
    st.into(m.lastError);
    st.into(m.createdAt);
    st.into(m.nextAttemptAt);
    st.into(row.sentAt, row.sentInd);
}

OutboxMail mailOf(const MailRow& row) {
    OutboxMail mail = row.mail;
    mail.status = parseMailStatus(row.status);
    if (row.sentInd != soci::i_null) mail.sentAt = row.sentAt;
    return mail;
}

std::optional<Snapshot> snapshotFromJson(const std::string& text, soci::indicator ind) {
    if (ind == soci::i_null) return std::nullopt;
    try {
        return nlohmann::json::parse(text).get<Snapshot>();
    } catch (const nlohmann::json::exception& error) {
        throw Error(ErrorCode::internal,
                    std::string("audit snapshot is not a JSON object of strings: ") + error.what());
    }
}

}  // namespace

// --- passwords ---

std::optional<PasswordCredential> SqlSignInRepository::findCredential(Id tenantId, Id userId) {
    return translateErrors([&]() -> std::optional<PasswordCredential> {
        SqlStatement st(sql_,
                        "SELECT password_hash, must_change, changed_at FROM credentials "
                        "WHERE tenant_id = :tenant_id AND user_id = :user_id",
                        Reuse::prepared);
        PasswordCredential credential;
        int mustChange = 0;
        st.into(credential.passwordHash);
        st.into(mustChange);
        st.into(credential.changedAt);
        st.use(tenantId);
        st.use(userId);
        if (!st.execute()) return std::nullopt;
        credential.tenantId = tenantId;
        credential.userId = userId;
        credential.mustChange = mustChange != 0;
        return credential;
    });
}

void SqlSignInRepository::saveCredential(const PasswordCredential& credential) {
    translateErrors([&] {
        PasswordCredential c = credential;
        int mustChange = c.mustChange ? 1 : 0;
        sql_ << "INSERT INTO credentials (user_id, tenant_id, password_hash, must_change, "
                "changed_at) VALUES (:user_id, :tenant_id, :hash, :must_change, :changed_at) "
                "ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, "
                "must_change = excluded.must_change, changed_at = excluded.changed_at",
            soci::use(c.userId), soci::use(c.tenantId), soci::use(c.passwordHash),
            soci::use(mustChange), soci::use(c.changedAt);
    });
}

// --- sessions ---

SignInSession SqlSignInRepository::createSession(const SignInSession& session) {
    return translateErrors([&] {
        SignInSession s = session;
        std::string restriction(toString(s.restriction));
        int mfaVerified = s.mfaVerified ? 1 : 0;
        sql_ << "INSERT INTO sign_in_sessions (tenant_id, user_id, secret_hash, restriction, "
                "mfa_verified, authz_version, source_address, user_agent, created_at, "
                "last_seen_at, expires_at) VALUES (:tenant_id, :user_id, :secret_hash, "
                ":restriction, :mfa_verified, :authz_version, :source_address, :user_agent, "
                ":created_at, :last_seen_at, :expires_at) RETURNING id",
            soci::use(s.tenantId), soci::use(s.userId), soci::use(s.secretHash),
            soci::use(restriction), soci::use(mfaVerified), soci::use(s.authzVersion),
            soci::use(s.sourceAddress), soci::use(s.userAgent), soci::use(s.createdAt),
            soci::use(s.lastSeenAt), soci::use(s.expiresAt), soci::into(s.id);
        return s;
    });
}

std::optional<SignInSession> SqlSignInRepository::findSessionBySecretHash(const std::string& hash) {
    return translateErrors([&]() -> std::optional<SignInSession> {
        SqlStatement st(sql_, std::string(sessionColumns) + "WHERE secret_hash = :hash",
                        Reuse::prepared);
        SessionRow row;
        bindSession(st, row);
        std::string wanted = hash;
        st.use(wanted);
        if (!st.execute()) return std::nullopt;
        return sessionOf(row);
    });
}

void SqlSignInRepository::touchSession(Id sessionId, Timestamp lastSeenAt,
                                       std::int64_t authzVersion) {
    translateErrors([&] {
        SqlStatement st(sql_,
                        "UPDATE sign_in_sessions SET last_seen_at = :seen, authz_version = "
                        ":authz_version WHERE id = :id",
                        Reuse::prepared);
        st.use(lastSeenAt);
        st.use(authzVersion);
        st.use(sessionId);
        st.execute();
    });
}

void SqlSignInRepository::setSessionRestriction(Id sessionId, SessionRestriction restriction) {
    translateErrors([&] {
        std::string text(toString(restriction));
        sql_ << "UPDATE sign_in_sessions SET restriction = :restriction WHERE id = :id",
            soci::use(text), soci::use(sessionId);
    });
}

bool SqlSignInRepository::deleteSession(Id tenantId, Id userId, Id sessionId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "DELETE FROM sign_in_sessions WHERE tenant_id = :tenant_id AND user_id = "
                        ":user_id AND id = :id");
        st.use(tenantId);
        st.use(userId);
        st.use(sessionId);
        st.execute();
        return st.affectedRows() > 0;
    });
}

std::int64_t SqlSignInRepository::deleteSessionsOf(Id tenantId, Id userId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "DELETE FROM sign_in_sessions WHERE tenant_id = :tenant_id AND user_id = "
                        ":user_id");
        st.use(tenantId);
        st.use(userId);
        st.execute();
        return static_cast<std::int64_t>(st.affectedRows());
    });
}

std::vector<SignInSession> SqlSignInRepository::sessionsOf(Id tenantId, Id userId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        std::string(sessionColumns) +
                            "WHERE tenant_id = :tenant_id AND user_id = :user_id ORDER BY id DESC");
        SessionRow row;
        bindSession(st, row);
        st.use(tenantId);
        st.use(userId);
        std::vector<SignInSession> sessions;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            sessions.push_back(sessionOf(row));
        }
        return sessions;
    });
}

std::int64_t SqlSignInRepository::deleteStaleSessions(Timestamp idleBefore, Timestamp now) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "DELETE FROM sign_in_sessions WHERE last_seen_at < :idle_before OR "
                        "expires_at <= :now");
        st.use(idleBefore);
        st.use(now);
        st.execute();
        return static_cast<std::int64_t>(st.affectedRows());
    });
}

// --- trusted devices ---

TrustedDevice SqlSignInRepository::createTrustedDevice(const TrustedDevice& device) {
    return translateErrors([&] {
        TrustedDevice d = device;
        sql_ << "INSERT INTO trusted_devices (tenant_id, user_id, secret_hash, source_address, "
                "user_agent, created_at, expires_at, last_used_at) VALUES (:tenant_id, :user_id, "
                ":secret_hash, :source_address, :user_agent, :created_at, :expires_at, "
                ":last_used_at) RETURNING id",
            soci::use(d.tenantId), soci::use(d.userId), soci::use(d.secretHash),
            soci::use(d.sourceAddress), soci::use(d.userAgent), soci::use(d.createdAt),
            soci::use(d.expiresAt), soci::use(d.lastUsedAt), soci::into(d.id);
        return d;
    });
}

std::optional<TrustedDevice> SqlSignInRepository::findTrustedDevice(Id tenantId, Id userId,
                                                                    const std::string& hash) {
    return translateErrors([&]() -> std::optional<TrustedDevice> {
        SqlStatement st(sql_,
                        "SELECT id, tenant_id, user_id, secret_hash, source_address, user_agent, "
                        "created_at, expires_at, last_used_at FROM trusted_devices WHERE "
                        "tenant_id = :tenant_id AND user_id = :user_id AND secret_hash = :hash",
                        Reuse::prepared);
        TrustedDevice device;
        bindDevice(st, device);
        std::string wanted = hash;
        st.use(tenantId);
        st.use(userId);
        st.use(wanted);
        if (!st.execute()) return std::nullopt;
        return device;
    });
}

void SqlSignInRepository::touchTrustedDevice(Id id, Timestamp when) {
    translateErrors([&] {
        sql_ << "UPDATE trusted_devices SET last_used_at = :when WHERE id = :id", soci::use(when),
            soci::use(id);
    });
}

std::int64_t SqlSignInRepository::deleteTrustedDevicesOf(Id tenantId, Id userId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "DELETE FROM trusted_devices WHERE tenant_id = :tenant_id AND user_id = "
                        ":user_id");
        st.use(tenantId);
        st.use(userId);
        st.execute();
        return static_cast<std::int64_t>(st.affectedRows());
    });
}

std::int64_t SqlSignInRepository::countTrustedDevices(Id tenantId, Id userId, Timestamp now) {
    return translateErrors([&] {
        std::int64_t count = 0;
        sql_ << "SELECT COUNT(*) FROM trusted_devices WHERE tenant_id = :tenant_id AND user_id = "
                ":user_id AND expires_at > :now",
            soci::use(tenantId), soci::use(userId), soci::use(now), soci::into(count);
        return count;
    });
}

// --- TOTP and recovery codes ---

std::optional<TotpEnrolment> SqlSignInRepository::findTotp(Id tenantId, Id userId) {
    return translateErrors([&]() -> std::optional<TotpEnrolment> {
        SqlStatement st(sql_,
                        "SELECT encrypted_seed, confirmed, last_used_step, created_at, "
                        "confirmed_at FROM totp_enrolments WHERE tenant_id = :tenant_id AND "
                        "user_id = :user_id",
                        Reuse::prepared);
        TotpEnrolment totp;
        int confirmed = 0;
        Timestamp confirmedAt = 0;
        soci::indicator confirmedInd = soci::i_null;
        st.into(totp.encryptedSeed);
        st.into(confirmed);
        st.into(totp.lastUsedStep);
        st.into(totp.createdAt);
        st.into(confirmedAt, confirmedInd);
        st.use(tenantId);
        st.use(userId);
        if (!st.execute()) return std::nullopt;
        totp.tenantId = tenantId;
        totp.userId = userId;
        totp.confirmed = confirmed != 0;
        if (confirmedInd != soci::i_null) totp.confirmedAt = confirmedAt;
        return totp;
    });
}

void SqlSignInRepository::saveTotp(const TotpEnrolment& enrolment) {
    translateErrors([&] {
        TotpEnrolment t = enrolment;
        int confirmed = t.confirmed ? 1 : 0;
        Timestamp confirmedAt = t.confirmedAt.value_or(0);
        soci::indicator confirmedInd = t.confirmedAt ? soci::i_ok : soci::i_null;
        sql_ << "INSERT INTO totp_enrolments (user_id, tenant_id, encrypted_seed, confirmed, "
                "last_used_step, created_at, confirmed_at) VALUES (:user_id, :tenant_id, :seed, "
                ":confirmed, :step, :created_at, :confirmed_at) ON CONFLICT (user_id) DO UPDATE "
                "SET encrypted_seed = excluded.encrypted_seed, confirmed = excluded.confirmed, "
                "last_used_step = excluded.last_used_step, created_at = excluded.created_at, "
                "confirmed_at = excluded.confirmed_at",
            soci::use(t.userId), soci::use(t.tenantId), soci::use(t.encryptedSeed),
            soci::use(confirmed), soci::use(t.lastUsedStep), soci::use(t.createdAt),
            soci::use(confirmedAt, confirmedInd);
    });
}

void SqlSignInRepository::deleteTotp(Id tenantId, Id userId) {
    translateErrors([&] {
        sql_ << "DELETE FROM totp_enrolments WHERE tenant_id = :tenant_id AND user_id = :user_id",
            soci::use(tenantId), soci::use(userId);
        sql_ << "DELETE FROM recovery_codes WHERE tenant_id = :tenant_id AND user_id = :user_id",
            soci::use(tenantId), soci::use(userId);
    });
}

bool SqlSignInRepository::advanceTotpStep(Id tenantId, Id userId, std::int64_t step) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "UPDATE totp_enrolments SET last_used_step = :step WHERE tenant_id = "
                        ":tenant_id AND user_id = :user_id AND last_used_step < :same_step",
                        Reuse::prepared);
        std::int64_t sameStep = step;
        st.use(step);
        st.use(tenantId);
        st.use(userId);
        st.use(sameStep);
        st.execute();
        return st.affectedRows() == 1;
    });
}

void SqlSignInRepository::replaceRecoveryCodes(Id tenantId, Id userId,
                                               const std::vector<std::string>& codeHashes) {
    translateErrors([&] {
        sql_ << "DELETE FROM recovery_codes WHERE tenant_id = :tenant_id AND user_id = :user_id",
            soci::use(tenantId), soci::use(userId);
        for (const std::string& hash : codeHashes) {
            std::string value = hash;
            sql_ << "INSERT INTO recovery_codes (tenant_id, user_id, code_hash) VALUES "
                    "(:tenant_id, :user_id, :hash)",
                soci::use(tenantId), soci::use(userId), soci::use(value);
        }
    });
}

bool SqlSignInRepository::useRecoveryCode(Id tenantId, Id userId, const std::string& codeHash,
                                          Timestamp when) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "UPDATE recovery_codes SET used_at = :when WHERE tenant_id = :tenant_id "
                        "AND user_id = :user_id AND code_hash = :hash AND used_at IS NULL");
        std::string hash = codeHash;
        st.use(when);
        st.use(tenantId);
        st.use(userId);
        st.use(hash);
        st.execute();
        return st.affectedRows() > 0;
    });
}

std::int64_t SqlSignInRepository::countUnusedRecoveryCodes(Id tenantId, Id userId) {
    return translateErrors([&] {
        std::int64_t count = 0;
        sql_ << "SELECT COUNT(*) FROM recovery_codes WHERE tenant_id = :tenant_id AND user_id = "
                ":user_id AND used_at IS NULL",
            soci::use(tenantId), soci::use(userId), soci::into(count);
        return count;
    });
}

// --- throttling ---

std::optional<SignInThrottle> SqlSignInRepository::findThrottle(Id tenantId, ThrottleKind kind,
                                                                const std::string& key) {
    return translateErrors([&]() -> std::optional<SignInThrottle> {
        SqlStatement st(sql_,
                        "SELECT failures, last_failure_at, locked_until FROM sign_in_throttles "
                        "WHERE tenant_id = :tenant_id AND kind = :kind AND throttle_key = :key",
                        Reuse::prepared);
        SignInThrottle throttle;
        std::string kindText(toString(kind));
        std::string keyText = key;
        st.into(throttle.failures);
        st.into(throttle.lastFailureAt);
        st.into(throttle.lockedUntil);
        st.use(tenantId);
        st.use(kindText);
        st.use(keyText);
        if (!st.execute()) return std::nullopt;
        return throttle;
    });
}

void SqlSignInRepository::saveThrottle(Id tenantId, ThrottleKind kind, const std::string& key,
                                       const SignInThrottle& throttle) {
    translateErrors([&] {
        SignInThrottle t = throttle;
        std::string kindText(toString(kind));
        std::string keyText = key;
        sql_ << "INSERT INTO sign_in_throttles (tenant_id, kind, throttle_key, failures, "
                "last_failure_at, locked_until) VALUES (:tenant_id, :kind, :key, :failures, "
                ":last_failure_at, :locked_until) ON CONFLICT (tenant_id, kind, throttle_key) DO "
                "UPDATE SET failures = excluded.failures, last_failure_at = "
                "excluded.last_failure_at, locked_until = excluded.locked_until",
            soci::use(tenantId), soci::use(kindText), soci::use(keyText), soci::use(t.failures),
            soci::use(t.lastFailureAt), soci::use(t.lockedUntil);
    });
}

void SqlSignInRepository::clearThrottle(Id tenantId, ThrottleKind kind, const std::string& key) {
    translateErrors([&] {
        std::string kindText(toString(kind));
        std::string keyText = key;
        sql_ << "DELETE FROM sign_in_throttles WHERE tenant_id = :tenant_id AND kind = :kind AND "
                "throttle_key = :key",
            soci::use(tenantId), soci::use(kindText), soci::use(keyText);
    });
}

// --- single-use tokens ---

SingleUseToken SqlSignInRepository::createToken(const SingleUseToken& token) {
    return translateErrors([&] {
        SingleUseToken t = token;
        std::string purpose(toString(t.purpose));
        sql_ << "INSERT INTO single_use_tokens (tenant_id, user_id, purpose, token_hash, "
                "created_at, expires_at) VALUES (:tenant_id, :user_id, :purpose, :hash, "
                ":created_at, :expires_at) RETURNING id",
            soci::use(t.tenantId), soci::use(t.userId), soci::use(purpose), soci::use(t.tokenHash),
            soci::use(t.createdAt), soci::use(t.expiresAt), soci::into(t.id);
        return t;
    });
}

std::optional<SingleUseToken> SqlSignInRepository::consumeToken(TokenPurpose purpose,
                                                                const std::string& hash,
                                                                Timestamp now) {
    return translateErrors([&]() -> std::optional<SingleUseToken> {
        // The UPDATE decides: of two requests with one token, one changes the row.
        SqlStatement update(
            sql_,
            "UPDATE single_use_tokens SET used_at = :now WHERE token_hash = :hash "
            "AND purpose = :purpose AND used_at IS NULL AND expires_at > :same_now");
        std::string hashText = hash;
        std::string purposeText(toString(purpose));
        Timestamp sameNow = now;
        update.use(now);
        update.use(hashText);
        update.use(purposeText);
        update.use(sameNow);
        update.execute();
        if (update.affectedRows() != 1) return std::nullopt;
        SingleUseToken token;
        sql_ << "SELECT id, tenant_id, user_id, created_at, expires_at FROM single_use_tokens "
                "WHERE token_hash = :hash",
            soci::use(hashText), soci::into(token.id), soci::into(token.tenantId),
            soci::into(token.userId), soci::into(token.createdAt), soci::into(token.expiresAt);
        token.purpose = purpose;
        token.tokenHash = hash;
        token.usedAt = now;
        return token;
    });
}

std::int64_t SqlSignInRepository::invalidateTokens(Id tenantId, Id userId, TokenPurpose purpose,
                                                   Timestamp now) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "UPDATE single_use_tokens SET used_at = :now WHERE tenant_id = :tenant_id "
                        "AND user_id = :user_id AND purpose = :purpose AND used_at IS NULL");
        std::string purposeText(toString(purpose));
        st.use(now);
        st.use(tenantId);
        st.use(userId);
        st.use(purposeText);
        st.execute();
        return static_cast<std::int64_t>(st.affectedRows());
    });
}

// --- mail outbox ---

Id SqlSignInRepository::enqueueMail(const OutboxMail& mail) {
    return translateErrors([&] {
        OutboxMail m = mail;
        std::string status(toString(MailStatus::pending));
        if (m.createdAt == 0) m.createdAt = nowMillis();
        if (m.nextAttemptAt == 0) m.nextAttemptAt = m.createdAt;
        Id id = 0;
        sql_ << "INSERT INTO mail_outbox (tenant_id, recipient, subject, body, status, attempts, "
                "last_error, created_at, next_attempt_at) VALUES (:tenant_id, :recipient, "
                ":subject, :body, :status, 0, '', :created_at, :next_attempt_at) RETURNING id",
            soci::use(m.tenantId), soci::use(m.recipient), soci::use(m.subject), soci::use(m.body),
            soci::use(status), soci::use(m.createdAt), soci::use(m.nextAttemptAt), soci::into(id);
        return id;
    });
}

std::vector<OutboxMail> SqlSignInRepository::dueMail(Timestamp now, std::size_t limit) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        std::string(mailColumns) +
                            "WHERE status = 'pending' AND next_attempt_at <= :now ORDER BY id "
                            "LIMIT :limit",
                        Reuse::prepared);
        MailRow row;
        bindMail(st, row);
        std::int64_t maxRows = rowLimit(limit);
        st.use(now);
        st.use(maxRows);
        std::vector<OutboxMail> mails;
        for (bool more = st.execute(); more; more = st.fetchNext()) mails.push_back(mailOf(row));
        return mails;
    });
}

bool SqlSignInRepository::claimMail(Id id, Timestamp seenNextAttemptAt, Timestamp leaseUntil) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "UPDATE mail_outbox SET next_attempt_at = :lease WHERE id = :id AND "
                        "status = 'pending' AND next_attempt_at = :seen");
        st.use(leaseUntil);
        st.use(id);
        st.use(seenNextAttemptAt);
        st.execute();
        return st.affectedRows() == 1;
    });
}

void SqlSignInRepository::markMailSent(Id id, Timestamp when) {
    translateErrors([&] {
        sql_ << "UPDATE mail_outbox SET status = 'sent', sent_at = :when, body = '', attempts = "
                "attempts + 1, last_error = '' WHERE id = :id",
            soci::use(when), soci::use(id);
    });
}

void SqlSignInRepository::markMailFailed(Id id, int attempts, Timestamp nextAttemptAt,
                                         const std::string& error, bool giveUp) {
    translateErrors([&] {
        std::string status(toString(giveUp ? MailStatus::failed : MailStatus::pending));
        std::string message = error.substr(0, 1000);
        if (giveUp) {
            sql_ << "UPDATE mail_outbox SET status = :status, attempts = :attempts, last_error = "
                    ":error, next_attempt_at = :next, body = '' WHERE id = :id",
                soci::use(status), soci::use(attempts), soci::use(message),
                soci::use(nextAttemptAt), soci::use(id);
        } else {
            sql_ << "UPDATE mail_outbox SET status = :status, attempts = :attempts, last_error = "
                    ":error, next_attempt_at = :next WHERE id = :id",
                soci::use(status), soci::use(attempts), soci::use(message),
                soci::use(nextAttemptAt), soci::use(id);
        }
    });
}

std::optional<OutboxMail> SqlSignInRepository::findMail(Id id) {
    return translateErrors([&]() -> std::optional<OutboxMail> {
        SqlStatement st(sql_, std::string(mailColumns) + "WHERE id = :id");
        MailRow row;
        bindMail(st, row);
        st.use(id);
        if (!st.execute()) return std::nullopt;
        return mailOf(row);
    });
}

// --- users ---

std::vector<Id> SqlSignInRepository::usersWithSignInName(Id tenantId, const std::string& name) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT id FROM users WHERE tenant_id = :tenant_id AND user_name_norm = "
                        ":name UNION SELECT user_id FROM identifiers WHERE tenant_id = :tenant_id2 "
                        "AND kind IN ('upn', 'email', 'employee_id') AND value_norm = :name2 AND "
                        "logon_domain_norm = ''",
                        Reuse::prepared);
        std::string norm = normalized(name);
        std::string sameNorm = norm;
        Id sameTenant = tenantId;
        Id userId = 0;
        st.into(userId);
        st.use(tenantId);
        st.use(norm);
        st.use(sameTenant);
        st.use(sameNorm);
        std::vector<Id> ids;
        for (bool more = st.execute(); more; more = st.fetchNext()) ids.push_back(userId);
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        return ids;
    });
}

void SqlSignInRepository::recordLastLogin(Id tenantId, Id userId, Timestamp when) {
    translateErrors([&] {
        sql_ << "UPDATE users SET last_login_at = :when WHERE tenant_id = :tenant_id AND id = :id",
            soci::use(when), soci::use(tenantId), soci::use(userId);
    });
}

void SqlSignInRepository::setMfaStatus(Id tenantId, Id userId, MfaStatus status) {
    translateErrors([&] {
        std::string text(toString(status));
        Timestamp now = nowMillis();
        sql_ << "UPDATE users SET mfa_status = :status, version = version + 1, updated_at = :now "
                "WHERE tenant_id = :tenant_id AND id = :id",
            soci::use(text), soci::use(now), soci::use(tenantId), soci::use(userId);
    });
}

// --- activity ---

std::vector<AuditEvent> SqlSignInRepository::userActivity(Id tenantId, Id userId,
                                                          std::optional<Id> beforeId,
                                                          std::size_t limit) {
    return translateErrors([&] {
        // ix_audit_events_target (tenant_id, target_type, target_id, id) serves
        // this newest-first walk without touching other users' events.
        SqlStatement st(sql_,
                        "SELECT id, occurred_at, actor, source, source_address, user_agent, "
                        "action, target_display, before_json, after_json FROM audit_events WHERE "
                        "tenant_id = :tenant_id AND target_type = 'user' AND target_id = :user_id "
                        "AND id < :before_id ORDER BY id DESC LIMIT :limit",
                        Reuse::prepared);
        AuditEvent e;
        std::string before, after;
        soci::indicator beforeInd = soci::i_null, afterInd = soci::i_null;
        st.into(e.id);
        st.into(e.occurredAt);
        st.into(e.actor.id);
        st.into(e.actor.source);
        st.into(e.actor.sourceAddress);
        st.into(e.actor.userAgent);
        st.into(e.action);
        st.into(e.targetDisplay);
        st.into(before, beforeInd);
        st.into(after, afterInd);
        Id beforeValue = beforeId.value_or(std::numeric_limits<Id>::max());
        std::int64_t maxRows = rowLimit(limit);
        st.use(tenantId);
        st.use(userId);
        st.use(beforeValue);
        st.use(maxRows);
        std::vector<AuditEvent> events;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            AuditEvent event = e;
            event.tenantId = tenantId;
            event.targetType = "user";
            event.targetId = userId;
            event.before = snapshotFromJson(before, beforeInd);
            event.after = snapshotFromJson(after, afterInd);
            events.push_back(std::move(event));
        }
        return events;
    });
}

// --- settings ---

TenantSignInSettings SqlSignInRepository::settings(Id tenantId) {
    return translateErrors([&] {
        TenantSignInSettings settings;
        int mfaRequired = 0;
        soci::indicator ind = soci::i_null;
        sql_ << "SELECT mfa_required FROM tenant_sign_in_settings WHERE tenant_id = :tenant_id",
            soci::use(tenantId), soci::into(mfaRequired, ind);
        settings.mfaRequired = sql_.got_data() && ind != soci::i_null && mfaRequired != 0;
        return settings;
    });
}

void SqlSignInRepository::saveSettings(Id tenantId, const TenantSignInSettings& settings) {
    translateErrors([&] {
        int mfaRequired = settings.mfaRequired ? 1 : 0;
        sql_ << "INSERT INTO tenant_sign_in_settings (tenant_id, mfa_required) VALUES "
                "(:tenant_id, :mfa_required) ON CONFLICT (tenant_id) DO UPDATE SET mfa_required "
                "= excluded.mfa_required",
            soci::use(tenantId), soci::use(mfaRequired);
    });
}

}  // namespace muster::store
