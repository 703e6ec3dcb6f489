#pragma once

#include <mutex>

#include "agent_repositories.hpp"
#include "muster/core/store.hpp"
#include "org_repository.hpp"
#include "repositories.hpp"
#include "session_pool.hpp"
#include "sign_in_repository.hpp"
#include "sync_state_repository.hpp"

namespace muster::store {

enum class TransactionMode { read, write };

// Holds a leased session inside BEGIN ... COMMIT. Destroyed without commit()
// it rolls back, so a change and its audit event land together or not at all.
class SqlTransaction final : public Transaction {
  public:
    // `writerTurn`, when it owns a lock, is held until the transaction ends
    // (see SqlStore::beginWrite).
    SqlTransaction(SessionLease lease, TransactionMode mode,
                   std::unique_lock<std::timed_mutex> writerTurn = {});
    ~SqlTransaction() override;
    SqlTransaction(const SqlTransaction&) = delete;
    SqlTransaction& operator=(const SqlTransaction&) = delete;

    TenantRepository& tenants() override { return tenants_; }
    TokenRepository& tokens() override { return tokens_; }
    UserRepository& users() override { return users_; }
    GroupRepository& groups() override { return groups_; }
    RoleRepository& roles() override { return roles_; }
    AuditRepository& audit() override { return audit_; }
    AgentRepository& agents() override { return agents_; }
    TrackingRepository& tracking() override { return tracking_; }
    OrgRepository& org() override { return org_; }
    ActivityRepository& activity() override { return activity_; }
    SignInRepository& signIn() override { return signIn_; }
    SyncStateRepository& syncState() override { return syncState_; }
    void commit() override;

  private:
    std::unique_lock<std::timed_mutex> writerTurn_;
    SessionLease lease_;
    bool open_ = false;
    SqlTenantRepository tenants_;
    SqlTokenRepository tokens_;
    SqlUserRepository users_;
    SqlGroupRepository groups_;
    SqlRoleRepository roles_;
    SqlAuditRepository audit_;
    SqlAgentRepository agents_;
    SqlTrackingRepository tracking_;
    SqlOrgRepository org_;
    SqlActivityRepository activity_;
    SqlSignInRepository signIn_;
    SqlSyncStateRepository syncState_;
};

}  // namespace muster::store
