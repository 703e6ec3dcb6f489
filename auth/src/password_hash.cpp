#include "muster/auth/password_hash.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <optional>
#include <vector>

#include "muster/auth/secrets.hpp"
#include "muster/core/error.hpp"

namespace muster::auth {

namespace {

constexpr std::size_t saltBytes = 16;
constexpr std::size_t keyBytes = 32;

struct ParsedHash {
    HashParameters parameters;
    std::string salt;
    std::string key;
};

std::string deriveKey(std::string_view password, const std::string& salt, const HashParameters& p) {
    std::string key(keyBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(key.data());
    const auto* saltData = reinterpret_cast<const unsigned char*>(salt.data());
    int ok = 0;
    if (p.algorithm == HashAlgorithm::pbkdf2_sha256) {
        ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), saltData,
                               static_cast<int>(salt.size()), p.pbkdf2Iterations, EVP_sha256(),
                               static_cast<int>(key.size()), out);
    } else {
        const std::uint64_t n = std::uint64_t{1} << p.scryptLogN;
        // scrypt needs 128 * r * (N + p + 2) bytes; OpenSSL refuses more than maxmem.
        const std::uint64_t memory = 128ull * static_cast<std::uint64_t>(p.scryptR) *
                                         (n + static_cast<std::uint64_t>(p.scryptP) + 2) +
                                     1024 * 1024;
        ok = EVP_PBE_scrypt(password.data(), password.size(), saltData, salt.size(), n,
                            static_cast<std::uint64_t>(p.scryptR),
                            static_cast<std::uint64_t>(p.scryptP), memory, out, key.size());
    }
    if (ok != 1) throw Error(ErrorCode::internal, "password hashing failed");
    return key;
}

std::optional<int> parseInt(std::string_view text) {
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = text.find(separator, start);
        if (at == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, at - start));
        start = at + 1;
    }
}

// "ln=15,r=8,p=1" -> the three values.
bool parseScryptParameters(std::string_view text, HashParameters& p) {
    bool hasN = false, hasR = false, hasP = false;
    for (std::string_view item : split(text, ',')) {
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) return false;
        const std::optional<int> value = parseInt(item.substr(eq + 1));
        if (!value) return false;
        const std::string_view name = item.substr(0, eq);
        if (name == "ln")
            p.scryptLogN = *value, hasN = true;
        else if (name == "r")
            p.scryptR = *value, hasR = true;
        else if (name == "p")
            p.scryptP = *value, hasP = true;
        else
            return false;
    }
    return hasN && hasR && hasP;
}

bool withinLimits(const HashParameters& p) {
    if (p.algorithm == HashAlgorithm::pbkdf2_sha256) {
        return p.pbkdf2Iterations >= minPbkdf2Iterations &&
               p.pbkdf2Iterations <= maxPbkdf2Iterations;
    }
    return p.scryptLogN >= minScryptLogN && p.scryptLogN <= maxScryptLogN && p.scryptR >= 1 &&
           p.scryptP >= 1 && p.scryptR * p.scryptP <= maxScryptRTimesP;
}

