#pragma once

// API tokens (SPEC T-2): random secrets shown once, stored as SHA-256 hashes,
// scoped, bound to one tenant, revocable, with a last-used time.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "muster/core/principal.hpp"
#include "muster/core/store.hpp"

namespace muster::auth {

struct IssuedToken {
    ApiToken token;
    std::string secret;  // shown to the caller once, never stored
};

struct TokenRequest {
    Id tenantId = 0;
    std::string name;
    std::vector<TokenScope> scopes;
    // Issue the token on behalf of this user of the tenant: it then acts with
    // the user's roles (SPEC T-3) and stops working when the user may no
    // longer sign in (deactivated, banned, deleted).
    std::optional<Id> userId;
    // A secret chosen by automation (MUSTER_BOOTSTRAP_TOKEN); random when empty.
    std::string presetSecret;
};

class TokenService {
  public:
    explicit TokenService(Store& store) : store_(store) {}

    // An operator may issue any scope for any tenant; an admin may issue
    // admin, scim and agent tokens for its own tenant.
    IssuedToken issue(const Principal& by, const TokenRequest& request);
    // Same, inside an existing transaction (bootstrap), without the scope check.
    IssuedToken issueIn(Transaction& tx, const Actor& actor, const TokenRequest& request);

    std::vector<ApiToken> list(const Principal& by, Id tenantId);
    void revoke(const Principal& by, Id tenantId, Id tokenId);

    // Resolves a bearer secret to a principal; std::nullopt for unknown or
    // revoked tokens.
    std::optional<Principal> authenticate(std::string_view secret);

  private:
    // A token that checked out recently, so that a burst of requests with one
    // token costs one database lookup, not one each. Revocation through this
    // daemon removes the entry at once; another daemon sharing the store
    // stops accepting the token within verifiedTokenTtl.
    struct VerifiedToken {
        ApiToken token;
        Principal principal;
        std::chrono::steady_clock::time_point until;
    };

    std::optional<Principal> lookUp(const std::string& secretHash);
    std::optional<VerifiedToken> cached(const std::string& secretHash);
    void remember(const std::string& secretHash, const VerifiedToken& verified);
    void forget(Id tokenId);
    void recordUse(const ApiToken& token);

    Store& store_;
    std::mutex lastUseMutex_;
    std::unordered_map<Id, Timestamp> lastUseWritten_;
    std::mutex verifiedMutex_;
    std::unordered_map<std::string, VerifiedToken> verified_;  // by secret hash
};

inline constexpr std::chrono::seconds verifiedTokenTtl{5};

// Minimum length of a preset secret: as long as a random one's entropy needs.
inline constexpr std::size_t minimumSecretLength = 32;

}  // namespace muster::auth
