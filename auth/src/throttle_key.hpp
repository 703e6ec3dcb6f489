#pragma once

#include <string>

#include "muster/core/model.hpp"

namespace muster::auth {

// The sign-in throttle key of a known account: one counter per account,
// whichever of its names was typed (names nobody holds are throttled by name).
inline std::string accountKeyOf(const User& user) { return "user:" + std::to_string(user.id); }

}  // namespace muster::auth
