#include "sqlite_statement.hpp"

namespace muster::store {

using namespace sqlite_api;

sqlite3* nativeSqlite(soci::session& sql) {
    if (sql.get_backend_name() != "sqlite3") return nullptr;
    return static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
}

SqliteStatement::SqliteStatement(sqlite3* connection, const std::string& query)
    : connection_(connection) {
    const int code = sqlite3_prepare_v3(connection_, query.c_str(), static_cast<int>(query.size()),
                                        SQLITE_PREPARE_PERSISTENT, &statement_, nullptr);
    if (code != SQLITE_OK) fail("prepare", code);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

void SqliteStatement::bind(int parameter, std::int64_t value) {
    const int code = sqlite3_bind_int64(statement_, parameter, value);
    if (code != SQLITE_OK) fail("bind", code);
}

void SqliteStatement::bind(int parameter, double value) {
    const int code = sqlite3_bind_double(statement_, parameter, value);
    if (code != SQLITE_OK) fail("bind", code);
}

void SqliteStatement::bind(int parameter, std::string_view text) {
    const int code = sqlite3_bind_text(statement_, parameter, text.data(),
                                       static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (code != SQLITE_OK) fail("bind", code);
}

int SqliteStatement::parameterIndex(const std::string& name) const {
    return sqlite3_bind_parameter_index(statement_, name.c_str());
}

bool SqliteStatement::step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    fail("step", code);
}

void SqliteStatement::reset() { sqlite3_reset(statement_); }

void SqliteStatement::column(int index, std::string& target) const {
    const auto* text = sqlite3_column_text(statement_, index);
    const int bytes = sqlite3_column_bytes(statement_, index);
    if (text == nullptr) {
        target.clear();
    } else {
        target.assign(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
    }
}

void SqliteStatement::column(int index, std::int64_t& target) const {
    target = sqlite3_column_int64(statement_, index);
}

void SqliteStatement::column(int index, int& target) const {
    target = sqlite3_column_int(statement_, index);
}

bool SqliteStatement::isNull(int index) const {
    return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

void SqliteStatement::fail(const char* what, int code) const {
    std::string message = std::string("sqlite3 ") + what + ": " + sqlite3_errmsg(connection_);
    if (statement_ != nullptr) sqlite3_reset(statement_);
    throw soci::sqlite3_soci_error(message, code);
}

}  // namespace muster::store
