#include "statement_cache.hpp"

#include <map>
#include <mutex>
#include <shared_mutex>

namespace muster::store {

namespace {

struct Registry {
    std::shared_mutex mutex;
    std::map<const soci::session*, StatementCache*> caches;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

}  // namespace

soci::statement& StatementCache::get(soci::session& sql, const std::string& query) {
    auto found = statements_.find(query);
    if (found != statements_.end()) return *found->second;
    if (statements_.size() >= maxStatements) statements_.clear();
    auto statement = std::make_unique<soci::statement>(sql);
    statement->alloc();
    statement->prepare(query, soci::details::st_repeatable_query);
    return *statements_.emplace(query, std::move(statement)).first->second;
}

SqliteStatement& StatementCache::getSqlite(soci::session& sql, const std::string& query) {
    auto found = sqliteStatements_.find(query);
    if (found != sqliteStatements_.end()) return *found->second;
    if (sqliteStatements_.size() >= maxStatements) sqliteStatements_.clear();
    auto statement = std::make_unique<SqliteStatement>(nativeSqlite(sql), query);
    return *sqliteStatements_.emplace(query, std::move(statement)).first->second;
}

void registerStatementCache(soci::session& sql, StatementCache& cache) {
    std::unique_lock lock(registry().mutex);
    registry().caches[&sql] = &cache;
}

void unregisterStatementCache(soci::session& sql) {
    std::unique_lock lock(registry().mutex);
    registry().caches.erase(&sql);
}

StatementCache* statementCacheOf(soci::session& sql) {
    std::shared_lock lock(registry().mutex);
    auto found = registry().caches.find(&sql);
    return found == registry().caches.end() ? nullptr : found->second;
}

}  // namespace muster::store
