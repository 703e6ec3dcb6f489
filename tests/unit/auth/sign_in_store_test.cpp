// Sign-in against a real store, on SQLite and on PostgreSQL: the repository
// of migration 6 (sessions, single-use tokens, TOTP steps, recovery codes,
// throttles, outbox, settings, activity) and SignInService / OutboxWorker on
// top of it.

#include "muster/core/sign_in_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "backend_fixture.hpp"
#include "muster/auth/mail.hpp"
#include "muster/auth/secrets.hpp"
#include "muster/auth/sign_in.hpp"

namespace muster::store::testing {
namespace {

struct Seeded {
    Tenant tenant;
    User user;
};

class SignInStoreTest : public BackendTest {
  protected:
    Seeded seed(const std::string& userName);
};

Seeded SignInStoreTest::seed(const std::string& userName) {
    Seeded out;
    out.tenant = createTenant("t-" + userName);
    out.user = inWrite([&](Transaction& tx) {
        User user = minimalUser(out.tenant.id, userName);
        user.identifiers.push_back(email(userName + "@example.com", true));
        user.roles = {"employee"};
        return tx.users().create(user);
    });
    return out;
}

TEST_P(SignInStoreTest, SingleUseTokensWorkOnceAndNotAfterExpiry) {
    migrated();
    const Seeded s = seed("ann");
    const Timestamp now = nowMillis();
    inWrite([&](Transaction& tx) {
        for (const char* hash : {"h-valid", "h-expired"}) {
            SingleUseToken token;
            token.tenantId = s.tenant.id;
            token.userId = s.user.id;
            token.purpose = TokenPurpose::invite;
            token.tokenHash = hash;
            token.createdAt = now;
            token.expiresAt = std::string(hash) == "h-valid" ? now + 60'000 : now - 1;
            tx.signIn().createToken(token);
        }
    });
    inWrite([&](Transaction& tx) {
        EXPECT_FALSE(tx.signIn().consumeToken(TokenPurpose::password_reset, "h-valid", now))
            << "the purpose must match";
        std::optional<SingleUseToken> used =
            tx.signIn().consumeToken(TokenPurpose::invite, "h-valid", now);
        ASSERT_TRUE(used);
        EXPECT_EQ(used->userId, s.user.id);
        EXPECT_FALSE(tx.signIn().consumeToken(TokenPurpose::invite, "h-valid", now)) << "used once";
        EXPECT_FALSE(tx.signIn().consumeToken(TokenPurpose::invite, "h-expired", now)) << "expired";
    });
}

TEST_P(SignInStoreTest, InvalidatingTokensStopsTheOutstandingOnes) {
    migrated();
    const Seeded s = seed("ben");
    const Timestamp now = nowMillis();
    inWrite([&](Transaction& tx) {
        SingleUseToken token{0,     s.tenant.id, s.user.id,    TokenPurpose::password_reset,
                             "h-1", now,         now + 60'000, std::nullopt};
        tx.signIn().createToken(token);
        EXPECT_EQ(
            tx.signIn().invalidateTokens(s.tenant.id, s.user.id, TokenPurpose::password_reset, now),
            1);
        EXPECT_FALSE(tx.signIn().consumeToken(TokenPurpose::password_reset, "h-1", now));
    });
}

TEST_P(SignInStoreTest, SessionsAreFoundByHashListedAndRevoked) {
    migrated();
    const Seeded s = seed("cat");
    const Timestamp now = nowMillis();
    SignInSession created = inWrite([&](Transaction& tx) {
        SignInSession session;
        session.tenantId = s.tenant.id;
        session.userId = s.user.id;
        session.secretHash = auth::sha256Hex("mss_one");
        session.restriction = SessionRestriction::password_change;
        session.authzVersion = 1;
        session.createdAt = session.lastSeenAt = now;
        session.expiresAt = now + 60'000;
        tx.signIn().createSession(session);
        session.secretHash = auth::sha256Hex("mss_two");
        session.restriction = SessionRestriction::none;
        return tx.signIn().createSession(session);
    });
    inWrite([&](Transaction& tx) {
        std::optional<SignInSession> found =
            tx.signIn().findSessionBySecretHash(auth::sha256Hex("mss_one"));
        ASSERT_TRUE(found);
        EXPECT_EQ(found->restriction, SessionRestriction::password_change);
        tx.signIn().setSessionRestriction(found->id, SessionRestriction::none);
        tx.signIn().touchSession(found->id, now + 5, 2);
        found = tx.signIn().findSessionBySecretHash(auth::sha256Hex("mss_one"));
        EXPECT_EQ(found->restriction, SessionRestriction::none);
        EXPECT_EQ(found->lastSeenAt, now + 5);
        EXPECT_EQ(found->authzVersion, 2);
        ASSERT_EQ(tx.signIn().sessionsOf(s.tenant.id, s.user.id).size(), 2u);
        EXPECT_EQ(tx.signIn().sessionsOf(s.tenant.id, s.user.id).front().id, created.id)
            << "newest first";
        EXPECT_FALSE(tx.signIn().deleteSession(s.tenant.id + 1, s.user.id, created.id))
            << "not across tenants";
        EXPECT_TRUE(tx.signIn().deleteSession(s.tenant.id, s.user.id, created.id));
        EXPECT_EQ(tx.signIn().deleteSessionsOf(s.tenant.id, s.user.id), 1);
    });
}

TEST_P(SignInStoreTest, TotpStepsAdvanceOnlyForwardAndRecoveryCodesWorkOnce) {
    migrated();
    const Seeded s = seed("dan");
    inWrite([&](Transaction& tx) {
        TotpEnrolment totp{s.tenant.id, s.user.id,   "v1.sealed", true,
                           100,         nowMillis(), nowMillis()};
        tx.signIn().saveTotp(totp);
        EXPECT_FALSE(tx.signIn().advanceTotpStep(s.tenant.id, s.user.id, 100)) << "replay";
        EXPECT_FALSE(tx.signIn().advanceTotpStep(s.tenant.id, s.user.id, 99));
        EXPECT_TRUE(tx.signIn().advanceTotpStep(s.tenant.id, s.user.id, 101));
        EXPECT_EQ(tx.signIn().findTotp(s.tenant.id, s.user.id)->lastUsedStep, 101);

        tx.signIn().replaceRecoveryCodes(s.tenant.id, s.user.id, {"c1", "c2"});
        EXPECT_TRUE(tx.signIn().useRecoveryCode(s.tenant.id, s.user.id, "c1", nowMillis()));
        EXPECT_FALSE(tx.signIn().useRecoveryCode(s.tenant.id, s.user.id, "c1", nowMillis()));
        EXPECT_EQ(tx.signIn().countUnusedRecoveryCodes(s.tenant.id, s.user.id), 1);
        tx.signIn().deleteTotp(s.tenant.id, s.user.id);
        EXPECT_FALSE(tx.signIn().findTotp(s.tenant.id, s.user.id));
        EXPECT_EQ(tx.signIn().countUnusedRecoveryCodes(s.tenant.id, s.user.id), 0);
    });
}

TEST_P(SignInStoreTest, ThrottlesSettingsAndSignInNames) {
    migrated();
    const Seeded s = seed("eva");
    inWrite([&](Transaction& tx) {
        EXPECT_FALSE(tx.signIn().findThrottle(s.tenant.id, ThrottleKind::account, "eva"));
        tx.signIn().saveThrottle(s.tenant.id, ThrottleKind::account, "eva", {3, 10, 20});
        tx.signIn().saveThrottle(s.tenant.id, ThrottleKind::account, "eva", {4, 11, 21});
        EXPECT_EQ(tx.signIn().findThrottle(s.tenant.id, ThrottleKind::account, "eva")->failures, 4);
        EXPECT_FALSE(tx.signIn().findThrottle(s.tenant.id, ThrottleKind::address, "eva"));
        tx.signIn().clearThrottle(s.tenant.id, ThrottleKind::account, "eva");
        EXPECT_FALSE(tx.signIn().findThrottle(s.tenant.id, ThrottleKind::account, "eva"));

        EXPECT_FALSE(tx.signIn().settings(s.tenant.id).mfaRequired);
        tx.signIn().saveSettings(s.tenant.id, {true});
        EXPECT_TRUE(tx.signIn().settings(s.tenant.id).mfaRequired);

        EXPECT_EQ(tx.signIn().usersWithSignInName(s.tenant.id, "EVA"), std::vector<Id>{s.user.id});
        EXPECT_EQ(tx.signIn().usersWithSignInName(s.tenant.id, "Eva@Example.com"),
                  std::vector<Id>{s.user.id});
        EXPECT_TRUE(tx.signIn().usersWithSignInName(s.tenant.id, "nobody").empty());
    });
}

TEST_P(SignInStoreTest, RemovingAUserRemovesItsSignInRows) {
    migrated();
    const Seeded s = seed("fin");
    inWrite([&](Transaction& tx) {
        tx.signIn().saveCredential({s.tenant.id, s.user.id, "$x", true, nowMillis()});
        SignInSession session;
        session.tenantId = s.tenant.id;
        session.userId = s.user.id;
        session.secretHash = "h";
        session.expiresAt = nowMillis() + 1000;
        tx.signIn().createSession(session);
        tx.users().remove(s.tenant.id, s.user.id);
        EXPECT_FALSE(tx.signIn().findCredential(s.tenant.id, s.user.id));
        EXPECT_FALSE(tx.signIn().findSessionBySecretHash("h"));
    });
}

auth::SignInOptions fastOptions() {
    auth::SignInOptions options;
    options.hash.pbkdf2Iterations = 1000;
    options.accountThrottle.freeFailures = 2;
    options.seedCipher = auth::SeedCipher(auth::randomBytes(32));
    return options;
}

TEST_P(SignInStoreTest, SignInServiceSignsInRehashesAndThrottles) {
    migrated();
    const Seeded s = seed("gus");
    auth::SignInOptions oldCost = fastOptions();
    oldCost.defaultTenant = s.tenant.name;
    auth::SignInService before(*store_, oldCost);
    inWrite([&](Transaction& tx) {
        before.credentials().setPassword(tx, s.user, "teal-Kestrel-ridge-17", false);
    });
    auth::SignInOptions raised = oldCost;
    raised.hash.pbkdf2Iterations = 2000;
    auth::SignInService service(*store_, raised);
    auth::LoginAttempt attempt{"", "gus", "teal-Kestrel-ridge-17", "", {"10.0.0.1", "test"}};
    auth::LoginResult result = service.login(attempt);
    ASSERT_TRUE(result.session);
    EXPECT_TRUE(service.resolve(result.session->secret));
    EXPECT_EQ(inRead([&](Transaction& tx) {
                  return tx.signIn().findCredential(s.tenant.id, s.user.id)->passwordHash;
              }).rfind("$pbkdf2-sha256$i=2000$", 0),
              0u)
        << "raised parameters reach the stored hash at sign-in";

    attempt.password = "wrong";
    for (int i = 0; i < 3; ++i) EXPECT_THROW(service.login(attempt), Error);
    attempt.password = "teal-Kestrel-ridge-17";
    EXPECT_THROW(service.login(attempt), auth::SignInLockedOut);
}

TEST_P(SignInStoreTest, OutboxRetriesWithBackOffThenDeliversAndErasesTheBody) {
    migrated();
    const Seeded s = seed("hal");
    const Id id = inWrite([&](Transaction& tx) {
        OutboxMail mail;
        mail.tenantId = s.tenant.id;
        mail.recipient = "hal@example.com";
        mail.subject = "Hi";
        mail.body = "link with a secret";
        return tx.signIn().enqueueMail(mail);
    });
    std::atomic<int> calls{0};
    auth::DeliveryOptions options;
    options.firstRetry = std::chrono::seconds(60);
    options.pollInterval = std::chrono::hours(1);  // only the explicit passes below
    auth::OutboxWorker worker(
        *store_,
        [&](const OutboxMail& mail) {
            EXPECT_EQ(mail.body, "link with a secret");
            if (++calls == 1) throw std::runtime_error("421 try again later");
        },
        options);
    // The worker's own first pass may be the one that runs the failing attempt.
    auto mailNow = [&] {
        return *inRead([&](Transaction& tx) { return tx.signIn().findMail(id); });
    };
    for (int i = 0; i < 100 && mailNow().attempts == 0; ++i) {
        worker.deliverDue();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(calls, 1);
    OutboxMail failed = mailNow();
    EXPECT_EQ(failed.status, MailStatus::pending);
    EXPECT_EQ(failed.attempts, 1);
    EXPECT_EQ(failed.lastError, "421 try again later");
    EXPECT_GE(failed.nextAttemptAt, nowMillis() + 50'000) << "backed off";
    EXPECT_EQ(worker.deliverDue(), 0) << "not due yet";

    inWrite([&](Transaction& tx) { tx.signIn().markMailFailed(id, 1, 0, "due now", false); });
    EXPECT_EQ(worker.deliverDue(), 1);
    OutboxMail sent = *inRead([&](Transaction& tx) { return tx.signIn().findMail(id); });
    EXPECT_EQ(sent.status, MailStatus::sent);
    EXPECT_TRUE(sent.sentAt);
    EXPECT_EQ(sent.body, "") << "the link does not stay in the database";
}

TEST_P(SignInStoreTest, OutboxGivesUpAfterTheLastAttempt) {
    migrated();
    const Seeded s = seed("ivy");
    const Id id = inWrite([&](Transaction& tx) {
        return tx.signIn().enqueueMail({0, s.tenant.id, "ivy@example.com", "s", "b",
                                        MailStatus::pending, 0, "", 0, 0, std::nullopt});
    });
    auth::DeliveryOptions options;
    options.maxAttempts = 1;
    options.pollInterval = std::chrono::hours(1);
    auth::OutboxWorker worker(
        *store_, [](const OutboxMail&) { throw std::runtime_error("550 no such user"); }, options);
    auto mailNow = [&] {
        return *inRead([&](Transaction& tx) { return tx.signIn().findMail(id); });
    };
    for (int i = 0; i < 100 && mailNow().status == MailStatus::pending; ++i) {
        worker.deliverDue();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    OutboxMail mail = mailNow();
    EXPECT_EQ(mail.status, MailStatus::failed);
    EXPECT_EQ(mail.body, "");
}

TEST_P(SignInStoreTest, ActivityIsTheUsersEventsNewestFirstPaged) {
    migrated();
    const Seeded s = seed("jo");
    const Seeded other = seed("kai");
    inWrite([&](Transaction& tx) {
        for (int i = 0; i < 5; ++i) {
            AuditEvent event;
            event.tenantId = s.tenant.id;
            event.actor = Actor{"user:" + std::to_string(s.user.id), "user", "10.1.1.1", "ua"};
            event.action = "auth.login";
            event.targetType = "user";
            event.targetId = s.user.id;
            event.after = Snapshot{{"n", std::to_string(i)}};
            tx.audit().record(event);
            event.targetId = other.user.id;
            event.tenantId = other.tenant.id;
            tx.audit().record(event);
        }
    });
    inRead([&](Transaction& tx) {
        std::vector<AuditEvent> page = tx.signIn().userActivity(s.tenant.id, s.user.id, {}, 3);
        ASSERT_EQ(page.size(), 3u);
        EXPECT_EQ((*page[0].after)["n"], "4");
        EXPECT_EQ(page[0].actor.sourceAddress, "10.1.1.1");
        std::vector<AuditEvent> rest =
            tx.signIn().userActivity(s.tenant.id, s.user.id, page.back().id, 10);
        ASSERT_EQ(rest.size(), 2u);
        EXPECT_EQ((*rest[0].after)["n"], "1");
        EXPECT_TRUE(tx.signIn().userActivity(s.tenant.id, other.user.id, {}, 10).empty())
            << "another tenant's events never show";
    });
}

INSTANTIATE_TEST_SUITE_P(Backends, SignInStoreTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
