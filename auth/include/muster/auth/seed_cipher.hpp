#pragma once

// AES-256-GCM for secrets Muster must read back (TOTP seeds): encrypted at
// rest with a key from the configuration or the environment, bound to the
// row they belong to by associated data, so a seed copied to another user's
// row does not decrypt.

#include <optional>
#include <string>
#include <string_view>

namespace muster::auth {

class SeedCipher {
  public:
    // key: exactly 32 bytes.
    explicit SeedCipher(std::string key);

    // Parses a key written as 64 hex digits or as base64url/base64 of 32
    // bytes; Error(invalid_input) otherwise (the message never shows the key).
    static SeedCipher fromText(std::string_view keyText);

    // "v1." + base64url(12-byte nonce | ciphertext | 16-byte tag).
    std::string encrypt(std::string_view plaintext, std::string_view associatedData) const;
    // std::nullopt when the text was not written with this key and data or
    // was tampered with.
    std::optional<std::string> decrypt(std::string_view sealed,
                                       std::string_view associatedData) const;

  private:
    std::string key_;
};

}  // namespace muster::auth
