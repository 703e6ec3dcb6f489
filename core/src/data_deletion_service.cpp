#include "muster/core/data_deletion_service.hpp"

#include "muster/core/error.hpp"
#include "muster/core/role_limits.hpp"

namespace muster {

namespace {

void checkBulkSize(const std::vector<Id>& userIds) {
    if (userIds.empty()) {
        throw Error(ErrorCode::invalid_input, "userIds: at least one user id is required",
                    "userIds");
    }
    if (userIds.size() > maxBulkUsers) {
        throw Error(ErrorCode::too_many,
                    "userIds: at most " + std::to_string(maxBulkUsers) + " users per request",
                    "userIds");
    }
}

// The user when it still exists (role limits apply to it); a removed user's
// leftover data may be deleted by any admin.
std::optional<User> checkMayDelete(Transaction& tx, const Principal& by, Id userId) {
    std::optional<User> user = tx.users().findById(by.tenantId, userId);
    if (user) RoleLimits::load(tx, by).checkMayManage(*user);
    return user;
}

template <typename Action>
std::vector<BulkOutcome> forEachUser(const std::vector<Id>& userIds, Action&& action) {
    checkBulkSize(userIds);
    std::vector<BulkOutcome> outcomes;
    for (Id userId : userIds) {
        BulkOutcome outcome;
        outcome.userId = userId;
        try {
            outcome.deletedRecords = action(userId);
            outcome.done = true;
        } catch (const Error& error) {
            // One refusal (not found, role limit, still active) does not stop the others.
            if (error.code() == ErrorCode::unavailable || error.code() == ErrorCode::internal) {
                throw;
            }
            outcome.error = error;
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

}  // namespace

std::int64_t DataDeletionService::historicalDataCount(const Principal& by, Id userId) {
    auto tx = store_.beginRead();
    const std::int64_t count = tx->activity().countOf(by.tenantId, userId);
    if (count == 0 && !tx->users().findById(by.tenantId, userId)) {
        throw Error(ErrorCode::not_found, "no user with id " + std::to_string(userId));
    }
    return count;
}

std::int64_t DataDeletionService::deleteHistoricalData(const Principal& by, Id userId) {
    auto tx = store_.beginWrite();
    std::optional<User> user = checkMayDelete(*tx, by, userId);
    const std::int64_t deleted = tx->activity().deleteAllOf(by.tenantId, userId);
    if (!user && deleted == 0) {
        throw Error(ErrorCode::not_found, "no user with id " + std::to_string(userId));
    }
    AuditEvent event = auditEventBy(by, "user.historical_data.delete", "user", userId,
                                    user ? user->userName : deletedUserDisplay(userId));
    event.after = Snapshot{{"deletedRecords", std::to_string(deleted)}};
    tx->audit().record(event);
    tx->commit();
    return deleted;
}

std::vector<BulkOutcome> DataDeletionService::deleteHistoricalData(const Principal& by,
                                                                   const std::vector<Id>& userIds) {
    return forEachUser(userIds, [&](Id userId) { return deleteHistoricalData(by, userId); });
}

std::vector<BulkOutcome> DataDeletionService::removeUsers(const Principal& by,
                                                          const std::vector<Id>& userIds) {
    return forEachUser(userIds, [&](Id userId) {
        users_.remove(by, userId, DeletePolicy::onlyInactive, std::nullopt);
        return std::int64_t{0};
    });
}

}  // namespace muster
