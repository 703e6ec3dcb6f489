// Sign-in end to end (SPEC A-1 ... A-5, U-4, L-2) against a real musterd and
// a real SMTP server (python3-aiosmtpd on 127.0.0.1): invitations by e-mail,
// passwords, TOTP with codes computed here from the secret, trusted devices,
// force logout, throttling and lockout, generic errors, resets, sessions,
// the activity log, and that no secret ever reaches the daemon's logs.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "daemon_process.hpp"
#include "muster/auth/totp.hpp"
#include "muster/test/postgres_server.hpp"
#include "muster/test/smtp_sink.hpp"

using namespace muster::testing;
using nlohmann::json;

namespace {

const std::string totpKey = "8f1c2a3b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

json parse(const HttpResult& result) {
    return result.body.empty() ? json() : json::parse(result.body, nullptr, false);
}

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string codeAt(const std::string& base32Secret, std::int64_t unixSeconds) {
    return muster::auth::totpCode(*muster::auth::base32Decode(base32Secret), unixSeconds);
}

// The token of the first link to public_url in a delivered message.
std::string linkToken(const std::string& message, const std::string& page) {
    std::smatch match;
    const std::regex link("http://muster\\.test/" + page + "\\?token=([A-Za-z0-9_-]+)");
    if (!std::regex_search(message, match, link)) return "";
    return match[1];
}

class SignIn : public ::testing::Test {
  protected:
    static std::string extraConfig() {
        return "auth:\n"
               "  public_url: http://muster.test\n"
               "  password_hash:\n"
               "    pbkdf2_iterations: 1000\n"
               "  account_free_failures: 3\n"
               "  address_free_failures: 1000\n"
               "  lockout_seconds: 2\n"
               "  max_lockout_seconds: 4\n";
    }

    void SetUp() override { startWith(""); }

    // A daemon on `storeUrl` (default: SQLite) with a real SMTP sink.
    void startWith(const std::string& storeUrl) {
        std::string whyNot;
        std::optional<std::string> python = muster::test::SmtpSink::findPython(&whyNot);
        if (!python) {
            if (muster::test::serversRequired()) FAIL() << whyNot;
            GTEST_SKIP() << whyNot;
        }
        sink_ = std::make_unique<muster::test::SmtpSink>(*python);
        DaemonProcess::Options options;
        options.storeUrl = storeUrl;
        options.extraConfig = extraConfig() +
                              "smtp:\n  host: 127.0.0.1\n  port: " + std::to_string(sink_->port()) +
                              "\n  from: muster@muster.test\n  retry_seconds: 1\n";
        options.environment["MUSTER_TOTP_KEY"] = totpKey;
        daemon_ = std::make_unique<DaemonProcess>(options);
    }

    HttpResult admin(const std::string& method, const std::string& path,
                     const json& body = nullptr) {
        return daemon_->request(method, path, body.is_null() ? "" : body.dump());
    }

    // A request with a session: as a bearer token, or as the cookie.
    HttpResult asSession(const std::string& method, const std::string& path,
                         const std::string& session, const json& body = nullptr,
                         bool cookie = false) {
        std::map<std::string, std::string> headers;
        if (cookie)
            headers["Cookie"] = "muster_session=" + session;
        else
            headers["Authorization"] = "Bearer " + session;
        return httpRequest(daemon_->port(), method, path, body.is_null() ? "" : body.dump(),
                           headers);
    }

    HttpResult open(const std::string& path, const json& body,
                    std::map<std::string, std::string> headers = {}) {
        return httpRequest(daemon_->port(), "POST", path, body.dump(), headers);
    }

    HttpResult login(const std::string& userName, const std::string& password,
                     std::map<std::string, std::string> headers = {}) {
        secrets_.push_back(password);
        return open("/auth/v1/login", {{"userName", userName}, {"password", password}}, headers);
    }

    std::string sessionOf(const HttpResult& result) {
        EXPECT_EQ(result.status, 200) << result.body;
        const std::string token = parse(result).value("sessionToken", "");
        if (!token.empty()) secrets_.push_back(token);
        return token;
    }

