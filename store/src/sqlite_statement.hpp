#pragma once

// SQLite's C API for the hottest reads (a user by id, for SCIM GET and every
// list page). SOCI's SQLite backend copies every column of every row into
// strings of its own before handing them over, which cost more than SQLite's
// own work on a wide row; here each column goes straight into its field.
// Everything else, and PostgreSQL always, goes through SOCI.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "soci_headers.hpp"

namespace muster::store {

// The SQLite connection under a SOCI session; null for other backends.
sqlite_api::sqlite3* nativeSqlite(soci::session& sql);

// One prepared statement, kept for the connection's lifetime (pooled readers
// own one each). Parameters are numbered from 1, columns from 0, as in SQLite.
class SqliteStatement {
  public:
    SqliteStatement(sqlite_api::sqlite3* connection, const std::string& query);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind(int parameter, std::int64_t value);
    void bind(int parameter, double value);
    // The text is copied: the caller's string may go before the statement runs.
    void bind(int parameter, std::string_view text);
    // The number of a named parameter (":p3"); 0 when the text has none such.
    int parameterIndex(const std::string& name) const;
    // Next row: true while there is one. Throws soci::sqlite3_soci_error on
    // a failure, so callers translate it as they do SOCI's.
    bool step();
    // Ready for the next execution (also releases the read snapshot's locks).
    void reset();

    void column(int index, std::string& target) const;
    void column(int index, std::int64_t& target) const;
    void column(int index, int& target) const;
    // A nullable column, with SOCI's indicator so the row structs stay one.
    template <typename T>
    void column(int index, T& target, soci::indicator& indicator) const {
        indicator = isNull(index) ? soci::i_null : soci::i_ok;
        if (indicator == soci::i_ok) column(index, target);
    }
    bool isNull(int index) const;

  private:
    [[noreturn]] void fail(const char* what, int code) const;

    sqlite_api::sqlite3* connection_;
    sqlite_api::sqlite3_stmt* statement_ = nullptr;
};

// Resets a statement when the scope ends, however it ends: a statement left
// mid-result would keep its read snapshot (and block WAL checkpoints).
class ResetWhenDone {
  public:
    explicit ResetWhenDone(SqliteStatement& statement) : statement_(statement) {}
    ~ResetWhenDone() { statement_.reset(); }
    ResetWhenDone(const ResetWhenDone&) = delete;
    ResetWhenDone& operator=(const ResetWhenDone&) = delete;

  private:
    SqliteStatement& statement_;
};

}  // namespace muster::store
