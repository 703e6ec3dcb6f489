#pragma once

// Reading a directory source: a full snapshot, or what changed since a
// cookie. OpenLDAP uses RFC 4533 refreshOnly (or a modifyTimestamp
// high-water mark without syncprov); Active Directory a uSNChanged
// high-water mark tied to the domain controller's invocationId, and the
// Deleted Objects container (show-deleted control) for deletions.

#include <functional>
#include <memory>
#include <string>

#include "muster/config/sync_config.hpp"
#include "muster/ldap/connection.hpp"
#include "muster/sync/mapping.hpp"

namespace muster::sync {

enum class EntryKind { user, group };

struct ReadEvents {
    // An entry in scope, added or changed since the cookie (every entry on a full read).
    std::function<void(EntryKind, const std::string& anchor, const ldap::Entry&)> changed;
    // An entry in scope that did not change (RFC 4533 present phase).
    std::function<void(EntryKind, const std::string& anchor)> present;
    // An entry deleted, or moved out of scope, since the cookie.
    std::function<void(EntryKind, const std::string& anchor)> gone;
};

struct ReadOutcome {
    std::string cookie;  // covers everything reported; store it with the last batch
    // Every entry in scope was reported as changed or present, so any other
    // known entry is gone.
    bool usersComplete = false;
    bool groupsComplete = false;
    std::string method;  // "syncrepl", "modifyTimestamp", "uSNChanged", "full scan"
};

class DirectoryReader {
  public:
    virtual ~DirectoryReader() = default;
    // Reads everything when `full` (or when the cookie cannot be used);
    // else what changed since `cookie`. Throws ldap::LdapError.
    virtual ReadOutcome read(const std::string& cookie, bool full, const ReadEvents& events) = 0;
    // Who gets which role of the source's `roles:` groups, through direct
    // or nested membership, read in full (a change of nesting touches no
    // user entry, so no delta would show it). Empty without `roles:`.
    // Throws ldap::LdapError.
    virtual RoleMembers readRoleMembers() = 0;
    // Values the mapping may use besides attributes ({_netbios_domain}).
    virtual const ExtraValues& extraValues() const = 0;
};

// Connection settings of a source; reads bind_password_file now.
ldap::ConnectionOptions connectionOptions(const config::SyncSourceConfig& source);

std::unique_ptr<DirectoryReader> makeReader(const config::SyncSourceConfig& source,
                                            const EntryMapping& mapping);

// The user and group filters of a source: its filter (or the type's
// default) and, for group-based scope, membership of `member_of` (nested
// membership on Active Directory); values are escaped.
std::string userFilter(const config::SyncSourceConfig& source);
std::string groupFilter(const config::SyncSourceConfig& source);

}  // namespace muster::sync
