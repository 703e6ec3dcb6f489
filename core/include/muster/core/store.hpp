#pragma once

// The storage interface core/ writes through. store/ implements it with SOCI
// (SQLite, PostgreSQL). A Transaction groups a change and its audit event:
// nothing is visible to others until commit(), and a Transaction destroyed
// without commit() rolls back.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "muster/core/audit.hpp"
#include "muster/core/model.hpp"
#include "muster/core/query.hpp"

namespace muster {

template <typename T>
struct Page {
    std::vector<T> items;
    std::int64_t totalResults = 0;
    // Set when the query asked for cursor paging and more items follow.
    std::optional<std::string> nextCursor;
};

// Plain offset paging; filters and cursors come with the SCIM list queries.
struct PageRequest {
    std::int64_t offset = 0;  // 0-based
    std::int64_t limit = 100;
};

class TenantRepository {
public:
    virtual ~TenantRepository() = default;
    virtual Tenant create(const std::string& name) = 0;
    virtual std::optional<Tenant> findByName(const std::string& name) = 0;
    virtual std::optional<Tenant> findById(Id id) = 0;
    virtual std::vector<Tenant> list() = 0;
    virtual std::int64_t count() = 0;
};

class TokenRepository {
public:
    virtual ~TokenRepository() = default;
    // Stores the token (id and createdAt are assigned) and returns it.
    virtual ApiToken create(const ApiToken& token) = 0;
    virtual std::optional<ApiToken> findBySecretHash(const std::string& secretHash) = 0;
    virtual std::optional<ApiToken> findById(Id tenantId, Id id) = 0;
    virtual std::vector<ApiToken> list(Id tenantId) = 0;
    virtual void markRevoked(Id tenantId, Id id, Timestamp when) = 0;
    virtual void touchLastUsed(Id id, Timestamp when) = 0;
};

class UserRepository {
public:
    virtual ~UserRepository() = default;
    // Inserts the user with its identifiers and roles; assigns id, version,
    // createdAt and updatedAt. Uniqueness violations throw Error(conflict)
    // naming the attribute.
    virtual User create(const User& user) = 0;
    virtual std::optional<User> findById(Id tenantId, Id id) = 0;
    virtual std::optional<User> findByUserName(Id tenantId, const std::string& userName) = 0;
    // Replaces every stored field of user.id; bumps version and updatedAt.
    virtual User update(const User& user) = 0;
    virtual void remove(Id tenantId, Id id) = 0;
    // Before deleting managerId: its reports keep it as their former manager
    // (shown as "Deleted User (ID: n)", SPEC U-3).
    virtual void rememberDeletedManager(Id tenantId, Id managerId) = 0;
    // The manager id of user `id` (empty inside when it has none); nullopt
    // when there is no such user. A light read for walking manager chains.
    virtual std::optional<std::optional<Id>> findManagerId(Id tenantId, Id id) = 0;
    virtual Page<User> list(Id tenantId, const PageRequest& page) = 0;
    // Filtered, sorted, paged list, evaluated by the database (never by
    // loading every user). Unknown fields throw Error(invalid_filter).
    virtual Page<User> query(Id tenantId, const query::ListQuery& query) = 0;
};

class GroupRepository {
public:
    virtual ~GroupRepository() = default;
    virtual Group create(const Group& group) = 0;
    virtual std::optional<Group> findById(Id tenantId, Id id, bool withMembers = true) = 0;
    virtual Group update(const Group& group) = 0;
    virtual void remove(Id tenantId, Id id) = 0;
    virtual Page<Group> list(Id tenantId, const PageRequest& page, bool withMembers) = 0;
    virtual Page<Group> query(Id tenantId, const query::ListQuery& query) = 0;

