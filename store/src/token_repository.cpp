#include "repositories.hpp"
#include "sql_errors.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"

namespace muster::store {

namespace {

// One api_tokens row as SOCI exchanges it.
struct TokenRow {
    Id id = 0;
    Id tenantId = 0;
    std::string name;
    std::string scopes;
    std::string secretHash;
    Timestamp createdAt = 0;
    Timestamp lastUsedAt = 0;
    soci::indicator lastUsedInd = soci::i_null;
    Timestamp revokedAt = 0;
    soci::indicator revokedInd = soci::i_null;
    Id userId = 0;
    soci::indicator userInd = soci::i_null;
};

std::optional<std::int64_t> optionalOf(std::int64_t value, soci::indicator indicator) {
    if (indicator == soci::i_null) return std::nullopt;
    return value;
}

ApiToken tokenOf(const TokenRow& row) {
    ApiToken token;
    token.id = row.id;
    token.tenantId = row.tenantId;
    token.name = row.name;
    token.scopes = splitScopes(row.scopes);
    token.secretHash = row.secretHash;
    token.createdAt = row.createdAt;
    token.lastUsedAt = optionalOf(row.lastUsedAt, row.lastUsedInd);
    token.revokedAt = optionalOf(row.revokedAt, row.revokedInd);
    token.userId = optionalOf(row.userId, row.userInd);
    return token;
}

template <typename... Param>
std::vector<ApiToken> selectTokens(soci::session& sql, const std::string& where, Param&... param) {
    SqlStatement st(sql,
                    "SELECT id, tenant_id, name, scopes, secret_hash, created_at, last_used_at, "
                    "revoked_at, user_id FROM api_tokens " +
                        where,
                    Reuse::prepared);
    TokenRow row;
    st.into(row.id);
    st.into(row.tenantId);
    st.into(row.name);
    st.into(row.scopes);
    st.into(row.secretHash);
    st.into(row.createdAt);
    st.into(row.lastUsedAt, row.lastUsedInd);
    st.into(row.revokedAt, row.revokedInd);
    st.into(row.userId, row.userInd);
    (st.use(param), ...);
    std::vector<ApiToken> tokens;
    for (bool more = st.execute(); more; more = st.fetchNext()) tokens.push_back(tokenOf(row));
    return tokens;
}

std::optional<ApiToken> firstOf(std::vector<ApiToken> tokens) {
    if (tokens.empty()) return std::nullopt;
    return tokens.front();
}

}  // namespace

ApiToken SqlTokenRepository::create(const ApiToken& token) {
    return translateErrors([&] {
        ApiToken stored = token;
        stored.createdAt = nowMillis();
        TokenRow row;
        row.scopes = joinScopes(token.scopes);
        row.lastUsedAt = token.lastUsedAt.value_or(0);
        row.lastUsedInd = token.lastUsedAt ? soci::i_ok : soci::i_null;
        row.revokedAt = token.revokedAt.value_or(0);
        row.revokedInd = token.revokedAt ? soci::i_ok : soci::i_null;
        row.userId = token.userId.value_or(0);
        row.userInd = token.userId ? soci::i_ok : soci::i_null;
        try {
            sql_ << "INSERT INTO api_tokens (tenant_id, name, scopes, secret_hash, created_at, "
                    "last_used_at, revoked_at, user_id) VALUES (:tenant_id, :name, :scopes, "
                    ":secret_hash, :created_at, :last_used_at, :revoked_at, :user_id) RETURNING id",
                soci::use(stored.tenantId), soci::use(stored.name), soci::use(row.scopes),
                soci::use(stored.secretHash), soci::use(stored.createdAt),
                soci::use(row.lastUsedAt, row.lastUsedInd),
                soci::use(row.revokedAt, row.revokedInd), soci::use(row.userId, row.userInd),
                soci::into(stored.id);
        } catch (const soci::soci_error& error) {
            if (violatedUniqueIndex(error) != "ux_api_tokens_secret_hash") throw;
            throw Error(ErrorCode::conflict, "a token with this secret already exists", "secret");
        }
        return stored;
    });
}

// The one lookup without a tenant: the secret is what tells us the tenant.
std::optional<ApiToken> SqlTokenRepository::findBySecretHash(const std::string& secretHash) {
    return translateErrors([&] {
        std::string hash = secretHash;
        return firstOf(selectTokens(sql_, "WHERE secret_hash = :hash", hash));
    });
}

std::optional<ApiToken> SqlTokenRepository::findById(Id tenantId, Id id) {
    return translateErrors([&] {
        return firstOf(
            selectTokens(sql_, "WHERE tenant_id = :tenant_id AND id = :id", tenantId, id));
    });
}

std::vector<ApiToken> SqlTokenRepository::list(Id tenantId) {
    return translateErrors(
        [&] { return selectTokens(sql_, "WHERE tenant_id = :tenant_id ORDER BY id", tenantId); });
}

void SqlTokenRepository::markRevoked(Id tenantId, Id id, Timestamp when) {
    translateErrors([&] {
        // COALESCE keeps the first revocation time when revoked twice.
        SqlStatement st(sql_,
                        "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, :when) "
                        "WHERE tenant_id = :tenant_id AND id = :id",
                        Reuse::prepared);
        st.use(when);
        st.use(tenantId);
        st.use(id);
        st.execute();
        if (st.affectedRows() == 0) {
            throw Error(ErrorCode::not_found, "token " + std::to_string(id) + " not found", "id");
        }
    });
}

// Called right after findBySecretHash resolved the token, so the id alone is
// enough; a token deleted in between simply records nothing.
void SqlTokenRepository::touchLastUsed(Id id, Timestamp when) {
    translateErrors([&] {
        sql_ << "UPDATE api_tokens SET last_used_at = :when WHERE id = :id", soci::use(when),
            soci::use(id);
    });
}

}  // namespace muster::store
