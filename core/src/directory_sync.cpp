#include "muster/core/directory_sync.hpp"

#include <algorithm>
#include <array>
#include <type_traits>
#include <utility>

#include "muster/core/error.hpp"
#include "muster/core/org_service.hpp"
#include "muster/core/user_service.hpp"

namespace muster {

namespace {

constexpr std::array<std::pair<UserField, std::string_view>, 19> fieldNames = {{
    {UserField::userName, "userName"},
    {UserField::givenName, "name.givenName"},
    {UserField::familyName, "name.familyName"},
    {UserField::formattedName, "name.formatted"},
    {UserField::displayName, "displayName"},
    {UserField::title, "title"},
    {UserField::employeeNumber, "employeeNumber"},
    {UserField::department, "department"},
    {UserField::section, "section"},
    {UserField::organization, "organization"},
    {UserField::division, "division"},
    {UserField::costCenter, "costCenter"},
    {UserField::emails, "emails"},
    {UserField::upn, "upn"},
    {UserField::employeeId, "employeeId"},
    {UserField::deviceLogin, "deviceLogin"},
    {UserField::manager, "manager"},
    {UserField::status, "status"},
    {UserField::roles, "roles"},
}};

// Group nesting walked when checking a new nesting for cycles.
constexpr std::size_t maxNestedGroupsVisited = 10'000;
constexpr std::size_t maxReportedErrors = 1000;

std::optional<IdentifierKind> identifierKindOf(UserField field) {
    switch (field) {
        case UserField::emails:
            return IdentifierKind::email;
        case UserField::upn:
            return IdentifierKind::upn;
        case UserField::employeeId:
            return IdentifierKind::employee_id;
        case UserField::deviceLogin:
            return IdentifierKind::device_login;
        default:
            return std::nullopt;
    }
}

// nullptr for fields that are not plain text.
std::string* textFieldOf(User& user, UserField field) {
    switch (field) {
        case UserField::userName:
            return &user.userName;
        case UserField::givenName:
            return &user.name.givenName;
        case UserField::familyName:
            return &user.name.familyName;
        case UserField::formattedName:
            return &user.name.formatted;
        case UserField::displayName:
            return &user.displayName;
        case UserField::title:
            return &user.title;
        case UserField::employeeNumber:
            return &user.employeeNumber;
        case UserField::department:
            return &user.department;
        case UserField::section:
            return &user.section;
        case UserField::organization:
            return &user.organization;
        case UserField::division:
            return &user.division;
        case UserField::costCenter:
            return &user.costCenter;
        default:
            return nullptr;
    }
}

// The text field with the constness of the user it is read from.
template <typename U>
auto* textField(U& user, UserField field) {
    using Text = std::conditional_t<std::is_const_v<U>, const std::string, std::string>;
    return static_cast<Text*>(textFieldOf(const_cast<User&>(user), field));
}

std::string memberList(const std::vector<GroupMember>& members) {
    std::string text;
    for (const GroupMember& member : members) {
        if (!text.empty()) text += ", ";
        text += (member.kind == GroupMember::Kind::user ? "user:" : "group:") +
                std::to_string(member.id);
    }
    return text;
}

// Whether an error is about one entry (skip it, report it) rather than the
// store or the run.
bool isEntryError(const Error& error) {
    return error.code() == ErrorCode::invalid_input || error.code() == ErrorCode::conflict ||
           error.code() == ErrorCode::not_found;
}

class BatchApplier {
  public:
    BatchApplier(Transaction& tx, const Principal& by, const std::string& source,
                 const DirectoryBatch& batch, DirectoryBatchOutcome& outcome)
        : tx_(tx), by_(by), source_(source), batch_(batch), outcome_(outcome) {}

    void applyUser(const DirectoryUserChange& change) {
        switch (change.action) {
            case DirectoryUserChange::Action::upsert:
                upsertUser(change);
                break;
            case DirectoryUserChange::Action::deactivate:
                deactivateUser(change);
                break;
            case DirectoryUserChange::Action::remove:
                removeUser(change);
                break;
            case DirectoryUserChange::Action::forget:
                markMissing(change.anchor);
                break;
        }
    }

    void applyGroupRecord(const DirectoryGroupChange& change) {
        if (change.action == DirectoryGroupChange::Action::remove) {
            removeGroup(change);
        } else {
            upsertGroupRecord(change);
        }
    }

