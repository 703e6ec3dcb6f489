#include "muster/auth/password_hash.hpp"

#include <gtest/gtest.h>

#include "muster/core/error.hpp"

namespace muster::auth {
namespace {

HashParameters fastPbkdf2(int iterations = 1000) {
    HashParameters p;
    p.algorithm = HashAlgorithm::pbkdf2_sha256;
    p.pbkdf2Iterations = iterations;
    return p;
}

HashParameters smallScrypt(int logN = 10) {
    HashParameters p;
    p.algorithm = HashAlgorithm::scrypt;
    p.scryptLogN = logN;
    p.scryptR = 8;
    p.scryptP = 1;
    return p;
}

TEST(PasswordHash, Pbkdf2VerifiesTheRightPasswordOnly) {
    PasswordHasher hasher(fastPbkdf2());
    const std::string hash = hasher.hash("correct horse battery");
    EXPECT_EQ(hash.rfind("$pbkdf2-sha256$i=1000$", 0), 0u) << hash;
    EXPECT_TRUE(hasher.verify("correct horse battery", hash));
    EXPECT_FALSE(hasher.verify("correct horse batterY", hash));
    EXPECT_FALSE(hasher.verify("", hash));
}

TEST(PasswordHash, ScryptVerifiesTheRightPasswordOnly) {
    PasswordHasher hasher(smallScrypt());
    const std::string hash = hasher.hash("correct horse battery");
    EXPECT_EQ(hash.rfind("$scrypt$ln=10,r=8,p=1$", 0), 0u) << hash;
    EXPECT_TRUE(hasher.verify("correct horse battery", hash));
    EXPECT_FALSE(hasher.verify("wrong horse battery", hash));
}

TEST(PasswordHash, EverySaltIsNew) {
    PasswordHasher hasher(fastPbkdf2());
    EXPECT_NE(hasher.hash("same password"), hasher.hash("same password"));
}

TEST(PasswordHash, OldParametersStillVerifyAndAskForARehash) {
    PasswordHasher old(fastPbkdf2(1000));
    PasswordHasher raised(fastPbkdf2(2000));
    PasswordHasher other(smallScrypt());
    const std::string hash = old.hash("s3cret-enough");
    EXPECT_TRUE(raised.verify("s3cret-enough", hash)) << "parameters come from the stored hash";
    EXPECT_TRUE(other.verify("s3cret-enough", hash));
    EXPECT_FALSE(old.needsRehash(hash));
    EXPECT_TRUE(raised.needsRehash(hash));
    EXPECT_TRUE(other.needsRehash(hash));
    EXPECT_FALSE(raised.needsRehash(raised.hash("s3cret-enough")));
}

TEST(PasswordHash, RejectsWhatItDidNotWrite) {
    PasswordHasher hasher(fastPbkdf2());
    const std::string good = hasher.hash("pw-pw-pw-pw");
    for (const std::string& bad :
         {std::string(), std::string("plain"), std::string("$md5$x$y$z"),
          good.substr(0, good.size() - 2), std::string("$pbkdf2-sha256$i=abc$AAAA$AAAA"),
          // out of limits: a stored hash must not make a sign-in run for minutes
          std::string("$pbkdf2-sha256$i=2000000000$c2FsdHNhbHRzYWx0$") + std::string(43, 'A'),
          std::string("$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0$") + std::string(43, 'A')}) {
        EXPECT_FALSE(hasher.verify("pw-pw-pw-pw", bad)) << bad;
        EXPECT_TRUE(hasher.needsRehash(bad)) << bad;
    }
}

TEST(PasswordHash, ParametersOutOfRangeAreRefused) {
    EXPECT_THROW(PasswordHasher(fastPbkdf2(10)), Error);
    EXPECT_THROW(PasswordHasher(smallScrypt(25)), Error);
    HashParameters wide = smallScrypt();
    wide.scryptR = 64;
    wide.scryptP = 2;
    EXPECT_THROW(PasswordHasher{wide}, Error);
    EXPECT_EQ(describe(fastPbkdf2(1234)), "pbkdf2-sha256 (1234 iterations)");
}

}  // namespace
}  // namespace muster::auth
