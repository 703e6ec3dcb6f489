// Directory sync through a real musterd: the sync: config section, the admin
// API behind `musterctl sync run|status`, and the per-source metrics.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon_process.hpp"
#include "muster/test/postgres_server.hpp"
#include "muster/test/slapd_server.hpp"

namespace muster::test {
namespace {

using testing::DaemonProcess;
using testing::ProgramResult;

class DaemonSyncTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string whyNot;
        if (!SlapdServer::available(&whyNot)) {
            if (serversRequired()) FAIL() << "slapd is required: " << whyNot;
            GTEST_SKIP() << "slapd not available: " << whyNot;
        }
        slapd = std::make_unique<SlapdServer>();
        slapd->add(personLdif(slapd->peopleDn(), "ann", "Ann", "Archer") +
                   personLdif(slapd->peopleDn(), "bob", "Bob", "Baker") +
                   personLdif(slapd->peopleDn(), "cyd", "Cyd", "Cole"));
        const std::string passwordFile = slapd->dir() + "/bind.pw";
        testing::writeFile(passwordFile, slapd->rootPassword() + "\n");
        DaemonProcess::Options options;
        options.extraConfig =
            "sync:\n  sources:\n    - name: corp\n      url: " + slapd->url() +
            "\n      bind_dn: \"" + slapd->rootDn() +
            "\"\n      bind_password_file: " + passwordFile +
            "\n      max_deletion_percent: 50\n      users:\n        base_dn: \"" +
            slapd->peopleDn() + "\"\n";
        daemon = std::make_unique<DaemonProcess>(options);
    }

    ProgramResult ctl(std::vector<std::string> words) const {
        words.insert(words.begin(), DaemonProcess::ctlPath().string());
        return testing::runProgram(
            words, {{"MUSTER_URL", "http://127.0.0.1:" + std::to_string(daemon->port())},
                    {"MUSTER_TOKEN", daemon->bootstrapToken()}});
    }

    long long scimUserCount() const {
        const auto result = daemon->request("GET", "/scim/v2/Users?count=0");
        return nlohmann::json::parse(result.body)["totalResults"].get<long long>();
    }

    std::unique_ptr<SlapdServer> slapd;
    std::unique_ptr<DaemonProcess> daemon;
};

TEST_F(DaemonSyncTest, DryRunThenRunThenStatusThroughMusterctl) {
    const ProgramResult dry = ctl({"sync", "run", "corp", "--dry-run"});
    ASSERT_EQ(dry.exitCode, 0) << dry.out << dry.err;
    EXPECT_NE(dry.out.find("+ create       ann"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("dry full run succeeded"), std::string::npos) << dry.out;
    EXPECT_EQ(scimUserCount(), 0) << "a dry run wrote users";

    const ProgramResult run = ctl({"sync", "run", "corp"});
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("full run succeeded"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("created 3"), std::string::npos) << run.out;
    EXPECT_EQ(scimUserCount(), 3);

    slapd->modify("dn: uid=cyd," + slapd->peopleDn() + "\nchangetype: delete\n");
    const ProgramResult second = ctl({"sync", "run", "corp"});
    ASSERT_EQ(second.exitCode, 0) << second.out << second.err;
    EXPECT_NE(second.out.find("incremental run succeeded (syncrepl)"), std::string::npos)
        << second.out;
    EXPECT_NE(second.out.find("deactivated 1"), std::string::npos) << second.out;

    const ProgramResult status = ctl({"sync", "status"});
    ASSERT_EQ(status.exitCode, 0) << status.out << status.err;
    EXPECT_NE(status.out.find("corp"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("succeeded"), std::string::npos) << status.out;
    const ProgramResult detail = ctl({"sync", "status", "corp"});
    ASSERT_EQ(detail.exitCode, 0) << detail.out << detail.err;
    EXPECT_NE(detail.out.find("incremental"), std::string::npos) << detail.out;
    EXPECT_NE(detail.out.find("full"), std::string::npos) << detail.out;

    const auto metrics = daemon->request("GET", "/metrics");
    EXPECT_NE(metrics.body.find("muster_sync_runs_total{source=\"corp\",status=\"succeeded\"} 2"),
              std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("muster_sync_changes_total{source=\"corp\",change=\"created\"} 3"),
              std::string::npos);

    // Audit names the source.
    const auto audit = daemon->request("GET", "/api/v1/audit?limit=1");
    EXPECT_NE(audit.body.find("sync:corp"), std::string::npos) << audit.body;
    // And who asked for each manual run, with its options.
    const auto requests = daemon->request("GET", "/api/v1/audit?limit=200");
    EXPECT_NE(requests.body.find("\"action\":\"sync.run\""), std::string::npos) << requests.body;
    EXPECT_NE(requests.body.find("\"dryRun\":\"true\""), std::string::npos) << requests.body;
}

TEST_F(DaemonSyncTest, UnknownSourceAndFailedRunsGiveNonZeroExitCodes) {
    const ProgramResult unknown = ctl({"sync", "run", "nosuch"});
    EXPECT_NE(unknown.exitCode, 0);
    EXPECT_NE(unknown.err.find("no sync source named nosuch"), std::string::npos) << unknown.err;

    slapd->stop();
    const ProgramResult failed = ctl({"sync", "run", "corp"});
    EXPECT_EQ(failed.exitCode, 1) << failed.out << failed.err;
    EXPECT_NE(failed.out.find("failed"), std::string::npos) << failed.out;
    EXPECT_NE(failed.out.find("Can't contact LDAP server"), std::string::npos) << failed.out;
}

}  // namespace
}  // namespace muster::test