    // Membership changes that touch only the members named, so their cost
    // does not grow with the size of the group. Adding a member twice or
    // removing a non-member is not an error.
    virtual void addMembers(Id tenantId, Id groupId, const std::vector<GroupMember>& members) = 0;
    virtual void removeMembers(Id tenantId, Id groupId,
                               const std::vector<GroupMember>& members) = 0;
    virtual void removeAllMembers(Id tenantId, Id groupId) = 0;
    // Groups that are direct members of groupId.
    virtual std::vector<Id> memberGroupIds(Id tenantId, Id groupId) = 0;
    // Users and groups share one id space: whether `id` is a user or a group
    // of the tenant, std::nullopt when it is neither.
    virtual std::optional<GroupMember::Kind> kindOfResource(Id tenantId, Id id) = 0;
    // Writes name, externalId, goal and owners and bumps version and
    // updatedAt, leaving members alone; returns the group without members.
    virtual Group touch(const Group& group) = 0;
};

class RoleRepository {
public:
    virtual ~RoleRepository() = default;
    virtual Role upsert(Id tenantId, const std::string& name, int rank) = 0;
    virtual std::vector<Role> list(Id tenantId) = 0;
};

class AuditRepository {
public:
    virtual ~AuditRepository() = default;
    virtual AuditEvent record(const AuditEvent& event) = 0;
    // Newest first, events with id < beforeId when given.
    virtual std::vector<AuditEvent> list(Id tenantId, std::optional<Id> beforeId,
                                         std::size_t limit) = 0;
};

class AgentRepository;     // core/agent_store.hpp
class TrackingRepository;  // core/agent_store.hpp
class ActivityRepository;  // core/agent_store.hpp
class OrgRepository;       // core/org_store.hpp
class SignInRepository;    // core/sign_in_store.hpp
class SyncStateRepository; // core/sync_store.hpp

class Transaction {
public:
    virtual ~Transaction() = default;
    virtual TenantRepository& tenants() = 0;
    virtual TokenRepository& tokens() = 0;
    virtual UserRepository& users() = 0;
    virtual GroupRepository& groups() = 0;
    virtual RoleRepository& roles() = 0;
    virtual AuditRepository& audit() = 0;
    // Agents, tracking rules and activity data (core/agent_store.hpp).
    virtual AgentRepository& agents() = 0;
    virtual TrackingRepository& tracking() = 0;
    virtual ActivityRepository& activity() = 0;
    // Org structure catalogues: departments, sections, teams, sites, tags (core/org_store.hpp).
    virtual OrgRepository& org() = 0;
    // Sign-in: credentials, sessions, MFA, tokens, mail outbox (core/sign_in_store.hpp).
    virtual SignInRepository& signIn() = 0;
    // Directory sync: source cookies, anchors, run reports (core/sync_store.hpp).
    virtual SyncStateRepository& syncState() = 0;
    virtual void commit() = 0;
};

struct StorePoolStats {
    std::size_t size = 0;
    std::size_t inUse = 0;
};

// A lock that one holder at a time has, across every daemon sharing the
// store, until the object is destroyed.
class ExclusiveLock {
public:
    virtual ~ExclusiveLock() = default;
    // False once the lock is known to be lost (its PostgreSQL connection
    // dropped): another daemon may hold it by now.
    virtual bool held() = 0;
};

class Store {
public:
    virtual ~Store() = default;
    // Takes the lock named `name` unless someone holds it (nullptr then).
    // PostgreSQL: a session advisory lock on a connection of its own, so the
    // server frees it when the holder's process dies. SQLite (one daemon per
    // database file): a lock within this process.
    virtual std::unique_ptr<ExclusiveLock> tryExclusiveLock(const std::string& name) = 0;
    // A transaction that will write (SQLite takes the write lock up front so
    // two writers never deadlock on a lock upgrade).
    virtual std::unique_ptr<Transaction> beginWrite() = 0;
    // A transaction that only reads; commit() is optional.
    virtual std::unique_ptr<Transaction> beginRead() = 0;
    // Applies pending schema migrations; returns how many were applied.
    virtual int migrate() = 0;
    virtual int schemaVersion() = 0;
    // True when a trivial query succeeds (for /readyz).
    virtual bool ping() = 0;
    virtual StorePoolStats poolStats() = 0;
    virtual std::string backendName() const = 0;  // "sqlite3" or "postgresql"
};

}  // namespace muster
