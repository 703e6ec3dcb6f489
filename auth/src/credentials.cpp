// Credentials, session revocation, the throttle rule, mail templates and
// mail addresses: the small pieces SignInService is built from.

#include <algorithm>

#include "muster/auth/secrets.hpp"
#include "muster/auth/sign_in.hpp"

namespace muster::auth {

Credentials::Credentials(HashParameters hash, PasswordPolicy policy)
    : hasher_(hash), policy_(policy), dummyHash_(hasher_.hash(randomToken(16))) {}

void Credentials::setPassword(Transaction& tx, const User& user, std::string_view password,
                              bool mustChange) const {
    checkPassword(policy_, password, user);
    PasswordCredential credential;
    credential.tenantId = user.tenantId;
    credential.userId = user.id;
    credential.passwordHash = hasher_.hash(password);
    credential.mustChange = mustChange;
    credential.changedAt = nowMillis();
    tx.signIn().saveCredential(credential);
}

void Credentials::setTemporaryPassword(Transaction& tx, Id tenantId, Id userId,
                                       std::string_view password) const {
    std::optional<User> user = tx.users().findById(tenantId, userId);
    if (!user) throw Error(ErrorCode::not_found, "no user with id " + std::to_string(userId));
    setPassword(tx, *user, password, true);
}

std::string Credentials::generateTemporaryPassword() {
    // No 0/O, 1/l/I: it is read aloud or copied by hand.
    static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    constexpr std::size_t alphabetSize = sizeof alphabet - 1;
    std::string out;
    while (out.size() < 20) {
        // Rejection sampling keeps every character equally likely.
        for (unsigned char byte : randomBytes(32)) {
            if (byte >= 256 - (256 % alphabetSize)) continue;
            out += alphabet[byte % alphabetSize];
            if (out.size() == 20) break;
        }
    }
    return out;
}

bool Credentials::verify(std::string_view password, const PasswordCredential& credential) const {
    return hasher_.verify(password, credential.passwordHash);
}

void Credentials::spendVerificationTime(std::string_view password) const {
    (void)hasher_.verify(password, dummyHash_);
}

bool Credentials::needsRehash(const PasswordCredential& credential) const {
    return hasher_.needsRehash(credential.passwordHash);
}

std::int64_t Sessions::revokeAll(Transaction& tx, Id tenantId, Id userId) {
    const std::int64_t sessions = tx.signIn().deleteSessionsOf(tenantId, userId);
    tx.signIn().deleteTrustedDevicesOf(tenantId, userId);
    return sessions;
}

std::int64_t Sessions::dropConnections(Transaction& tx, Id tenantId, Id userId) {
    return tx.signIn().deleteSessionsOf(tenantId, userId);
}

SignInThrottle afterFailure(const ThrottlePolicy& policy,
                            const std::optional<SignInThrottle>& current, Timestamp now) {
    SignInThrottle next;
    const Timestamp forgetMillis = policy.forgetAfter.count() * 1000;
    if (current && now - current->lastFailureAt < forgetMillis) next = *current;
    next.failures += 1;
    next.lastFailureAt = now;
    const std::int64_t over = next.failures - policy.freeFailures;
    if (over > 0) {
        // base * 2^(over-1), capped; the shift is bounded so it cannot overflow.
        const std::int64_t base = policy.baseLockout.count();
        const std::int64_t cap = policy.maxLockout.count();
        std::int64_t seconds = base << std::min<std::int64_t>(over - 1, 20);
        seconds = std::min(seconds, cap);
        next.lockedUntil = now + seconds * 1000;
    }
    return next;
}

std::string renderTemplate(const std::string& text,
                           const std::vector<std::pair<std::string, std::string>>& values) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t open = text.find("{{", at);
        if (open == std::string::npos) break;
        const std::size_t close = text.find("}}", open + 2);
        if (close == std::string::npos) break;
        out.append(text, at, open - at);
        const std::string name = text.substr(open + 2, close - open - 2);
        auto found = std::find_if(values.begin(), values.end(),
                                  [&name](const auto& value) { return value.first == name; });
        if (found != values.end()) {
            out += found->second;
        } else {
            out.append(text, open, close + 2 - open);  // unknown names stay visible
        }
        at = close + 2;
    }
    out.append(text, at, std::string::npos);
    return out;
}

std::string mailAddressOf(const User& user) {
    const Identifier* anyEmail = nullptr;
    const Identifier* upn = nullptr;
    for (const Identifier& identifier : user.identifiers) {
        if (identifier.kind == IdentifierKind::email) {
            if (identifier.primary) return identifier.value;
            if (anyEmail == nullptr) anyEmail = &identifier;
        }
        if (identifier.kind == IdentifierKind::upn && upn == nullptr) upn = &identifier;
    }
    if (anyEmail != nullptr) return anyEmail->value;
    if (upn != nullptr) return upn->value;
    if (user.userName.find('@') != std::string::npos) return user.userName;
    return "";
}

}  // namespace muster::auth
