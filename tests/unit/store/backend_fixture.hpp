#pragma once

// Runs a test against every backend: SQLite in a temporary file and a real
// PostgreSQL started once for this test binary (skipped when PostgreSQL is not
// installed, unless MUSTER_REQUIRE_SERVERS=1).

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "muster/core/error.hpp"
#include "muster/core/store.hpp"
#include "muster/store/sql_store.hpp"
#include "muster/test/postgres_server.hpp"

namespace muster::store::testing {

enum class BackendKind { sqlite, postgresql };

// Test names and failure messages say "SQLite", not "4-byte object <00-00 00-00>".
void PrintTo(BackendKind kind, std::ostream* out);
std::string backendLabel(const ::testing::TestParamInfo<BackendKind>& info);

class BackendTest : public ::testing::TestWithParam<BackendKind> {
  protected:
    void SetUp() override;
    void TearDown() override;

    // A fresh store on an empty database; migrated() also applies the schema.
    std::unique_ptr<Store> openStore(int poolSize = 4);
    Store& migrated();

    const std::string& url() const { return url_; }
    test::PostgresServer* postgres() const { return postgres_; }

    // Commits a tenant (with the roles "admin" rank 50 and "employee" rank 10).
    Tenant createTenant(const std::string& name);
    // Runs `work` in a write transaction and commits it.
    template <typename Work>
    auto inWrite(Work&& work) {
        auto tx = store_->beginWrite();
        if constexpr (std::is_void_v<decltype(work(*tx))>) {
            work(*tx);
            tx->commit();
        } else {
            auto result = work(*tx);
            tx->commit();
            return result;
        }
    }
    template <typename Work>
    auto inRead(Work&& work) {
        auto tx = store_->beginRead();
        return work(*tx);
    }

    std::unique_ptr<Store> store_;

  private:
    std::string url_;
    std::string sqliteDir_;
    test::PostgresServer* postgres_ = nullptr;
};

// A user with just the required fields.
User minimalUser(Id tenantId, const std::string& userName);
Identifier email(const std::string& address, bool primary = false);

// Runs `action` and returns the muster::Error it throws (fails the test if none).
Error errorFrom(const std::function<void()>& action);

}  // namespace muster::store::testing
