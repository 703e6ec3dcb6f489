// Agents (SPEC U-6), tracking (U-7) and data deletion (U-8) end to end
// against a real musterd: check-in rules, idempotency and races, device
// decisions and assignment history, tracking answers as rules change,
// exclusions, historical data really deleted, and tenant isolation of every
// endpoint.

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "daemon_process.hpp"

using namespace muster::testing;
using nlohmann::json;

namespace {

json parse(const HttpResult& result) {
    return result.body.empty() ? json() : json::parse(result.body, nullptr, false);
}

class Agents : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        daemon_ = new DaemonProcess();
        agent_ = createToken("default", {"agent"});
        HttpResult tenant = call("POST", "/api/v1/tenants", {{"name", "agents-other"}});
        ASSERT_EQ(tenant.status, 201) << tenant.body;
        otherAdmin_ = createToken("agents-other", {"admin"});
        otherAgent_ = createToken("agents-other", {"agent"});
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }

    static std::string createToken(const std::string& tenant, const json& scopes) {
        HttpResult created =
            call("POST", "/api/v1/tokens",
                 {{"name", "agents-test"}, {"scopes", scopes}, {"tenant", tenant}});
        EXPECT_EQ(created.status, 201) << created.body;
        return parse(created).value("token", "");
    }

    static HttpResult call(const std::string& method, const std::string& path,
                           const json& body = nullptr, const std::string& token = "use-bootstrap") {
        return daemon_->request(method, path, body.is_null() ? "" : body.dump(), token);
    }

    static json checkinBody(const std::string& deviceId, const std::string& username,
                            const std::string& domain) {
        return {{"deviceId", deviceId},
                {"hostname", "host-" + deviceId},
                {"os", "Windows 11 Pro"},
                {"agentVersion", "7.2.1"},
                {"deviceLogin", {{"username", username}, {"logonDomain", domain}}}};
    }

    static HttpResult checkin(const std::string& deviceId, const std::string& username,
                              const std::string& domain, const std::string& token = agent_) {
        return call("POST", "/agent/v1/checkin", checkinBody(deviceId, username, domain), token);
    }

    static long long createUser(const std::string& userName, const json& identifiers) {
        HttpResult created =
            call("POST", "/api/v1/users", {{"userName", userName}, {"identifiers", identifiers}});
        EXPECT_EQ(created.status, 201) << created.body;
        return parse(created).value("id", 0LL);
    }

    static json tracking(const std::string& username, const std::string& domain,
                         const std::string& token = agent_) {
        HttpResult answer = call(
            "GET", "/agent/v1/tracking?username=" + username + "&domain=" + domain, nullptr, token);
        EXPECT_EQ(answer.status, 200) << answer.body;
        return parse(answer);
    }

    static std::string user(long long id, const std::string& rest = "") {
        return "/api/v1/users/" + std::to_string(id) + rest;
    }
    static std::string device(long long id, const std::string& rest = "") {
        return "/api/v1/devices/" + std::to_string(id) + rest;
    }

    // An approved device of a fresh user, with `records` activity records uploaded.
    static long long userWithActivity(const std::string& name, int records) {
        HttpResult in = checkin("dev-" + name, name, "DATA");
        EXPECT_EQ(in.status, 201) << in.body;
        const long long deviceId = parse(in)["device"]["id"].get<long long>();
        EXPECT_EQ(call("POST", device(deviceId, "/approve")).status, 200);
        json items = json::array();
        for (int i = 0; i < records; ++i) {
            items.push_back({{"kind", "app"},
                             {"start", "2026-11-23T10:0" + std::to_string(i) + ":00Z"},
                             {"end", "2026-11-23T10:0" + std::to_string(i) + ":30Z"},
                             {"detail", "excel.exe"}});
        }
        HttpResult upload = call("POST", "/agent/v1/activity",
                                 {{"deviceId", "dev-" + name}, {"records", items}}, agent_);
        EXPECT_EQ(upload.status, 201) << upload.body;
        return parse(in)["user"]["id"].get<long long>();
    }

    static long long recordsOf(long long userId, const std::string& token = "use-bootstrap") {
        HttpResult count = call("GET", user(userId, "/historical-data"), nullptr, token);
        EXPECT_EQ(count.status, 200) << count.body;
        return parse(count).value("records", -1LL);
    }

    static DaemonProcess* daemon_;
    static std::string agent_, otherAdmin_, otherAgent_;
};

DaemonProcess* Agents::daemon_ = nullptr;
std::string Agents::agent_, Agents::otherAdmin_, Agents::otherAgent_;

// --- check-in ---

