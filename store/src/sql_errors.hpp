#pragma once

// Turning SOCI failures into muster::Error.

#include <string>
#include <utility>

#include "muster/core/error.hpp"
#include "soci_headers.hpp"

namespace muster::store {

// The unique index or key a failed statement violated ("ux_users_user_name"),
// the same name on both backends; empty when the failure is something else.
std::string violatedUniqueIndex(const soci::soci_error& error);

// A muster::Error for a SOCI failure no repository mapped more precisely:
// unavailable for lost connections and lock timeouts, conflict for unique
// violations, internal for the rest.
Error storeErrorFrom(const soci::soci_error& error);

// Runs a database operation so that callers outside store/ only ever see
// muster::Error (the daemon answers 503 for a lost database, not a bare 500).
template <typename Operation>
decltype(auto) translateErrors(Operation&& operation) {
    try {
        return std::forward<Operation>(operation)();
    } catch (const soci::soci_error& error) {
        throw storeErrorFrom(error);
    }
}

// ROLLBACK for cleanup paths: a failure here must not hide the error that got
// us here, and a broken connection is detected again on its next use.
void rollbackQuietly(soci::session& sql) noexcept;

}  // namespace muster::store
