// Sign-in for people: /auth/v1 (SPEC A-1 ... A-5, U-4). Login, MFA,
// logout, password change and reset, TOTP enrolment, invitation acceptance.
// Sessions come back as an HttpOnly, SameSite=Strict cookie (Secure over
// HTTPS) and, for API clients, as a bearer token in the body.

#include <nlohmann/json.hpp>

#include "muster/core/error.hpp"
#include "muster/daemon/auth_services.hpp"
#include "muster/daemon/errors.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

using nlohmann::json;

auth::ClientInfo clientOf(const HttpRequest& request) {
    return {request.remoteAddress, request.header("user-agent").value_or("")};
}

std::string cookie(const std::string& name, const std::string& value, const std::string& path,
                   std::int64_t maxAgeSeconds, bool secure) {
    std::string text = name + "=" + value + "; Path=" + path +
                       "; Max-Age=" + std::to_string(maxAgeSeconds) + "; HttpOnly; SameSite=Strict";
    if (secure) text += "; Secure";
    return text;
}

bool secureCookies(const AuthServices& services, const HttpRequest& request) {
    return request.secure || services.secureCookies;
}

// A string member the endpoint needs; Error(invalid_input) naming it.
std::string requiredString(const json& body, const char* key) {
    std::string value = optionalString(body, key);
    if (value.empty()) {
        throw Error(ErrorCode::invalid_input, std::string(key) + " is required", key);
    }
    return value;
}

HttpResponse sessionResponse(const AuthServices& services, const HttpRequest& request,
                             const auth::IssuedSession& issued, int status = 200) {
    const auth::SignInOptions& options = services.signIn.options();
    const SignInSession& session = issued.session;
    json body = {
        {"status", "signed_in"},
        {"sessionToken", issued.secret},
        {"userId", session.userId},
        {"expiresAt", formatTimestamp(session.expiresAt)},
        {"idleTimeoutSeconds", options.sessionIdleTimeout.count()},
        {"restriction", session.restriction == SessionRestriction::none
                            ? json(nullptr)
                            : json(std::string(toString(session.restriction)))},
    };
    HttpResponse response = HttpResponse::json(status, "");
    const bool secure = secureCookies(services, request);
    response.headers.emplace_back("Set-Cookie",
                                  cookie(sessionCookieName, issued.secret, "/",
                                         options.sessionAbsoluteTimeout.count(), secure));
    if (issued.trustedDeviceSecret) {
        body["trustedDeviceToken"] = *issued.trustedDeviceSecret;
        body["trustedDeviceExpiresAt"] = formatTimestamp(issued.trustedDeviceExpiresAt);
        response.headers.emplace_back(
            "Set-Cookie", cookie(trustedDeviceCookieName, *issued.trustedDeviceSecret, "/auth/v1",
                                 options.trustedDeviceLifetime.count(), secure));
    }
    response.headers.emplace_back("Cache-Control", "no-store");
    response.body = body.dump();
    return response;
}

// A failed sign-in: the generic 401, or 429 with Retry-After when locked out.
template <typename Work>
HttpResponse signingIn(Work&& work) {
    try {
        return work();
    } catch (const auth::SignInLockedOut& locked) {
        HttpResponse response = errorResponse(429, locked.what());
        response.headers.emplace_back("Retry-After", std::to_string(locked.retryAfterSeconds()));
        return response;
    }
}

auth::ResolvedSession requireSession(AuthServices& services, const HttpRequest& request) {
    std::optional<std::string> secret = sessionSecretOf(request);
    std::optional<auth::ResolvedSession> session =
        secret ? services.signIn.resolve(*secret) : std::nullopt;
    if (!session) throw Error(ErrorCode::unauthorized, "sign in first: this needs a session");
    session->principal.actor.sourceAddress = request.remoteAddress;
    session->principal.actor.userAgent = request.header("user-agent").value_or("");
    return *session;
}

HttpResponse login(AuthServices& services, HttpRequest& request) {
    const json body = parseJsonObject(request.body);
    auth::LoginAttempt attempt;
    attempt.tenant = optionalString(body, "tenant");
    attempt.identifier = optionalString(body, "userName");
    if (attempt.identifier.empty()) attempt.identifier = optionalString(body, "identifier");
    attempt.password = optionalString(body, "password");
    attempt.trustedDeviceSecret = optionalString(body, "trustedDeviceToken");
    if (attempt.trustedDeviceSecret.empty()) {
        attempt.trustedDeviceSecret = cookieValue(request, trustedDeviceCookieName).value_or("");
    }
    attempt.client = clientOf(request);
    return signingIn([&] {
        const auth::LoginResult result = services.signIn.login(attempt);
        if (result.session) return sessionResponse(services, request, *result.session);
        HttpResponse response = HttpResponse::json(
            200, json{{"status", "mfa_required"},
                      {"mfaChallenge", result.mfaChallenge},
                      {"expiresInSeconds", services.signIn.options().mfaChallengeLifetime.count()}}
                     .dump());
        response.headers.emplace_back("Cache-Control", "no-store");
        return response;
    });
}

HttpResponse answerMfa(AuthServices& services, HttpRequest& request) {
    const json body = parseJsonObject(request.body);
    auth::MfaAnswer answer;
    answer.challenge = optionalString(body, "mfaChallenge");
    answer.code = optionalString(body, "code");
    answer.recoveryCode = optionalString(body, "recoveryCode");
    if (auto trust = body.find("trustDevice"); trust != body.end() && !trust->is_null()) {
        if (!trust->is_boolean()) {
            throw Error(ErrorCode::invalid_input, "trustDevice: expected true or false",
                        "trustDevice");
        }
        answer.trustDevice = trust->get<bool>();
    }
    answer.client = clientOf(request);
    return signingIn(
        [&] { return sessionResponse(services, request, services.signIn.answerMfa(answer)); });
}