    void applyGroupMembers(const DirectoryGroupChange& change) {
        if (change.action != DirectoryGroupChange::Action::upsert || !change.memberDns) return;
        std::optional<SyncObject> object =
            state().findObject(by_.tenantId, source_, SyncObjectKind::group, change.anchor);
        if (!object) return;  // its record failed
        setMembers(*object, change);
        object->fingerprint = change.fingerprint;
        object->dn = change.dn;
        state().saveObject(by_.tenantId, source_, *object);
    }

  private:
    SyncStateRepository& state() { return tx_.syncState(); }

    std::optional<Id> resolveManager(const DirectoryUserChange& change) {
        if (!change.managerDn || change.managerDn->empty()) return std::nullopt;
        std::optional<SyncObject> manager =
            state().findObjectByDn(by_.tenantId, source_, *change.managerDn);
        if (manager && manager->kind == SyncObjectKind::user) return manager->resourceId;
        outcome_.unresolvedManagers.push_back(change.anchor);
        return std::nullopt;
    }

    void upsertUser(const DirectoryUserChange& change) {
        std::optional<SyncObject> object =
            state().findObject(by_.tenantId, source_, SyncObjectKind::user, change.anchor);
        User desired = change.user;
        desired.tenantId = by_.tenantId;
        const bool managerOwned = batch_.ownedFields.count(UserField::manager) > 0;
        const std::size_t unresolvedBefore = outcome_.unresolvedManagers.size();
        if (change.managerDn) desired.managerId = resolveManager(change);
        // Not remembered as written while the manager is still unknown, so
        // the next run tries again even if the entry does not change.
        const bool managerPending = outcome_.unresolvedManagers.size() > unresolvedBefore;

        std::optional<User> stored;
        if (object) stored = tx_.users().findById(by_.tenantId, object->resourceId);
        if (!stored && batch_.linkExistingByUserName) {
            stored = tx_.users().findByUserName(by_.tenantId, desired.userName);
        }
        SyncObject saved{SyncObjectKind::user,
                         change.anchor,
                         0,
                         change.dn,
                         managerPending ? std::string() : change.fingerprint,
                         std::nullopt};
        if (!stored) {
            User user = desired;
            user.id = 0;
            user.identityProvider = batch_.identityProvider;
            if (!managerOwned) user.managerId.reset();
            validateUser(user);
            checkManagerChain(tx_, user);
            user = applyOrgStructure(tx_, by_, user);
            User created = tx_.users().create(user);
            AuditEvent event =
                auditEventBy(by_, "user.create", "user", created.id, created.userName);
            event.after = snapshotOf(created);
            tx_.audit().record(event);
            saved.resourceId = created.id;
            ++outcome_.counts.created;
        } else {
            saved.resourceId = stored->id;
            User after = *stored;
            std::set<UserField> owned = batch_.ownedFields;
            for (UserField field : batch_.createOnlyFields) owned.erase(field);
            applyOwnedFields(after, desired, owned);
            bool changed = false;
            for (UserField field : owned) {
                changed =
                    changed || ownedFieldValue(after, field) != ownedFieldValue(*stored, field);
            }
            if (changed) {
                validateUser(after);
                checkManagerChain(tx_, after);
                after = applyOrgStructure(tx_, by_, after);
                if (ownedFieldValue(after, UserField::roles) !=
                    ownedFieldValue(*stored, UserField::roles)) {
                    ++after.authzVersion;  // SPEC T-3: sessions re-read roles
                }
                User updated = tx_.users().update(after);
                endSignInsTheChangeRevokes(tx_, *stored, updated);
                AuditEvent event =
                    auditEventBy(by_, "user.update", "user", updated.id, updated.userName);
                event.before = snapshotOf(*stored);
                event.after = snapshotOf(updated);
                tx_.audit().record(event);
                ++outcome_.counts.updated;
            } else {
                ++outcome_.counts.unchanged;
            }
        }
        state().saveObject(by_.tenantId, source_, saved);
    }

    void deactivateUser(const DirectoryUserChange& change) {
        std::optional<SyncObject> object =
            state().findObject(by_.tenantId, source_, SyncObjectKind::user, change.anchor);
        if (!object) return;
        if (std::optional<User> stored = tx_.users().findById(by_.tenantId, object->resourceId);
            stored && stored->status != UserStatus::deactivated) {
            User after = *stored;
            after.status = UserStatus::deactivated;
            User updated = tx_.users().update(after);
            endSignInsTheChangeRevokes(tx_, *stored, updated);
            AuditEvent event =
                auditEventBy(by_, "user.deactivate", "user", updated.id, updated.userName);
            event.before = snapshotOf(*stored);
            event.after = snapshotOf(updated);
            (*event.after)["reason"] = "no longer in directory source " + source_;
            tx_.audit().record(event);
            ++outcome_.counts.deactivated;
        }
        object->missingSince = object->missingSince.value_or(nowMillis());
        object->fingerprint.clear();  // a return must rewrite the user
        state().saveObject(by_.tenantId, source_, *object);
    }

