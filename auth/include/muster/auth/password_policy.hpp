#pragma once

// What a new password must satisfy (SPEC A-1): a length range, not one of
// the common passwords shipped with Muster (auth/data/common_passwords.txt),
// not the user's own name or identifiers, and not a single repeated pattern.

#include <string>
#include <string_view>
#include <vector>

#include "muster/core/model.hpp"

namespace muster::auth {

struct PasswordPolicy {
    int minLength = 12;
    int maxLength = 256;  // long inputs make slow hashes slower for nothing
};

// Throws Error(invalid_input, attribute "password") saying what is wrong,
// never echoing the password.
void checkPassword(const PasswordPolicy& policy, std::string_view password, const User& user);

// True when the password (lower-cased, and without trailing digits and
// punctuation) is on the shipped list.
bool isCommonPassword(std::string_view password);

// The shipped list, for tests and the size in docs.
const std::vector<std::string_view>& commonPasswords();

}  // namespace muster::auth