HttpResponse logout(AuthServices& services, HttpRequest& request) {
    if (std::optional<std::string> secret = sessionSecretOf(request)) {
        services.signIn.logout(*secret);
    }
    HttpResponse response = HttpResponse::noContent();
    response.headers.emplace_back(
        "Set-Cookie", cookie(sessionCookieName, "", "/", 0, secureCookies(services, request)));
    return response;
}

HttpResponse currentSession(AuthServices& services, HttpRequest& request) {
    const auth::ResolvedSession session = requireSession(services, request);
    const User user = services.signIn.currentUser(session);
    json body = {
        {"userId", user.id},
        {"userName", user.userName},
        {"displayName", user.displayName},
        {"tenant", session.principal.tenantName},
        {"mfaStatus", std::string(toString(user.mfaStatus))},
        {"admin", session.principal.has(TokenScope::admin)},
        {"sessionId", session.session.id},
        {"createdAt", formatTimestamp(session.session.createdAt)},
        {"expiresAt", formatTimestamp(session.session.expiresAt)},
        {"restriction", session.session.restriction == SessionRestriction::none
                            ? json(nullptr)
                            : json(std::string(toString(session.session.restriction)))},
    };
    return HttpResponse::json(200, body.dump());
}

HttpResponse changePassword(AuthServices& services, HttpRequest& request) {
    const auth::ResolvedSession session = requireSession(services, request);
    const json body = parseJsonObject(request.body);
    services.signIn.changePassword(session, requiredString(body, "currentPassword"),
                                   requiredString(body, "newPassword"));
    return HttpResponse::noContent();
}

HttpResponse beginTotp(AuthServices& services, HttpRequest& request) {
    const auth::ResolvedSession session = requireSession(services, request);
    const auth::TotpSetup setup = services.signIn.beginTotpEnrolment(session);
    HttpResponse response = HttpResponse::json(
        200, json{{"secret", setup.secret}, {"otpauthUri", setup.otpauthUri}}.dump());
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

HttpResponse recoveryCodesResponse(const std::vector<std::string>& codes) {
    HttpResponse response = HttpResponse::json(200, json{{"recoveryCodes", codes}}.dump());
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

HttpResponse confirmTotp(AuthServices& services, HttpRequest& request) {
    const auth::ResolvedSession session = requireSession(services, request);
    const json body = parseJsonObject(request.body);
    return recoveryCodesResponse(
        services.signIn.confirmTotpEnrolment(session, requiredString(body, "code")));
}

HttpResponse newRecoveryCodes(AuthServices& services, HttpRequest& request) {
    const auth::ResolvedSession session = requireSession(services, request);
    const json body = parseJsonObject(request.body);
    return recoveryCodesResponse(
        services.signIn.regenerateRecoveryCodes(session, requiredString(body, "code")));
}

HttpResponse acceptInvitation(AuthServices& services, HttpRequest& request) {
    const json body = parseJsonObject(request.body);
    const auth::IssuedSession issued = services.signIn.acceptInvitation(
        requiredString(body, "token"), requiredString(body, "password"), clientOf(request));
    return sessionResponse(services, request, issued, 201);
}

HttpResponse forgotPassword(AuthServices& services, HttpRequest& request) {
    const json body = parseJsonObject(request.body);
    std::string identifier = optionalString(body, "userName");
    if (identifier.empty()) identifier = optionalString(body, "identifier");
    services.signIn.requestPasswordReset(optionalString(body, "tenant"), identifier,
                                         clientOf(request));
    // The same answer whether or not such a user exists.
    return HttpResponse::json(
        202, json{{"detail",
                   "if the account exists and has an e-mail address, a reset link is "
                   "on its way"}}
                 .dump());
}

HttpResponse resetPassword(AuthServices& services, HttpRequest& request) {
    const json body = parseJsonObject(request.body);
    services.signIn.resetPassword(requiredString(body, "token"), requiredString(body, "password"),
                                  clientOf(request));
    return HttpResponse::noContent();
}

}  // namespace

void registerAuthSignInRoutes(ServerContext& context) {
    AuthServices& services = *context.auth;
    Router& router = context.router;
    auto open = [&](const char* method, const char* path,
                    HttpResponse (*handler)(AuthServices&, HttpRequest&)) {
        router.add(method, path, Access::open,
                   [&services, handler](HttpRequest& r) { return handler(services, r); });
    };
    // Session routes authenticate in the dispatcher (which also lets a
    // restricted session reach them) and again in the handler for its session.
    auto session = [&](const char* method, const char* path,
                       HttpResponse (*handler)(AuthServices&, HttpRequest&)) {
        router.add(method, path, Access::token,
                   [&services, handler](HttpRequest& r) { return handler(services, r); });
    };
    open("POST", "/auth/v1/login", login);
    open("POST", "/auth/v1/login/mfa", answerMfa);
    open("POST", "/auth/v1/logout", logout);
    open("POST", "/auth/v1/invitations/accept", acceptInvitation);
    open("POST", "/auth/v1/password/forgot", forgotPassword);
    open("POST", "/auth/v1/password/reset", resetPassword);
    session("GET", "/auth/v1/session", currentSession);
    session("POST", "/auth/v1/password", changePassword);
    session("POST", "/auth/v1/mfa/totp", beginTotp);
    session("POST", "/auth/v1/mfa/totp/confirm", confirmTotp);
    session("POST", "/auth/v1/mfa/recovery-codes", newRecoveryCodes);
}

}  // namespace muster::daemon
