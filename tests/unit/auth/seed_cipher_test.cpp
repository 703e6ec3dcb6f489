#include "muster/auth/seed_cipher.hpp"

#include <gtest/gtest.h>

#include "muster/auth/secrets.hpp"
#include "muster/core/error.hpp"

namespace muster::auth {
namespace {

const std::string hexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

TEST(SeedCipher, RoundTripsWithTheSameKeyAndData) {
    SeedCipher cipher = SeedCipher::fromText(hexKey);
    const std::string sealed = cipher.encrypt("seed-bytes", "muster-totp:1:7");
    EXPECT_EQ(sealed.rfind("v1.", 0), 0u);
    EXPECT_EQ(sealed.find("seed-bytes"), std::string::npos);
    EXPECT_EQ(cipher.decrypt(sealed, "muster-totp:1:7"), std::string("seed-bytes"));
    EXPECT_NE(cipher.encrypt("seed-bytes", "x"), cipher.encrypt("seed-bytes", "x"))
        << "a fresh nonce each time";
}

TEST(SeedCipher, RefusesAnotherRowAnotherKeyOrATamperedText) {
    SeedCipher cipher = SeedCipher::fromText(hexKey);
    SeedCipher other(randomBytes(32));
    const std::string sealed = cipher.encrypt("seed-bytes", "muster-totp:1:7");
    EXPECT_EQ(cipher.decrypt(sealed, "muster-totp:1:8"), std::nullopt) << "copied to another user";
    EXPECT_EQ(other.decrypt(sealed, "muster-totp:1:7"), std::nullopt);
    std::string tampered = sealed;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_EQ(cipher.decrypt(tampered, "muster-totp:1:7"), std::nullopt);
    EXPECT_EQ(cipher.decrypt("v1.", "muster-totp:1:7"), std::nullopt);
    EXPECT_EQ(cipher.decrypt("garbage", "muster-totp:1:7"), std::nullopt);
}

TEST(SeedCipher, ReadsKeysAsHexOrBase64AndNamesNoKeyInErrors) {
    const std::string raw = randomBytes(32);
    const std::string sealed = SeedCipher(raw).encrypt("x", "a");
    std::string standard = base64UrlEncode(raw);
    for (char& c : standard) {
        if (c == '-') c = '+';
        if (c == '_') c = '/';
    }
    EXPECT_EQ(SeedCipher::fromText(standard + "=\n").decrypt(sealed, "a"), std::string("x"));
    EXPECT_EQ(SeedCipher::fromText(base64UrlEncode(raw)).decrypt(sealed, "a"), std::string("x"));
    try {
        SeedCipher::fromText("too-short-key-value");
        FAIL() << "a short key must be refused";
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()).find("too-short-key-value"), std::string::npos);
    }
}

TEST(Secrets, ConstantTimeEqualsAndBase64Url) {
    EXPECT_TRUE(constantTimeEquals("abc", "abc"));
    EXPECT_FALSE(constantTimeEquals("abc", "abd"));
    EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
    const std::string bytes = randomBytes(31);
    EXPECT_EQ(base64UrlDecode(base64UrlEncode(bytes)), bytes);
    EXPECT_EQ(base64UrlDecode("a"), std::nullopt);
    EXPECT_EQ(base64UrlDecode("ab+c"), std::nullopt);
}

}  // namespace
}  // namespace muster::auth