    void removeUser(const DirectoryUserChange& change) {
        std::optional<SyncObject> object =
            state().findObject(by_.tenantId, source_, SyncObjectKind::user, change.anchor);
        if (!object) return;
        if (std::optional<User> stored = tx_.users().findById(by_.tenantId, object->resourceId)) {
            // SPEC U-3: only inactive users are deleted.
            if (stored->status == UserStatus::active) {
                throw Error(ErrorCode::conflict,
                            "user " + stored->userName + " is active; not deleting it", "status");
            }
            tx_.users().remove(by_.tenantId, stored->id);
            AuditEvent event =
                auditEventBy(by_, "user.delete", "user", stored->id, stored->userName);
            event.before = snapshotOf(*stored);
            tx_.audit().record(event);
            ++outcome_.counts.deleted;
        }
        state().removeObject(by_.tenantId, source_, SyncObjectKind::user, change.anchor);
    }

    void markMissing(const std::string& anchor) {
        std::optional<SyncObject> object =
            state().findObject(by_.tenantId, source_, SyncObjectKind::user, anchor);
        if (!object || object->missingSince) return;
        object->missingSince = nowMillis();
        object->fingerprint.clear();
        state().saveObject(by_.tenantId, source_, *object);
    }

    void upsertGroupRecord(const DirectoryGroupChange& change) {
        std::optional<SyncObject> object =
            state().findObject(by_.tenantId, source_, SyncObjectKind::group, change.anchor);
        std::optional<Group> stored;
        if (object) stored = tx_.groups().findById(by_.tenantId, object->resourceId, false);
        SyncObject saved{SyncObjectKind::group,
                         change.anchor,
                         0,
                         change.dn,
                         object && stored ? object->fingerprint : std::string(),
                         std::nullopt};
        if (!stored) {
            Group group;
            group.tenantId = by_.tenantId;
            group.displayName = change.displayName;
            checkGroupName(group.displayName);
            Group created = tx_.groups().create(group);
            AuditEvent event =
                auditEventBy(by_, "group.create", "group", created.id, created.displayName);
            event.after = snapshotOf(created);
            tx_.audit().record(event);
            saved.resourceId = created.id;
            ++outcome_.counts.groupsCreated;
        } else {
            saved.resourceId = stored->id;
            if (stored->displayName != change.displayName) {
                checkGroupName(change.displayName);
                Group renamed = *stored;
                renamed.displayName = change.displayName;
                Group after = tx_.groups().touch(renamed);
                AuditEvent event =
                    auditEventBy(by_, "group.update", "group", after.id, after.displayName);
                event.before = snapshotOf(*stored);
                event.after = snapshotOf(after);
                tx_.audit().record(event);
                ++outcome_.counts.groupsUpdated;
            }
        }
        state().saveObject(by_.tenantId, source_, saved);
    }

    static void checkGroupName(const std::string& name) {
        if (name.empty()) {
            throw Error(ErrorCode::invalid_input, "group displayName is empty", "displayName");
        }
        if (name.size() > 256) {
            throw Error(ErrorCode::invalid_input, "group displayName is longer than 256 characters",
                        "displayName");
        }
    }

    void checkNoCycle(Id groupId, Id memberGroupId) {
        std::vector<Id> pending{memberGroupId};
        std::set<Id> seen;
        while (!pending.empty()) {
            const Id current = pending.back();
            pending.pop_back();
            if (current == groupId) {
                throw Error(
                    ErrorCode::invalid_input,
                    "group nesting would be a cycle (group " + std::to_string(groupId) + ")",
                    "members");
            }
            if (!seen.insert(current).second) continue;
            if (seen.size() > maxNestedGroupsVisited) {
                throw Error(ErrorCode::invalid_input, "group nesting is too deep to check",
                            "members");
            }
            for (Id nested : tx_.groups().memberGroupIds(by_.tenantId, current)) {
                pending.push_back(nested);
            }
        }
    }

