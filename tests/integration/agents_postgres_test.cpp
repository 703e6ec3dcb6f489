// Agents and tracking with two musterd sharing one real PostgreSQL: check-ins
// racing on different daemons make one user and one device, and a tracking
// change made through one daemon reaches the other's in-memory index.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon_process.hpp"
#include "muster/test/postgres_server.hpp"

using namespace muster::testing;
using nlohmann::json;

namespace {

constexpr const char* kToken = "agents-postgres-bootstrap-0123456789abcdef";

json parse(const HttpResult& result) {
    return result.body.empty() ? json() : json::parse(result.body, nullptr, false);
}

class AgentsOnPostgres : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string whyMissing;
        muster::test::PostgresServer* postgres = muster::test::sharedPostgres(&whyMissing);
        if (postgres == nullptr) {
            if (muster::test::serversRequired()) {
                FAIL() << "PostgreSQL is required but missing: " << whyMissing;
            }
            GTEST_SKIP() << "PostgreSQL is not installed: " << whyMissing;
        }
        static int databases = 0;
        DaemonProcess::Options options;
        options.storeUrl = postgres->createDatabase("agents_" + std::to_string(++databases));
        options.environment["MUSTER_BOOTSTRAP_TOKEN"] = kToken;
        first_ = std::make_unique<DaemonProcess>(options);
        second_ = std::make_unique<DaemonProcess>(options);
        HttpResult created =
            first_->request("POST", "/api/v1/tokens",
                            json{{"name", "agents"}, {"scopes", {"agent"}}}.dump(), kToken);
        ASSERT_EQ(created.status, 201) << created.body;
        agent_ = parse(created)["token"].get<std::string>();
    }

    static HttpResult checkin(const DaemonProcess& daemon, const std::string& token,
                              const std::string& deviceId, const std::string& username) {
        const json body = {{"deviceId", deviceId},
                           {"hostname", deviceId},
                           {"os", "Windows 11"},
                           {"agentVersion", "7.2.1"},
                           {"deviceLogin", {{"username", username}, {"logonDomain", "CORP"}}}};
        return daemon.request("POST", "/agent/v1/checkin", body.dump(), token);
    }

    bool tracked(const DaemonProcess& daemon, const std::string& username) {
        HttpResult answer = daemon.request(
            "GET", "/agent/v1/tracking?username=" + username + "&domain=CORP", "", agent_);
        EXPECT_EQ(answer.status, 200) << answer.body;
        return parse(answer).value("track", true);
    }

    std::unique_ptr<DaemonProcess> first_, second_;
    std::string agent_;
};

TEST_F(AgentsOnPostgres, RacingCheckinsOnTwoDaemonsMakeOneUserAndOneDevice) {
    for (int round = 0; round < 5; ++round) {
        const std::string username = "pgracer" + std::to_string(round);
        HttpResult a, b, c, d;
        std::thread t1(
            [&] { a = checkin(*first_, agent_, "PG-A" + std::to_string(round), username); });
        std::thread t2(
            [&] { b = checkin(*second_, agent_, "PG-B" + std::to_string(round), username); });
        t1.join();
        t2.join();
        ASSERT_EQ(a.status, 201) << a.body;
        ASSERT_EQ(b.status, 201) << b.body;
        EXPECT_EQ(parse(a)["user"]["id"], parse(b)["user"]["id"]) << round;
        EXPECT_NE(parse(a)["user"]["created"], parse(b)["user"]["created"]) << round;

        const std::string shared = "PG-SAME" + std::to_string(round);
        std::thread t3([&] { c = checkin(*first_, agent_, shared, username + "s"); });
        std::thread t4([&] { d = checkin(*second_, agent_, shared, username + "s"); });
        t3.join();
        t4.join();
        ASSERT_LT(c.status, 300) << c.body;
        ASSERT_LT(d.status, 300) << d.body;
        EXPECT_EQ(parse(c)["device"]["id"], parse(d)["device"]["id"]) << round;
        EXPECT_EQ(parse(c)["user"]["id"], parse(d)["user"]["id"]) << round;
    }
    HttpResult users = first_->request("GET", "/api/v1/users?q=pgracer&limit=200", "", kToken);
    ASSERT_EQ(users.status, 200) << users.body;
    EXPECT_EQ(parse(users)["items"].size(), 10u) << users.body;
    HttpResult devices = first_->request("GET", "/api/v1/devices?limit=200", "", kToken);
    EXPECT_EQ(parse(devices)["items"].size(), 15u) << devices.body;
}

TEST_F(AgentsOnPostgres, TrackingChangesThroughOneDaemonReachTheOther) {
    HttpResult in = checkin(*first_, agent_, "PG-TRACK", "shared.track");
    ASSERT_EQ(in.status, 201) << in.body;
    const long long id = parse(in)["user"]["id"].get<long long>();
    EXPECT_TRUE(tracked(*second_, "shared.track")) << "the second daemon has built its index";

    auto waitFor = [&](bool wanted) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            if (tracked(*second_, "shared.track") == wanted) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    };
    ASSERT_EQ(
        first_->request("POST", "/api/v1/users/" + std::to_string(id) + "/untrack", "", kToken)
            .status,
        200);
    EXPECT_FALSE(tracked(*first_, "shared.track")) << "at once on the daemon that made the change";
    EXPECT_TRUE(waitFor(false)) << "within the refresh interval on the other";

    HttpResult exclusion = first_->request("POST", "/api/v1/tracking/exclusions",
                                           json{{"username", "pg-admin"}}.dump(), kToken);
    ASSERT_EQ(exclusion.status, 201) << exclusion.body;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool excluded = false;
    while (!excluded && std::chrono::steady_clock::now() < deadline) {
        excluded = !tracked(*second_, "pg-admin");
        if (!excluded) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(excluded);

    ASSERT_EQ(second_->request("POST", "/api/v1/users/" + std::to_string(id) + "/track", "", kToken)
                  .status,
              200);
    EXPECT_TRUE(tracked(*second_, "shared.track"));
    const auto back = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool trackedAgain = false;
    while (!trackedAgain && std::chrono::steady_clock::now() < back) {
        trackedAgain = tracked(*first_, "shared.track");
        if (!trackedAgain) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(trackedAgain);
}

}  // namespace