    long long createUser(const std::string& userName, const std::string& status = "active",
                         const json& roles = json::array({"employee"})) {
        json body = {{"userName", userName},
                     {"status", status},
                     {"roles", roles},
                     {"identifiers", {{{"kind", "email"}, {"value", userName}}}}};
        HttpResult created = admin("POST", "/api/v1/users", body);
        EXPECT_EQ(created.status, 201) << created.body;
        return parse(created).value("id", 0LL);
    }

    std::string userPath(long long id, const std::string& rest) {
        return "/api/v1/users/" + std::to_string(id) + rest;
    }

    // Gives the user a password through a temporary password and a change.
    std::string withPassword(long long id, const std::string& userName,
                             const std::string& password) {
        HttpResult temporary = admin("POST", userPath(id, "/temporary-password"));
        EXPECT_EQ(temporary.status, 200) << temporary.body;
        const std::string first = parse(temporary).value("temporaryPassword", "");
        const std::string session = sessionOf(login(userName, first));
        secrets_.push_back(password);
        EXPECT_EQ(asSession("POST", "/auth/v1/password", session,
                            {{"currentPassword", first}, {"newPassword", password}})
                      .status,
                  204);
        return session;
    }

    std::vector<std::string> activityActions(long long id) {
        std::vector<std::string> actions;
        HttpResult page = admin("GET", userPath(id, "/activity?limit=200"));
        EXPECT_EQ(page.status, 200) << page.body;
        const json body = parse(page);
        for (const json& item : body["items"]) {
            actions.push_back(item["action"]);
        }
        return actions;
    }

    void expectNoSecretsInLogs() {
        const std::string logs = daemon_->output() + daemon_->errors();
        ASSERT_FALSE(logs.empty());
        for (const std::string& secret : secrets_) {
            if (secret.size() < 6) continue;
            EXPECT_EQ(logs.find(secret), std::string::npos)
                << "a secret is in the daemon's log: " << secret.substr(0, 4) << "...";
        }
    }

    void invitationToForceLogout();

