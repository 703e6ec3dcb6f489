#include "muster/auth/seed_cipher.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <memory>

#include "muster/auth/secrets.hpp"
#include "muster/core/error.hpp"

namespace muster::auth {

namespace {

constexpr std::size_t keyBytes = 32;
constexpr std::size_t nonceBytes = 12;
constexpr std::size_t tagBytes = 16;
constexpr std::string_view versionPrefix = "v1.";

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext newContext() {
    CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!context) throw Error(ErrorCode::internal, "cannot allocate a cipher context");
    return context;
}

const unsigned char* bytes(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

std::optional<std::string> fromHex(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        const int high = nibble(text[i]), low = nibble(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
    }
    return out;
}

}  // namespace

SeedCipher::SeedCipher(std::string key) : key_(std::move(key)) {
    if (key_.size() != keyBytes) {
        throw Error(ErrorCode::invalid_input, "the encryption key must be 32 bytes", "key");
    }
}

SeedCipher SeedCipher::fromText(std::string_view keyText) {
    while (!keyText.empty() && std::isspace(static_cast<unsigned char>(keyText.back()))) {
        keyText.remove_suffix(1);
    }
    if (keyText.size() == 2 * keyBytes) {
        if (std::optional<std::string> key = fromHex(keyText)) return SeedCipher(*key);
    }
    // Standard base64 as `openssl rand -base64 32` writes it, or base64url.
    std::string urlSafe(keyText);
    while (!urlSafe.empty() && urlSafe.back() == '=') urlSafe.pop_back();
    for (char& c : urlSafe) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    std::optional<std::string> key = base64UrlDecode(urlSafe);
    if (!key || key->size() != keyBytes) {
        throw Error(ErrorCode::invalid_input,
                    "the encryption key must be 32 bytes written as 64 hex digits or base64 "
                    "(e.g. `openssl rand -base64 32`)",
                    "key");
    }
    return SeedCipher(*key);
}

std::string SeedCipher::encrypt(std::string_view plaintext, std::string_view associatedData) const {
    const std::string nonce = randomBytes(nonceBytes);
    CipherContext context = newContext();
    std::string out = nonce;
    out.resize(nonceBytes + plaintext.size() + tagBytes);
    auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + nonceBytes;
    int length = 0;
    bool ok =
        EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonceBytes),
                            nullptr) == 1 &&
        EVP_EncryptInit_ex(context.get(), nullptr, nullptr, bytes(key_), bytes(nonce)) == 1 &&
        EVP_EncryptUpdate(context.get(), nullptr, &length, bytes(associatedData),
                          static_cast<int>(associatedData.size())) == 1 &&
        EVP_EncryptUpdate(context.get(), cipher, &length, bytes(plaintext),
                          static_cast<int>(plaintext.size())) == 1 &&
        EVP_EncryptFinal_ex(context.get(), cipher + length, &length) == 1 &&
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tagBytes),
                            cipher + plaintext.size()) == 1;
    if (!ok) throw Error(ErrorCode::internal, "AES-256-GCM encryption failed");
    return std::string(versionPrefix) + base64UrlEncode(out);
}

std::optional<std::string> SeedCipher::decrypt(std::string_view sealed,
                                               std::string_view associatedData) const {
    if (sealed.substr(0, versionPrefix.size()) != versionPrefix) return std::nullopt;
    std::optional<std::string> raw = base64UrlDecode(sealed.substr(versionPrefix.size()));
    if (!raw || raw->size() < nonceBytes + tagBytes) return std::nullopt;
    const std::string_view all(*raw);
    const std::string_view nonce = all.substr(0, nonceBytes);
    const std::string_view cipher = all.substr(nonceBytes, all.size() - nonceBytes - tagBytes);
    std::string tag(all.substr(all.size() - tagBytes));
    std::string plain(cipher.size(), '\0');
    CipherContext context = newContext();
    int length = 0;
    bool ok =
        EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonceBytes),
                            nullptr) == 1 &&
        EVP_DecryptInit_ex(context.get(), nullptr, nullptr, bytes(key_), bytes(nonce)) == 1 &&
        EVP_DecryptUpdate(context.get(), nullptr, &length, bytes(associatedData),
                          static_cast<int>(associatedData.size())) == 1 &&
        EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(plain.data()), &length,
                          bytes(cipher), static_cast<int>(cipher.size())) == 1 &&
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tagBytes),
                            tag.data()) == 1;
    if (!ok) return std::nullopt;
    int finalLength = 0;
    // The tag is checked here: a wrong key, wrong data or a flipped bit fails.
    if (EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(plain.data()) + length,
                            &finalLength) != 1) {
        return std::nullopt;
    }
    return plain;
}

}  // namespace muster::auth