std::optional<ParsedHash> parse(std::string_view encoded) {
    // "", algorithm, parameters, salt, key
    const std::vector<std::string_view> parts = split(encoded, '$');
    if (parts.size() != 5 || !parts[0].empty()) return std::nullopt;
    ParsedHash parsed;
    if (parts[1] == "pbkdf2-sha256") {
        parsed.parameters.algorithm = HashAlgorithm::pbkdf2_sha256;
        if (parts[2].rfind("i=", 0) != 0) return std::nullopt;
        const std::optional<int> iterations = parseInt(parts[2].substr(2));
        if (!iterations) return std::nullopt;
        parsed.parameters.pbkdf2Iterations = *iterations;
    } else if (parts[1] == "scrypt") {
        parsed.parameters.algorithm = HashAlgorithm::scrypt;
        if (!parseScryptParameters(parts[2], parsed.parameters)) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (!withinLimits(parsed.parameters)) return std::nullopt;
    std::optional<std::string> salt = base64UrlDecode(parts[3]);
    std::optional<std::string> key = base64UrlDecode(parts[4]);
    if (!salt || !key || salt->empty() || key->size() != keyBytes) return std::nullopt;
    parsed.salt = std::move(*salt);
    parsed.key = std::move(*key);
    return parsed;
}

std::string encodedParameters(const HashParameters& p) {
    if (p.algorithm == HashAlgorithm::pbkdf2_sha256) {
        return "pbkdf2-sha256$i=" + std::to_string(p.pbkdf2Iterations);
    }
    return "scrypt$ln=" + std::to_string(p.scryptLogN) + ",r=" + std::to_string(p.scryptR) +
           ",p=" + std::to_string(p.scryptP);
}

}  // namespace

void validateHashParameters(const HashParameters& p) {
    if (p.algorithm == HashAlgorithm::pbkdf2_sha256) {
        if (p.pbkdf2Iterations < minPbkdf2Iterations || p.pbkdf2Iterations > maxPbkdf2Iterations) {
            throw Error(ErrorCode::invalid_input,
                        "PBKDF2 iterations must be from " + std::to_string(minPbkdf2Iterations) +
                            " to " + std::to_string(maxPbkdf2Iterations),
                        "iterations");
        }
        return;
    }
    if (p.scryptLogN < minScryptLogN || p.scryptLogN > maxScryptLogN) {
        throw Error(ErrorCode::invalid_input,
                    "scrypt log2(N) must be from " + std::to_string(minScryptLogN) + " to " +
                        std::to_string(maxScryptLogN),
                    "scrypt_log_n");
    }
    if (p.scryptR < 1 || p.scryptP < 1 || p.scryptR * p.scryptP > maxScryptRTimesP) {
        throw Error(ErrorCode::invalid_input,
                    "scrypt r and p must be at least 1 with r*p at most " +
                        std::to_string(maxScryptRTimesP),
                    "scrypt_r");
    }
}

std::string describe(const HashParameters& p) {
    if (p.algorithm == HashAlgorithm::pbkdf2_sha256) {
        return "pbkdf2-sha256 (" + std::to_string(p.pbkdf2Iterations) + " iterations)";
    }
    return "scrypt (N=2^" + std::to_string(p.scryptLogN) + ", r=" + std::to_string(p.scryptR) +
           ", p=" + std::to_string(p.scryptP) + ")";
}

PasswordHasher::PasswordHasher(HashParameters parameters) : parameters_(parameters) {
    validateHashParameters(parameters_);
}

std::string PasswordHasher::hash(std::string_view password) const {
    const std::string salt = randomBytes(saltBytes);
    const std::string key = deriveKey(password, salt, parameters_);
    return "$" + encodedParameters(parameters_) + "$" + base64UrlEncode(salt) + "$" +
           base64UrlEncode(key);
}

bool PasswordHasher::verify(std::string_view password, std::string_view encoded) const {
    const std::optional<ParsedHash> parsed = parse(encoded);
    if (!parsed) return false;
    const std::string key = deriveKey(password, parsed->salt, parsed->parameters);
    return constantTimeEquals(key, parsed->key);
}

bool PasswordHasher::needsRehash(std::string_view encoded) const {
    const std::optional<ParsedHash> parsed = parse(encoded);
    if (!parsed) return true;
    const HashParameters& stored = parsed->parameters;
    if (stored.algorithm != parameters_.algorithm) return true;
    if (stored.algorithm == HashAlgorithm::pbkdf2_sha256) {
        return stored.pbkdf2Iterations != parameters_.pbkdf2Iterations;
    }
    return stored.scryptLogN != parameters_.scryptLogN || stored.scryptR != parameters_.scryptR ||
           stored.scryptP != parameters_.scryptP;
}

}  // namespace muster::auth