    std::unique_ptr<muster::test::SmtpSink> sink_;
    std::unique_ptr<DaemonProcess> daemon_;
    std::vector<std::string> secrets_;  // every secret seen, to grep the logs for
};

// The acceptance test of the issue: invite -> e-mail -> set password -> enrol
// TOTP -> sign in with MFA -> trusted device -> force logout -> old cookie
// rejected.
TEST_F(SignIn, InvitationToMfaToTrustedDeviceToForceLogout) { invitationToForceLogout(); }

void SignIn::invitationToForceLogout() {
    const long long id = createUser("ada@example.com", "invited");
    ASSERT_EQ(admin("POST", userPath(id, "/invite")).status, 204);

    const std::vector<std::string> mail = sink_->waitForMessages(1, std::chrono::seconds(20));
    ASSERT_EQ(mail.size(), 1u) << "the invitation was delivered over SMTP";
    EXPECT_NE(mail[0].find("To: ada@example.com"), std::string::npos) << mail[0];
    EXPECT_NE(mail[0].find("invited to default"), std::string::npos) << mail[0];
    const std::string invite = linkToken(mail[0], "invite");
    ASSERT_FALSE(invite.empty()) << mail[0];
    secrets_.push_back(invite);

    // Setting the password: the policy applies, and a refusal keeps the link usable.
    EXPECT_EQ(
        open("/auth/v1/invitations/accept", {{"token", invite}, {"password", "password1"}}).status,
        400);
    const std::string password = "amber-Gondola-stream-42";
    secrets_.push_back(password);
    HttpResult accepted =
        open("/auth/v1/invitations/accept", {{"token", invite}, {"password", password}});
    ASSERT_EQ(accepted.status, 201) << accepted.body;
    const std::string firstSession = parse(accepted)["sessionToken"];
    secrets_.push_back(firstSession);
    EXPECT_EQ(parse(admin("GET", userPath(id, "")))["status"], "active");
    EXPECT_EQ(
        open("/auth/v1/invitations/accept", {{"token", invite}, {"password", password}}).status,
        400)
        << "an invitation link works once";

    // Enrol TOTP: secret and otpauth URI, confirmed with a first code.
    HttpResult setup = asSession("POST", "/auth/v1/mfa/totp", firstSession);
    ASSERT_EQ(setup.status, 200) << setup.body;
    const std::string secret = parse(setup)["secret"];
    secrets_.push_back(secret);
    EXPECT_EQ(parse(setup)["otpauthUri"].get<std::string>().rfind(
                  "otpauth://totp/Muster:ada%40example.com?secret=" + secret, 0),
              0u);
    const std::int64_t t0 = unixNow();
    EXPECT_EQ(
        asSession("POST", "/auth/v1/mfa/totp/confirm", firstSession, {{"code", "000000"}}).status,
        400);
    HttpResult confirmed = asSession("POST", "/auth/v1/mfa/totp/confirm", firstSession,
                                     {{"code", codeAt(secret, t0)}});
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    const json recoveryCodes = parse(confirmed)["recoveryCodes"];
    ASSERT_EQ(recoveryCodes.size(), 10u);
    for (const json& code : recoveryCodes) secrets_.push_back(code);
    EXPECT_EQ(parse(admin("GET", userPath(id, "")))["mfaStatus"], "enabled");

    // Sign in: the password alone is not enough any more.
    HttpResult step1 = login("ada@example.com", password);
    ASSERT_EQ(step1.status, 200) << step1.body;
    ASSERT_EQ(parse(step1)["status"], "mfa_required");
    EXPECT_TRUE(parse(step1)["sessionToken"].is_null());
    const std::string challenge = parse(step1)["mfaChallenge"];
    secrets_.push_back(challenge);
    // The code of the step used for the enrolment is spent; the next step's is not.
    const std::string nextCode = codeAt(secret, t0 + 30);
    HttpResult step2 =
        open("/auth/v1/login/mfa",
             {{"mfaChallenge", challenge}, {"code", nextCode}, {"trustDevice", true}});
    ASSERT_EQ(step2.status, 200) << step2.body;
    const std::string session = sessionOf(step2);
    const std::string device = parse(step2)["trustedDeviceToken"];
    secrets_.push_back(device);
    EXPECT_NE(step2.header("set-cookie").find("muster_trusted_device=" + device),
              std::string::npos);
    EXPECT_NE(step2.header("set-cookie").find("HttpOnly"), std::string::npos);

    // The same code again is a replay, even with a fresh challenge.
    const std::string challenge2 = parse(login("ada@example.com", password))["mfaChallenge"];
    EXPECT_EQ(open("/auth/v1/login/mfa", {{"mfaChallenge", challenge2}, {"code", nextCode}}).status,
              401);
    EXPECT_EQ(open("/auth/v1/login/mfa", {{"mfaChallenge", challenge2}, {"code", nextCode}}).status,
              401)
        << "a challenge is spent by its first answer";
    // A recovery code works once.
    const std::string recovery = recoveryCodes[0];
    const std::string challenge3 = parse(login("ada@example.com", password))["mfaChallenge"];
    EXPECT_EQ(open("/auth/v1/login/mfa", {{"mfaChallenge", challenge3}, {"recoveryCode", recovery}})
                  .status,
              200);
    const std::string challenge4 = parse(login("ada@example.com", password))["mfaChallenge"];
    EXPECT_EQ(open("/auth/v1/login/mfa", {{"mfaChallenge", challenge4}, {"recoveryCode", recovery}})
                  .status,
              401);

    // The trusted device skips MFA (cookie as a browser sends it).
    HttpResult trusted =
        login("ada@example.com", password, {{"Cookie", "muster_trusted_device=" + device}});
    ASSERT_EQ(trusted.status, 200) << trusted.body;
    EXPECT_EQ(parse(trusted)["status"], "signed_in");
    const std::string trustedSession = sessionOf(trusted);

    // The session works as a cookie and as a bearer token.
    EXPECT_EQ(asSession("GET", "/auth/v1/session", session, nullptr, true).status, 200);
    EXPECT_EQ(asSession("GET", "/auth/v1/session", trustedSession).status, 200);
    HttpResult sessions = admin("GET", userPath(id, "/sessions"));
    ASSERT_EQ(sessions.status, 200) << sessions.body;
    EXPECT_GE(parse(sessions)["items"].size(), 3u);
    EXPECT_EQ(parse(sessions)["trustedDevices"], 1);

    // Force logout: every session and the trusted device go.
    ASSERT_EQ(admin("POST", userPath(id, "/force-logout")).status, 204);
    EXPECT_EQ(asSession("GET", "/auth/v1/session", session, nullptr, true).status, 401)
        << "the old cookie is rejected";
    EXPECT_EQ(asSession("GET", "/scim/v2/Me", trustedSession).status, 401);
    HttpResult afterLogout =
        login("ada@example.com", password, {{"Cookie", "muster_trusted_device=" + device}});
    EXPECT_EQ(parse(afterLogout)["status"], "mfa_required") << "the device is no longer trusted";
    EXPECT_TRUE(parse(admin("GET", userPath(id, "/sessions")))["items"].empty());

    // All of it is in the user's activity log, newest first.
    const std::vector<std::string> actions = activityActions(id);
    for (const char* expected :
         {"user.invite", "user.invitation.accept", "auth.mfa.enrol", "auth.mfa.verify",
          "auth.device.trust", "auth.mfa.failed", "auth.login", "auth.force_logout"}) {
        EXPECT_NE(std::find(actions.begin(), actions.end(), expected), actions.end()) << expected;
    }
    ASSERT_FALSE(actions.empty());
    EXPECT_EQ(actions.front(), "auth.login.password") << "newest first";
    expectNoSecretsInLogs();
}

TEST_F(SignIn, FailedSignInsLookAlikeWhateverTheReason) {
    const long long active = createUser("grace@example.com");
    withPassword(active, "grace@example.com", "lively-Otter-canal-77");
    const long long gone = createUser("gone@example.com");
    withPassword(gone, "gone@example.com", "quiet-Heron-valley-31");
    ASSERT_EQ(admin("POST", userPath(gone, "/deactivate")).status, 200);
    const long long banned = createUser("banned@example.com");
    withPassword(banned, "banned@example.com", "rapid-Falcon-river-58");
    ASSERT_EQ(admin("POST", userPath(banned, "/ban")).status, 200);
    createUser("invited@example.com", "invited");

    const std::vector<HttpResult> failures = {
        login("nobody@example.com", "whatever-password-1"),
        login("grace@example.com", "not-her-password-9"),
        login("gone@example.com", "quiet-Heron-valley-31"),
        login("banned@example.com", "rapid-Falcon-river-58"),
        login("invited@example.com", "any-password-at-all"),
        open("/auth/v1/login", {{"tenant", "nope"},
                                {"userName", "grace@example.com"},
                                {"password", "lively-Otter-canal-77"}}),
    };
    for (const HttpResult& failure : failures) {
        EXPECT_EQ(failure.status, 401) << failure.body;
        EXPECT_EQ(parse(failure)["detail"], parse(failures[0])["detail"]);
    }
    // The reason is in the audit log, for admins only.
    auto reasonIn = [&](long long id, const std::string& action) {
        const json page = parse(admin("GET", userPath(id, "/activity")));
        for (const json& item : page["items"]) {
            if (item["action"] == action) return item["after"]["reason"].get<std::string>();
        }
        return std::string();
    };
    EXPECT_EQ(reasonIn(active, "auth.login.failed"), "wrong_password");
    EXPECT_EQ(reasonIn(gone, "auth.login.refused"), "deactivated");
    EXPECT_EQ(reasonIn(banned, "auth.login.refused"), "banned");
    // Last login is recorded on success only.
    EXPECT_TRUE(parse(admin("GET", userPath(active, "")))["lastLogin"].is_string());
    expectNoSecretsInLogs();
}

TEST_F(SignIn, RepeatedFailuresLockTheAccountOutForAWhile) {
    const long long id = createUser("lin@example.com");
    const std::string password = "silver-Maple-harbor-64";
    withPassword(id, "lin@example.com", password);
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(login("lin@example.com", "wrong-password-" + std::to_string(i)).status, 401);
    }
    // Locked: even the right password is refused until the lockout ends.
    HttpResult locked = login("LIN@example.com", password);
    ASSERT_EQ(locked.status, 429) << locked.body;
    const int retryAfter = std::stoi(locked.header("retry-after"));
    EXPECT_GE(retryAfter, 1);
    EXPECT_LE(retryAfter, 4);
    std::this_thread::sleep_for(std::chrono::seconds(retryAfter) + std::chrono::milliseconds(300));
    EXPECT_EQ(login("lin@example.com", password).status, 200);
    const std::vector<std::string> actions = activityActions(id);
    EXPECT_NE(std::find(actions.begin(), actions.end(), "auth.lockout"), actions.end())
        << ::testing::PrintToString(actions);
    expectNoSecretsInLogs();
}

