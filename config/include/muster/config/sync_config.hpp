#pragma once

// The `sync:` section of the config: directory sources (OpenLDAP, Active
// Directory) and how their entries map to Muster users and groups
// (SPEC D-1, D-2, D-4, D-5, D-6). See docs/sync.md.

#include <string>
#include <vector>

namespace muster::config {

enum class DirectoryType { ldap, active_directory };
enum class DirectoryTls { none, starttls, ldaps };
// How a source finds what changed since the last run.
enum class IncrementalMethod {
    automatic,         // syncrepl when the server offers it, else modifyTimestamp (ldap); usn (AD)
    syncrepl,          // RFC 4533 refreshOnly with a stored cookie
    modify_timestamp,  // (modifyTimestamp>=last seen)
    usn,               // AD: (uSNChanged>=last seen + 1) on the same domain controller
    none,              // every run is a full sync
};
// What happens to a user that is no longer in the source (SPEC D-5).
enum class MissingUserPolicy { deactivate, delete_after, ignore };

struct ValueTransform {
    enum class Kind { lower, upper, trim, regex_replace, split };
    Kind kind = Kind::lower;
    std::string pattern;      // regex_replace: ECMAScript regex
    std::string replacement;  // regex_replace: "$1" style
    std::string separator;    // split
    int index = 0;            // split: which part (0-based)
};

// One Muster field computed from an entry: a template over its attributes
// ("{givenName} {sn}"; text without braces is a constant), then transforms,
// then `defaultValue` when the result is empty.
struct FieldMapping {
    std::string field;  // userName, name.givenName, emails, manager, ... (docs/sync.md)
    std::string templateText;
    std::vector<ValueTransform> transforms;
    std::string defaultValue;
    bool createOnly = false;  // written when the user is created, then left to admins
};

struct EntryScope {
    std::vector<std::string> baseDns;
    std::string scope = "sub";  // sub or one
    std::string filter;         // RFC 4515; empty: the type's default
    std::string memberOf;       // group-based scope: only members of this group (DN)
};

struct RoleFromGroup {
    std::string groupDn;
    std::string role;
};

struct SyncSourceConfig {
    std::string name;
    DirectoryType type = DirectoryType::ldap;
    std::string tenant = "default";
    std::string url;  // ldap://host:port or ldaps://host:port
    DirectoryTls tls = DirectoryTls::none;
    std::string caFile;
    bool tlsVerify = true;
    std::string bindDn;
    std::string bindPassword;      // prefer bind_password_file
    std::string bindPasswordFile;  // read at each run
    int timeoutSeconds = 30;
    int pageSize = 500;
    int batchSize = 500;
    int intervalSeconds = 0;                  // 0: manual runs only
    int fullSyncIntervalSeconds = 24 * 3600;  // a full sync (deletion scan) at least this often
    IncrementalMethod incremental = IncrementalMethod::automatic;
    MissingUserPolicy missingUsers = MissingUserPolicy::deactivate;
    int deleteAfterDays = 30;     // delete_after: days a user stays deactivated first
    int maxDeletions = 500;       // a run that would remove more stops; 0: no limit
    int maxDeletionPercent = 10;  // ... or more than this % of the source's users; 0: no limit
    bool linkExistingByUserName = false;
    EntryScope users;
    EntryScope groups;  // no base DN: groups are not synced
    std::string groupNameTemplate = "{cn}";
    std::string memberAttribute = "member";
    // Active Directory: ask for member values in ranges of this many
    // ("member;range=0-<n-1>"); 0 takes the server's own range (MaxValRange,
    // 1500). Either way every range is read. Mostly for tests.
    int memberRangeSize = 0;
    std::vector<FieldMapping> userFields;  // empty: the type's default mapping
    std::vector<RoleFromGroup> roles;
};

struct SyncConfig {
    std::vector<SyncSourceConfig> sources;
};

}  // namespace muster::config
