#pragma once

// Primitives for handling secrets (OpenSSL): random tokens, hashing for
// storage, and comparison that does not leak timing.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace muster::auth {

// `byteCount` random bytes from OpenSSL's CSPRNG, base64url without padding.
std::string randomToken(std::size_t byteCount = 32);

// Lower-case hex SHA-256 of the text.
std::string sha256Hex(std::string_view text);

// True when both are equal, in time that depends only on their lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

// `byteCount` random bytes from OpenSSL's CSPRNG.
std::string randomBytes(std::size_t byteCount);

// Base64url without padding, and back; std::nullopt for text that is not.
std::string base64UrlEncode(std::string_view bytes);
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace muster::auth
