#include "muster/auth/token_service.hpp"

#include "muster/auth/secrets.hpp"
#include "muster/core/error.hpp"
#include "muster/core/role_limits.hpp"

namespace muster::auth {

namespace {

// Prefix so leaked tokens are recognisable by secret scanners.
constexpr std::string_view secretPrefix = "mst_";
// Writing last-used on every request would turn each read into a write.
constexpr Timestamp lastUsedResolutionMillis = 60'000;

void checkIssuerMayGrant(const Principal& by, const TokenRequest& request) {
    requireScope(by, {TokenScope::operator_, TokenScope::admin});
    if (!by.mayAccessTenant(request.tenantId)) {
        throw Error(ErrorCode::forbidden,
                    "an admin token may only create tokens for its own tenant", "tenant");
    }
    for (TokenScope scope : request.scopes) {
        if (scope == TokenScope::operator_ && !by.has(TokenScope::operator_)) {
            throw Error(ErrorCode::forbidden, "only an operator token may grant the operator scope",
                        "scopes");
        }
    }
}

void validateRequest(const TokenRequest& request) {
    if (request.scopes.empty()) {
        throw Error(ErrorCode::invalid_input, "a token needs at least one scope", "scopes");
    }
    if (request.name.size() > 200) {
        throw Error(ErrorCode::invalid_input, "token name is longer than 200 characters", "name");
    }
    if (!request.presetSecret.empty() && request.presetSecret.size() < minimumSecretLength) {
        throw Error(ErrorCode::invalid_input,
                    "a preset token must be at least " + std::to_string(minimumSecretLength) +
                        " characters long",
                    "token");
    }
}

AuditEvent tokenEvent(const ApiToken& token, const Actor& actor, std::string action) {
    AuditEvent event;
    event.tenantId = token.tenantId;
    event.actor = actor;
    event.action = std::move(action);
    event.targetType = "token";
    event.targetId = token.id;
    event.targetDisplay = token.name;
    return event;
}

// A token on behalf of a user works only while that user could sign in.
bool userMayAct(Transaction& tx, Id tenantId, Id userId) {
    std::optional<User> user = tx.users().findById(tenantId, userId);
    return user && user->status == UserStatus::active && !user->banned;
}

}  // namespace

IssuedToken TokenService::issueIn(Transaction& tx, const Actor& actor,
                                  const TokenRequest& request) {
    validateRequest(request);
    if (!tx.tenants().findById(request.tenantId)) {
        throw Error(ErrorCode::not_found, "no such tenant", "tenant");
    }
    if (request.userId && !tx.users().findById(request.tenantId, *request.userId)) {
        throw Error(ErrorCode::not_found,
                    "no user with id " + std::to_string(*request.userId) + " in this tenant",
                    "user");
    }
    IssuedToken issued;
    issued.secret = request.presetSecret.empty() ? std::string(secretPrefix) + randomToken(32)
                                                 : request.presetSecret;
    ApiToken token;
    token.tenantId = request.tenantId;
    token.name = request.name;
    token.scopes = request.scopes;
    token.userId = request.userId;
    token.secretHash = sha256Hex(issued.secret);
    issued.token = tx.tokens().create(token);

    AuditEvent event = tokenEvent(issued.token, actor, "token.create");
    event.after = snapshotOf(issued.token);
    tx.audit().record(event);
    return issued;
}

namespace {

// A token is as strong as the rights it acts with (SPEC T-3). A principal
// under role limits may only mint tokens that stay under them: on its own
// behalf (the default) or on behalf of a user it may manage, never a
// tenant-level token without limits.
void checkTokenStaysWithinLimits(Transaction& tx, const Principal& by, TokenRequest& request) {
    const RoleLimits limits = RoleLimits::load(tx, by);
    if (limits.unrestricted()) return;
    if (!request.userId) request.userId = by.userId;
    if (*request.userId == *by.userId) return;
    std::optional<User> target = tx.users().findById(request.tenantId, *request.userId);
    if (target) limits.checkMayManage(*target);
}

// Revoking a token that acts for a user is managing that user; a tenant-level
// token (an identity provider's, an automation's) only an unrestricted
// principal may revoke.
void checkMayRevoke(Transaction& tx, const Principal& by, const ApiToken& token) {
    const RoleLimits limits = RoleLimits::load(tx, by);
    if (limits.unrestricted() || token.userId == by.userId) return;
    if (!token.userId) {
        throw Error(ErrorCode::forbidden,
                    "a tenant-level token may be revoked only by the tenant's top role or an "
                    "automation token",
                    "token");
    }
    if (std::optional<User> owner = tx.users().findById(token.tenantId, *token.userId)) {
        limits.checkMayManage(*owner);
    }
}

}  // namespace

IssuedToken TokenService::issue(const Principal& by, const TokenRequest& input) {
    TokenRequest request = input;
    checkIssuerMayGrant(by, request);
    auto tx = store_.beginWrite();
    if (request.tenantId == by.tenantId) checkTokenStaysWithinLimits(*tx, by, request);
    IssuedToken issued = issueIn(*tx, by.actor, request);
    tx->commit();
    return issued;
}

std::vector<ApiToken> TokenService::list(const Principal& by, Id tenantId) {
    requireScope(by, {TokenScope::operator_, TokenScope::admin});
    if (!by.mayAccessTenant(tenantId)) {
        throw Error(ErrorCode::forbidden, "an admin token may only list its own tenant's tokens",
                    "tenant");
    }
    auto tx = store_.beginRead();
    return tx->tokens().list(tenantId);
}

void TokenService::revoke(const Principal& by, Id tenantId, Id tokenId) {
    requireScope(by, {TokenScope::operator_, TokenScope::admin});
    if (!by.mayAccessTenant(tenantId)) {
        throw Error(ErrorCode::forbidden, "an admin token may only revoke its own tenant's tokens",
                    "tenant");
    }
    auto tx = store_.beginWrite();
    std::optional<ApiToken> token = tx->tokens().findById(tenantId, tokenId);
    if (!token) throw Error(ErrorCode::not_found, "no token with id " + std::to_string(tokenId));
    if (token->revokedAt) return;  // revoking twice is not an error and changes nothing
    // An admin must not lock out the operator by revoking an operator token.
    if (token->hasScope(TokenScope::operator_) && !by.has(TokenScope::operator_)) {
        throw Error(ErrorCode::forbidden, "only an operator token may revoke an operator token");
    }
    checkMayRevoke(*tx, by, *token);
    tx->tokens().markRevoked(tenantId, tokenId, nowMillis());
    AuditEvent event = tokenEvent(*token, by.actor, "token.revoke");
    event.before = snapshotOf(*token);
    tx->audit().record(event);
    tx->commit();
    forget(tokenId);
}

std::optional<Principal> TokenService::authenticate(std::string_view secret) {
    if (secret.empty() || secret.size() > 512) return std::nullopt;
    const std::string hash = sha256Hex(secret);
    if (std::optional<VerifiedToken> hit = cached(hash)) {
        recordUse(hit->token);
        return hit->principal;
    }
    return lookUp(hash);
}

std::optional<Principal> TokenService::lookUp(const std::string& hash) {
    std::optional<ApiToken> token;
    std::optional<Tenant> tenant;
    {
        auto tx = store_.beginRead();
        token = tx->tokens().findBySecretHash(hash);
        if (token) tenant = tx->tenants().findById(token->tenantId);
        if (token && token->userId && !userMayAct(*tx, token->tenantId, *token->userId)) {
            return std::nullopt;
        }
    }
    // The lookup matched on the hash already; compare again in constant time so
    // a database collation quirk can never turn into a near-match.
    if (!token || !tenant || token->revokedAt || !constantTimeEquals(token->secretHash, hash)) {
        return std::nullopt;
    }
    recordUse(*token);
    Principal principal;
    principal.tenantId = token->tenantId;
    principal.tenantName = tenant->name;
    principal.tokenId = token->id;
    principal.scopes = token->scopes;
    principal.userId = token->userId;
    principal.actor.id = token->userId ? "user:" + std::to_string(*token->userId)
                                       : "token:" + std::to_string(token->id);
    remember(hash, {*token, principal, std::chrono::steady_clock::now() + verifiedTokenTtl});
    return principal;
}

std::optional<TokenService::VerifiedToken> TokenService::cached(const std::string& hash) {
    std::lock_guard lock(verifiedMutex_);
    auto found = verified_.find(hash);
    if (found == verified_.end()) return std::nullopt;
    if (std::chrono::steady_clock::now() >= found->second.until) {
        verified_.erase(found);
        return std::nullopt;
    }
    return found->second;
}

void TokenService::remember(const std::string& hash, const VerifiedToken& verified) {
    // A bound on memory: more live tokens than this is a fleet, not a cache.
    constexpr std::size_t maxVerifiedTokens = 10'000;
    std::lock_guard lock(verifiedMutex_);
    if (verified_.size() >= maxVerifiedTokens) verified_.clear();
    verified_[hash] = verified;
}

void TokenService::forget(Id tokenId) {
    std::lock_guard lock(verifiedMutex_);
    std::erase_if(verified_,
                  [tokenId](const auto& entry) { return entry.second.token.id == tokenId; });
}

void TokenService::recordUse(const ApiToken& token) {
    const Timestamp now = nowMillis();
    {
        std::lock_guard lock(lastUseMutex_);
        Timestamp& written = lastUseWritten_[token.id];
        if (token.lastUsedAt) written = std::max(written, *token.lastUsedAt);
        if (now - written < lastUsedResolutionMillis) return;
        written = now;
    }
    auto tx = store_.beginWrite();
    tx->tokens().touchLastUsed(token.id, now);
    tx->commit();
}

}  // namespace muster::auth
