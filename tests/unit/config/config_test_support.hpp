#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "muster/config/config.hpp"
#include "muster/core/error.hpp"

namespace muster::config::testing {

// Clears MUSTER_STORE_URL for each test and puts it back afterwards: CI sets
// it for the whole run to point the daemon at PostgreSQL, and it would hide
// the store.url errors these tests expect.
class ConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (const char* value = std::getenv("MUSTER_STORE_URL")) saved_ = value;
        ::unsetenv("MUSTER_STORE_URL");
    }
    void TearDown() override {
        if (saved_) {
            ::setenv("MUSTER_STORE_URL", saved_->c_str(), 1);
        } else {
            ::unsetenv("MUSTER_STORE_URL");
        }
    }

    static Config parse(const std::string& yaml) { return parseConfig(yaml, "test.yaml"); }

    // The message of the error parsing `yaml` raises, or a test failure.
    static std::string errorOf(const std::string& yaml) {
        try {
            parse(yaml);
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), ErrorCode::invalid_input);
            return error.what();
        }
        ADD_FAILURE() << "no error for:\n" << yaml;
        return {};
    }

  private:
    std::optional<std::string> saved_;
};

}  // namespace muster::config::testing
