#pragma once

// User use cases shared by every writer (SCIM, admin API, CLI, sync, agents):
// validation, the write and its audit event in one transaction.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "muster/core/principal.hpp"
#include "muster/core/query.hpp"
#include "muster/core/store.hpp"

namespace muster {

// Deletion rule: the admin API deletes only inactive users (SPEC U-3); an
// identity provider over SCIM is authoritative and deletes whatever the status.
enum class DeletePolicy { onlyInactive, anyStatus };

// The admin list header (SPEC U-5): how many users match, by status.
struct UserCounts {
    std::int64_t active = 0;
    std::int64_t invited = 0;
    std::int64_t deactivated = 0;
    std::int64_t all = 0;
};

// Extra work in the transaction that creates a user (e.g. its temporary password).
using AlongWithCreate = std::function<void(Transaction& tx, const User& created)>;

class UserService {
  public:
    explicit UserService(Store& store) : store_(store) {}

    User create(const Principal& by, const User& user, const AlongWithCreate& alongWith = {});
    User get(const Principal& by, Id id);
    // Replaces the stored user with `user` (same id). expectedVersion, when
    // given, must match the stored version (If-Match), else precondition_failed.
    User replace(const Principal& by, const User& user,
                 std::optional<std::int64_t> expectedVersion);
    void remove(const Principal& by, Id id, DeletePolicy policy,
                std::optional<std::int64_t> expectedVersion);
    Page<User> list(const Principal& by, const query::ListQuery& query);
    UserCounts counts(const Principal& by, const query::ConditionPtr& filter);

    // SPEC U-3 lifecycle: invited -> active <-> deactivated (status), banned
    // independent of it. Each is one audited change under the role limits.
    User setStatus(const Principal& by, Id id, UserStatus status);
    User setBanned(const Principal& by, Id id, bool banned);
    // Replaces the user's roles; bumps the authz version when they differ.
    User setRoles(const Principal& by, Id id, const std::vector<std::string>& roles);
    // SPEC U-9: an explicit primary group (one the user is a member of), or
    // std::nullopt to go back to the one derived from goals.
    User setPrimaryGroup(const Principal& by, Id id, std::optional<Id> groupId);

    // Loads the user, applies `edit`, validates and writes it with its audit
    // event `action`, all in one transaction under the role limits.
    User change(const Principal& by, Id id, std::optional<std::int64_t> expectedVersion,
                const std::string& action, const std::function<void(User&)>& edit);

  private:
    User writeChange(Transaction& tx, const Principal& by, const User& before, User user,
                     const std::string& action);

    Store& store_;
};

// The user's manager exists in the tenant, is not the user, and is not
// managed by the user (directly or not): Error(invalid_input) otherwise.
// Every writer of users calls it.
void checkManagerChain(Transaction& tx, const User& user);

// What a change to a user ends for signing in, in the transaction of that
// change; every writer of users calls it.
// - SPEC A-3 / U-3: a user who is deactivated or banned loses every session
//   and trusted device, so reactivating or unbanning later brings none back.
// - Invitation and password-reset links stop working when an e-mail address
//   the user had is gone: they were sent to an address that may now belong
//   to somebody else.
void endSignInsTheChangeRevokes(Transaction& tx, const User& before, const User& after);

// A text from outside: at most `limit` bytes and no control characters;
// Error(invalid_input) naming `attribute` otherwise.
void checkTextLength(const std::string& value, std::size_t limit, const char* attribute);

// Field-level validation shared by create and replace; throws
// Error(invalid_input) naming the attribute.
void validateUser(const User& user);

}  // namespace muster