    void setMembers(const SyncObject& object, const DirectoryGroupChange& change) {
        std::set<std::pair<GroupMember::Kind, Id>> wanted;
        for (const std::string& dn : *change.memberDns) {
            std::optional<SyncObject> member = state().findObjectByDn(by_.tenantId, source_, dn);
            if (!member || member->missingSince) {
                ++outcome_.unresolvedMembers;  // out of scope, or not synced
                continue;
            }
            wanted.insert({member->kind == SyncObjectKind::user ? GroupMember::Kind::user
                                                                : GroupMember::Kind::group,
                           member->resourceId});
        }
        std::optional<Group> group = tx_.groups().findById(by_.tenantId, object.resourceId, true);
        if (!group) return;
        std::set<std::pair<GroupMember::Kind, Id>> current;
        for (const GroupMember& member : group->members) current.insert({member.kind, member.id});
        std::vector<GroupMember> added;
        std::vector<GroupMember> removed;
        for (const auto& [kind, id] : wanted) {
            if (current.count({kind, id}) > 0) continue;
            if (kind == GroupMember::Kind::group) checkNoCycle(group->id, id);
            added.push_back(GroupMember{kind, id, {}});
        }
        for (const auto& [kind, id] : current) {
            if (wanted.count({kind, id}) == 0) removed.push_back(GroupMember{kind, id, {}});
        }
        if (added.empty() && removed.empty()) return;
        if (!removed.empty()) tx_.groups().removeMembers(by_.tenantId, group->id, removed);
        if (!added.empty()) tx_.groups().addMembers(by_.tenantId, group->id, added);
        Group touched = tx_.groups().touch(*group);
        AuditEvent event =
            auditEventBy(by_, "group.update", "group", touched.id, touched.displayName);
        event.before = snapshotOf(*group);
        event.after = snapshotOf(touched);
        if (!added.empty()) (*event.after)["membersAdded"] = memberList(added);
        if (!removed.empty()) (*event.after)["membersRemoved"] = memberList(removed);
        tx_.audit().record(event);
        ++outcome_.counts.groupsUpdated;
    }

    void removeGroup(const DirectoryGroupChange& change) {
        std::optional<SyncObject> object =
            state().findObject(by_.tenantId, source_, SyncObjectKind::group, change.anchor);
        if (!object) return;
        if (std::optional<Group> stored =
                tx_.groups().findById(by_.tenantId, object->resourceId, false)) {
            tx_.groups().remove(by_.tenantId, stored->id);
            AuditEvent event =
                auditEventBy(by_, "group.delete", "group", stored->id, stored->displayName);
            event.before = snapshotOf(*stored);
            tx_.audit().record(event);
            ++outcome_.counts.groupsDeleted;
        }
        state().removeObject(by_.tenantId, source_, SyncObjectKind::group, change.anchor);
    }

