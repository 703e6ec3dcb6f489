#pragma once

// The auth: and smtp: sections (sign-in, MFA, sessions, invitations, mail).
// See config/muster.example.yaml for every key and docs/auth.md for how they
// are used.

#include <cstdint>
#include <string>

namespace muster::config {

struct PasswordHashConfig {
    std::string algorithm = "pbkdf2-sha256";  // or "scrypt"
    int pbkdf2Iterations = 600'000;
    int scryptLogN = 15;
    int scryptR = 8;
    int scryptP = 1;
};

struct MailTemplateConfig {
    std::string subject;  // empty: the built-in text
    std::string body;
};

struct AuthConfig {
    std::string defaultTenant = "default";
    std::string publicUrl = "http://127.0.0.1:8080";  // base of links in e-mails
    std::string adminRole = "admin";
    PasswordHashConfig passwordHash;
    int passwordMinLength = 12;
    std::int64_t sessionIdleTimeoutSeconds = 30 * 60;
    std::int64_t sessionAbsoluteTimeoutSeconds = 12 * 3600;
    std::int64_t trustedDeviceDays = 30;
    // Secure on the session cookie also over plain HTTP (behind a proxy that
    // terminates TLS). Over HTTPS it is always set.
    bool secureCookies = false;
    int accountFreeFailures = 5;
    int addressFreeFailures = 20;
    std::int64_t lockoutSeconds = 30;
    std::int64_t maxLockoutSeconds = 900;
    std::int64_t inviteValidHours = 7 * 24;
    std::int64_t resetValidMinutes = 60;
    std::string totpIssuer = "Muster";
    // File holding the TOTP seed encryption key; MUSTER_TOTP_KEY overrides.
    std::string totpKeyFile;
    MailTemplateConfig inviteMail;
    MailTemplateConfig resetMail;
};

struct SmtpConfig {
    std::string host;  // empty: mail stays in the outbox
    int port = 25;
    bool startTls = false;
    std::string caFile;
    std::string username;
    std::string passwordFile;  // MUSTER_SMTP_PASSWORD overrides
    std::string from = "muster@localhost";
    int timeoutSeconds = 20;
    int maxAttempts = 8;
    int retrySeconds = 5;
};

}  // namespace muster::config
