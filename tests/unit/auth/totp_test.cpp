#include "muster/auth/totp.hpp"

#include <gtest/gtest.h>

#include <set>

namespace muster::auth {
namespace {

const std::string sha1Seed = "12345678901234567890";
const std::string sha256Seed = "12345678901234567890123456789012";
const std::string sha512Seed = "1234567890123456789012345678901234567890123456789012345678901234";

TotpParameters eightDigits(TotpAlgorithm algorithm) {
    TotpParameters p;
    p.algorithm = algorithm;
    p.digits = 8;
    return p;
}

// RFC 6238 Appendix B.
TEST(Totp, MatchesTheRfc6238TestVectors) {
    struct Vector {
        std::int64_t time;
        const char* sha1;
        const char* sha256;
        const char* sha512;
    };
    const Vector vectors[] = {
        {59, "94287082", "46119246", "90693936"},
        {1111111109, "07081804", "68084774", "25091201"},
        {1111111111, "14050471", "67062674", "99943326"},
        {1234567890, "89005924", "91819424", "93441116"},
        {2000000000, "69279037", "90698825", "38618901"},
        {20000000000, "65353130", "77737706", "47863826"},
    };
    for (const Vector& v : vectors) {
        EXPECT_EQ(totpCode(sha1Seed, v.time, eightDigits(TotpAlgorithm::sha1)), v.sha1) << v.time;
        EXPECT_EQ(totpCode(sha256Seed, v.time, eightDigits(TotpAlgorithm::sha256)), v.sha256)
            << v.time;
        EXPECT_EQ(totpCode(sha512Seed, v.time, eightDigits(TotpAlgorithm::sha512)), v.sha512)
            << v.time;
    }
}

// RFC 4226 Appendix D.
TEST(Totp, HotpMatchesTheRfc4226TestVectors) {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t counter = 0; counter < 10; ++counter) {
        EXPECT_EQ(hotp(sha1Seed, counter, 6), expected[counter]) << counter;
    }
}

TEST(Totp, AcceptsOneStepOfDriftEitherSideAndNoMore) {
    const std::int64_t now = 1'700'000'000;
    const std::int64_t step = totpStep(now, 30);
    EXPECT_EQ(matchTotp(sha1Seed, totpCode(sha1Seed, now), now), step);
    EXPECT_EQ(matchTotp(sha1Seed, totpCode(sha1Seed, now - 30), now), step - 1);
    EXPECT_EQ(matchTotp(sha1Seed, totpCode(sha1Seed, now + 30), now), step + 1);
    EXPECT_EQ(matchTotp(sha1Seed, totpCode(sha1Seed, now - 60), now), std::nullopt);
    EXPECT_EQ(matchTotp(sha1Seed, totpCode(sha1Seed, now + 60), now), std::nullopt);
    EXPECT_EQ(matchTotp(sha1Seed, "12345", now), std::nullopt) << "wrong length";
    EXPECT_EQ(matchTotp(sha1Seed, "", now), std::nullopt);
}

// RFC 4648 §10 (without padding, as authenticator apps take it).
TEST(Totp, Base32FollowsRfc4648) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},
        {"f", "MY"},
        {"fo", "MZXQ"},
        {"foo", "MZXW6"},
        {"foob", "MZXW6YQ"},
        {"fooba", "MZXW6YTB"},
        {"foobar", "MZXW6YTBOI"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base32Encode(plain), encoded);
        EXPECT_EQ(base32Decode(encoded), std::string(plain));
    }
    EXPECT_EQ(base32Decode("mzxw 6ytb oi=="), std::string("foobar"));
    EXPECT_EQ(base32Decode("MZXW1"), std::nullopt);
}

TEST(Totp, OtpauthUriCarriesSecretIssuerAndParameters) {
    EXPECT_EQ(otpauthUri("Muster Corp", "kim@example.com", "JBSWY3DPEHPK3PXP"),
              "otpauth://totp/Muster%20Corp:kim%40example.com?secret=JBSWY3DPEHPK3PXP"
              "&issuer=Muster%20Corp&algorithm=SHA1&digits=6&period=30");
}

TEST(Totp, RecoveryCodesAreDistinctAndNormalise) {
    const std::vector<std::string> codes = generateRecoveryCodes(10);
    ASSERT_EQ(codes.size(), 10u);
    std::set<std::string> unique(codes.begin(), codes.end());
    EXPECT_EQ(unique.size(), 10u);
    for (const std::string& code : codes) {
        EXPECT_EQ(code.size(), 11u) << code;
        EXPECT_EQ(code[5], '-') << code;
    }
    EXPECT_EQ(normalizeRecoveryCode(" AbCdE-fGhIj "), "abcdefghij");
}

}  // namespace
}  // namespace muster::auth
