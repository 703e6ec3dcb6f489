#include "muster/auth/password_policy.hpp"

#include <gtest/gtest.h>

#include "muster/auth/sign_in.hpp"
#include "muster/core/error.hpp"

namespace muster::auth {
namespace {

User kim() {
    User user;
    user.userName = "kim.lee@example.com";
    user.displayName = "Kim Lee";
    user.name.givenName = "Kim";
    user.name.familyName = "Lee";
    Identifier mail;
    mail.kind = IdentifierKind::email;
    mail.value = "k.lee@corp.example";
    user.identifiers.push_back(mail);
    return user;
}

// The message of the refusal, or "" when the password passes.
std::string refusal(const std::string& password, PasswordPolicy policy = {}) {
    try {
        checkPassword(policy, password, kim());
        return "";
    } catch (const Error& error) {
        EXPECT_EQ(error.attribute(), "password");
        EXPECT_EQ(std::string(error.what()).find(password), std::string::npos)
            << "the password is never echoed";
        return error.what();
    }
}

TEST(PasswordPolicy, AcceptsALongUnusualPassword) {
    EXPECT_EQ(refusal("violet-tram-Quartz-81"), "");
}

TEST(PasswordPolicy, EnforcesTheLengthRange) {
    EXPECT_NE(refusal("Sh0rt-pw!").find("at least 12"), std::string::npos);
    EXPECT_NE(refusal(std::string(257, 'x') + "abcd").find("at most 256"), std::string::npos);
    PasswordPolicy relaxed;
    relaxed.minLength = 8;
    EXPECT_EQ(refusal("Tq7#vLp2", relaxed), "");
}

TEST(PasswordPolicy, RefusesCommonPasswordsEvenDecorated) {
    EXPECT_GT(commonPasswords().size(), 200u);
    PasswordPolicy relaxed;
    relaxed.minLength = 6;
    EXPECT_NE(refusal("password123", relaxed).find("too common"), std::string::npos);
    EXPECT_NE(refusal("Qwertyuiop", relaxed).find("too common"), std::string::npos);
    EXPECT_NE(refusal("Summer2024!!", relaxed).find("too common"), std::string::npos);
    EXPECT_NE(refusal("Welcome123!", relaxed).find("too common"), std::string::npos);
    EXPECT_TRUE(isCommonPassword("LETMEIN"));
    EXPECT_FALSE(isCommonPassword("violet-tram-Quartz-81"));
}

TEST(PasswordPolicy, RefusesTheUsersOwnNamesAndIdentifiers) {
    EXPECT_NE(refusal("kim.lee@example.com").find("name or identifiers"), std::string::npos);
    EXPECT_NE(refusal("K.Lee@Corp.Example").find("name or identifiers"), std::string::npos);
    EXPECT_NE(refusal("my-kim.lee-password").find("name or identifiers"), std::string::npos);
    EXPECT_NE(refusal("aaaaaaaaaaaaaaaa").find("different characters"), std::string::npos);
}

TEST(PasswordPolicy, GeneratedTemporaryPasswordsPass) {
    for (int i = 0; i < 20; ++i) {
        const std::string password = Credentials::generateTemporaryPassword();
        EXPECT_EQ(password.size(), 20u);
        EXPECT_EQ(refusal(password), "") << password;
    }
    EXPECT_NE(Credentials::generateTemporaryPassword(), Credentials::generateTemporaryPassword());
}

}  // namespace
}  // namespace muster::auth