// A right password followed by wrong codes keeps counting: the account
// lockout bounds guessing of the second factor too.
TEST_F(SignIn, WrongMfaCodesAfterTheRightPasswordLockTheAccount) {
    const long long id = createUser("mo@example.com");
    const std::string password = "copper-Heron-valley-52";
    withPassword(id, "mo@example.com", password);
    const std::string session = sessionOf(login("mo@example.com", password));
    HttpResult setup = asSession("POST", "/auth/v1/mfa/totp", session);
    ASSERT_EQ(setup.status, 200) << setup.body;
    const std::string secret = parse(setup)["secret"];
    secrets_.push_back(secret);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    ASSERT_EQ(
        asSession("POST", "/auth/v1/mfa/totp/confirm", session, {{"code", codeAt(secret, now)}})
            .status,
        200);
    int lastStatus = 0;
    for (int attempt = 0; attempt < 6 && lastStatus != 429; ++attempt) {
        HttpResult step1 = login("mo@example.com", password);
        lastStatus = step1.status;
        if (step1.status != 200) break;
        const std::string challenge = parse(step1)["mfaChallenge"];
        secrets_.push_back(challenge);
        HttpResult wrong =
            open("/auth/v1/login/mfa", {{"mfaChallenge", challenge}, {"code", "000000"}});
        lastStatus = wrong.status;
        ASSERT_TRUE(wrong.status == 401 || wrong.status == 429) << wrong.body;
    }
    EXPECT_EQ(lastStatus, 429) << "wrong codes must lead to a lockout";
    EXPECT_EQ(login("mo@example.com", password).status, 429) << "locked even with the password";
    expectNoSecretsInLogs();
}

