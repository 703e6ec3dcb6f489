#include "muster/core/user_service.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "muster/core/error.hpp"
#include "muster/core/org_service.hpp"
#include "muster/core/role_limits.hpp"
#include "muster/core/sign_in_store.hpp"

namespace muster {

namespace {

constexpr std::size_t maxNameLength = 256;
constexpr std::size_t maxTextLength = 1024;
constexpr std::size_t maxIdentifiers = 100;
constexpr std::size_t maxListItems = 200;
// Manager chains deeper than this are treated as a cycle: no org chart is that deep.
constexpr int maxManagerDepth = 256;

void validateIdentifier(const Identifier& identifier) {
    const char* attribute = identifier.kind == IdentifierKind::email ? "emails" : "identifiers";
    checkTextLength(identifier.value, maxNameLength, attribute);
    checkTextLength(identifier.logonDomain, maxNameLength, attribute);
    if (identifier.value.empty()) {
        throw Error(ErrorCode::invalid_input, std::string(attribute) + ": a value is required",
                    attribute);
    }
    if (identifier.kind == IdentifierKind::email || identifier.kind == IdentifierKind::upn) {
        const auto at = identifier.value.find('@');
        if (at == std::string::npos || at == 0 || at + 1 == identifier.value.size() ||
            identifier.value.find('@', at + 1) != std::string::npos ||
            identifier.value.find(' ') != std::string::npos) {
            throw Error(ErrorCode::invalid_input,
                        std::string(attribute) + ": \"" + identifier.value +
                            "\" is not of the form name@domain",
                        attribute);
        }
    }
    if (identifier.kind == IdentifierKind::device_login && identifier.logonDomain.empty() &&
        !identifier.anyDomain) {
        throw Error(ErrorCode::invalid_input,
                    "identifiers: device login \"" + identifier.value +
                        "\" needs a logonDomain or anyDomain",
                    "identifiers");
    }
}

AuditEvent userEvent(const Principal& by, const User& user, std::string action) {
    return auditEventBy(by, std::move(action), "user", user.id, user.userName);
}

// The manager must be another user of the tenant whose own chain of managers
// does not lead back to the user.
User loadForChange(Transaction& tx, const Principal& by, Id id,
                   std::optional<std::int64_t> expectedVersion) {
    std::optional<User> stored = tx.users().findById(by.tenantId, id);
    if (!stored) throw Error(ErrorCode::not_found, "no user with id " + std::to_string(id));
    if (expectedVersion && *expectedVersion != stored->version) {
        throw Error(ErrorCode::precondition_failed, "the user changed since it was read (version " +
                                                        std::to_string(stored->version) +
                                                        ", If-Match asked for " +
                                                        std::to_string(*expectedVersion) + ")");
    }
    return *stored;
}

std::vector<std::string> rolesAdded(const User& before, const User& after) {
    std::set<std::string> held;
    for (const std::string& role : before.roles) held.insert(lowerAscii(role));
    std::vector<std::string> added;
    for (const std::string& role : after.roles) {
        if (!held.count(lowerAscii(role))) added.push_back(role);
    }
    return added;
}

bool sameRoles(const User& before, const User& after) {
    std::set<std::string> a, b;
    for (const std::string& role : before.roles) a.insert(lowerAscii(role));
    for (const std::string& role : after.roles) b.insert(lowerAscii(role));
    return a == b;
}

// SPEC U-3: invited -> active <-> deactivated; nobody goes back to invited.
void checkStatusChange(const User& before, const User& after) {
    if (after.status == UserStatus::invited && before.status != UserStatus::invited) {
        throw Error(ErrorCode::invalid_input,
                    "status: user " + std::to_string(before.id) + " is " +
                        std::string(toString(before.status)) + " and cannot become invited again",
                    "status");
    }
}

// Fields no writer sets directly: the authz version moves only when roles
// change (SPEC T-3: sessions and tokens re-read roles), and the former
// manager only when a manager is deleted.
void keepServerManagedFields(const User& before, User& after) {
    after.authzVersion = before.authzVersion + (sameRoles(before, after) ? 0 : 1);
    after.formerManagerId = before.formerManagerId;
    if (after.managerId) after.formerManagerId.reset();
    after.createdAt = before.createdAt;
    after.lastLoginAt = before.lastLoginAt;
}

query::ConditionPtr allOf(std::vector<query::ConditionPtr> children) {
    auto all = std::make_shared<query::Condition>();
    all->kind = query::Condition::Kind::all;
    all->children = std::move(children);
    return all;
}

}  // namespace

namespace {

std::set<std::string> emailAddressesOf(const User& user) {
    std::set<std::string> addresses;
    for (const Identifier& identifier : user.identifiers) {
        if (identifier.kind == IdentifierKind::email)
            addresses.insert(lowerAscii(identifier.value));
    }
    return addresses;
}

bool loses(const std::set<std::string>& before, const std::set<std::string>& after) {
    return std::any_of(before.begin(), before.end(),
                       [&](const std::string& address) { return after.count(address) == 0; });
}

}  // namespace

void checkManagerChain(Transaction& tx, const User& user) {
    if (!user.managerId) return;
    if (*user.managerId == user.id) {
        throw Error(ErrorCode::invalid_input, "a user cannot be their own manager", "manager");
    }
    std::optional<Id> next = user.managerId;
    for (int depth = 0; next; ++depth) {
        // Only the link is read: a directory sync walks a chain for every user it creates.
        std::optional<std::optional<Id>> managersManager =
            tx.users().findManagerId(user.tenantId, *next);
        if (!managersManager) {
            throw Error(ErrorCode::invalid_input,
                        "manager: no user with id " + std::to_string(*next) + " in this tenant",
                        "manager");
        }
        if (depth > maxManagerDepth || (user.id != 0 && *managersManager == user.id)) {
            throw Error(ErrorCode::invalid_input,
                        "manager: user " + std::to_string(*user.managerId) +
                            " is managed (directly or not) by this user; that would be a cycle",
                        "manager");
        }
        next = *managersManager;
    }
}

void endSignInsTheChangeRevokes(Transaction& tx, const User& before, const User& after) {
    auto maySignIn = [](const User& user) {
        return user.status == UserStatus::active && !user.banned;
    };
    if (maySignIn(before) && !maySignIn(after)) {
        tx.signIn().deleteSessionsOf(after.tenantId, after.id);
        tx.signIn().deleteTrustedDevicesOf(after.tenantId, after.id);
    }
    if (loses(emailAddressesOf(before), emailAddressesOf(after))) {
        const Timestamp now = nowMillis();
        tx.signIn().invalidateTokens(after.tenantId, after.id, TokenPurpose::invite, now);
        tx.signIn().invalidateTokens(after.tenantId, after.id, TokenPurpose::password_reset, now);
    }
}

void checkTextLength(const std::string& value, std::size_t limit, const char* attribute) {
    if (value.size() > limit) {
        throw Error(
            ErrorCode::invalid_input,
            std::string(attribute) + " is longer than " + std::to_string(limit) + " characters",
            attribute);
    }
    for (unsigned char c : value) {
        if (c < 0x20 || c == 0x7f) {
            throw Error(ErrorCode::invalid_input,
                        std::string(attribute) + " contains a control character", attribute);
        }
    }
}

void validateUser(const User& user) {
    if (user.userName.empty()) {
        throw Error(ErrorCode::invalid_input, "userName is required", "userName");
    }
    checkTextLength(user.userName, maxNameLength, "userName");
    checkTextLength(user.displayName, maxNameLength, "displayName");
    checkTextLength(user.name.givenName, maxNameLength, "name.givenName");
    checkTextLength(user.name.familyName, maxNameLength, "name.familyName");
    checkTextLength(user.name.formatted, maxTextLength, "name.formatted");
    for (const std::string* text :
         {&user.externalId, &user.nickName, &user.title, &user.userType, &user.department,
          &user.section, &user.team, &user.employeeNumber, &user.organization, &user.division,
          &user.costCenter}) {
        checkTextLength(*text, maxTextLength, "attribute");
    }
    if (user.identifiers.size() > maxIdentifiers) {
        throw Error(ErrorCode::invalid_input, "a user may have at most 100 identifiers",
                    "identifiers");
    }
    for (const Identifier& identifier : user.identifiers) validateIdentifier(identifier);
    if (user.tags.size() > maxListItems || user.roles.size() > maxListItems ||
        user.sites.sites.size() > maxListItems) {
        throw Error(ErrorCode::invalid_input, "tags, roles and sites hold at most 200 entries");
    }
}

User UserService::create(const Principal& by, const User& input, const AlongWithCreate& alongWith) {
    User user = input;
    user.id = 0;
    user.tenantId = by.tenantId;
    validateUser(user);
    auto tx = store_.beginWrite();
    RoleLimits::load(*tx, by).checkMayGrant(user.roles);
    user = applyOrgStructure(*tx, by, user);
    checkManagerChain(*tx, user);
    User created = tx->users().create(user);
    if (alongWith) alongWith(*tx, created);
    AuditEvent event = userEvent(by, created, "user.create");
    event.after = snapshotOf(created);
    tx->audit().record(event);
    tx->commit();
    return created;
}

User UserService::get(const Principal& by, Id id) {
    auto tx = store_.beginRead();
    std::optional<User> user = tx->users().findById(by.tenantId, id);
    if (!user) throw Error(ErrorCode::not_found, "no user with id " + std::to_string(id));
    return *user;
}

User UserService::replace(const Principal& by, const User& input,
                          std::optional<std::int64_t> expectedVersion) {
    User user = input;
    user.tenantId = by.tenantId;
    validateUser(user);
    auto tx = store_.beginWrite();
    const User before = loadForChange(*tx, by, user.id, expectedVersion);
    User after = writeChange(*tx, by, before, user, "user.update");
    tx->commit();
    return after;
}

User UserService::writeChange(Transaction& tx, const Principal& by, const User& before, User user,
                              const std::string& action) {
    const RoleLimits limits = RoleLimits::load(tx, by);
    limits.checkMayManage(before);
    limits.checkMayGrant(rolesAdded(before, user));
    checkManagerChain(tx, user);
    checkStatusChange(before, user);
    keepServerManagedFields(before, user);
    user = applyOrgStructure(tx, by, user);
    User after = tx.users().update(user);
    endSignInsTheChangeRevokes(tx, before, after);
    AuditEvent event = userEvent(by, after, action);
    event.before = snapshotOf(before);
    event.after = snapshotOf(after);
    tx.audit().record(event);
    return after;
}

User UserService::change(const Principal& by, Id id, std::optional<std::int64_t> expectedVersion,
                         const std::string& action, const std::function<void(User&)>& edit) {
    auto tx = store_.beginWrite();
    const User before = loadForChange(*tx, by, id, expectedVersion);
    User user = before;
    edit(user);
    validateUser(user);
    User after = writeChange(*tx, by, before, user, action);
    tx->commit();
    return after;
}

User UserService::setStatus(const Principal& by, Id id, UserStatus status) {
    const std::string action = status == UserStatus::active ? "user.activate" : "user.deactivate";
    if (status == UserStatus::invited) {
        throw Error(ErrorCode::invalid_input,
                    "status: a user becomes invited only by an invitation", "status");
    }
    return change(by, id, std::nullopt, action, [&](User& user) { user.status = status; });
}

User UserService::setBanned(const Principal& by, Id id, bool banned) {
    return change(by, id, std::nullopt, banned ? "user.ban" : "user.unban",
                  [&](User& user) { user.banned = banned; });
}

User UserService::setRoles(const Principal& by, Id id, const std::vector<std::string>& roles) {
    return change(by, id, std::nullopt, "user.roles", [&](User& user) { user.roles = roles; });
}

User UserService::setPrimaryGroup(const Principal& by, Id id, std::optional<Id> groupId) {
    auto tx = store_.beginWrite();
    const User before = loadForChange(*tx, by, id, std::nullopt);
    if (groupId && std::find(before.groupIds.begin(), before.groupIds.end(), *groupId) ==
                       before.groupIds.end()) {
        throw Error(ErrorCode::invalid_input,
                    "primaryGroup: user " + std::to_string(id) + " is not a member of group " +
                        std::to_string(*groupId),
                    "primaryGroup");
    }
    User user = before;
    user.primaryGroupId = groupId;
    User after = writeChange(*tx, by, before, user, "user.primary_group");
    tx->commit();
    return after;
}

UserCounts UserService::counts(const Principal& by, const query::ConditionPtr& filter) {
    auto tx = store_.beginRead();
    auto countWhere = [&](std::optional<UserStatus> status) {
        query::ListQuery query;
        query.count = 0;
        query.filter = filter;
        if (status) {
            auto byStatus = std::make_shared<query::Condition>();
            byStatus->field = "status";
            byStatus->value = std::string(toString(*status));
            query.filter = filter ? allOf({filter, byStatus}) : byStatus;
        }
        return tx->users().query(by.tenantId, query).totalResults;
    };
    return {countWhere(UserStatus::active), countWhere(UserStatus::invited),
            countWhere(UserStatus::deactivated), countWhere(std::nullopt)};
}

void UserService::remove(const Principal& by, Id id, DeletePolicy policy,
                         std::optional<std::int64_t> expectedVersion) {
    auto tx = store_.beginWrite();
    const User before = loadForChange(*tx, by, id, expectedVersion);
    RoleLimits::load(*tx, by).checkMayManage(before);
    if (policy == DeletePolicy::onlyInactive && before.status == UserStatus::active) {
        throw Error(ErrorCode::conflict,
                    "user " + std::to_string(id) + " is active; deactivate it before deleting",
                    "active");
    }
    if (by.userId && *by.userId == id) {
        throw Error(ErrorCode::conflict, "you cannot delete yourself", "id");
    }
    tx->users().rememberDeletedManager(by.tenantId, id);
    tx->users().remove(by.tenantId, id);
    AuditEvent event = userEvent(by, before, "user.delete");
    event.before = snapshotOf(before);
    tx->audit().record(event);
    tx->commit();
}

Page<User> UserService::list(const Principal& by, const query::ListQuery& query) {
    auto tx = store_.beginRead();
    return tx->users().query(by.tenantId, query);
}

}  // namespace muster
