#pragma once

// Turns the configured store URL into what SOCI needs to connect.

#include <string>

namespace muster::store {

enum class Backend { sqlite3, postgresql };

struct ConnectionTarget {
    Backend backend = Backend::sqlite3;
    // SOCI connection string: "db=..." for SQLite; for PostgreSQL a libpq URI
    // with every part percent-encoded again (see libpqUri in store_url.cpp).
    std::string connectString;
    std::string sqlitePath;  // SQLite: the database file as given (may be relative)
    // PostgreSQL: kept only to scrub it out of backend error messages.
    std::string password;
};

// Throws Error(invalid_input, ..., "store.url"); the message never repeats the
// password.
ConnectionTarget parseStoreUrl(const std::string& url);

}  // namespace muster::store
