// PostgreSQL only: credentials and connections that die under the pool.

#include <gtest/gtest.h>

#include "muster/core/error.hpp"
#include "muster/store/sql_store.hpp"
#include "muster/test/postgres_server.hpp"

namespace muster::store {
namespace {

class PostgresStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string whyMissing;
        server_ = test::sharedPostgres(&whyMissing);
        if (server_ == nullptr) {
            if (test::serversRequired()) FAIL() << "MUSTER_REQUIRE_SERVERS=1: " << whyMissing;
            GTEST_SKIP() << whyMissing;
        }
        static int databases = 0;
        database_ = "pg_only_" + std::to_string(++databases);
        url_ = server_->createDatabase(database_);
    }

    test::PostgresServer* server_ = nullptr;
    std::string database_;
    std::string url_;
};

TEST_F(PostgresStoreTest, WrongPasswordIsUnavailableAndNotEchoed) {
    std::string url = url_;
    std::string encoded = url.substr(url.find(':', 13) + 1);
    encoded = encoded.substr(0, encoded.find('@'));
    url.replace(url.find(encoded), encoded.size(), "not-the-password");
    try {
        openStore({url, 1, 1000});
        FAIL() << "logged in with a wrong password";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::unavailable);
        EXPECT_NE(std::string(error.what()).find("password authentication failed"),
                  std::string::npos)
            << error.what();
        EXPECT_EQ(std::string(error.what()).find("not-the-password"), std::string::npos);
    }
}

TEST_F(PostgresStoreTest, PoolReconnectsAfterTheServerDroppedItsConnections) {
    auto store = openStore({url_, 2, 1000});
    store->migrate();
    server_->runSql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                    database_ + "' AND pid <> pg_backend_pid()");
    EXPECT_TRUE(store->ping());
    for (int i = 0; i < 2; ++i) {  // both pooled connections heal
        auto first = store->beginWrite();
        auto second = store->beginRead();
        EXPECT_EQ(first->tenants().count(), 0);
        EXPECT_EQ(second->tenants().count(), 0);
    }
}

}  // namespace
}  // namespace muster::store
