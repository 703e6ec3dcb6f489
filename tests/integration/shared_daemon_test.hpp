#pragma once

// A fixture for admin API suites: one real musterd per test suite (started in
// SetUpTestSuite, stopped in TearDownTestSuite), JSON requests to it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "daemon_process.hpp"

namespace muster::testing {

inline nlohmann::json parse(const HttpResult& result) {
    return result.body.empty() ? nlohmann::json() : nlohmann::json::parse(result.body);
}

class SharedDaemonTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { daemon_ = new DaemonProcess(); }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }

    // The bootstrap token unless another is given; a null body sends none.
    static HttpResult call(const std::string& method, const std::string& path,
                           const nlohmann::json& body = nullptr,
                           const std::string& token = "use-bootstrap") {
        return daemon_->request(method, path, body.is_null() ? "" : body.dump(), token);
    }

    static inline DaemonProcess* daemon_ = nullptr;
};

}  // namespace muster::testing
