// The pure rules of sign-in: throttle back-off, mail templates, mail
// addresses, retry delays.

#include <gtest/gtest.h>

#include "muster/auth/mail.hpp"
#include "muster/auth/sign_in.hpp"

namespace muster::auth {
namespace {

TEST(Throttle, FreeFailuresThenDoublingLockoutUpToTheCap) {
    ThrottlePolicy policy;  // 5 free, 30 s doubling, 900 s cap, forget after 1 h
    std::optional<SignInThrottle> state;
    const Timestamp now = 1'000'000;
    for (int i = 1; i <= 5; ++i) {
        state = afterFailure(policy, state, now);
        EXPECT_EQ(state->failures, i);
        EXPECT_EQ(state->lockedUntil, 0) << "failure " << i << " is free";
    }
    state = afterFailure(policy, state, now);
    EXPECT_EQ(state->lockedUntil, now + 30'000);
    state = afterFailure(policy, state, now);
    EXPECT_EQ(state->lockedUntil, now + 60'000);
    state = afterFailure(policy, state, now);
    EXPECT_EQ(state->lockedUntil, now + 120'000);
    for (int i = 0; i < 40; ++i) state = afterFailure(policy, state, now);
    EXPECT_EQ(state->lockedUntil, now + 900'000) << "capped, and no overflow";
}

TEST(Throttle, OldFailuresAreForgotten) {
    ThrottlePolicy policy;
    SignInThrottle old{9, 0, 500'000};
    const SignInThrottle next = afterFailure(policy, old, 3'600'000 + 1);
    EXPECT_EQ(next.failures, 1);
    EXPECT_EQ(next.lockedUntil, 0);
}

TEST(MailTemplates, ReplaceKnownNamesAndKeepUnknownOnes) {
    EXPECT_EQ(renderTemplate("Hi {{displayName}}: {{link}} {{nope}} {{",
                             {{"displayName", "Kim"}, {"link", "http://x/?t=1"}}),
              "Hi Kim: http://x/?t=1 {{nope}} {{");
}

TEST(MailAddress, PrefersPrimaryEmailThenAnyEmailThenUpnThenUserName) {
    User user;
    user.userName = "kim";
    EXPECT_EQ(mailAddressOf(user), "");
    user.userName = "kim@example.com";
    EXPECT_EQ(mailAddressOf(user), "kim@example.com");
    Identifier upn{0, IdentifierKind::upn, "kim@corp.example", "", false, "", false};
    user.identifiers.push_back(upn);
    EXPECT_EQ(mailAddressOf(user), "kim@corp.example");
    Identifier home{0, IdentifierKind::email, "kim@home.example", "", false, "home", false};
    user.identifiers.push_back(home);
    EXPECT_EQ(mailAddressOf(user), "kim@home.example");
    Identifier work{0, IdentifierKind::email, "kim@work.example", "", false, "work", true};
    user.identifiers.push_back(work);
    EXPECT_EQ(mailAddressOf(user), "kim@work.example");
}

TEST(MailDelivery, RetriesBackOffExponentiallyUpToTheCap) {
    DeliveryOptions options;  // 5 s first, 1 h cap
    EXPECT_EQ(retryDelay(options, 1).count(), 5);
    EXPECT_EQ(retryDelay(options, 2).count(), 10);
    EXPECT_EQ(retryDelay(options, 4).count(), 40);
    EXPECT_EQ(retryDelay(options, 30).count(), 3600);
}

}  // namespace
}  // namespace muster::auth