TEST_F(Agents, UnknownLoginCreatesAnActiveIncompleteUserWithPlaceholderAndPendingDevice) {
    HttpResult in = checkin("PC-NEW-1", "newcomer", "CORP");
    ASSERT_EQ(in.status, 201) << in.body;
    const json answer = parse(in);
    EXPECT_TRUE(answer["user"]["created"].get<bool>());
    EXPECT_EQ(answer["user"]["userName"], "newcomer");
    EXPECT_EQ(answer["status"], "pending");
    EXPECT_EQ(answer["device"]["hostname"], "host-PC-NEW-1");
    EXPECT_EQ(answer["device"]["agentVersion"], "7.2.1");
    EXPECT_TRUE(answer["tracking"]["track"].get<bool>());

    HttpResult got = call("GET", user(answer["user"]["id"].get<long long>()));
    ASSERT_EQ(got.status, 200) << got.body;
    const json created = parse(got);
    EXPECT_EQ(created["status"], "active");
    EXPECT_TRUE(created["profileIncomplete"].get<bool>());
    EXPECT_EQ(created["displayId"], "newcomer@CORP") << "the placeholder email";
    std::set<std::string> kinds;
    for (const json& identifier : created["identifiers"]) kinds.insert(identifier["kind"]);
    EXPECT_EQ(kinds, (std::set<std::string>{"email", "device_login"}));
}

TEST_F(Agents, SameCheckinTwiceCreatesNothingNew) {
    HttpResult first = checkin("PC-TWICE", "twice", "CORP");
    ASSERT_EQ(first.status, 201) << first.body;
    HttpResult second = checkin("pc-twice", "TWICE", "corp");
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(parse(second)["device"]["id"], parse(first)["device"]["id"]);
    EXPECT_EQ(parse(second)["user"]["id"], parse(first)["user"]["id"]);
    EXPECT_FALSE(parse(second)["user"]["created"].get<bool>());

    const long long userId = parse(first)["user"]["id"].get<long long>();
    HttpResult devices = call("GET", "/api/v1/devices?userId=" + std::to_string(userId), nullptr);
    EXPECT_EQ(parse(devices)["items"].size(), 1u) << devices.body;
    HttpResult found = call("GET", "/api/v1/users?q=twice");
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_EQ(parse(found)["items"].size(), 1u) << found.body;
    EXPECT_EQ(parse(call("GET", user(userId)))["identifiers"].size(), 2u)
        << "no second device login";
}

TEST_F(Agents, AttachesToTheUserHoldingTheDeviceLoginAndApprovesTheDevice) {
    const long long owner = createUser(
        "owner.of.login", {{{"kind", "upn"}, {"value", "owner@corp.example.com"}},
                           {{"kind", "device_login"}, {"value", "olog"}, {"logonDomain", "CORP"}}});
    HttpResult in = checkin("PC-OWNED", "OLOG", "corp");
    ASSERT_EQ(in.status, 201) << in.body;
    EXPECT_EQ(parse(in)["user"]["id"], owner);
    EXPECT_FALSE(parse(in)["user"]["created"].get<bool>());
    EXPECT_EQ(parse(in)["status"], "approved");
    EXPECT_EQ(parse(call("GET", user(owner)))["identifiers"].size(), 2u);

    // "any domain" logins match whatever domain the agent sees.
    const long long roamer =
        createUser("roamer", {{{"kind", "device_login"}, {"value", "roam"}, {"anyDomain", true}}});
    HttpResult anywhere = checkin("PC-ROAM", "roam", "SOMEWHERE");
    ASSERT_EQ(anywhere.status, 201) << anywhere.body;
    EXPECT_EQ(parse(anywhere)["user"]["id"], roamer);
}

TEST_F(Agents, LogonDomainMappingAttachesByUpnOrEmailLocalPart) {
    HttpResult mapping = call("PUT", "/api/v1/logon-domains/MAPD",
                              {{"emailDomains", {"mapd.example.com", "second.example.com"}}});
    ASSERT_EQ(mapping.status, 200) << mapping.body;
    HttpResult listed = call("GET", "/api/v1/logon-domains");
    EXPECT_NE(listed.body.find("second.example.com"), std::string::npos) << listed.body;

    const long long carol =
        createUser("carol.m", {{{"kind", "upn"}, {"value", "carol@mapd.example.com"}}});
    HttpResult in = checkin("PC-CAROL", "carol", "MAPD");
    ASSERT_EQ(in.status, 201) << in.body;
    EXPECT_EQ(parse(in)["user"]["id"], carol);
    EXPECT_EQ(parse(in)["status"], "approved");
    bool hasLogin = false;
    const json carolNow = parse(call("GET", user(carol)));
    for (const json& id : carolNow["identifiers"]) {
        hasLogin |=
            id["kind"] == "device_login" && id["value"] == "carol" && id["logonDomain"] == "MAPD";
    }
    EXPECT_TRUE(hasLogin) << "the device login is added to the user it attached to";

    // Two users match through the mapping: no guess, a new user.
    createUser("dave.one", {{{"kind", "upn"}, {"value", "dave@mapd.example.com"}}});
    createUser("dave.two", {{{"kind", "email"}, {"value", "dave@second.example.com"}}});
    HttpResult ambiguous = checkin("PC-DAVE", "dave", "MAPD");
    ASSERT_EQ(ambiguous.status, 201) << ambiguous.body;
    EXPECT_TRUE(parse(ambiguous)["user"]["created"].get<bool>());

    // Without a mapping for the logon domain, no match by email.
    createUser("erin.x", {{{"kind", "upn"}, {"value", "erin@mapd.example.com"}}});
    HttpResult unmapped = checkin("PC-ERIN", "erin", "UNMAPPED");
    ASSERT_EQ(unmapped.status, 201) << unmapped.body;
    EXPECT_TRUE(parse(unmapped)["user"]["created"].get<bool>());

    EXPECT_EQ(call("DELETE", "/api/v1/logon-domains/mapd").status, 204);
    EXPECT_EQ(call("DELETE", "/api/v1/logon-domains/mapd").status, 404);
}

