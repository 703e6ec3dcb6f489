// The daemon end to end: a real musterd process on a free port.

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "daemon_process.hpp"

using namespace muster::testing;
using nlohmann::json;

namespace {

json parse(const HttpResult& result) { return json::parse(result.body); }

// A token created through the admin API; returns the secret.
std::string createToken(const DaemonProcess& daemon, const json& request,
                        const std::string& bearer = "use-bootstrap") {
    HttpResult created = daemon.request("POST", "/api/v1/tokens", request.dump(), bearer);
    EXPECT_EQ(created.status, 201) << created.body;
    return parse(created).value("token", "");
}

}  // namespace

TEST(Daemon, HealthzAnswersWithoutToken) {
    DaemonProcess daemon;
    HttpResult health = httpRequest(daemon.port(), "GET", "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(parse(health)["status"], "ok");
}

TEST(Daemon, PrintsBootstrapTokenOnceAndItOpensReadyz) {
    const auto dir = makeTempDir("musterd-boot");
    {
        DaemonProcess::Options options;
        options.workDir = dir;
        DaemonProcess first(options);
        ASSERT_GE(first.bootstrapToken().size(), 40u) << first.output();
        HttpResult ready = first.request("GET", "/readyz");
        EXPECT_EQ(ready.status, 200) << ready.body;
        EXPECT_EQ(parse(ready)["store"], "sqlite3");
        EXPECT_EQ(first.terminate(), 0);
    }
    DaemonProcess::Options options;
    options.workDir = dir;
    DaemonProcess second(options);
    EXPECT_EQ(second.output().find("bootstrap admin token"), std::string::npos)
        << "the token must be printed only on the first start";
    second.terminate();
    std::filesystem::remove_all(dir);
}

TEST(Daemon, UsesPresetBootstrapToken) {
    DaemonProcess::Options options;
    options.environment["MUSTER_BOOTSTRAP_TOKEN"] = "automation-secret-0123456789abcdefghij";
    DaemonProcess daemon(options);
    EXPECT_EQ(daemon.bootstrapToken(), "automation-secret-0123456789abcdefghij");
    EXPECT_EQ(daemon.request("GET", "/readyz").status, 200);
}

TEST(Daemon, RejectsMissingAndWrongTokensWith401) {
    DaemonProcess daemon;
    for (const std::string path : {"/readyz", "/metrics", "/api/v1/tokens"}) {
        HttpResult missing = daemon.request("GET", path, "", "");
        EXPECT_EQ(missing.status, 401) << path;
        EXPECT_EQ(missing.reason, "Unauthorized") << path;
        EXPECT_EQ(missing.header("www-authenticate").rfind("Bearer", 0), 0u) << path;
        EXPECT_EQ(parse(missing)["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
        EXPECT_EQ(daemon.request("GET", path, "", "mst_not-a-real-token").status, 401) << path;
    }
}

TEST(Daemon, RejectsBodiesOverTheLimitWith413) {
    DaemonProcess daemon;  // default limit: 1 MiB
    const std::string big(1024 * 1024 + 1, 'x');
    HttpResult tooBig = daemon.request("POST", "/api/v1/tokens", big);
    EXPECT_EQ(tooBig.status, 413);
    EXPECT_NE(parse(tooBig)["detail"].get<std::string>().find("max_body_bytes"), std::string::npos);
    // Just under the limit is read (and then rejected as bad JSON, not as too large).
    const std::string fits(1024 * 1024, ' ');
    EXPECT_EQ(daemon.request("POST", "/api/v1/tokens", fits).status, 400);
}

TEST(Daemon, ConfigErrorNamesFileLineAndKey) {
    const auto dir = makeTempDir("musterd-config");
    const auto file = dir / "bad.yaml";
    writeFile(file, "# comment\nlisten:\n  address: 127.0.0.1\n  port: 80a\nstore:\n  url: sqlite:x.db\n");
    ProgramResult result = runProgram({DaemonProcess::daemonPath(), "--config", file.string()});
    EXPECT_EQ(result.exitCode, 78);
    EXPECT_NE(result.err.find(file.string() + ":4: listen.port: expected an integer, got \"80a\""),
              std::string::npos)
        << result.err;
    std::filesystem::remove_all(dir);
}

TEST(Daemon, MigrateOnlyAppliesSchemaAndExits) {
    const auto dir = makeTempDir("musterd-migrate");
    writeFile(dir / "m.yaml", "store:\n  url: sqlite://" + (dir / "m.db").string() + "\n");
    ProgramResult first =
        runProgram({DaemonProcess::daemonPath(), "--config", (dir / "m.yaml").string(), "--migrate-only"});
    EXPECT_EQ(first.exitCode, 0) << first.err;
    EXPECT_NE(first.out.find("schema at version"), std::string::npos);
    EXPECT_EQ(first.out.find("(0 migrations applied)"), std::string::npos) << first.out;
    ProgramResult second =
        runProgram({DaemonProcess::daemonPath(), "--config", (dir / "m.yaml").string(), "--migrate-only"});
    EXPECT_EQ(second.exitCode, 0);
    EXPECT_NE(second.out.find("(0 migrations applied)"), std::string::npos) << second.out;
    std::filesystem::remove_all(dir);
}

TEST(Daemon, SigtermExitsZero) {
    DaemonProcess daemon;
    EXPECT_EQ(daemon.terminate(), 0) << daemon.errors();
    EXPECT_NE(daemon.output().find("shutting down"), std::string::npos);
}

TEST(Daemon, SigtermLetsARequestInFlightFinish) {
    DaemonProcess daemon;
    const std::string body = R"({"name":"drain","scopes":["scim"]})";
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(daemon.port()));
    Poco::Net::HTTPRequest request("POST", "/api/v1/tokens", Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + daemon.bootstrapToken());
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    std::ostream& out = session.sendRequest(request);
    out << body.substr(0, 10) << std::flush;  // the daemon is now waiting for the rest
    std::this_thread::sleep_for(std::chrono::milliseconds(300));

    std::thread stopper([&daemon] { EXPECT_EQ(daemon.terminate(), 0); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    out << body.substr(10) << std::flush;
    Poco::Net::HTTPResponse response;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
    stopper.join();
    EXPECT_EQ(response.getStatus(), 201) << answer;
}

TEST(Daemon, MetricsCountRequestsByRouteAndStatus) {
    DaemonProcess daemon;
    httpRequest(daemon.port(), "GET", "/healthz");
    daemon.request("GET", "/readyz", "", "");
    HttpResult metrics = daemon.request("GET", "/metrics");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find(R"(muster_http_requests_total{route="/healthz",method="GET",status="200"} 1)"),
              std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find(R"(muster_http_requests_total{route="/readyz",method="GET",status="401"} 1)"),
              std::string::npos);
    EXPECT_NE(metrics.body.find("muster_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"),
              std::string::npos);
    EXPECT_NE(metrics.body.find("muster_store_pool_size 8"), std::string::npos);
}

TEST(Daemon, WritesJsonAccessLogWithoutSecrets) {
    DaemonProcess daemon;
    daemon.request("GET", "/readyz");
    daemon.terminate();
    const std::string out = daemon.output();
    EXPECT_NE(out.find(R"("route":"/readyz")"), std::string::npos) << out;
    // The token appears once in the output: on the bootstrap line, never in the access log.
    const auto first = out.find(daemon.bootstrapToken());
    EXPECT_EQ(out.find(daemon.bootstrapToken(), first + 1), std::string::npos);
}

TEST(Daemon, UnknownRouteIs404AndWrongMethodIs405) {
    DaemonProcess daemon;
    EXPECT_EQ(daemon.request("GET", "/nope").status, 404);
    EXPECT_EQ(daemon.request("PUT", "/healthz").status, 405);
}

TEST(Tokens, CreateListRevoke) {
    DaemonProcess daemon;
    HttpResult created = daemon.request("POST", "/api/v1/tokens",
                                        R"({"name":"entra","scopes":["scim"]})");
    ASSERT_EQ(created.status, 201) << created.body;
    const json token = parse(created);
    const std::string secret = token["token"];
    EXPECT_GE(secret.size(), 43u);  // 32 random bytes, base64url, plus a prefix
    EXPECT_EQ(token["scopes"], json::array({"scim"}));
    EXPECT_EQ(token["tenant"], "default");

    EXPECT_EQ(daemon.request("GET", "/readyz", "", secret).status, 200);
    HttpResult list = daemon.request("GET", "/api/v1/tokens");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find(secret), std::string::npos) << "secrets are shown only once";
    EXPECT_EQ(parse(list)["items"].size(), 2u);

    const std::string id = std::to_string(token["id"].get<long long>());
    EXPECT_EQ(daemon.request("DELETE", "/api/v1/tokens/" + id).status, 204);
    EXPECT_EQ(daemon.request("GET", "/readyz", "", secret).status, 401) << "revoked";
    EXPECT_EQ(daemon.request("DELETE", "/api/v1/tokens/999999").status, 404);
}

TEST(Tokens, ScopesLimitWhatATokenMayDo) {
    DaemonProcess daemon;
    const std::string scim = createToken(daemon, {{"name", "scim"}, {"scopes", {"scim"}}});
    EXPECT_EQ(daemon.request("POST", "/api/v1/tokens", R"({"scopes":["scim"]})", scim).status, 403);
    EXPECT_EQ(daemon.request("GET", "/api/v1/tokens", "", scim).status, 403);

    const std::string admin = createToken(daemon, {{"name", "admin"}, {"scopes", {"admin"}}});
    EXPECT_EQ(daemon.request("POST", "/api/v1/tokens", R"({"scopes":["operator"]})", admin).status, 403)
        << "only an operator grants operator";
    EXPECT_EQ(daemon.request("POST", "/api/v1/tenants", R"({"name":"x"})", admin).status, 403);
    EXPECT_EQ(daemon.request("POST", "/api/v1/tokens", R"({"scopes":["agent"]})", admin).status, 201);
    EXPECT_EQ(daemon.request("POST", "/api/v1/tokens", R"({"scopes":["wizard"]})").status, 400);
}

TEST(Tenants, OperatorCreatesTenantsAndTokensStayInTheirTenant) {
    DaemonProcess daemon;
    HttpResult tenant = daemon.request("POST", "/api/v1/tenants", R"({"name":"acme"})");
    ASSERT_EQ(tenant.status, 201) << tenant.body;
    EXPECT_EQ(daemon.request("POST", "/api/v1/tenants", R"({"name":"acme"})").status, 409);
    EXPECT_EQ(daemon.request("POST", "/api/v1/tenants", R"({"name":"Bad Name!"})").status, 400);

    const std::string acmeAdmin =
        createToken(daemon, {{"tenant", "acme"}, {"name", "acme-admin"}, {"scopes", {"admin"}}});
    HttpResult acmeTokens = daemon.request("GET", "/api/v1/tokens", "", acmeAdmin);
    ASSERT_EQ(acmeTokens.status, 200);
    ASSERT_EQ(parse(acmeTokens)["items"].size(), 1u);
    EXPECT_EQ(parse(acmeTokens)["items"][0]["tenant"], "acme");

    // acme's admin sees and touches nothing of the default tenant.
    EXPECT_EQ(daemon.request("GET", "/api/v1/tokens?tenant=default", "", acmeAdmin).status, 403);
    EXPECT_EQ(daemon.request("POST", "/api/v1/tokens", R"({"tenant":"default","scopes":["scim"]})",
                             acmeAdmin)
                  .status,
              403);
    HttpResult defaultTokens = daemon.request("GET", "/api/v1/tokens");
    const auto bootstrapId = std::to_string(parse(defaultTokens)["items"][0]["id"].get<long long>());
    EXPECT_EQ(daemon.request("DELETE", "/api/v1/tokens/" + bootstrapId, "", acmeAdmin).status, 404);
    EXPECT_EQ(daemon.request("GET", "/readyz").status, 200) << "bootstrap token still valid";
}

TEST(Musterctl, CreatesListsAndRevokesTokens) {
    DaemonProcess daemon;
    const std::map<std::string, std::string> env = {
        {"MUSTER_URL", "http://127.0.0.1:" + std::to_string(daemon.port())},
        {"MUSTER_TOKEN", daemon.bootstrapToken()}};
    const std::string ctl = DaemonProcess::ctlPath().string();

    ProgramResult tenant = runProgram({ctl, "tenant", "create", "globex"}, env);
    EXPECT_EQ(tenant.exitCode, 0) << tenant.err;
    ProgramResult created =
        runProgram({ctl, "token", "create", "--scope", "scim", "--tenant", "globex"}, env);
    ASSERT_EQ(created.exitCode, 0) << created.err;
    const auto at = created.out.find("token: ");
    ASSERT_NE(at, std::string::npos);
    const std::string secret = created.out.substr(at + 7, created.out.find('\n', at) - at - 7);
    EXPECT_EQ(daemon.request("GET", "/readyz", "", secret).status, 200);

    ProgramResult list = runProgram({ctl, "token", "list", "--tenant", "globex"}, env);
    EXPECT_EQ(list.exitCode, 0);
    EXPECT_NE(list.out.find("scim"), std::string::npos);
    EXPECT_EQ(list.out.find(secret), std::string::npos);

    ProgramResult denied = runProgram({ctl, "tenant", "list"},
                                      {{"MUSTER_URL", env.at("MUSTER_URL")}, {"MUSTER_TOKEN", secret}});
    EXPECT_EQ(denied.exitCode, 1);
    EXPECT_NE(denied.err.find("operator"), std::string::npos) << denied.err;
    EXPECT_EQ(runProgram({ctl, "frobnicate"}, env).exitCode, 2);
}

TEST(Daemon, ServesHttpsWithTheConfiguredCertificate) {
    const auto dir = makeTempDir("musterd-tls");
    const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
    ProgramResult made = runProgram({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
                                     "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj",
                                     "/CN=localhost", "-addext",
                                     "subjectAltName=IP:127.0.0.1,DNS:localhost"});
    ASSERT_EQ(made.exitCode, 0) << made.err;
    const int tlsPort = freePort();
    DaemonProcess::Options options;
    options.listenExtra = "  tls:\n    enabled: true\n    address: 127.0.0.1\n    port: " +
                          std::to_string(tlsPort) + "\n    certificate_file: " + cert +
                          "\n    private_key_file: " + key + "\n";
    DaemonProcess daemon(options);
    const std::string url = "https://127.0.0.1:" + std::to_string(tlsPort) + "/readyz";
    ProgramResult ready =
        runProgram({"/usr/bin/curl", "-sS", "--cacert", cert, "-H",
                    "Authorization: Bearer " + daemon.bootstrapToken(), "-w", "\n%{http_code}", url});
    EXPECT_EQ(ready.exitCode, 0) << ready.err;
    EXPECT_NE(ready.out.find("\n200"), std::string::npos) << ready.out;
    // A client that does not trust the certificate is refused by TLS itself.
    EXPECT_NE(runProgram({"/usr/bin/curl", "-sS", url}).exitCode, 0);
    daemon.terminate();
    std::filesystem::remove_all(dir);
}
