#pragma once

// The SOCI repositories behind one SqlTransaction. Each works on the
// transaction's leased session and filters every query by tenant.

#include "muster/core/store.hpp"
#include "soci_headers.hpp"

namespace muster::store {

class SqlTenantRepository final : public TenantRepository {
  public:
    explicit SqlTenantRepository(soci::session& sql) : sql_(sql) {}
    Tenant create(const std::string& name) override;
    std::optional<Tenant> findByName(const std::string& name) override;
    std::optional<Tenant> findById(Id id) override;
    std::vector<Tenant> list() override;
    std::int64_t count() override;

  private:
    soci::session& sql_;
};

class SqlTokenRepository final : public TokenRepository {
  public:
    explicit SqlTokenRepository(soci::session& sql) : sql_(sql) {}
    ApiToken create(const ApiToken& token) override;
    std::optional<ApiToken> findBySecretHash(const std::string& secretHash) override;
    std::optional<ApiToken> findById(Id tenantId, Id id) override;
    std::vector<ApiToken> list(Id tenantId) override;
    void markRevoked(Id tenantId, Id id, Timestamp when) override;
    void touchLastUsed(Id id, Timestamp when) override;

  private:
    soci::session& sql_;
};

class SqlUserRepository final : public UserRepository {
  public:
    explicit SqlUserRepository(soci::session& sql) : sql_(sql) {}
    User create(const User& user) override;
    std::optional<User> findById(Id tenantId, Id id) override;
    std::optional<User> findByUserName(Id tenantId, const std::string& userName) override;
    User update(const User& user) override;
    void remove(Id tenantId, Id id) override;
    void rememberDeletedManager(Id tenantId, Id managerId) override;
    std::optional<std::optional<Id>> findManagerId(Id tenantId, Id id) override;
    Page<User> list(Id tenantId, const PageRequest& page) override;
    Page<User> query(Id tenantId, const query::ListQuery& query) override;

  private:
    soci::session& sql_;
};

class SqlGroupRepository final : public GroupRepository {
  public:
    explicit SqlGroupRepository(soci::session& sql) : sql_(sql) {}
    Group create(const Group& group) override;
    std::optional<Group> findById(Id tenantId, Id id, bool withMembers = true) override;
    Group update(const Group& group) override;
    void remove(Id tenantId, Id id) override;
    Page<Group> list(Id tenantId, const PageRequest& page, bool withMembers) override;
    Page<Group> query(Id tenantId, const query::ListQuery& query) override;
    void addMembers(Id tenantId, Id groupId, const std::vector<GroupMember>& members) override;
    void removeMembers(Id tenantId, Id groupId, const std::vector<GroupMember>& members) override;
    void removeAllMembers(Id tenantId, Id groupId) override;
    std::vector<Id> memberGroupIds(Id tenantId, Id groupId) override;
    std::optional<GroupMember::Kind> kindOfResource(Id tenantId, Id id) override;
    Group touch(const Group& group) override;

  private:
    soci::session& sql_;
};

class SqlRoleRepository final : public RoleRepository {
  public:
    explicit SqlRoleRepository(soci::session& sql) : sql_(sql) {}
    Role upsert(Id tenantId, const std::string& name, int rank) override;
    std::vector<Role> list(Id tenantId) override;

  private:
    soci::session& sql_;
};

class SqlAuditRepository final : public AuditRepository {
  public:
    explicit SqlAuditRepository(soci::session& sql) : sql_(sql) {}
    AuditEvent record(const AuditEvent& event) override;
    std::vector<AuditEvent> list(Id tenantId, std::optional<Id> beforeId,
                                 std::size_t limit) override;

  private:
    soci::session& sql_;
};

// Users and groups take their ids from one sequence (migration 2).
Id allocateResourceId(soci::session& sql, Id tenantId, const char* kind);

}  // namespace muster::store
