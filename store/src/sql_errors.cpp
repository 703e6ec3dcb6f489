#include "sql_errors.hpp"

#include <string_view>

#include "migrations.hpp"
#include "sql_statement.hpp"

namespace muster::store {

namespace {

constexpr std::string_view kSqliteUnique = "UNIQUE constraint failed: ";
constexpr std::string_view kPgUnique = "unique constraint \"";
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;

// "...: UNIQUE constraint failed: users.tenant_id, users.user_name_norm"
std::string sqliteUniqueIndex(const std::string& message) {
    std::size_t at = message.find(kSqliteUnique);
    if (at == std::string::npos) return {};
    return uniqueIndexForSqliteColumns(std::string_view(message).substr(at + kSqliteUnique.size()));
}

std::string postgresUniqueIndex(const soci::postgresql_soci_error& error) {
    if (error.sqlstate() != "23505") return {};
    std::string message = error.get_error_message();
    std::size_t at = message.find(kPgUnique);
    if (at == std::string::npos) return {};
    std::size_t begin = at + kPgUnique.size();
    std::size_t end = message.find('"', begin);
    return end == std::string::npos ? std::string() : message.substr(begin, end - begin);
}

bool isUnavailable(const soci::soci_error& error) {
    if (error.get_error_category() == soci::soci_error::connection_error) return true;
    if (auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
        int primary = sqlite->result() & 0xff;
        return primary == kSqliteBusy || primary == kSqliteLocked;
    }
    if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
        std::string state = pg->sqlstate();
        // 08xxx: connection exceptions; 57P0x: the server is shutting down.
        return state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0;
    }
    return false;
}

}  // namespace

std::string violatedUniqueIndex(const soci::soci_error& error) {
    if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
        return postgresUniqueIndex(*pg);
    }
    // get_error_message(), not what(): the latter appends the bound values.
    return sqliteUniqueIndex(error.get_error_message());
}

Error storeErrorFrom(const soci::soci_error& error) {
    if (isUnavailable(error)) {
        return Error(ErrorCode::unavailable, "store unavailable: " + error.get_error_message());
    }
    if (!violatedUniqueIndex(error).empty()) {
        return Error(ErrorCode::conflict, "uniqueness violation: " + error.get_error_message());
    }
    return Error(ErrorCode::internal, "store error: " + error.get_error_message());
}

void rollbackQuietly(soci::session& sql) noexcept {
    try {
        SqlStatement(sql, "ROLLBACK", Reuse::prepared).execute();
    } catch (const soci::soci_error&) {
        // Nothing to undo or no connection left; the caller's error matters more.
    } catch (const std::bad_alloc&) {
    }
}

}  // namespace muster::store
