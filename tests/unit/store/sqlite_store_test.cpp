// SQLite only: writers from several threads queue on the write lock instead
// of failing with SQLITE_BUSY.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "muster/core/error.hpp"
#include "muster/store/sql_store.hpp"

namespace muster::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/muster-sqlite-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        store_ = openStore({"sqlite://" + dir_ + "/muster.db", 4, 5000});
        store_->migrate();
        auto tx = store_->beginWrite();
        tenantId_ = tx->tenants().create("acme").id;
        tx->commit();
    }
    void TearDown() override {
        store_.reset();
        std::filesystem::remove_all(dir_);
    }

    std::string dir_;
    std::unique_ptr<Store> store_;
    Id tenantId_ = 0;
};

TEST_F(SqliteStoreTest, ConcurrentWritersAllSucceed) {
    constexpr int kPerThread = 25;
    std::atomic<int> failures{0};
    auto writer = [&](const std::string& prefix) {
        for (int i = 0; i < kPerThread; ++i) {
            try {
                auto tx = store_->beginWrite();
                // Read first, then write: the pattern that deadlocks with a deferred BEGIN.
                tx->users().findByUserName(tenantId_, prefix + std::to_string(i));
                User user;
                user.tenantId = tenantId_;
                user.userName = prefix + std::to_string(i);
                tx->users().create(user);
                tx->commit();
            } catch (const Error& error) {
                ++failures;
                ADD_FAILURE() << error.what();
            }
        }
    };
    std::thread a(writer, "a");
    std::thread b(writer, "b");
    a.join();
    b.join();
    EXPECT_EQ(failures.load(), 0);
    auto tx = store_->beginRead();
    EXPECT_EQ(tx->users().list(tenantId_, {0, 1}).totalResults, 2 * kPerThread);
}

TEST_F(SqliteStoreTest, ASecondWriterWaitsForTheFirstToCommit) {
    auto first = store_->beginWrite();
    User one;
    one.tenantId = tenantId_;
    one.userName = "one";
    first->users().create(one);

    std::atomic<bool> secondDone{false};
    std::thread second([&] {
        auto tx = store_->beginWrite();  // blocks on the write lock
        User two;
        two.tenantId = tenantId_;
        two.userName = "two";
        tx->users().create(two);
        tx->commit();
        secondDone = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_FALSE(secondDone.load());
    first->commit();
    second.join();
    EXPECT_TRUE(secondDone.load());
}

TEST_F(SqliteStoreTest, ReadersAreNotBlockedByAWriter) {
    auto writer = store_->beginWrite();
    User one;
    one.tenantId = tenantId_;
    one.userName = "one";
    writer->users().create(one);
    // WAL: a reader sees the last committed state while the write is open.
    auto reader = store_->beginRead();
    EXPECT_FALSE(reader->users().findByUserName(tenantId_, "one"));
    EXPECT_EQ(reader->tenants().count(), 1);
}

TEST_F(SqliteStoreTest, AWriterThatCannotGetTheLockInTimeIsUnavailable) {
    auto impatient = openStore({"sqlite://" + dir_ + "/muster.db", 1, 100});
    auto holder = store_->beginWrite();
    try {
        impatient->beginWrite();
        FAIL() << "took the write lock twice";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::unavailable) << error.what();
    }
    EXPECT_EQ(impatient->poolStats().inUse, 0u);
}

}  // namespace
}  // namespace muster::store