TEST_F(SignIn, ResentInvitationRevokesTheOldLink) {
    const long long id = createUser("bob@example.com", "invited");
    ASSERT_EQ(admin("POST", userPath(id, "/invite")).status, 204);
    ASSERT_EQ(sink_->waitForMessages(1, std::chrono::seconds(20)).size(), 1u);
    ASSERT_EQ(admin("POST", userPath(id, "/invite/resend")).status, 204);
    const std::vector<std::string> mail = sink_->waitForMessages(2, std::chrono::seconds(20));
    ASSERT_EQ(mail.size(), 2u);
    const std::string oldToken = linkToken(mail[0], "invite");
    const std::string newToken = linkToken(mail[1], "invite");
    ASSERT_NE(oldToken, newToken);
    secrets_.insert(secrets_.end(), {oldToken, newToken});
    const std::string password = "copper-Lantern-meadow-19";
    EXPECT_EQ(
        open("/auth/v1/invitations/accept", {{"token", oldToken}, {"password", password}}).status,
        400);
    EXPECT_EQ(
        open("/auth/v1/invitations/accept", {{"token", newToken}, {"password", password}}).status,
        201);
    // Only invited users get invitations; bulk reports per user.
    HttpResult bulk = admin("POST", "/api/v1/users/invitations",
                            {{"ids", {id, createUser("carl@example.com", "invited")}}});
    ASSERT_EQ(bulk.status, 200) << bulk.body;
    EXPECT_EQ(parse(bulk)["succeeded"], 1);
    EXPECT_EQ(parse(bulk)["results"][0]["status"], "error");
    EXPECT_EQ(sink_->waitForMessages(3, std::chrono::seconds(20)).size(), 3u);
    expectNoSecretsInLogs();
}

