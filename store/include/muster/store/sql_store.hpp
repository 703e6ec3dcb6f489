#pragma once

// The SQL implementation of muster::Store (SOCI over SQLite or PostgreSQL).

#include <memory>
#include <string>

#include "muster/core/store.hpp"

namespace muster::store {

struct StoreOptions {
    // sqlite:///abs/path.db, sqlite:relative/path.db, or
    // postgresql://user:pass@host:port/db[?sslmode=...]
    std::string url;
    int poolSize = 8;
    // How long SQLite waits for another connection's write lock before giving up.
    int busyTimeoutMs = 5000;
};

// Opens a pool of poolSize connections. Throws Error(invalid_input, attribute
// "store.url") for a URL it does not understand and Error(unavailable) when the
// database cannot be reached. The schema is not touched: call migrate().
std::unique_ptr<Store> openStore(const StoreOptions& options);

}  // namespace muster::store
