#pragma once

// Org structure use cases (SPEC U-1, U-10): the catalogues of departments
// and sections, teams, remote sites and tags, and how a user's values are
// checked against them. Every write and its audit event share one
// transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "muster/core/org_store.hpp"
#include "muster/core/principal.hpp"
#include "muster/core/store.hpp"

namespace muster {

// An entry as the admin API shows it: with how many users carry it, and for
// a department its sections.
struct OrgEntryView {
    OrgEntry entry;
    std::int64_t userCount = 0;
    std::vector<OrgEntryView> sections;  // departments, when asked for
};

struct OrgPage {
    std::vector<OrgEntryView> items;
    std::optional<std::string> nextCursor;  // opaque; set when more entries follow
};

struct OrgListParams {
    std::optional<std::string> cursor;  // from a previous page's nextCursor
    std::int64_t limit = 50;
    std::optional<TagKind> tagKind;  // tags: only this kind
};

// Unset members stay as they are.
struct OrgEdit {
    std::optional<std::string> name;
    std::optional<std::string> description;
    // Tags: a rule makes the tag dynamic; {nullopt} makes it static again
    // (users keep it as a static tag).
    std::optional<std::optional<policies::TagRule>> rule;
};

// Limits per tenant and per entry.
struct OrgLimits {
    static constexpr std::size_t maxNameLength = 256;
    static constexpr std::size_t maxDescriptionLength = 1000;
    static constexpr std::int64_t maxEntriesPerCatalogue = 10'000;
    static constexpr std::int64_t maxSectionsPerDepartment = 1'000;
    // Dynamic tags are evaluated on every change of every user.
    static constexpr std::int64_t maxDynamicTags = 100;
};

class OrgService {
  public:
    explicit OrgService(Store& store) : store_(store) {}

    // Sections are addressed within their department: `departmentId` is
    // required for OrgKind::section (a section of another department is not
    // found) and ignored otherwise.
    OrgPage list(const Principal& by, OrgKind kind, std::optional<Id> departmentId,
                 const OrgListParams& params);
    OrgEntryView get(const Principal& by, OrgKind kind, Id id,
                     std::optional<Id> departmentId = std::nullopt);
    // A tag with a rule is dynamic and is given at once to every user the
    // rule matches. A section is created in entry.departmentId.
    OrgEntryView create(const Principal& by, const OrgEntry& entry);
    // A rename changes every user carrying the old name; a changed rule
    // re-evaluates the tag for every user of the tenant; both in the same
    // transaction as the edit and its audit event.
    OrgEntryView edit(const Principal& by, OrgKind kind, Id id, const OrgEdit& edit,
                      std::optional<Id> departmentId = std::nullopt);
    // Refused with Error(conflict) naming how many users carry the entry,
    // unless `force`, which takes it away from them first.
    void remove(const Principal& by, OrgKind kind, Id id, bool force,
                std::optional<Id> departmentId = std::nullopt);

  private:
    Store& store_;
};

// For UserService: call on every user write (create, replace, any change),
// inside the write's transaction, before the user is stored, and store what
// it returns. It
// - checks that listed sites exist (Error(invalid_input, attribute "sites")
//   naming the unknown site) and spells them as the catalogue does;
// - creates departments, sections, teams and static tags the tenant does not
//   have yet (each creation audited with `by`'s actor) and spells the user's
//   values as the catalogue does; a section without a department is
//   Error(invalid_input, attribute "section");
// - recomputes dynamic tags: the user's tags become its static tags (tags
//   named like a dynamic tag are dropped: those are computed) followed by the
//   dynamic tags whose rules match the user as it will be stored.
User applyOrgStructure(Transaction& tx, const Principal& by, const User& user);

// The attributes tag rules see for a user (policies::tagRuleAttributes()).
policies::TagAttributes tagAttributesOf(const User& user);

}  // namespace muster