// A link mailed to an address the user no longer has must not work: that
// address may belong to somebody else now. An address added leaves them be.
TEST_F(SignIn, LinksSentToAnAddressTheUserNoLongerHasStopWorking) {
    const long long erin = createUser("erin@example.com", "invited");
    ASSERT_EQ(admin("POST", userPath(erin, "/invite")).status, 204);
    const long long finn = createUser("finn@example.com");
    const long long gus = createUser("gus@example.com");
    ASSERT_EQ(open("/auth/v1/password/forgot", {{"userName", "finn@example.com"}}).status, 202);
    ASSERT_EQ(open("/auth/v1/password/forgot", {{"userName", "gus@example.com"}}).status, 202);
    const std::vector<std::string> mail = sink_->waitForMessages(3, std::chrono::seconds(20));
    ASSERT_EQ(mail.size(), 3u);
    auto linkTo = [&](const std::string& address, const std::string& page) {
        for (const std::string& message : mail) {
            if (message.find(address) == std::string::npos) continue;
            const std::string token = linkToken(message, page);
            secrets_.push_back(token);
            return token;
        }
        ADD_FAILURE() << "no mail to " << address;
        return std::string();
    };
    const std::string invite = linkTo("erin@example.com", "invite");
    const std::string finnReset = linkTo("finn@example.com", "reset-password");
    const std::string gusReset = linkTo("gus@example.com", "reset-password");

    auto setEmails = [&](long long id, const json& emails) {
        const json patch = {
            {"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
            {"Operations", {{{"op", "replace"}, {"path", "emails"}, {"value", emails}}}}};
        HttpResult changed = admin("PATCH", "/scim/v2/Users/" + std::to_string(id), patch);
        EXPECT_EQ(changed.status, 200) << changed.body;
    };
    setEmails(erin, {{{"value", "erin@elsewhere.example"}, {"primary", true}}});
    setEmails(finn, {{{"value", "finn@elsewhere.example"}, {"primary", true}}});
    setEmails(gus, {{{"value", "gus@example.com"}, {"primary", true}},
                    {{"value", "gus.other@example.com"}}});

    const std::string password = "amber-Falcon-harbour-52";
    secrets_.push_back(password);
    EXPECT_EQ(
        open("/auth/v1/invitations/accept", {{"token", invite}, {"password", password}}).status,
        400);
    EXPECT_EQ(
        open("/auth/v1/password/reset", {{"token", finnReset}, {"password", password}}).status,
        400);
    EXPECT_EQ(open("/auth/v1/password/reset", {{"token", gusReset}, {"password", password}}).status,
              204);
    expectNoSecretsInLogs();
}

TEST_F(SignIn, PasswordResetsByMailAndByTemporaryPassword) {
    const long long id = createUser("dee@example.com", "active",
                                    json::array({"admin"}));  // an admin: may use /api/v1
    const std::string oldSession = withPassword(id, "dee@example.com", "golden-Parrot-bridge-27");
    EXPECT_EQ(asSession("GET", "/api/v1/users", oldSession).status, 200);

    // Self-service reset: the same answer for unknown users.
    EXPECT_EQ(open("/auth/v1/password/forgot", {{"userName", "nobody@example.com"}}).status, 202);
    EXPECT_EQ(open("/auth/v1/password/forgot", {{"userName", "dee@example.com"}}).status, 202);
    // Asking again at once answers the same but sends nothing: no mail bombing.
    EXPECT_EQ(open("/auth/v1/password/forgot", {{"userName", "dee@example.com"}}).status, 202);
    std::vector<std::string> mail = sink_->waitForMessages(1, std::chrono::seconds(20));
    ASSERT_EQ(mail.size(), 1u) << "no mail for the unknown user, one for dee";
    mail = sink_->waitForMessages(2, std::chrono::seconds(2));
    ASSERT_EQ(mail.size(), 1u) << "the second request within the cooldown sends no mail";
    const std::string token = linkToken(mail[0], "reset-password");
    ASSERT_FALSE(token.empty()) << mail[0];
    secrets_.push_back(token);
    const std::string newPassword = "velvet-Canyon-orbit-83";
    secrets_.push_back(newPassword);
    EXPECT_EQ(open("/auth/v1/password/reset", {{"token", token}, {"password", newPassword}}).status,
              204);
    EXPECT_EQ(open("/auth/v1/password/reset", {{"token", token}, {"password", newPassword}}).status,
              400);
    EXPECT_EQ(asSession("GET", "/auth/v1/session", oldSession).status, 401)
        << "a reset ends the sessions";
    EXPECT_EQ(login("dee@example.com", "golden-Parrot-bridge-27").status, 401);
    const std::string session = sessionOf(login("dee@example.com", newPassword));

    // Temporary password: returned once, forces a change before anything else.
    HttpResult temporary = admin("POST", userPath(id, "/temporary-password"));
    ASSERT_EQ(temporary.status, 200);
    EXPECT_EQ(temporary.header("cache-control"), "no-store");
    const std::string issued = parse(temporary)["temporaryPassword"];
    secrets_.push_back(issued);
    EXPECT_EQ(asSession("GET", "/auth/v1/session", session).status, 401);
    HttpResult restricted = login("dee@example.com", issued);
    EXPECT_EQ(parse(restricted)["restriction"], "password_change");
    const std::string limited = sessionOf(restricted);
    EXPECT_EQ(asSession("GET", "/api/v1/users", limited).status, 403);
    EXPECT_EQ(asSession("POST", "/auth/v1/password", limited,
                        {{"currentPassword", issued}, {"newPassword", "password"}})
                  .status,
              400)
        << "the policy applies to the new password";
    ASSERT_EQ(asSession("POST", "/auth/v1/password", limited,
                        {{"currentPassword", issued}, {"newPassword", "maroon-Walrus-tundra-46"}})
                  .status,
              204);
    secrets_.push_back("maroon-Walrus-tundra-46");
    EXPECT_EQ(asSession("GET", "/api/v1/users", limited).status, 200);
    expectNoSecretsInLogs();
}

TEST_F(SignIn, SessionsCookiesDropConnectionAndRoles) {
    const long long id = createUser("eve@example.com");
    withPassword(id, "eve@example.com", "crimson-Beetle-forest-35");
    HttpResult signedIn =
        login("eve@example.com", "crimson-Beetle-forest-35", {{"User-Agent", "sign-in-test/1.0"}});
    const std::string session = sessionOf(signedIn);
    const std::string cookie = signedIn.header("set-cookie");
    EXPECT_NE(cookie.find("muster_session=" + session), std::string::npos);
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(cookie.find("Path=/"), std::string::npos);
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP here";

    // An employee: no admin API, but /Me.
    EXPECT_EQ(asSession("GET", "/api/v1/users", session).status, 403);
    HttpResult me = asSession("GET", "/scim/v2/Me", session);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(parse(me)["userName"], "eve@example.com");
    EXPECT_EQ(daemon_->request("GET", "/scim/v2/Me").status, 501) << "a token without a user";
    // A cookie from another origin may not write.
    EXPECT_EQ(
        httpRequest(daemon_->port(), "POST", "/auth/v1/mfa/totp", "",
                    {{"Cookie", "muster_session=" + session}, {"Origin", "http://evil.example"}})
            .status,
        403);

    // Promoted to admin: the next request of the same session has the admin API.
    ASSERT_EQ(admin("PUT", userPath(id, "/roles"), {{"roles", {"admin"}}}).status, 200);
    EXPECT_EQ(asSession("GET", "/api/v1/users", session).status, 200);

    HttpResult sessions = admin("GET", userPath(id, "/sessions"));
    ASSERT_EQ(parse(sessions)["items"].size(), 2u) << sessions.body;
    EXPECT_EQ(parse(sessions)["items"][0]["userAgent"], "sign-in-test/1.0");

    ASSERT_EQ(admin("POST", userPath(id, "/drop-connection")).status, 204);
    EXPECT_EQ(asSession("GET", "/auth/v1/session", session).status, 401);
    EXPECT_EQ(login("eve@example.com", "crimson-Beetle-forest-35").status, 200)
        << "drop connection does not ban";

    // Deactivation ends sessions at once.
    const std::string again = sessionOf(login("eve@example.com", "crimson-Beetle-forest-35"));
    ASSERT_EQ(admin("POST", userPath(id, "/deactivate")).status, 200);
    EXPECT_EQ(asSession("GET", "/auth/v1/session", again).status, 401);

    // Logout clears the cookie.
    const long long other = createUser("fay@example.com");
    withPassword(other, "fay@example.com", "indigo-Marten-shore-52");
    const std::string fay = sessionOf(login("fay@example.com", "indigo-Marten-shore-52"));
    HttpResult out = asSession("POST", "/auth/v1/logout", fay, nullptr, true);
    EXPECT_EQ(out.status, 204);
    EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(asSession("GET", "/auth/v1/session", fay).status, 401);
    expectNoSecretsInLogs();
}

TEST_F(SignIn, TenantThatRequiresMfaMakesUsersEnrolFirst) {
    ASSERT_EQ(admin("PUT", "/api/v1/sign-in/settings", {{"mfaRequired", true}}).status, 200);
    EXPECT_EQ(parse(admin("GET", "/api/v1/sign-in/settings"))["mfaRequired"], true);
    const long long id = createUser("gil@example.com", "active", json::array({"admin"}));
    const std::string session = withPassword(id, "gil@example.com", "amber-Puffin-delta-68");
    EXPECT_EQ(asSession("GET", "/auth/v1/session", session).status, 200);
    EXPECT_EQ(parse(asSession("GET", "/auth/v1/session", session))["restriction"], "mfa_enrolment");
    EXPECT_EQ(asSession("GET", "/api/v1/users", session).status, 403);
    const std::string secret = parse(asSession("POST", "/auth/v1/mfa/totp", session))["secret"];
    secrets_.push_back(secret);
    ASSERT_EQ(asSession("POST", "/auth/v1/mfa/totp/confirm", session,
                        {{"code", codeAt(secret, unixNow())}})
                  .status,
              200);
    EXPECT_EQ(asSession("GET", "/api/v1/users", session).status, 200);

    // Admin "reset 2FA": the user is back to not enrolled.
    ASSERT_EQ(admin("POST", userPath(id, "/mfa/reset")).status, 204);
    EXPECT_EQ(parse(admin("GET", userPath(id, "")))["mfaStatus"], "not_enrolled");
    HttpResult next = login("gil@example.com", "amber-Puffin-delta-68");
    EXPECT_EQ(parse(next)["status"], "signed_in");
    EXPECT_EQ(parse(next)["restriction"], "mfa_enrolment");
    expectNoSecretsInLogs();
}

// The acceptance flow again with PostgreSQL as the store (several daemons
// share one in production).
class SignInOnPostgres : public SignIn {
  protected:
    void SetUp() override {
        std::string whyMissing;
        muster::test::PostgresServer* postgres = muster::test::sharedPostgres(&whyMissing);
        if (postgres == nullptr) {
            if (muster::test::serversRequired()) FAIL() << whyMissing;
            GTEST_SKIP() << whyMissing;
        }
        startWith(postgres->createDatabase("sign_in_test"));
    }
};

TEST_F(SignInOnPostgres, InvitationToMfaToTrustedDeviceToForceLogout) { invitationToForceLogout(); }

// Idle sessions end; a separate daemon with a short idle timeout.
class ShortSessions : public SignIn {
  protected:
    void SetUp() override {
        DaemonProcess::Options options;
        options.extraConfig = extraConfig() + "  session_idle_timeout_seconds: 2\n";
        daemon_ = std::make_unique<DaemonProcess>(options);
    }
};

TEST_F(ShortSessions, IdleSessionsExpire) {
    const long long id = createUser("hal@example.com");
    const std::string session = withPassword(id, "hal@example.com", "scarlet-Ibex-plateau-24");
    EXPECT_EQ(asSession("GET", "/auth/v1/session", session).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    EXPECT_EQ(asSession("GET", "/auth/v1/session", session).status, 401);
}

TEST_F(ShortSessions, WithoutATotpKeyMfaEnrolmentIsUnavailable) {
    const long long id = createUser("ida@example.com");
    const std::string session = withPassword(id, "ida@example.com", "cobalt-Lynx-summit-93");
    HttpResult refused = asSession("POST", "/auth/v1/mfa/totp", session);
    EXPECT_EQ(refused.status, 503) << refused.body;
}

}  // namespace
