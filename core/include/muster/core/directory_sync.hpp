#pragma once

// The core use case behind directory sync (SPEC D-1..D-6): applies a batch
// of user and group changes computed by sync/ from a directory, in ONE
// transaction together with the source's new cookie, with the same
// validation and audit events as every other writer (actor source
// "sync:<name>"). A crash therefore never leaves half a batch, and the
// cookie never runs ahead of the changes it covers.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "muster/core/principal.hpp"
#include "muster/core/store.hpp"
#include "muster/core/sync_store.hpp"

namespace muster {

// User fields a directory source can own: sync overwrites them, and leaves
// every other field to admins and SCIM (SPEC D-4 "which source owns which field").
enum class UserField {
    userName,
    givenName,
    familyName,
    formattedName,
    displayName,
    title,
    employeeNumber,
    department,
    section,
    organization,
    division,
    costCenter,
    emails,       // email identifiers
    upn,          // UPN identifiers
    employeeId,   // employee_id identifiers
    deviceLogin,  // device_login identifiers (sAMAccountName @ NetBIOS domain)
    manager,
    status,  // active / deactivated from the directory's disabled flag
    roles,
};
std::string_view toString(UserField field);
std::optional<UserField> parseUserField(std::string_view text);

// Copies the owned fields of `desired` onto `stored`.
void applyOwnedFields(User& stored, const User& desired, const std::set<UserField>& owned);

// The field's value as one text, for comparisons and dry-run diffs
// ("a@x.com, b@x.com" for emails; the manager's id).
std::string ownedFieldValue(const User& user, UserField field);

struct DirectoryUserChange {
    enum class Action {
        upsert,      // create, or update the owned fields (also brings back a missing user)
        deactivate,  // gone from the source: status deactivated, object kept
        remove,      // gone for long enough: delete the user and forget the anchor
        forget,      // gone, policy "ignore": keep the user, mark the object missing
    };
    Action action = Action::upsert;
    std::string anchor;
    std::string dn;  // normalised
    std::string fingerprint;
    User user;  // upsert: the mapped values
    // upsert: the manager's normalised DN, resolved to a user of this source
    // inside the transaction; an empty string clears the manager.
    std::optional<std::string> managerDn;
};

struct DirectoryGroupChange {
    enum class Action { upsert, remove };
    Action action = Action::upsert;
    std::string anchor;
    std::string dn;
    std::string fingerprint;
    std::string displayName;
    // When set, the group's members become exactly these (normalised DNs of
    // users or groups of this source; others are skipped and counted).
    std::optional<std::vector<std::string>> memberDns;
};

struct DirectoryBatch {
    std::vector<DirectoryUserChange> users;
    std::vector<DirectoryGroupChange> groups;
    std::set<UserField> ownedFields;
    // Fields written on create only (an admin may change them later).
    std::set<UserField> createOnlyFields;
    // Link a new anchor to an existing user with the same userName instead
    // of failing with a conflict.
    bool linkExistingByUserName = false;
    std::string identityProvider;                // set on users this source creates
    std::optional<SyncSourceState> sourceState;  // saved in the same transaction
};

struct DirectoryEntryError {
    std::string anchor;
    std::string dn;
    std::string message;
};

struct DirectoryBatchOutcome {
    SyncRunCounts counts;
    std::vector<DirectoryEntryError> errors;
    // Anchors of users whose manager DN named no user (yet): the caller may
    // retry them once the rest of the source is in.
    std::vector<std::string> unresolvedManagers;
    std::int64_t unresolvedMembers = 0;
};

class DirectorySyncService {
  public:
    explicit DirectorySyncService(Store& store) : store_(store) {}

    // Applies the batch in one transaction. When an entry is refused
    // (validation, a uniqueness conflict), the batch is applied again entry
    // by entry so the good ones land and each bad one is reported; the
    // source state is then saved after them. Store failures throw.
    DirectoryBatchOutcome apply(const Principal& by, const std::string& source,
                                const DirectoryBatch& batch);

  private:
    Store& store_;
};

}  // namespace muster
