// Building the sign-in services from the configuration, and session
// authentication of requests (called by the dispatcher).

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "muster/core/error.hpp"
#include "muster/daemon/auth_services.hpp"

namespace muster::daemon {

namespace {

// Environment variables that override secrets named in the configuration,
// so they can come from a secret store instead of a file.
constexpr const char* totpKeyVariable = "MUSTER_TOTP_KEY";
constexpr const char* smtpPasswordVariable = "MUSTER_SMTP_PASSWORD";

std::optional<std::string> environment(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
}

// The whole file; the message names the file, never its content.
std::string readSecretFile(const std::string& path, const char* key) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw Error(ErrorCode::invalid_input, std::string(key) + ": cannot read " + path);
    std::ostringstream text;
    text << file.rdbuf();
    std::string secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return secret;
}

std::optional<auth::SeedCipher> seedCipherOf(const config::AuthConfig& config) {
    std::optional<std::string> key = environment(totpKeyVariable);
    const char* source = totpKeyVariable;
    if (!key && !config.totpKeyFile.empty()) {
        key = readSecretFile(config.totpKeyFile, "auth.totp_key_file");
        source = "auth.totp_key_file";
    }
    if (!key) return std::nullopt;
    try {
        return auth::SeedCipher::fromText(*key);
    } catch (const Error& error) {
        throw Error(ErrorCode::invalid_input, std::string(source) + ": " + error.what());
    }
}

auth::SmtpOptions smtpOptionsOf(const config::SmtpConfig& config) {
    auth::SmtpOptions options;
    options.host = config.host;
    options.port = config.port;
    options.startTls = config.startTls;
    options.caFile = config.caFile;
    options.username = config.username;
    if (std::optional<std::string> password = environment(smtpPasswordVariable)) {
        options.password = *password;
    } else if (!config.passwordFile.empty()) {
        options.password = readSecretFile(config.passwordFile, "smtp.password_file");
    }
    options.from = config.from;
    options.timeout = std::chrono::seconds(config.timeoutSeconds);
    return options;
}

std::string lowerCase(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// A cookie-authenticated write must come from a page of this server: the
// browser says where it comes from in Origin / Sec-Fetch-Site. (SameSite=
// Strict already keeps the cookie off cross-site requests; this is the
// second lock.)
void checkSameOrigin(const HttpRequest& request) {
    if (request.method == "GET" || request.method == "HEAD") return;
    if (request.header("sec-fetch-site").value_or("") == "cross-site") {
        throw Error(ErrorCode::forbidden, "cross-site requests may not use the session cookie");
    }
    const std::optional<std::string> origin = request.header("origin");
    const std::optional<std::string> host = request.header("host");
    if (!origin || !host) return;
    const std::size_t scheme = origin->find("://");
    const std::string originHost =
        scheme == std::string::npos ? *origin : origin->substr(scheme + 3);
    if (lowerCase(originHost) != lowerCase(*host)) {
        throw Error(ErrorCode::forbidden, "cross-origin requests may not use the session cookie");
    }
}

}  // namespace

AuthServices::AuthServices(Store& store, auth::SignInOptions options, bool secureCookies)
    : signIn(store, std::move(options)), secureCookies(secureCookies) {}

auth::SignInOptions signInOptionsOf(const config::AuthConfig& config) {
    auth::SignInOptions options;
    options.hash.algorithm = config.passwordHash.algorithm == "scrypt"
                                 ? auth::HashAlgorithm::scrypt
                                 : auth::HashAlgorithm::pbkdf2_sha256;
    options.hash.pbkdf2Iterations = config.passwordHash.pbkdf2Iterations;
    options.hash.scryptLogN = config.passwordHash.scryptLogN;
    options.hash.scryptR = config.passwordHash.scryptR;
    options.hash.scryptP = config.passwordHash.scryptP;
    options.passwordPolicy.minLength = config.passwordMinLength;
    options.sessionIdleTimeout = std::chrono::seconds(config.sessionIdleTimeoutSeconds);
    options.sessionAbsoluteTimeout = std::chrono::seconds(config.sessionAbsoluteTimeoutSeconds);
    options.trustedDeviceLifetime = std::chrono::hours(24 * config.trustedDeviceDays);
    options.inviteLifetime = std::chrono::hours(config.inviteValidHours);
    options.resetLifetime = std::chrono::minutes(config.resetValidMinutes);
    for (auth::ThrottlePolicy* policy : {&options.accountThrottle, &options.addressThrottle}) {
        policy->baseLockout = std::chrono::seconds(config.lockoutSeconds);
        policy->maxLockout = std::chrono::seconds(config.maxLockoutSeconds);
    }
    options.accountThrottle.freeFailures = config.accountFreeFailures;
    options.addressThrottle.freeFailures = config.addressFreeFailures;
    options.totpIssuer = config.totpIssuer;
    options.publicUrl = config.publicUrl;
    options.defaultTenant = config.defaultTenant;
    options.adminRole = config.adminRole;
    if (!config.inviteMail.subject.empty()) options.inviteMail.subject = config.inviteMail.subject;
    if (!config.inviteMail.body.empty()) options.inviteMail.body = config.inviteMail.body;
    if (!config.resetMail.subject.empty()) options.resetMail.subject = config.resetMail.subject;
    if (!config.resetMail.body.empty()) options.resetMail.body = config.resetMail.body;
    return options;
}

std::unique_ptr<AuthServices> makeAuthServices(const config::Config& config, Store& store) {
    auth::SignInOptions options = signInOptionsOf(config.auth);
    options.seedCipher = seedCipherOf(config.auth);
    auto services =
        std::make_unique<AuthServices>(store, std::move(options), config.auth.secureCookies);
    if (!config.smtp.host.empty()) {
        auto mailer = std::make_shared<auth::SmtpMailer>(smtpOptionsOf(config.smtp));
        auth::DeliveryOptions delivery;
        delivery.maxAttempts = config.smtp.maxAttempts;
        delivery.firstRetry = std::chrono::seconds(config.smtp.retrySeconds);
        services->mailWorker = std::make_unique<auth::OutboxWorker>(
            store, [mailer](const OutboxMail& mail) { mailer->send(mail); }, delivery);
        auth::OutboxWorker* worker = services->mailWorker.get();
        services->signIn.onMailQueued([worker] { worker->notify(); });
    }
    return services;
}

std::optional<std::string> cookieValue(const HttpRequest& request, const std::string& name) {
    const std::optional<std::string> header = request.header("cookie");
    if (!header) return std::nullopt;
    std::size_t at = 0;
    while (at < header->size()) {
        std::size_t end = header->find(';', at);
        if (end == std::string::npos) end = header->size();
        std::string pair = header->substr(at, end - at);
        pair.erase(0, pair.find_first_not_of(' '));
        const std::size_t eq = pair.find('=');
        if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
        at = end + 1;
    }
    return std::nullopt;
}

std::optional<std::string> sessionSecretOf(const HttpRequest& request) {
    if (std::optional<std::string> authorization = request.header("authorization")) {
        if (authorization->size() > 7 && lowerCase(authorization->substr(0, 7)) == "bearer ") {
            std::string secret = authorization->substr(7);
            secret.erase(0, secret.find_first_not_of(' '));
            if (secret.rfind(auth::sessionSecretPrefix, 0) == 0) return secret;
        }
        return std::nullopt;  // an API token (or other scheme): not a session
    }
    return cookieValue(request, sessionCookieName);
}

bool authenticateSession(AuthServices& services, HttpRequest& request) {
    const std::optional<std::string> secret = sessionSecretOf(request);
    if (!secret) return false;
    std::optional<auth::ResolvedSession> session = services.signIn.resolve(*secret);
    if (!session) throw Error(ErrorCode::unauthorized, "the session has expired or was ended");
    if (!request.header("authorization")) checkSameOrigin(request);
    const bool ownAccountRoute = request.path.rfind("/auth/v1/", 0) == 0;
    if (!ownAccountRoute) {
        switch (session->session.restriction) {
            case SessionRestriction::password_change:
                throw Error(ErrorCode::forbidden,
                            "change the temporary password first (POST /auth/v1/password)");
            case SessionRestriction::mfa_enrolment:
                throw Error(ErrorCode::forbidden,
                            "enrol two-factor authentication first (POST /auth/v1/mfa/totp)");
            case SessionRestriction::none:
                break;
        }
    }
    Principal principal = session->principal;
    principal.actor.source = "admin";
    principal.actor.sourceAddress = request.remoteAddress;
    principal.actor.userAgent = request.header("user-agent").value_or("");
    request.principal = std::move(principal);
    return true;
}

}  // namespace muster::daemon