TEST_F(Agents, UserNameTakenBySomeoneUnrelatedGetsTheLoginAsUserName) {
    createUser("frank", json::array());
    HttpResult in = checkin("PC-FRANK", "frank", "LAB");
    ASSERT_EQ(in.status, 201) << in.body;
    EXPECT_TRUE(parse(in)["user"]["created"].get<bool>());
    EXPECT_EQ(parse(in)["user"]["userName"], "frank@LAB");
}

TEST_F(Agents, ConcurrentCheckinsForANewUsernameCreateOneUser) {
    for (int round = 0; round < 5; ++round) {
        const std::string username = "racer" + std::to_string(round);
        HttpResult a, b;
        // Two devices of the same new login, and the same device twice.
        std::thread first(
            [&] { a = checkin("PC-RACE-A" + std::to_string(round), username, "CORP"); });
        std::thread second(
            [&] { b = checkin("PC-RACE-B" + std::to_string(round), username, "CORP"); });
        first.join();
        second.join();
        ASSERT_EQ(a.status, 201) << a.body;
        ASSERT_EQ(b.status, 201) << b.body;
        EXPECT_EQ(parse(a)["user"]["id"], parse(b)["user"]["id"]) << round;
        EXPECT_NE(parse(a)["user"]["created"], parse(b)["user"]["created"])
            << "exactly one of them made the user";

        HttpResult c, d;
        const std::string shared = "PC-RACE-SAME" + std::to_string(round);
        std::thread third([&] { c = checkin(shared, username + "x", "CORP"); });
        std::thread fourth([&] { d = checkin(shared, username + "x", "CORP"); });
        third.join();
        fourth.join();
        ASSERT_LT(c.status, 300) << c.body;
        ASSERT_LT(d.status, 300) << d.body;
        EXPECT_EQ(parse(c)["device"]["id"], parse(d)["device"]["id"]);
        EXPECT_EQ(parse(c)["user"]["id"], parse(d)["user"]["id"]);
        EXPECT_NE(c.status, d.status) << "one registered the device (201), one found it (200)";
    }
    HttpResult found = call("GET", "/api/v1/users?q=racer&limit=200");
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_EQ(parse(found)["items"].size(), 10u) << found.body;
}

TEST_F(Agents, CheckinNeedsTheAgentScopeAndValidInput) {
    EXPECT_EQ(call("POST", "/agent/v1/checkin", checkinBody("PC-X", "x", "CORP")).status, 403)
        << "the admin token is no agent";
    EXPECT_EQ(call("GET", "/api/v1/devices", nullptr, agent_).status, 403)
        << "the agent token is no admin";
    EXPECT_EQ(checkin("", "x", "CORP").status, 400);
    EXPECT_EQ(checkin("PC-X", "", "CORP").status, 400);
    EXPECT_EQ(checkin("PC-X", "x@y", "CORP").status, 400);
    EXPECT_EQ(checkin("PC-X", "x", "").status, 400);
    EXPECT_EQ(checkin(std::string(129, 'd'), "x", "CORP").status, 400);
    EXPECT_EQ(call("POST", "/agent/v1/checkin", {{"deviceId", "PC-X"}}, agent_).status, 400);
}

// --- device decisions, assignment, licences ---

