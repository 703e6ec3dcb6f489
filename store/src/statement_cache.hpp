#pragma once

// Prepared statements kept per pooled session, so that a hot query (a user by
// id, a token by hash) is parsed once per connection instead of on every
// request. Filter queries compile to one text per filter shape (values are
// bound), so they are cached too; the cache is bounded.

#include <memory>
#include <string>
#include <typeinfo>
#include <unordered_map>

#include "soci_headers.hpp"
#include "sqlite_statement.hpp"

namespace muster::store {

class StatementCache {
  public:
    // The statement for `query`, prepared on first use. Each session has its
    // own cache and a session serves one transaction at a time, so no locking.
    soci::statement& get(soci::session& sql, const std::string& query);
    // The same through SQLite's C API, for a session on SQLite.
    SqliteStatement& getSqlite(soci::session& sql, const std::string& query);

    // A hot read kept with its variables bound once (Reader(session&) binds
    // them), so a request only sets the parameters and executes: SOCI's
    // per-column binding is most of a wide row's cost otherwise.
    template <typename Reader>
    Reader& reader(soci::session& sql) {
        auto found = readers_.find(typeid(Reader).name());
        if (found == readers_.end()) {
            found = readers_.emplace(typeid(Reader).name(), std::make_shared<Reader>(sql)).first;
        }
        return *static_cast<Reader*>(found->second.get());
    }

    // Drops every statement (before the session reconnects or closes).
    void clear() {
        readers_.clear();
        statements_.clear();
        sqliteStatements_.clear();
    }

  private:
    // Beyond this many texts the cache starts over: a bound on memory, far
    // above the number of fixed queries the repositories use.
    static constexpr std::size_t maxStatements = 256;
    std::unordered_map<std::string, std::unique_ptr<soci::statement>> statements_;
    std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> sqliteStatements_;
    std::unordered_map<std::string, std::shared_ptr<void>> readers_;
};

// Which cache belongs to a pooled session; the pool registers its sessions
// when it opens them and unregisters them before it closes them.
void registerStatementCache(soci::session& sql, StatementCache& cache);
void unregisterStatementCache(soci::session& sql);
// Null for a session no pool registered (tests that open their own).
StatementCache* statementCacheOf(soci::session& sql);

}  // namespace muster::store
