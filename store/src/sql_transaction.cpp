#include "sql_transaction.hpp"

#include "sql_errors.hpp"
#include "sql_statement.hpp"

namespace muster::store {

namespace {

// SQLite: a writer takes the write lock at BEGIN (waiting up to busy_timeout)
// instead of upgrading a read lock later, which is where two writers would
// deadlock and one get SQLITE_BUSY without waiting. PostgreSQL locks rows as
// it goes, so a plain BEGIN suffices.
std::string beginStatement(Backend backend, TransactionMode mode) {
    if (backend == Backend::sqlite3 && mode == TransactionMode::write) return "BEGIN IMMEDIATE";
    return "BEGIN";
}

}  // namespace

SqlTransaction::SqlTransaction(SessionLease lease, TransactionMode mode,
                               std::unique_lock<std::timed_mutex> writerTurn)
    : writerTurn_(std::move(writerTurn)),
      lease_(std::move(lease)),
      tenants_(lease_.session()),
      tokens_(lease_.session()),
      users_(lease_.session()),
      groups_(lease_.session()),
      roles_(lease_.session()),
      audit_(lease_.session()),
      agents_(lease_.session()),
      tracking_(lease_.session()),
      org_(lease_.session()),
      activity_(lease_.session()),
      signIn_(lease_.session()),
      syncState_(lease_.session()) {
    translateErrors([&] { executeReconnecting(lease_, beginStatement(lease_.backend(), mode)); });
    open_ = true;
}

SqlTransaction::~SqlTransaction() {
    if (open_) rollbackQuietly(lease_.session());
    // writerTurn_ is released after the rollback, as a member.
}

void SqlTransaction::commit() {
    if (!open_) throw Error(ErrorCode::internal, "transaction committed twice");
    translateErrors([&] { SqlStatement(lease_.session(), "COMMIT", Reuse::prepared).execute(); });
    open_ = false;
    // The next writer may start while this one renders its answer.
    if (writerTurn_.owns_lock()) writerTurn_.unlock();
}

}  // namespace muster::store