TEST_F(Agents, ApproveRejectAssignReassignWithHistoryAndLicences) {
    const json before = parse(call("GET", "/api/v1/licenses"));
    HttpResult in = checkin("PC-LIFE", "lifecycle", "CORP");
    ASSERT_EQ(in.status, 201) << in.body;
    const long long deviceId = parse(in)["device"]["id"].get<long long>();
    const long long first = parse(in)["user"]["id"].get<long long>();

    HttpResult approved = call("POST", device(deviceId, "/approve"));
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(parse(approved)["status"], "approved");
    EXPECT_FALSE(parse(approved)["decided"].is_null());
    const json afterApprove = parse(call("GET", "/api/v1/licenses"));
    EXPECT_EQ(afterApprove["licensedAgents"].get<long long>(),
              before["licensedAgents"].get<long long>() + 1);

    HttpResult rejected = call("POST", device(deviceId, "/reject"));
    ASSERT_EQ(rejected.status, 200) << rejected.body;
    EXPECT_EQ(parse(rejected)["status"], "rejected");
    EXPECT_EQ(parse(call("GET", "/api/v1/licenses"))["licensedAgents"], before["licensedAgents"]);
    EXPECT_EQ(parse(checkin("PC-LIFE", "lifecycle", "CORP"))["status"], "rejected")
        << "the agent learns it was rejected";
    ASSERT_EQ(call("POST", device(deviceId, "/approve")).status, 200);

    const long long second = createUser("second.owner", json::array());
    HttpResult reassigned = call("POST", device(deviceId, "/reassign"), {{"userId", second}});
    ASSERT_EQ(reassigned.status, 200) << reassigned.body;
    EXPECT_EQ(parse(reassigned)["userId"], second);
    EXPECT_EQ(parse(reassigned)["user"]["display"], "second.owner");
    EXPECT_EQ(parse(checkin("PC-LIFE", "lifecycle", "CORP"))["user"]["id"], second)
        << "a known device keeps the user the admin gave it";

    EXPECT_EQ(call("POST", device(deviceId, "/assign"), {{"userId", 999999}}).status, 400);
    EXPECT_EQ(call("POST", device(deviceId, "/assign"), {{"userId", "x"}}).status, 400);
    EXPECT_EQ(call("POST", device(999999, "/approve")).status, 404);

    // The second owner leaves: the history still names them.
    ASSERT_EQ(call("POST", device(deviceId, "/assign"), {{"userId", first}}).status, 200);
    ASSERT_EQ(call("POST", user(second, "/deactivate")).status, 200);
    ASSERT_EQ(call("DELETE", user(second, "?confirm=second.owner")).status, 204);
    HttpResult history = call("GET", device(deviceId, "/history"));
    ASSERT_EQ(history.status, 200) << history.body;
    const json items = parse(history)["items"];
    ASSERT_EQ(items.size(), 3u) << history.body;
    EXPECT_EQ(items[0]["reason"], "checkin");
    EXPECT_TRUE(items[0]["from"].is_null());
    EXPECT_EQ(items[1]["reason"], "assign");
    EXPECT_EQ(items[1]["to"]["display"], "Deleted User (ID: " + std::to_string(second) + ")");
    EXPECT_EQ(items[2]["from"]["display"], "Deleted User (ID: " + std::to_string(second) + ")");
    EXPECT_EQ(items[2]["to"]["id"], first);

    HttpResult pending = call("GET", "/api/v1/devices?status=approved&limit=200");
    ASSERT_EQ(pending.status, 200) << pending.body;
    bool listed = false;
    const json approvedPage = parse(pending);
    for (const json& item : approvedPage["items"]) listed |= item["id"] == deviceId;
    EXPECT_TRUE(listed);
    EXPECT_EQ(call("GET", "/api/v1/devices?status=bogus").status, 400);
}

TEST_F(Agents, DeviceOfARemovedUserFindsANewUserAtItsNextCheckin) {
    HttpResult in = checkin("PC-ORPHAN", "orphan", "CORP");
    ASSERT_EQ(in.status, 201) << in.body;
    const long long deviceId = parse(in)["device"]["id"].get<long long>();
    const long long gone = parse(in)["user"]["id"].get<long long>();
    ASSERT_EQ(call("POST", device(deviceId, "/approve")).status, 200);
    ASSERT_EQ(call("POST", user(gone, "/deactivate")).status, 200);
    ASSERT_EQ(call("DELETE", user(gone, "?confirm=orphan")).status, 204);
    EXPECT_TRUE(parse(call("GET", device(deviceId)))["userId"].is_null());

    HttpResult again = checkin("PC-ORPHAN", "orphan", "CORP");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(parse(again)["device"]["id"], deviceId);
    EXPECT_TRUE(parse(again)["user"]["created"].get<bool>());
    EXPECT_NE(parse(again)["user"]["id"], gone);
    EXPECT_EQ(parse(again)["status"], "approved") << "the device keeps its decision";
    const json history = parse(call("GET", device(deviceId, "/history")));
    ASSERT_EQ(history["items"].size(), 2u) << history.dump();
    EXPECT_EQ(history["items"][0]["to"]["display"],
              "Deleted User (ID: " + std::to_string(gone) + ")");
}

