#pragma once

// A SOCI statement whose into/use elements are added one call at a time, for
// rows too wide to list in a single `sql << ..., into(...)` chain. With
// Reuse::prepared the statement comes from the session's StatementCache and
// is only bound and executed here.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "muster/core/model.hpp"
#include "soci_headers.hpp"
#include "statement_cache.hpp"

namespace muster::store {

enum class Reuse { once, prepared };

class SqlStatement {
  public:
    SqlStatement(soci::session& sql, std::string query, Reuse reuse = Reuse::once);
    ~SqlStatement();
    SqlStatement(const SqlStatement&) = delete;
    SqlStatement& operator=(const SqlStatement&) = delete;

    // Add targets and sources in the order their columns / placeholders appear.
    template <typename... Target>
    void into(Target&... target) {
        statement_->exchange(soci::into(target...));
    }
    template <typename... Source>
    void use(Source&... source) {
        statement_->exchange(soci::use(source...));
    }

    // Runs the statement; true when a first row landed in the into() targets.
    bool execute();
    bool fetchNext() { return statement_->fetch(); }
    long long affectedRows() { return statement_->get_affected_rows(); }

  private:
    std::optional<soci::statement> own_;  // a one-time statement
    soci::statement* statement_ = nullptr;
    bool prepared_ = false;  // from the cache: already prepared, rebound each time
    bool sqlite_ = false;
    std::string query_;
};

// Ends a prepared SELECT that may not have been read to its end: an
// unfinished SQLite statement would keep its read snapshot. No-op elsewhere.
void finishSelect(soci::statement& statement, bool sqlite);

// A statement for StatementCache::reader: prepared for repeated use, its
// variables bound by the caller once, then executed many times.
void prepareBoundOnce(soci::statement& statement, const std::string& query);

// Runs a prepared SELECT of one id column whose two placeholders are the
// tenant and the id of the row the ids belong to (a user's groups, a group's
// owners, ...).
std::vector<Id> selectIds(soci::session& sql, const std::string& query, Id tenantId, Id ownerId);

// Whether `table` ("users", "groups") has row `id` in the tenant: references
// (members, owners, managers) never cross tenants.
bool existsInTenant(soci::session& sql, const char* table, Id tenantId, Id id);

}  // namespace muster::store
