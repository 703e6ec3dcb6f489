#include "muster/auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

#include "muster/auth/secrets.hpp"
#include "muster/core/error.hpp"

namespace muster::auth {

namespace {

constexpr char base32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const EVP_MD* digestOf(TotpAlgorithm algorithm) {
    switch (algorithm) {
        case TotpAlgorithm::sha256:
            return EVP_sha256();
        case TotpAlgorithm::sha512:
            return EVP_sha512();
        case TotpAlgorithm::sha1:
            break;
    }
    return EVP_sha1();
}

std::string_view nameOf(TotpAlgorithm algorithm) {
    switch (algorithm) {
        case TotpAlgorithm::sha256:
            return "SHA256";
        case TotpAlgorithm::sha512:
            return "SHA512";
        case TotpAlgorithm::sha1:
            break;
    }
    return "SHA1";
}

// RFC 3986 unreserved characters stay, everything else is %XX.
std::string percentEncode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace

std::string base32Encode(std::string_view bytes) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += base32Alphabet[(buffer >> bits) & 31];
        }
    }
    if (bits > 0) out += base32Alphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::string> base32Decode(std::string_view text) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == ' ' || c == '=') continue;
        const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        int value = -1;
        if (upper >= 'A' && upper <= 'Z') value = upper - 'A';
        if (upper >= '2' && upper <= '7') value = upper - '2' + 26;
        if (value < 0) return std::nullopt;
        buffer = (buffer << 5) | static_cast<unsigned>(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    return out;
}

std::string hotp(std::string_view key, std::uint64_t counter, int digits, TotpAlgorithm algorithm) {
    if (digits < 6 || digits > 9) throw Error(ErrorCode::invalid_input, "HOTP digits: 6 to 9");
    unsigned char message[8];
    for (int i = 7; i >= 0; --i) {
        message[i] = static_cast<unsigned char>(counter & 0xff);
        counter >>= 8;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    if (HMAC(digestOf(algorithm), key.data(), static_cast<int>(key.size()), message, sizeof message,
             mac, &macLength) == nullptr) {
        throw Error(ErrorCode::internal, "HMAC failed");
    }
    // RFC 4226 §5.3 dynamic truncation.
    const unsigned offset = mac[macLength - 1] & 0x0f;
    const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                                 (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                                 (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                                 static_cast<std::uint32_t>(mac[offset + 3]);
    std::uint64_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totpStep(std::int64_t unixSeconds, int periodSeconds) {
    return unixSeconds / periodSeconds;
}

std::string totpCode(std::string_view key, std::int64_t unixSeconds,
                     const TotpParameters& parameters) {
    return hotp(key, static_cast<std::uint64_t>(totpStep(unixSeconds, parameters.periodSeconds)),
                parameters.digits, parameters.algorithm);
}

std::optional<std::int64_t> matchTotp(std::string_view key, std::string_view code,
                                      std::int64_t unixSeconds, const TotpParameters& parameters) {
    if (code.size() != static_cast<std::size_t>(parameters.digits)) return std::nullopt;
    const std::int64_t now = totpStep(unixSeconds, parameters.periodSeconds);
    std::optional<std::int64_t> matched;
    // Every candidate is computed and compared, so timing does not say which matched.
    for (std::int64_t step = now - parameters.window; step <= now + parameters.window; ++step) {
        if (step < 0) continue;
        const std::string expected =
            hotp(key, static_cast<std::uint64_t>(step), parameters.digits, parameters.algorithm);
        if (constantTimeEquals(expected, code) && !matched) matched = step;
    }
    return matched;
}

std::string otpauthUri(std::string_view issuer, std::string_view accountName,
                       std::string_view base32Secret, const TotpParameters& parameters) {
    return "otpauth://totp/" + percentEncode(issuer) + ":" + percentEncode(accountName) +
           "?secret=" + std::string(base32Secret) + "&issuer=" + percentEncode(issuer) +
           "&algorithm=" + std::string(nameOf(parameters.algorithm)) +
           "&digits=" + std::to_string(parameters.digits) +
           "&period=" + std::to_string(parameters.periodSeconds);
}

std::vector<std::string> generateRecoveryCodes(int count) {
    std::vector<std::string> codes;
    for (int i = 0; i < count; ++i) {
        // 7 random bytes -> 12 base32 characters, of which we keep 10 (50 bits).
        std::string text = base32Encode(randomBytes(7)).substr(0, 10);
        for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        codes.push_back(text.substr(0, 5) + "-" + text.substr(5));
    }
    return codes;
}

std::string normalizeRecoveryCode(std::string_view typed) {
    std::string out;
    for (unsigned char c : typed) {
        if (c == '-' || c == ' ') continue;
        out += static_cast<char>(std::tolower(c));
    }
    return out;
}

}  // namespace muster::auth
