#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "muster/ldap/connection.hpp"
#include "muster/test/slapd_server.hpp"

namespace muster::test {

// A fresh slapd per test (it starts in a fraction of a second). Skips when
// slapd is not installed, unless MUSTER_REQUIRE_SERVERS=1.
class SlapdTest : public ::testing::Test {
  protected:
    void SetUp() override;
    virtual SlapdOptions serverOptions() const { return {}; }

    // Options to bind as the root DN over plain LDAP.
    ldap::ConnectionOptions rootOptions() const;

    std::unique_ptr<SlapdServer> slapd;
};

}  // namespace muster::test
