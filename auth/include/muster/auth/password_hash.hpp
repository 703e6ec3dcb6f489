#pragma once

// Slow, salted password hashing (SPEC A-1) with OpenSSL: PBKDF2-HMAC-SHA256
// or scrypt. The encoded hash carries algorithm, parameters and salt
//   $pbkdf2-sha256$i=600000$<salt>$<hash>
//   $scrypt$ln=15,r=8,p=1$<salt>$<hash>
// (salt and hash base64url), so the configured cost can be raised later and
// old hashes still verify; needsRehash() tells when to re-hash at sign-in.

#include <string>
#include <string_view>

namespace muster::auth {

enum class HashAlgorithm { pbkdf2_sha256, scrypt };

struct HashParameters {
    HashAlgorithm algorithm = HashAlgorithm::pbkdf2_sha256;
    int pbkdf2Iterations = 600'000;  // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
    int scryptLogN = 15;             // N = 2^15
    int scryptR = 8;
    int scryptP = 1;
};

// Limits on parameters, configured or read back from a stored hash, so a
// bad value cannot make one sign-in take minutes or gigabytes.
inline constexpr int minPbkdf2Iterations = 1'000;
inline constexpr int maxPbkdf2Iterations = 10'000'000;
inline constexpr int minScryptLogN = 10;
inline constexpr int maxScryptLogN = 20;
inline constexpr int maxScryptRTimesP = 64;

// Throws Error(invalid_input) naming the parameter when out of range.
void validateHashParameters(const HashParameters& parameters);

// "pbkdf2-sha256 (600000 iterations)", for logs and the benchmark.
std::string describe(const HashParameters& parameters);

class PasswordHasher {
  public:
    explicit PasswordHasher(HashParameters parameters);

    std::string hash(std::string_view password) const;
    // Constant-time comparison of the derived key; false for anything that
    // is not a hash this class wrote.
    bool verify(std::string_view password, std::string_view encoded) const;
    // True when `encoded` was made with other parameters than the configured ones.
    bool needsRehash(std::string_view encoded) const;

    const HashParameters& parameters() const { return parameters_; }

  private:
    HashParameters parameters_;
};

}  // namespace muster::auth
