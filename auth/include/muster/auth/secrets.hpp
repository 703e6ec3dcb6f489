#pragma once

// Primitives for handling secrets (OpenSSL): random tokens, hashing for
// storage, and comparison that does not leak timing.

#include <cstddef>
#include <string>
#include <string_view>

namespace muster::auth {

// `byteCount` random bytes from OpenSSL's CSPRNG, base64url without padding.
std::string randomToken(std::size_t byteCount = 32);

// Lower-case hex SHA-256 of the text.
std::string sha256Hex(std::string_view text);

// True when both are equal, in time that depends only on their lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace muster::auth