TEST_F(Agents, DeviceListPagesWithCursor) {
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(
            checkin("PC-PAGE-" + std::to_string(i), "pager" + std::to_string(i), "CORP").status,
            201);
    }
    std::set<long long> seen;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
        HttpResult result =
            call("GET", "/api/v1/devices?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
        ASSERT_EQ(result.status, 200) << result.body;
        const json body = parse(result);
        for (const json& item : body["items"]) {
            EXPECT_TRUE(seen.insert(item["id"].get<long long>()).second) << "no device twice";
        }
        if (body["nextCursor"].is_null()) break;
        cursor = body["nextCursor"].get<std::string>();
    }
    EXPECT_GE(seen.size(), 3u);
    EXPECT_EQ(call("GET", "/api/v1/devices?cursor=abc").status, 400);
}

// --- placeholder ---

TEST_F(Agents, PlaceholderGoesOnceARealIdentifierExists) {
    HttpResult in = checkin("PC-GINA", "gina", "CORP");
    ASSERT_EQ(in.status, 201) << in.body;
    const long long id = parse(in)["user"]["id"].get<long long>();
    EXPECT_EQ(call("DELETE", user(id, "/placeholder-email")).status, 409)
        << "the placeholder is the only email";

    ASSERT_EQ(call("POST", user(id, "/identifiers"),
                   {{"kind", "email"}, {"value", "gina@corp.example.com"}})
                  .status,
              201);
    HttpResult removed = call("DELETE", user(id, "/placeholder-email"));
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_EQ(parse(removed)["displayId"], "gina@corp.example.com");
    EXPECT_EQ(removed.body.find("gina@CORP"), std::string::npos) << removed.body;
    EXPECT_EQ(call("DELETE", user(id, "/placeholder-email")).status, 404);

    // Automatically at the next check-in of the device.
    HttpResult other = checkin("PC-HUGO", "hugo", "CORP");
    const long long hugo = parse(other)["user"]["id"].get<long long>();
    ASSERT_EQ(call("POST", user(hugo, "/identifiers"),
                   {{"kind", "upn"}, {"value", "hugo@corp.example.com"}})
                  .status,
              201);
    ASSERT_EQ(checkin("PC-HUGO", "hugo", "CORP").status, 200);
    const json after = parse(call("GET", user(hugo)));
    for (const json& identifier : after["identifiers"]) {
        EXPECT_NE(identifier["value"], "hugo@CORP") << after.dump();
    }
}

// --- tracking ---

TEST_F(Agents, UntrackAndTrackChangeTheAnswer) {
    const long long id = createUser(
        "tracked.ida", {{{"kind", "upn"}, {"value", "ida.t@corp.example.com"}},
                        {{"kind", "device_login"}, {"value", "idat"}, {"logonDomain", "CORP"}},
                        {{"kind", "employee_id"}, {"value", "E-IDA"}}});
    EXPECT_TRUE(tracking("ida.t", "ANY")["track"].get<bool>());
    EXPECT_TRUE(tracking("idat", "CORP")["track"].get<bool>());

    HttpResult untracked = call("POST", user(id, "/untrack"));
    ASSERT_EQ(untracked.status, 200) << untracked.body;
    EXPECT_FALSE(parse(untracked)["tracked"].get<bool>());
    const json byUpn = tracking("IDA.T", "elsewhere");
    EXPECT_FALSE(byUpn["track"].get<bool>());
    EXPECT_EQ(byUpn["rule"]["source"], "upn");
    EXPECT_EQ(byUpn["rule"]["userId"], id);
    EXPECT_TRUE(byUpn["rule"]["domain"].is_null()) << "every domain";
    const json byLogin = tracking("idat", "corp");
    EXPECT_FALSE(byLogin["track"].get<bool>());
    EXPECT_EQ(byLogin["rule"]["domain"], "CORP");
    EXPECT_TRUE(tracking("idat", "LAB")["track"].get<bool>()) << "device login: its domain only";
    EXPECT_TRUE(tracking("E-IDA", "CORP")["track"].get<bool>()) << "employee ids make no rule";

    HttpResult rules = call("GET", "/api/v1/tracking/rules?userId=" + std::to_string(id));
    ASSERT_EQ(rules.status, 200) << rules.body;
    EXPECT_EQ(parse(rules)["items"].size(), 2u) << rules.body;

    EXPECT_EQ(call("POST", user(id, "/untrack")).status, 200) << "twice is fine";
    ASSERT_EQ(call("POST", user(id, "/track")).status, 200);
    EXPECT_TRUE(tracking("ida.t", "ANY")["track"].get<bool>());
    EXPECT_TRUE(tracking("idat", "CORP")["track"].get<bool>());
    EXPECT_TRUE(
        parse(call("GET", "/api/v1/tracking/rules?userId=" + std::to_string(id)))["items"].empty());
    EXPECT_EQ(call("POST", user(999999, "/untrack")).status, 404);
}

