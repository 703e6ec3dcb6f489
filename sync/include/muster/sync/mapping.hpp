#pragma once

// Turns directory entries into Muster users and groups as the source's
// mapping config says (SPEC D-4), with a fingerprint so an unchanged entry
// costs no write.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "muster/config/sync_config.hpp"
#include "muster/core/directory_sync.hpp"
#include "muster/ldap/entry.hpp"
#include "muster/sync/template.hpp"

namespace muster::sync {

// Normalised user DN -> the roles the source's `roles:` groups give that
// user, through direct or nested membership; each list sorted.
using RoleMembers = std::unordered_map<std::string, std::vector<std::string>>;

struct MappedUser {
    User user;
    std::optional<std::string> managerDn;  // normalised; "" clears the manager
    std::string fingerprint;
};

struct MappedGroup {
    std::string displayName;
    std::vector<std::string> memberDns;  // normalised
    std::string fingerprint;
};

// The mapping used when a source lists no user_fields.
std::vector<config::FieldMapping> defaultUserFields(config::DirectoryType type);

// The anchor attribute of the directory type: entryUUID or objectGUID.
std::string anchorAttribute(config::DirectoryType type);

class EntryMapping {
  public:
    explicit EntryMapping(const config::SyncSourceConfig& source);

    // Throws Error(invalid_input) naming the field when a required value
    // (userName) comes out empty. Roles (when the source maps them) come
    // from `roleMembers`.
    MappedUser mapUser(const ldap::Entry& entry, const ExtraValues& extra,
                       const RoleMembers& roleMembers = {}) const;
    // The fingerprint mapUser gives, without mapping: a digest of all that
    // mapUser reads -- the DN, every value of userAttributes() in the
    // server's order, the extra values, the user's roles (when mapped) and
    // the mapping config. Most entries of a full sync are unchanged, and
    // this recognises them for a fraction of the cost of templates,
    // transforms and a User. Exact: any change of a value the mapping may
    // use changes it (a change the mapping ignores, such as the case of a
    // lower-cased value, costs one rewrite that finds nothing to change).
    // Anything mapUser comes to read must be added here.
    std::string userFingerprint(const ldap::Entry& entry, const ExtraValues& extra,
                                const RoleMembers& roleMembers = {}) const;
    MappedGroup mapGroup(const ldap::Entry& entry, const ExtraValues& extra) const;
    // The stable id of an entry ("" when it has none).
    std::string anchorOf(const ldap::Entry& entry) const;

    // Attributes to ask the directory for.
    std::vector<std::string> userAttributes() const;
    std::vector<std::string> groupAttributes() const;

    const std::set<UserField>& ownedFields() const { return owned_; }
    const std::set<UserField>& createOnlyFields() const { return createOnly_; }

  private:
    const config::SyncSourceConfig& source_;
    std::vector<ValueMapping> fields_;
    std::vector<UserField> targets_;  // the field each of fields_ writes
    ValueTemplate groupName_;
    std::set<UserField> owned_;
    std::set<UserField> createOnly_;
    std::string mappingDigest_;  // changes when the mapping config changes
    std::vector<std::string> fingerprintAttributes_;  // userAttributes(), lower-cased
};

// 64-bit FNV-1a, fed piece by piece; 16 hex digits, stable across runs and builds.
class Fnv1a {
  public:
    void add(std::string_view bytes);
    // Length first, so that ("ab", "c") and ("a", "bc") differ.
    void addPiece(std::string_view bytes);
    void addCount(std::size_t count);
    std::string hex() const;

  private:
    std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// Fnv1a of the text.
std::string digest(const std::string& text);

}  // namespace muster::sync
