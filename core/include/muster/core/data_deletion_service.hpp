#pragma once

// SPEC U-8: deleting a user's historical activity data and removing the user
// record are separate, permanent actions, single and bulk. The confirmation
// a person gives is the caller's (daemon's) concern; these are the actions
// themselves, audited and under the role limits.

#include <optional>
#include <string>
#include <vector>

#include "muster/core/agent_store.hpp"
#include "muster/core/error.hpp"
#include "muster/core/principal.hpp"
#include "muster/core/user_service.hpp"

namespace muster {

// What happened to one user of a bulk action.
struct BulkOutcome {
    Id userId = 0;
    bool done = false;
    std::int64_t deletedRecords = 0;  // historical data only
    std::optional<Error> error;       // why not, when !done
};

inline constexpr std::size_t maxBulkUsers = 500;

class DataDeletionService {
  public:
    DataDeletionService(Store& store, UserService& users) : store_(store), users_(users) {}

    // How many activity records the user has. A user whose record was
    // removed still has data until it is deleted; Error(not_found) only when
    // there is neither a user nor data.
    std::int64_t historicalDataCount(const Principal& by, Id userId);
    // Deletes every activity record of the user; returns how many.
    std::int64_t deleteHistoricalData(const Principal& by, Id userId);
    std::vector<BulkOutcome> deleteHistoricalData(const Principal& by,
                                                  const std::vector<Id>& userIds);
    // Removes the user records (UserService::remove: inactive users only),
    // leaving their historical data.
    std::vector<BulkOutcome> removeUsers(const Principal& by, const std::vector<Id>& userIds);

  private:
    Store& store_;
    UserService& users_;
};

}  // namespace muster
