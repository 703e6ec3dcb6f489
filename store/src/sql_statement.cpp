#include "sql_statement.hpp"

namespace muster::store {

SqlStatement::SqlStatement(soci::session& sql, std::string query, Reuse reuse)
    : query_(std::move(query)) {
    StatementCache* cache = reuse == Reuse::prepared ? statementCacheOf(sql) : nullptr;
    if (cache != nullptr) {
        statement_ = &cache->get(sql, query_);
        prepared_ = true;
        sqlite_ = sql.get_backend_name() == "sqlite3";
    } else {
        own_.emplace(sql);
        statement_ = &*own_;
    }
}

SqlStatement::~SqlStatement() {
    if (!prepared_) return;
    // Unbind this call's variables, and end a SELECT that was not read to
    // its end: an unfinished SQLite statement would keep its read snapshot.
    statement_->bind_clean_up();
    finishSelect(*statement_, sqlite_);
}

void finishSelect(soci::statement& statement, bool sqlite) {
    if (!sqlite) return;
    // libsoci_sqlite3 exports neither the backend's typeinfo nor reset(), so
    // reset the SQLite handle it exposes directly.
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement.get_backend());
    if (backend->stmt_ != nullptr) sqlite_api::sqlite3_reset(backend->stmt_);
}

bool SqlStatement::execute() {
    if (!prepared_) {
        statement_->alloc();
        statement_->prepare(query_, soci::details::st_one_time_query);
    }
    statement_->define_and_bind();
    return statement_->execute(true);
}

void prepareBoundOnce(soci::statement& statement, const std::string& query) {
    statement.alloc();
    statement.prepare(query, soci::details::st_repeatable_query);
    statement.define_and_bind();
}

std::vector<Id> selectIds(soci::session& sql, const std::string& query, Id tenantId, Id ownerId) {
    SqlStatement st(sql, query, Reuse::prepared);
    Id id = 0;
    st.into(id);
    st.use(tenantId);
    st.use(ownerId);
    std::vector<Id> ids;
    for (bool more = st.execute(); more; more = st.fetchNext()) ids.push_back(id);
    return ids;
}

bool existsInTenant(soci::session& sql, const char* table, Id tenantId, Id id) {
    SqlStatement st(
        sql,
        "SELECT COUNT(*) FROM " + std::string(table) + " WHERE tenant_id = :tenant_id AND id = :id",
        Reuse::prepared);
    int count = 0;
    st.into(count);
    st.use(tenantId);
    st.use(id);
    st.execute();
    return count > 0;
}

}  // namespace muster::store