TEST_F(Agents, AnyDomainLoginOfAnUntrackedUserBlocksEveryDomain) {
    const long long id = createUser(
        "kiosk.user", {{{"kind", "device_login"}, {"value", "kiosk"}, {"anyDomain", true}}});
    ASSERT_EQ(call("POST", user(id, "/untrack")).status, 200);
    EXPECT_FALSE(tracking("kiosk", "CORP")["track"].get<bool>());
    EXPECT_FALSE(tracking("KIOSK", "LAB")["track"].get<bool>());
}

TEST_F(Agents, IdentifiersAddedElsewhereReachTheAnswerOfAnUntrackedUser) {
    const long long id = createUser("late.ident", json::array());
    ASSERT_EQ(call("POST", user(id, "/untrack")).status, 200);
    EXPECT_TRUE(tracking("lately", "CORP")["track"].get<bool>());
    // Through the users API, not the tracking endpoints: noticed by the
    // periodic check (once a second), so wait a bounded while.
    ASSERT_EQ(call("POST", user(id, "/identifiers"),
                   {{"kind", "email"}, {"value", "lately@corp.example.com"}})
                  .status,
              201);
    bool blocked = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!blocked && std::chrono::steady_clock::now() < deadline) {
        blocked = !tracking("lately", "CORP")["track"].get<bool>();
        if (!blocked) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(blocked);
}

TEST_F(Agents, ExclusionsBlockUntilRemoved) {
    HttpResult added = call("POST", "/api/v1/tracking/exclusions",
                            {{"username", "Administrator"}, {"note", "built-in account"}});
    ASSERT_EQ(added.status, 201) << added.body;
    const long long id = parse(added)["id"].get<long long>();
    const json answer = tracking("administrator", "ANYWHERE");
    EXPECT_FALSE(answer["track"].get<bool>());
    EXPECT_EQ(answer["rule"]["kind"], "exclusion");
    EXPECT_EQ(answer["rule"]["id"], id);

    EXPECT_EQ(call("POST", "/api/v1/tracking/exclusions", {{"username", "ADMINISTRATOR"}}).status,
              409);
    HttpResult scoped = call("POST", "/api/v1/tracking/exclusions",
                             {{"username", "svc-backup"}, {"domain", "CORP"}});
    ASSERT_EQ(scoped.status, 201) << scoped.body;
    EXPECT_FALSE(tracking("svc-backup", "CORP")["track"].get<bool>());
    EXPECT_TRUE(tracking("svc-backup", "LAB")["track"].get<bool>());
    EXPECT_EQ(call("POST", "/api/v1/tracking/exclusions", {{"username", ""}}).status, 400);

    HttpResult listed = call("GET", "/api/v1/tracking/exclusions");
    ASSERT_EQ(listed.status, 200);
    EXPECT_NE(listed.body.find("built-in account"), std::string::npos) << listed.body;

    EXPECT_EQ(call("DELETE", "/api/v1/tracking/exclusions/" + std::to_string(id)).status, 204);
    EXPECT_TRUE(tracking("administrator", "ANYWHERE")["track"].get<bool>());
    EXPECT_EQ(call("DELETE", "/api/v1/tracking/exclusions/" + std::to_string(id)).status, 404);
}

// An exclusion untracks whoever the name matches, admins of any rank too:
// an admin whose roles are limited may neither add nor remove one.
TEST_F(Agents, ExclusionsAreForTheTopRole) {
    HttpResult created =
        call("POST", "/api/v1/users", {{"userName", "limited.admin"}, {"roles", {"admin"}}});
    ASSERT_EQ(created.status, 201) << created.body;
    HttpResult token =
        call("POST", "/api/v1/tokens",
             {{"name", "as admin"}, {"scopes", {"admin"}}, {"user", parse(created)["id"]}});
    ASSERT_EQ(token.status, 201) << token.body;
    const std::string limited = parse(token)["token"];

    HttpResult refused =
        call("POST", "/api/v1/tracking/exclusions", {{"username", "boss-login"}}, limited);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_TRUE(tracking("boss-login", "CORP")["track"].get<bool>());

    HttpResult added = call("POST", "/api/v1/tracking/exclusions", {{"username", "svc-scan"}});
    ASSERT_EQ(added.status, 201) << added.body;
    const std::string path =
        "/api/v1/tracking/exclusions/" + std::to_string(parse(added)["id"].get<long long>());
    EXPECT_EQ(call("DELETE", path, nullptr, limited).status, 403);
    EXPECT_FALSE(tracking("svc-scan", "CORP")["track"].get<bool>());
    EXPECT_EQ(call("DELETE", path).status, 204);
}

