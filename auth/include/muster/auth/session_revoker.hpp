#pragma once

// SPEC A-3 / U-3: a user who is deactivated or banned loses every session and
// trusted device in the same transaction as the change, so that reactivating
// or unbanning later does not bring old sessions back to life.

#include "muster/core/user_service.hpp"

namespace muster::auth {

class SessionRevoker final : public UserChangeListener {
public:
    void userChanged(Transaction& tx, const User& before, const User& after) override;
};

}  // namespace muster::auth
