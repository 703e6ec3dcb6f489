#include "muster/core/group_service.hpp"

#include <set>

#include "muster/core/error.hpp"

namespace muster {

namespace {

constexpr std::size_t maxNameLength = 256;
constexpr std::size_t maxOwners = 100;
// Nesting deeper than this is refused: membership checks walk it.
constexpr std::size_t maxNestedGroupsVisited = 10'000;

void validateGroup(const Group& group) {
    if (group.displayName.empty()) {
        throw Error(ErrorCode::invalid_input, "displayName is required", "displayName");
    }
    if (group.displayName.size() > maxNameLength) {
        throw Error(ErrorCode::invalid_input, "displayName is longer than 256 characters",
                    "displayName");
    }
    if (group.productiveHoursGoal &&
        !(*group.productiveHoursGoal > 0 && *group.productiveHoursGoal <= 24)) {
        throw Error(ErrorCode::invalid_input,
                    "productiveHoursGoal: hours per day, more than 0 and at most 24",
                    "productiveHoursGoal");
    }
    if (group.ownerIds.size() > maxOwners) {
        throw Error(ErrorCode::invalid_input, "a group has at most 100 owners", "owners");
    }
}

AuditEvent groupEvent(const Principal& by, const Group& group, std::string action) {
    return auditEventBy(by, std::move(action), "group", group.id, group.displayName);
}

// Adding `member` to `groupId` makes a cycle when groupId is reachable from
// member through group-in-group memberships (or is member itself).
void checkNoCycle(Transaction& tx, Id tenantId, Id groupId, Id memberGroupId) {
    std::vector<Id> pending{memberGroupId};
    std::set<Id> seen;
    while (!pending.empty()) {
        Id current = pending.back();
        pending.pop_back();
        if (current == groupId) {
            throw Error(ErrorCode::invalid_input,
                        "group " + std::to_string(memberGroupId) + " contains group " +
                            std::to_string(groupId) + "; nesting it there would be a cycle",
                        "members");
        }
        if (!seen.insert(current).second) continue;
        if (seen.size() > maxNestedGroupsVisited) {
            throw Error(ErrorCode::invalid_input, "group nesting is too deep to check", "members");
        }
        for (Id nested : tx.groups().memberGroupIds(tenantId, current)) pending.push_back(nested);
    }
}

// Members arrive as ids (Entra sends no type): users and groups share one id
// space, so the store says which each is. Unknown ids are an error when
// adding and are skipped when removing (the member may be gone already).
std::vector<GroupMember> resolveMembers(Transaction& tx, Id tenantId,
                                        const std::vector<GroupMember>& members, bool mustExist) {
    std::vector<GroupMember> resolved;
    std::set<Id> seen;
    for (const GroupMember& member : members) {
        if (!seen.insert(member.id).second) continue;
        std::optional<GroupMember::Kind> kind = tx.groups().kindOfResource(tenantId, member.id);
        if (!kind) {
            if (!mustExist) continue;
            throw Error(ErrorCode::invalid_input,
                        "members: no user or group with id " + std::to_string(member.id) +
                            " in this tenant",
                        "members");
        }
        resolved.push_back(GroupMember{*kind, member.id, {}});
    }
    return resolved;
}

std::vector<GroupMember> membersToAdd(Transaction& tx, Id tenantId, Id groupId,
                                      const std::vector<GroupMember>& members) {
    std::vector<GroupMember> resolved = resolveMembers(tx, tenantId, members, true);
    for (const GroupMember& member : resolved) {
        if (member.kind == GroupMember::Kind::group) checkNoCycle(tx, tenantId, groupId, member.id);
    }
    return resolved;
}

std::string describeChange(const MembershipChange& change) {
    std::string text;
    if (change.removeAll) text += "all removed; ";
    text += std::to_string(change.add.size()) + " added, " + std::to_string(change.remove.size()) +
            " removed";
    return text;
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

}  // namespace

Group GroupService::create(const Principal& by, const Group& input) {
    Group group = input;
    group.id = 0;
    group.tenantId = by.tenantId;
    validateGroup(group);
    auto tx = store_.beginWrite();
    group.members = resolveMembers(*tx, by.tenantId, group.members, true);
    Group created = tx->groups().create(group);
    AuditEvent event = groupEvent(by, created, "group.create");
    event.after = snapshotOf(created);
    if (!created.members.empty()) (*event.after)["members"] = memberList(created.members);
    tx->audit().record(event);
    tx->commit();
    return created;
}

Group GroupService::get(const Principal& by, Id id, bool withMembers) {
    auto tx = store_.beginRead();
    std::optional<Group> group = tx->groups().findById(by.tenantId, id, withMembers);
    if (!group) throw Error(ErrorCode::not_found, "no group with id " + std::to_string(id));
    return *group;
}

namespace {

Group loadForChange(Transaction& tx, const Principal& by, Id id,
                    std::optional<std::int64_t> expectedVersion, bool withMembers) {
    std::optional<Group> stored = tx.groups().findById(by.tenantId, id, withMembers);
    if (!stored) throw Error(ErrorCode::not_found, "no group with id " + std::to_string(id));
    if (expectedVersion && *expectedVersion != stored->version) {
        throw Error(ErrorCode::precondition_failed,
                    "the group changed since it was read (version " +
                        std::to_string(stored->version) + ", If-Match asked for " +
                        std::to_string(*expectedVersion) + ")");
    }
    return *stored;
}

}  // namespace

Group GroupService::replace(const Principal& by, const Group& input,
                            std::optional<std::int64_t> expectedVersion) {
    Group group = input;
    group.tenantId = by.tenantId;
    validateGroup(group);
    auto tx = store_.beginWrite();
    const Group before = loadForChange(*tx, by, group.id, expectedVersion, false);
    group.members = membersToAdd(*tx, by.tenantId, group.id, group.members);
    Group after = tx->groups().update(group);
    AuditEvent event = groupEvent(by, after, "group.update");
    event.before = snapshotOf(before);
    event.after = snapshotOf(after);
    (*event.after)["members"] = memberList(group.members);
    tx->audit().record(event);
    tx->commit();
    return after;
}

Group GroupService::modify(const Principal& by, Id id,
                           const std::optional<std::string>& displayName,
                           const std::optional<std::string>& externalId,
                           const MembershipChange& request,
                           std::optional<std::int64_t> expectedVersion) {
    return changeGroup(by, id, request, expectedVersion, [&](Group& changed) {
        if (displayName) changed.displayName = *displayName;
        if (externalId) changed.externalId = *externalId;
    });
}

Group GroupService::edit(const Principal& by, Id id, const GroupEdit& edit,
                         const MembershipChange& members,
                         std::optional<std::int64_t> expectedVersion) {
    return changeGroup(by, id, members, expectedVersion, [&](Group& changed) {
        if (edit.displayName) changed.displayName = *edit.displayName;
        if (edit.productiveHoursGoal) changed.productiveHoursGoal = *edit.productiveHoursGoal;
        if (edit.ownerIds) changed.ownerIds = *edit.ownerIds;
    });
}

Group GroupService::changeGroup(const Principal& by, Id id, const MembershipChange& request,
                                std::optional<std::int64_t> expectedVersion,
                                const std::function<void(Group&)>& editFields) {
    auto tx = store_.beginWrite();
    const Group before = loadForChange(*tx, by, id, expectedVersion, false);
    Group changed = before;
    editFields(changed);
    validateGroup(changed);
    MembershipChange resolved;
    resolved.removeAll = request.removeAll;
    resolved.add = membersToAdd(*tx, by.tenantId, id, request.add);
    resolved.remove = resolveMembers(*tx, by.tenantId, request.remove, false);
    if (resolved.removeAll) tx->groups().removeAllMembers(by.tenantId, id);
    if (!resolved.remove.empty()) tx->groups().removeMembers(by.tenantId, id, resolved.remove);
    if (!resolved.add.empty()) tx->groups().addMembers(by.tenantId, id, resolved.add);
    Group after = tx->groups().touch(changed);
    AuditEvent event = groupEvent(by, after, "group.update");
    event.before = snapshotOf(before);
    event.after = snapshotOf(after);
    if (resolved.removeAll || !resolved.add.empty() || !resolved.remove.empty()) {
        (*event.after)["membersChanged"] = describeChange(resolved);
        if (!resolved.add.empty()) (*event.after)["membersAdded"] = memberList(resolved.add);
        if (!resolved.remove.empty())
            (*event.after)["membersRemoved"] = memberList(resolved.remove);
    }
    tx->audit().record(event);
    tx->commit();
    return after;
}

void GroupService::remove(const Principal& by, Id id, std::optional<std::int64_t> expectedVersion) {
    auto tx = store_.beginWrite();
    const Group before = loadForChange(*tx, by, id, expectedVersion, false);
    tx->groups().remove(by.tenantId, id);
    AuditEvent event = groupEvent(by, before, "group.delete");
    event.before = snapshotOf(before);
    tx->audit().record(event);
    tx->commit();
}

Page<Group> GroupService::list(const Principal& by, const query::ListQuery& query) {
    auto tx = store_.beginRead();
    return tx->groups().query(by.tenantId, query);
}

}  // namespace muster
