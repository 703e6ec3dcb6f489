#pragma once

// SPEC U-1, U-10: a tenant's org structure catalogues — departments with
// their sections, teams, remote sites and tags (static, or dynamic with a
// rule) — and the repository a Transaction hands out for them
// (Transaction::org()).
//
// Users keep the names as text (User::department, section, team, tags,
// sites); the catalogues say which names exist. Names are unique per tenant
// (sections: per department), compared ignoring ASCII case.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "muster/core/model.hpp"
#include "muster/policies/tag_rules.hpp"

namespace muster {

enum class OrgKind { department, section, team, site, tag };
// "department", "section", "team", "site", "tag"
std::string_view toString(OrgKind kind);

enum class TagKind { static_, dynamic };
std::string_view toString(TagKind kind);  // "static", "dynamic"
std::optional<TagKind> parseTagKind(std::string_view text);

// One entry of a catalogue.
struct OrgEntry {
    Id id = 0;
    Id tenantId = 0;
    OrgKind kind = OrgKind::team;
    Id departmentId = 0;  // sections: the department they belong to
    std::string name;
    std::string description;
    TagKind tagKind = TagKind::static_;     // tags only
    std::optional<policies::TagRule> rule;  // dynamic tags only
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

// A page of a catalogue in name order (ASCII case ignored), then id.
struct OrgListRequest {
    std::optional<Id> departmentId;  // sections: of this department
    std::optional<TagKind> tagKind;  // tags: only this kind
    // Keyset cursor: entries after (folded name, id).
    std::optional<std::string> afterNameNorm;
    Id afterId = 0;
    std::int64_t limit = 50;
};

// Users per department / section / team value, as stored on the users.
struct OrgValueCount {
    std::string value;    // department, team, or section
    std::string section;  // with OrgKind::section: the section; value is its department
    std::int64_t users = 0;
};

// A user's list column (tags, or listed sites).
struct UserNames {
    Id userId = 0;
    std::vector<std::string> names;
};

class OrgRepository {
  public:
    virtual ~OrgRepository() = default;

    // Inserts the entry (id, createdAt, updatedAt assigned). A name the
    // catalogue already has: Error(conflict, attribute "name") naming it.
    virtual OrgEntry create(const OrgEntry& entry) = 0;
    // The entry named entry.name, inserting it when there is none yet; safe
    // against another writer inserting the same name at the same time.
    // `created` tells whether this call inserted it.
    virtual OrgEntry ensure(const OrgEntry& entry, bool& created) = 0;
    virtual std::optional<OrgEntry> find(OrgKind kind, Id tenantId, Id id) = 0;
    // By name, ignoring ASCII case; departmentId only for sections.
    virtual std::optional<OrgEntry> findByName(OrgKind kind, Id tenantId, Id departmentId,
                                               const std::string& name) = 0;
    // Writes name, description, tag kind and rule; bumps updatedAt.
    // Error(conflict, "name") when another entry has the name.
    virtual OrgEntry update(const OrgEntry& entry) = 0;
    // Removes the entry (a department with its sections).
    virtual void remove(OrgKind kind, Id tenantId, Id id) = 0;
    virtual std::vector<OrgEntry> list(OrgKind kind, Id tenantId,
                                       const OrgListRequest& request) = 0;
    // How many entries the tenant has (sections: in departmentId).
    virtual std::int64_t count(OrgKind kind, Id tenantId, Id departmentId) = 0;
    // Every dynamic tag of the tenant, with its rule, in name order.
    virtual std::vector<OrgEntry> dynamicTags(Id tenantId) = 0;

    // --- the names as users carry them ---

    // Users per value: department, team, or (department, section) for
    // OrgKind::section. Users without a value are not counted.
    virtual std::vector<OrgValueCount> userCounts(OrgKind kind, Id tenantId) = 0;
    // Every user of the tenant with at least one tag / listed site.
    virtual std::vector<UserNames> usersWithTags(Id tenantId) = 0;
    virtual std::vector<UserNames> usersWithListedSites(Id tenantId) = 0;
    // Sets `to` where users carry exactly `from` (department, team; section
    // within `department`); bumps their version. Returns how many changed.
    // With an empty `to` the value is cleared; clearing a department clears
    // the users' section as well, which only means something within it.
    virtual std::int64_t replaceUserValue(OrgKind kind, Id tenantId, const std::string& department,
                                          const std::string& from, const std::string& to) = 0;
    // Write one user's tags / sites; bump its version.
    virtual void setUserTags(Id tenantId, Id userId, const std::vector<std::string>& tags) = 0;
    virtual void setUserSites(Id tenantId, Id userId, const SiteAccess& sites) = 0;
    // Users in id order after afterId, at most limit, with only what tag
    // rules read filled in (the scalar attributes, status, email identifiers)
    // and their tags.
    virtual std::vector<User> usersForTagRules(Id tenantId, Id afterId, std::int64_t limit) = 0;
};

}  // namespace muster
