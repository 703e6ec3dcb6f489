#include "auth_config.hpp"

namespace muster::config::detail {

namespace {

constexpr std::int64_t day = 24 * 3600;

void readPasswordHash(const Field& hash, PasswordHashConfig& out) {
    hash.readMapping({
        {"algorithm",
         [&](const Field& f) {
             out.algorithm = f.string();
             if (out.algorithm != "pbkdf2-sha256" && out.algorithm != "scrypt") {
                 f.fail("must be pbkdf2-sha256 or scrypt, got \"" + out.algorithm + "\"");
             }
         }},
        // The same limits auth/ enforces on hashes it reads back.
        {"pbkdf2_iterations",
         [&](const Field& f) { out.pbkdf2Iterations = f.integer(1'000, 10'000'000); }},
        {"scrypt_log_n", [&](const Field& f) { out.scryptLogN = f.integer(10, 20); }},
        {"scrypt_r", [&](const Field& f) { out.scryptR = f.integer(1, 64); }},
        {"scrypt_p", [&](const Field& f) { out.scryptP = f.integer(1, 64); }},
    });
    if (out.scryptR * out.scryptP > 64) hash.fail("scrypt_r * scrypt_p must be at most 64");
}

void readTemplate(const Field& mail, MailTemplateConfig& out) {
    mail.readMapping({
        {"subject", [&](const Field& f) { out.subject = f.nonEmptyString(); }},
        {"body", [&](const Field& f) { out.body = f.nonEmptyString(); }},
    });
}

void readPublicUrl(const Field& f, std::string& out) {
    out = f.nonEmptyString();
    if (out.rfind("http://", 0) != 0 && out.rfind("https://", 0) != 0) {
        f.fail("must start with http:// or https://");
    }
    while (!out.empty() && out.back() == '/') out.pop_back();
}

}  // namespace

void readAuth(const Field& auth, AuthConfig& out) {
    auth.readMapping({
        {"default_tenant", [&](const Field& f) { out.defaultTenant = f.nonEmptyString(); }},
        {"public_url", [&](const Field& f) { readPublicUrl(f, out.publicUrl); }},
        {"admin_role", [&](const Field& f) { out.adminRole = f.nonEmptyString(); }},
        {"password_hash", [&](const Field& f) { readPasswordHash(f, out.passwordHash); }},
        {"password_min_length", [&](const Field& f) { out.passwordMinLength = f.integer(8, 128); }},
        {"session_idle_timeout_seconds",
         [&](const Field& f) { out.sessionIdleTimeoutSeconds = f.integer<std::int64_t>(1, day); }},
        {"session_absolute_timeout_seconds",
         [&](const Field& f) {
             out.sessionAbsoluteTimeoutSeconds = f.integer<std::int64_t>(1, 30 * day);
         }},
        {"trusted_device_days",
         [&](const Field& f) { out.trustedDeviceDays = f.integer<std::int64_t>(0, 365); }},
        {"secure_cookies", [&](const Field& f) { out.secureCookies = f.boolean(); }},
        {"account_free_failures",
         [&](const Field& f) { out.accountFreeFailures = f.integer(1, 100); }},
        {"address_free_failures",
         [&](const Field& f) { out.addressFreeFailures = f.integer(1, 10'000); }},
        {"lockout_seconds",
         [&](const Field& f) { out.lockoutSeconds = f.integer<std::int64_t>(1, day); }},
        {"max_lockout_seconds",
         [&](const Field& f) { out.maxLockoutSeconds = f.integer<std::int64_t>(1, day); }},
        {"invite_valid_hours",
         [&](const Field& f) { out.inviteValidHours = f.integer<std::int64_t>(1, 90 * 24); }},
        {"reset_valid_minutes",
         [&](const Field& f) { out.resetValidMinutes = f.integer<std::int64_t>(1, 7 * 24 * 60); }},
        {"totp_issuer", [&](const Field& f) { out.totpIssuer = f.nonEmptyString(); }},
        {"totp_key_file", [&](const Field& f) { out.totpKeyFile = f.nonEmptyString(); }},
        {"invite_mail", [&](const Field& f) { readTemplate(f, out.inviteMail); }},
        {"reset_mail", [&](const Field& f) { readTemplate(f, out.resetMail); }},
    });
    if (out.maxLockoutSeconds < out.lockoutSeconds) {
        auth.fail("max_lockout_seconds must not be less than lockout_seconds");
    }
    if (out.sessionAbsoluteTimeoutSeconds < out.sessionIdleTimeoutSeconds) {
        auth.fail("session_absolute_timeout_seconds must not be less than the idle timeout");
    }
}

void readSmtp(const Field& smtp, SmtpConfig& out) {
    smtp.readMapping({
        {"host", [&](const Field& f) { out.host = f.string(); }},
        {"port", [&](const Field& f) { out.port = f.integer(1, 65535); }},
        {"starttls", [&](const Field& f) { out.startTls = f.boolean(); }},
        {"ca_file", [&](const Field& f) { out.caFile = f.string(); }},
        {"username", [&](const Field& f) { out.username = f.string(); }},
        {"password_file", [&](const Field& f) { out.passwordFile = f.string(); }},
        {"from",
         [&](const Field& f) {
             out.from = f.nonEmptyString();
             if (out.from.find('@') == std::string::npos) f.fail("must be an e-mail address");
         }},
        {"timeout_seconds", [&](const Field& f) { out.timeoutSeconds = f.integer(1, 300); }},
        {"max_attempts", [&](const Field& f) { out.maxAttempts = f.integer(1, 100); }},
        {"retry_seconds", [&](const Field& f) { out.retrySeconds = f.integer(1, 3600); }},
    });
}

}  // namespace muster::config::detail
