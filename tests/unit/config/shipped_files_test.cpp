// The config files in the repository load, and the example stays a truthful
// reference: it names every key and shows the defaults.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config_test_support.hpp"

namespace muster::config::testing {
namespace {

const std::string sourceDir = MUSTER_SOURCE_DIR;

std::string readFile(const std::string& path) {
    std::ifstream file(path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

using ShippedFilesTest = ConfigTest;

TEST_F(ShippedFilesTest, DefaultConfigServesLocallyFromSqlite) {
    const std::string path = sourceDir + "/config/muster.yaml";
    const Config config = loadConfigFile(path);
    EXPECT_EQ(config.sourcePath, path);
    EXPECT_EQ(config.listen.address, "127.0.0.1");
    EXPECT_EQ(config.listen.port, 8080);
    EXPECT_EQ(config.store.url, "sqlite:var/muster.db");
}

TEST_F(ShippedFilesTest, ExampleConfigLoadsWithTheDefaultValues) {
    const Config example = loadConfigFile(sourceDir + "/config/muster.example.yaml");
    const Config defaults;
    EXPECT_EQ(example.store.url, "sqlite:var/muster.db");
    EXPECT_EQ(example.listen.address, defaults.listen.address);
    EXPECT_EQ(example.listen.port, defaults.listen.port);
    EXPECT_EQ(example.listen.threads, defaults.listen.threads);
    EXPECT_EQ(example.listen.maxQueued, defaults.listen.maxQueued);
    EXPECT_EQ(example.listen.keepAlive, defaults.listen.keepAlive);
    EXPECT_EQ(example.listen.keepAliveTimeoutSeconds, defaults.listen.keepAliveTimeoutSeconds);
    EXPECT_EQ(example.listen.maxBodyBytes, defaults.listen.maxBodyBytes);
    EXPECT_FALSE(example.listen.tls.enabled);
    EXPECT_EQ(example.store.poolSize, defaults.store.poolSize);
    EXPECT_EQ(example.store.busyTimeoutMs, defaults.store.busyTimeoutMs);
    EXPECT_EQ(example.log.level, defaults.log.level);
    EXPECT_EQ(example.log.accessLog, defaults.log.accessLog);
    EXPECT_EQ(example.scim.defaultCount, defaults.scim.defaultCount);
    EXPECT_EQ(example.scim.maxResults, defaults.scim.maxResults);
    EXPECT_EQ(example.scim.bulkMaxOperations, defaults.scim.bulkMaxOperations);
    EXPECT_EQ(example.scim.bulkMaxPayloadBytes, defaults.scim.bulkMaxPayloadBytes);
    EXPECT_EQ(example.scim.filterMaxDepth, defaults.scim.filterMaxDepth);
    ASSERT_EQ(example.roles.size(), defaults.roles.size());
    for (std::size_t i = 0; i < defaults.roles.size(); ++i) {
        EXPECT_EQ(example.roles[i].name, defaults.roles[i].name);
        EXPECT_EQ(example.roles[i].rank, defaults.roles[i].rank);
    }
}

TEST_F(ShippedFilesTest, ExampleConfigNamesEveryKey) {
    const std::string example = readFile(sourceDir + "/config/muster.example.yaml");
    // Written as they appear in the file; the TLS keys are commented out there.
    for (const char* key : {"listen:",
                            "  address:",
                            "  port:",
                            "  threads:",
                            "  max_queued:",
                            "  keep_alive:",
                            "  keep_alive_timeout_seconds:",
                            "  max_body_bytes:",
                            "  # tls:",
                            "  #   enabled:",
                            "  #   address:",
                            "  #   port:",
                            "  #   certificate_file:",
                            "  #   private_key_file:",
                            "  #   ca_file:",
                            "store:",
                            "  url:",
                            "  pool_size:",
                            "  busy_timeout_ms:",
                            "log:",
                            "  level:",
                            "  access_log:",
                            "scim:",
                            "  default_count:",
                            "  max_results:",
                            "  bulk_max_operations:",
                            "  bulk_max_payload_bytes:",
                            "  filter_max_depth:",
                            "roles:",
                            "MUSTER_STORE_URL"}) {
        EXPECT_NE(example.find(key), std::string::npos) << key;
    }
}

TEST_F(ShippedFilesTest, ExampleTlsSectionLoadsOnceUncommented) {
    // An operator enables HTTPS by uncommenting the example block, so that
    // block must be a working config. It is the run of "  #" lines from
    // "  # tls:"; its "  #   # ..." lines are comments and stay so.
    std::istringstream lines(readFile(sourceDir + "/config/muster.example.yaml"));
    std::string uncommented;
    bool inBlock = false;
    for (std::string line; std::getline(lines, line);) {
        if (line == "  # tls:") {
            inBlock = true;
        } else if (line.rfind("  #", 0) != 0) {
            inBlock = false;
        }
        if (inBlock && line.rfind("  #   # ", 0) != 0) line = "  " + line.substr(4);
        uncommented += line + "\n";
    }
    const Config config = parseConfig(uncommented, "example-with-tls.yaml");
    EXPECT_TRUE(config.listen.tls.enabled);
    EXPECT_EQ(config.listen.tls.port, 8443);
    EXPECT_FALSE(config.listen.tls.certificateFile.empty());
    EXPECT_FALSE(config.listen.tls.privateKeyFile.empty());
}

TEST_F(ShippedFilesTest, LoadingAFileNamesItInErrors) {
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("muster-config-test-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << "store:\n  url: sqlite:m.db\nlisten:\n  port: 80a\n";
    try {
        loadConfigFile(path.string());
        ADD_FAILURE() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.what(),
                  path.string() + ":4: listen.port: expected an integer, got \"80a\"");
    }
    std::filesystem::remove(path);
}

TEST_F(ShippedFilesTest, MissingFileIsAnInvalidInputError) {
    try {
        loadConfigFile("/nonexistent/muster.yaml");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::invalid_input);
        EXPECT_EQ(std::string(error.what()),
                  "/nonexistent/muster.yaml: cannot open: No such file or directory");
    }
}

}  // namespace
}  // namespace muster::config::testing
