#include "slapd_fixture.hpp"

#include "muster/test/postgres_server.hpp"

namespace muster::test {

void SlapdTest::SetUp() {
    std::string whyNot;
    if (!SlapdServer::available(&whyNot)) {
        if (serversRequired()) FAIL() << "slapd is required: " << whyNot;
        GTEST_SKIP() << "slapd not available: " << whyNot;
    }
    slapd = std::make_unique<SlapdServer>(serverOptions());
}

ldap::ConnectionOptions SlapdTest::rootOptions() const {
    ldap::ConnectionOptions options;
    options.url = slapd->url();
    options.bindDn = slapd->rootDn();
    options.password = slapd->rootPassword();
    options.operationTimeout = std::chrono::seconds(20);
    return options;
}

}  // namespace muster::test