    Transaction& tx_;
    const Principal& by_;
    const std::string& source_;
    const DirectoryBatch& batch_;
    DirectoryBatchOutcome& outcome_;
};

void saveSourceState(Transaction& tx, const Principal& by, const std::string& source,
                     const DirectoryBatch& batch) {
    if (batch.sourceState) tx.syncState().saveSource(by.tenantId, source, *batch.sourceState);
}

void addCounts(SyncRunCounts& into, const SyncRunCounts& more) {
    into.created += more.created;
    into.updated += more.updated;
    into.unchanged += more.unchanged;
    into.deactivated += more.deactivated;
    into.deleted += more.deleted;
    into.groupsCreated += more.groupsCreated;
    into.groupsUpdated += more.groupsUpdated;
    into.groupsDeleted += more.groupsDeleted;
    into.errors += more.errors;
}

}  // namespace

std::string_view toString(UserField field) {
    for (const auto& [value, name] : fieldNames) {
        if (value == field) return name;
    }
    return "unknown";
}

std::optional<UserField> parseUserField(std::string_view text) {
    for (const auto& [value, name] : fieldNames) {
        if (name == text) return value;
    }
    return std::nullopt;
}

void applyOwnedFields(User& stored, const User& desired, const std::set<UserField>& owned) {
    for (UserField field : owned) {
        if (std::string* target = textField(stored, field)) {
            *target = *textField(desired, field);
        } else if (std::optional<IdentifierKind> kind = identifierKindOf(field)) {
            std::erase_if(stored.identifiers,
                          [&](const Identifier& identifier) { return identifier.kind == *kind; });
            for (const Identifier& identifier : desired.identifiers) {
                if (identifier.kind == *kind) stored.identifiers.push_back(identifier);
            }
        } else if (field == UserField::manager) {
            stored.managerId = desired.managerId;
        } else if (field == UserField::status) {
            stored.status = desired.status;
        } else if (field == UserField::roles) {
            stored.roles = desired.roles;
        }
    }
}

std::string ownedFieldValue(const User& user, UserField field) {
    if (const std::string* text = textField(user, field)) return *text;
    if (std::optional<IdentifierKind> kind = identifierKindOf(field)) {
        std::vector<std::string> values;
        for (const Identifier& identifier : user.identifiers) {
            if (identifier.kind != *kind) continue;
            values.push_back(identifier.value +
                             (identifier.logonDomain.empty() ? "" : "@" + identifier.logonDomain) +
                             (identifier.primary ? " (primary)" : ""));
        }
        std::sort(values.begin(), values.end());
        std::string out;
        for (const std::string& value : values) out += (out.empty() ? "" : ", ") + value;
        return out;
    }
    if (field == UserField::manager) return user.managerId ? std::to_string(*user.managerId) : "";
    if (field == UserField::status) return std::string(toString(user.status));
    if (field == UserField::roles) {
        std::vector<std::string> roles = user.roles;
        std::sort(roles.begin(), roles.end());
        std::string out;
        for (const std::string& role : roles) out += (out.empty() ? "" : ", ") + role;
        return out;
    }
    return {};
}

DirectoryBatchOutcome DirectorySyncService::apply(const Principal& by, const std::string& source,
                                                  const DirectoryBatch& batch) {
    // First, all of it in one transaction: the normal case.
    try {
        DirectoryBatchOutcome outcome;
        auto tx = store_.beginWrite();
        BatchApplier applier(*tx, by, source, batch, outcome);
        for (const DirectoryUserChange& change : batch.users) applier.applyUser(change);
        for (const DirectoryGroupChange& change : batch.groups) applier.applyGroupRecord(change);
        for (const DirectoryGroupChange& change : batch.groups) applier.applyGroupMembers(change);
        saveSourceState(*tx, by, source, batch);
        tx->commit();
        return outcome;
    } catch (const Error& error) {
        if (!isEntryError(error) || error.attribute() == "source") throw;
    }

    // Some entry was refused: entry by entry, so the others still land.
    DirectoryBatchOutcome total;
    auto oneByOne = [&](const std::string& anchor, const std::string& dn, auto&& applyOne) {
        DirectoryBatchOutcome single;
        try {
            auto tx = store_.beginWrite();
            BatchApplier applier(*tx, by, source, batch, single);
            applyOne(applier);
            tx->commit();
        } catch (const Error& error) {
            if (!isEntryError(error)) throw;
            ++total.counts.errors;
            if (total.errors.size() < maxReportedErrors) {
                total.errors.push_back({anchor, dn, error.what()});
            }
            return;
        }
        addCounts(total.counts, single.counts);
        total.unresolvedMembers += single.unresolvedMembers;
        total.unresolvedManagers.insert(total.unresolvedManagers.end(),
                                        single.unresolvedManagers.begin(),
                                        single.unresolvedManagers.end());
    };
    for (const DirectoryUserChange& change : batch.users) {
        oneByOne(change.anchor, change.dn, [&](BatchApplier& a) { a.applyUser(change); });
    }
    for (const DirectoryGroupChange& change : batch.groups) {
        oneByOne(change.anchor, change.dn, [&](BatchApplier& a) { a.applyGroupRecord(change); });
    }
    for (const DirectoryGroupChange& change : batch.groups) {
        oneByOne(change.anchor, change.dn, [&](BatchApplier& a) { a.applyGroupMembers(change); });
    }
    auto tx = store_.beginWrite();
    saveSourceState(*tx, by, source, batch);
    tx->commit();
    return total;
}

std::string_view toString(SyncRunStatus status) {
    switch (status) {
        case SyncRunStatus::running:
            return "running";
        case SyncRunStatus::succeeded:
            return "succeeded";
        case SyncRunStatus::failed:
            return "failed";
        case SyncRunStatus::stopped:
            return "stopped";
    }
    return "failed";
}

std::optional<SyncRunStatus> parseSyncRunStatus(std::string_view text) {
    for (SyncRunStatus status : {SyncRunStatus::running, SyncRunStatus::succeeded,
                                 SyncRunStatus::failed, SyncRunStatus::stopped}) {
        if (toString(status) == text) return status;
    }
    return std::nullopt;
}

}  // namespace muster
