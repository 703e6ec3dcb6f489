#include "muster/auth/session_revoker.hpp"

#include "muster/auth/sign_in.hpp"

namespace muster::auth {

namespace {

bool maySignIn(const User& user) { return user.status == UserStatus::active && !user.banned; }

}  // namespace

void SessionRevoker::userChanged(Transaction& tx, const User& before, const User& after) {
    if (maySignIn(before) && !maySignIn(after)) Sessions::revokeAll(tx, after.tenantId, after.id);
}

}  // namespace muster::auth
