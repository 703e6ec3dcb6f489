#pragma once

// User use cases shared by every writer (SCIM, admin API, CLI, sync, agents):
// validation, the write and its audit event in one transaction.

#include <optional>

#include "muster/core/principal.hpp"
#include "muster/core/query.hpp"
#include "muster/core/store.hpp"

namespace muster {

// Deletion rule: the admin API deletes only inactive users (SPEC U-3); an
// identity provider over SCIM is authoritative and deletes whatever the status.
enum class DeletePolicy { onlyInactive, anyStatus };

class UserService {
public:
    explicit UserService(Store& store) : store_(store) {}

    User create(const Principal& by, const User& user);
    User get(const Principal& by, Id id);
    // Replaces the stored user with `user` (same id). expectedVersion, when
    // given, must match the stored version (If-Match), else precondition_failed.
    User replace(const Principal& by, const User& user, std::optional<std::int64_t> expectedVersion);
    void remove(const Principal& by, Id id, DeletePolicy policy,
                std::optional<std::int64_t> expectedVersion);
    Page<User> list(const Principal& by, const query::ListQuery& query);

private:
    Store& store_;
};

// Field-level validation shared by create and replace; throws
// Error(invalid_input) naming the attribute.
void validateUser(const User& user);

}  // namespace muster
