#pragma once

// Sign-in in the daemon: the auth:: services built from the configuration,
// the mail worker, and session authentication of requests (a session cookie
// or a bearer session token). Handlers live in daemon/src/handlers/auth_*.cpp.

#include <memory>
#include <optional>
#include <string>

#include "muster/auth/mail.hpp"
#include "muster/auth/sign_in.hpp"
#include "muster/config/config.hpp"
#include "muster/core/store.hpp"
#include "muster/daemon/http.hpp"

namespace muster::daemon {

inline constexpr const char* sessionCookieName = "muster_session";
inline constexpr const char* trustedDeviceCookieName = "muster_trusted_device";

struct AuthServices {
    AuthServices(Store& store, auth::SignInOptions options, bool secureCookies);

    auth::SignInService signIn;
    bool secureCookies;
    // Delivers the outbox over SMTP; absent when smtp.host is not set.
    std::unique_ptr<auth::OutboxWorker> mailWorker;
};

// Reads keys and passwords named by the configuration (TOTP key file,
// MUSTER_TOTP_KEY, SMTP password file, MUSTER_SMTP_PASSWORD) and starts the
// mail worker when smtp.host is set. Error(invalid_input) for bad settings.
std::unique_ptr<AuthServices> makeAuthServices(const config::Config& config, Store& store);

// The auth:: options a configuration stands for (no files read).
auth::SignInOptions signInOptionsOf(const config::AuthConfig& config);

// The value of cookie `name` in the request's Cookie header.
std::optional<std::string> cookieValue(const HttpRequest& request, const std::string& name);

// The session secret a request carries: a bearer "mss_..." token, or else the
// session cookie (only when there is no Authorization header at all).
std::optional<std::string> sessionSecretOf(const HttpRequest& request);

// Authenticates a request that carries a session: sets request.principal
// (source "admin", with address and user agent) and returns true. Returns
// false when the request carries no session, so the caller tries API tokens.
// Throws unauthorized for an invalid or expired session, forbidden when a
// restricted session (temporary password, MFA enrolment pending) asks for
// anything but /auth/v1/, or when a cookie-authenticated write comes from
// another origin.
bool authenticateSession(AuthServices& services, HttpRequest& request);

}  // namespace muster::daemon
