#pragma once

// TOTP (RFC 6238) over HOTP (RFC 4226), base32 secrets (RFC 4648) and the
// otpauth:// URI authenticator apps read; recovery codes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace muster::auth {

enum class TotpAlgorithm { sha1, sha256, sha512 };

struct TotpParameters {
    TotpAlgorithm algorithm = TotpAlgorithm::sha1;
    int digits = 6;
    int periodSeconds = 30;
    int window = 1;  // steps accepted either side of now, for clock drift
};

// Length of a newly generated secret: 160 bits, as RFC 4226 recommends.
inline constexpr std::size_t totpSecretBytes = 20;

std::string base32Encode(std::string_view bytes);
// Case-insensitive; spaces and '=' padding ignored. std::nullopt when not base32.
std::optional<std::string> base32Decode(std::string_view text);

// The HOTP value of `counter`, zero-padded to `digits`.
std::string hotp(std::string_view key, std::uint64_t counter, int digits,
                 TotpAlgorithm algorithm = TotpAlgorithm::sha1);

std::int64_t totpStep(std::int64_t unixSeconds, int periodSeconds);
std::string totpCode(std::string_view key, std::int64_t unixSeconds,
                     const TotpParameters& parameters = {});

// The step whose code equals `code` within the window around unixSeconds,
// compared in constant time; std::nullopt when none does. Replay protection
// (each step once) is the caller's: see SignInRepository::advanceTotpStep.
std::optional<std::int64_t> matchTotp(std::string_view key, std::string_view code,
                                      std::int64_t unixSeconds,
                                      const TotpParameters& parameters = {});

// otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string otpauthUri(std::string_view issuer, std::string_view accountName,
                       std::string_view base32Secret, const TotpParameters& parameters = {});

// One-time recovery codes "xxxxx-xxxxx" (50 random bits each).
std::vector<std::string> generateRecoveryCodes(int count);
// What a user typed, in the form codes are hashed in: lower-case, without
// dashes and spaces.
std::string normalizeRecoveryCode(std::string_view typed);

}  // namespace muster::auth
