// The auth: and smtp: configuration sections: defaults, the shipped example,
// and errors that name the line and key.

#include <gtest/gtest.h>

#include "muster/config/config.hpp"
#include "muster/core/error.hpp"

namespace muster::config {
namespace {

const std::string storeOnly = "store:\n  url: sqlite:x.db\n";

std::string errorOf(const std::string& yaml) {
    try {
        parseConfig(storeOnly + yaml, "test.yaml");
    } catch (const Error& error) {
        return error.what();
    }
    return "";
}

TEST(AuthConfig, ExampleShowsTheDefaults) {
    const Config example =
        loadConfigFile(std::string(MUSTER_SOURCE_DIR) + "/config/muster.example.yaml");
    const Config defaults;
    EXPECT_EQ(example.auth.passwordHash.algorithm, defaults.auth.passwordHash.algorithm);
    EXPECT_EQ(example.auth.passwordHash.pbkdf2Iterations,
              defaults.auth.passwordHash.pbkdf2Iterations);
    EXPECT_EQ(example.auth.sessionIdleTimeoutSeconds, defaults.auth.sessionIdleTimeoutSeconds);
    EXPECT_EQ(example.auth.sessionAbsoluteTimeoutSeconds,
              defaults.auth.sessionAbsoluteTimeoutSeconds);
    EXPECT_EQ(example.auth.accountFreeFailures, defaults.auth.accountFreeFailures);
    EXPECT_EQ(example.auth.publicUrl, defaults.auth.publicUrl);
    EXPECT_EQ(example.smtp.host, "");
    EXPECT_EQ(example.smtp.port, defaults.smtp.port);
    EXPECT_EQ(example.smtp.maxAttempts, defaults.smtp.maxAttempts);
}

TEST(AuthConfig, ReadsTheSections) {
    const Config config = parseConfig(storeOnly +
                                          "auth:\n"
                                          "  public_url: https://id.example.com/\n"
                                          "  password_hash:\n"
                                          "    algorithm: scrypt\n"
                                          "    scrypt_log_n: 14\n"
                                          "  invite_mail:\n"
                                          "    subject: Join {{tenant}}\n"
                                          "smtp:\n"
                                          "  host: mail.example.com\n"
                                          "  port: 587\n"
                                          "  starttls: true\n",
                                      "test.yaml");
    EXPECT_EQ(config.auth.publicUrl, "https://id.example.com");
    EXPECT_EQ(config.auth.passwordHash.algorithm, "scrypt");
    EXPECT_EQ(config.auth.passwordHash.scryptLogN, 14);
    EXPECT_EQ(config.auth.inviteMail.subject, "Join {{tenant}}");
    EXPECT_EQ(config.smtp.host, "mail.example.com");
    EXPECT_EQ(config.smtp.port, 587);
    EXPECT_TRUE(config.smtp.startTls);
}

TEST(AuthConfig, ErrorsNameTheLineAndKey) {
    EXPECT_NE(errorOf("auth:\n  password_hash:\n    algorithm: md5\n")
                  .find("test.yaml:5: auth.password_hash.algorithm"),
              std::string::npos);
    EXPECT_NE(
        errorOf("auth:\n  password_hash:\n    pbkdf2_iterations: 10\n").find("pbkdf2_iterations"),
        std::string::npos);
    EXPECT_NE(errorOf("auth:\n  public_url: ftp://x\n").find("auth.public_url"), std::string::npos);
    EXPECT_NE(
        errorOf("auth:\n  sesion_idle_timeout_seconds: 5\n").find("sesion_idle_timeout_seconds"),
        std::string::npos);
    EXPECT_NE(errorOf("smtp:\n  from: nobody\n").find("smtp.from"), std::string::npos);
    EXPECT_NE(errorOf("auth:\n  lockout_seconds: 100\n  max_lockout_seconds: 10\n")
                  .find("max_lockout_seconds"),
              std::string::npos);
}

}  // namespace
}  // namespace muster::config