TEST_F(Agents, TrackingQuestionNeedsAUsername) {
    EXPECT_EQ(call("GET", "/agent/v1/tracking?domain=CORP", nullptr, agent_).status, 400);
    EXPECT_EQ(
        call("GET", "/agent/v1/tracking?username=" + std::string(300, 'u'), nullptr, agent_).status,
        400);
    EXPECT_EQ(call("GET", "/agent/v1/tracking?username=x", nullptr, "").status, 401);
}

// --- data deletion ---

TEST_F(Agents, HistoricalDataIsDeletedOnlyWhenConfirmedAndThenReally) {
    const long long id = userWithActivity("hist.one", 3);
    EXPECT_EQ(recordsOf(id), 3);

    EXPECT_EQ(call("POST", user(id, "/historical-data/delete"), json::object()).status, 400);
    EXPECT_EQ(call("POST", user(id, "/historical-data/delete"), {{"confirm", "wrong"}}).status,
              400);
    EXPECT_EQ(recordsOf(id), 3) << "nothing deleted without confirmation";

    HttpResult deleted =
        call("POST", user(id, "/historical-data/delete"), {{"confirm", "hist.one"}});
    ASSERT_EQ(deleted.status, 200) << deleted.body;
    EXPECT_EQ(parse(deleted)["deletedRecords"], 3);
    EXPECT_EQ(recordsOf(id), 0);
    EXPECT_EQ(call("GET", user(id)).status, 200) << "the user record stays";
}

TEST_F(Agents, BulkDeletionAndRemovalAreSeparateAndConfirmedByCount) {
    const long long a = userWithActivity("bulk.a", 2);
    const long long b = userWithActivity("bulk.b", 4);
    const json ids = {a, b};
    EXPECT_EQ(call("POST", "/api/v1/users/historical-data/delete", {{"userIds", ids}}).status, 400);
    EXPECT_EQ(
        call("POST", "/api/v1/users/historical-data/delete", {{"userIds", ids}, {"confirm", 1}})
            .status,
        400);
    EXPECT_EQ(recordsOf(a), 2);

    // Removing the user records leaves their data.
    ASSERT_EQ(call("POST", user(a, "/deactivate")).status, 200);
    HttpResult removed = call("POST", "/api/v1/users/remove", {{"userIds", ids}, {"confirm", 2}});
    ASSERT_EQ(removed.status, 200) << removed.body;
    const json outcome = parse(removed);
    EXPECT_EQ(outcome["done"], 1);
    EXPECT_EQ(outcome["failed"], 1) << "b is still active";
    EXPECT_EQ(outcome["results"][1]["error"]["status"], 409);
    EXPECT_EQ(call("GET", user(a)).status, 404);
    EXPECT_EQ(recordsOf(a), 2) << "data of a removed user stays until deleted";

    HttpResult deleted = call("POST", "/api/v1/users/historical-data/delete",
                              {{"userIds", {a, b, 999999}}, {"confirm", 3}});
    ASSERT_EQ(deleted.status, 200) << deleted.body;
    const json results = parse(deleted)["results"];
    EXPECT_EQ(results[0]["deletedRecords"], 2);
    EXPECT_EQ(results[1]["deletedRecords"], 4);
    EXPECT_EQ(results[2]["status"], "failed");
    EXPECT_EQ(results[2]["error"]["status"], 404);
    EXPECT_EQ(call("GET", user(a, "/historical-data")).status, 404) << "neither user nor data";
    EXPECT_EQ(recordsOf(b), 0);
}

TEST_F(Agents, ActivityNeedsAnApprovedDevice) {
    ASSERT_EQ(checkin("PC-UNAPPROVED", "unapproved", "CORP").status, 201);
    const json record = {
        {"kind", "app"}, {"start", "2026-11-23T10:00:00Z"}, {"end", "2026-11-23T10:01:00Z"}};
    EXPECT_EQ(call("POST", "/agent/v1/activity",
                   {{"deviceId", "PC-UNAPPROVED"}, {"records", {record}}}, agent_)
                  .status,
              403);
    EXPECT_EQ(call("POST", "/agent/v1/activity", {{"deviceId", "PC-NEVER"}, {"records", {record}}},
                   agent_)
                  .status,
              404);
}

// --- tenant isolation ---

TEST_F(Agents, AnotherTenantSeesNoneOfItAndTouchesNothing) {
    const long long id = userWithActivity("isolated", 2);
    const long long deviceId =
        parse(call("GET", "/api/v1/devices?userId=" + std::to_string(id)))["items"][0]["id"]
            .get<long long>();
    ASSERT_EQ(call("POST", user(id, "/untrack")).status, 200);
    HttpResult exclusion =
        call("POST", "/api/v1/tracking/exclusions", {{"username", "isolated-exclusion"}});
    ASSERT_EQ(exclusion.status, 201);
    const long long exclusionId = parse(exclusion)["id"].get<long long>();
    ASSERT_EQ(
        call("PUT", "/api/v1/logon-domains/ISO", {{"emailDomains", {"iso.example.com"}}}).status,
        200);
    const std::string other = otherAdmin_;

    // Every admin endpoint answers 404 (or an empty list) for the first tenant's things.
    for (const std::string& path :
         {device(deviceId), device(deviceId, "/history"), user(id, "/historical-data")}) {
        EXPECT_EQ(call("GET", path, nullptr, other).status, 404) << path;
    }
    for (const std::string& path : {device(deviceId, "/approve"), device(deviceId, "/reject"),
                                    user(id, "/track"), user(id, "/untrack")}) {
        EXPECT_EQ(call("POST", path, nullptr, other).status, 404) << path;
    }
    const long long otherUser =
        parse(call("POST", "/api/v1/users", {{"userName", "other.user"}}, other)).value("id", 0LL);
    ASSERT_GT(otherUser, 0);
    EXPECT_EQ(call("POST", device(deviceId, "/assign"), {{"userId", otherUser}}, other).status,
              404);
    EXPECT_EQ(call("POST", device(deviceId, "/reassign"), {{"userId", otherUser}}, other).status,
              404);
    EXPECT_EQ(call("POST", device(deviceId, "/assign"), {{"userId", otherUser}}).status, 400)
        << "nor can the first tenant give its device to the other's user";
    EXPECT_EQ(call("DELETE", user(id, "/placeholder-email"), nullptr, other).status, 404);
    EXPECT_EQ(
        call("POST", user(id, "/historical-data/delete"), {{"confirm", "isolated"}}, other).status,
        404);
    EXPECT_EQ(
        call("DELETE", "/api/v1/tracking/exclusions/" + std::to_string(exclusionId), nullptr, other)
            .status,
        404);
    EXPECT_EQ(call("DELETE", "/api/v1/logon-domains/ISO", nullptr, other).status, 404);

    for (const std::string& path :
         {std::string("/api/v1/devices"), std::string("/api/v1/tracking/rules"),
          std::string("/api/v1/tracking/exclusions"), std::string("/api/v1/logon-domains")}) {
        HttpResult listed = call("GET", path, nullptr, other);
        ASSERT_EQ(listed.status, 200) << path << listed.body;
        EXPECT_TRUE(parse(listed)["items"].empty()) << path << listed.body;
    }
    EXPECT_EQ(parse(call("GET", "/api/v1/licenses", nullptr, other))["devices"]["approved"], 0);

    const json bulk = {{"userIds", {id}}, {"confirm", 1}};
    HttpResult bulkDelete = call("POST", "/api/v1/users/historical-data/delete", bulk, other);
    ASSERT_EQ(bulkDelete.status, 200);
    EXPECT_EQ(parse(bulkDelete)["results"][0]["error"]["status"], 404);
    HttpResult bulkRemove = call("POST", "/api/v1/users/remove", bulk, other);
    ASSERT_EQ(bulkRemove.status, 200);
    EXPECT_EQ(parse(bulkRemove)["results"][0]["error"]["status"], 404);

    // The agent API: the other tenant's agents live in their own world.
    EXPECT_TRUE(tracking("isolated", "DATA", otherAgent_)["track"].get<bool>());
    EXPECT_TRUE(tracking("isolated-exclusion", "X", otherAgent_)["track"].get<bool>());
    const json record = {
        {"kind", "app"}, {"start", "2026-11-23T10:00:00Z"}, {"end", "2026-11-23T10:01:00Z"}};
    EXPECT_EQ(call("POST", "/agent/v1/activity",
                   {{"deviceId", "dev-isolated"}, {"records", {record}}}, otherAgent_)
                  .status,
              404);
    HttpResult sameDevice = checkin("dev-isolated", "isolated", "DATA", otherAgent_);
    ASSERT_EQ(sameDevice.status, 201) << sameDevice.body;
    EXPECT_NE(parse(sameDevice)["device"]["id"], deviceId);
    EXPECT_TRUE(parse(sameDevice)["user"]["created"].get<bool>());

    // And the first tenant's things are unchanged.
    EXPECT_EQ(recordsOf(id), 2);
    EXPECT_EQ(parse(call("GET", device(deviceId)))["userId"], id);
    EXPECT_FALSE(tracking("isolated", "DATA")["track"].get<bool>());
    EXPECT_FALSE(tracking("isolated-exclusion", "X")["track"].get<bool>());
}

}  // namespace
