// A change and its audit event commit together or not at all.

#include "backend_fixture.hpp"

namespace muster::store::testing {
namespace {

class AuditTransactionTest : public BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        migrated();
        acme = createTenant("acme");
    }

    std::vector<AuditEvent> events(std::optional<Id> before = std::nullopt,
                                   std::size_t limit = 50) {
        return inRead([&](Transaction& tx) { return tx.audit().list(acme.id, before, limit); });
    }

    Tenant acme;
};

AuditEvent userEvent(Id tenantId, const User& user, const std::string& action) {
    AuditEvent event;
    event.tenantId = tenantId;
    event.actor = Actor{"token:7", "scim", "10.0.0.1", "Okta SCIM/1.0"};
    event.action = action;
    event.targetType = "user";
    event.targetId = user.id;
    event.targetDisplay = user.userName;
    return event;
}

TEST_P(AuditTransactionTest, CommittedChangeAndEventAreBothVisible) {
    inWrite([&](Transaction& tx) {
        User created = tx.users().create(minimalUser(acme.id, "bob"));
        AuditEvent event = userEvent(acme.id, created, "user.create");
        event.after = Snapshot{{"userName", "bob"}, {"note", "quotes \" and \\ and ünïcode"}};
        AuditEvent recorded = tx.audit().record(event);
        EXPECT_GT(recorded.id, 0);
        EXPECT_GT(recorded.occurredAt, 0);

        User changed = created;
        changed.title = "Boss";
        tx.users().update(changed);
        AuditEvent update = userEvent(acme.id, changed, "user.update");
        update.before = Snapshot{{"title", ""}};
        update.after = Snapshot{{"title", "Boss"}};
        tx.audit().record(update);
    });

    std::vector<AuditEvent> listed = events();
    ASSERT_EQ(listed.size(), 2u);
    // Newest first.
    EXPECT_EQ(listed[0].action, "user.update");
    EXPECT_EQ(listed[0].before, (Snapshot{{"title", ""}}));
    EXPECT_EQ(listed[0].after, (Snapshot{{"title", "Boss"}}));
    EXPECT_EQ(listed[1].action, "user.create");
    EXPECT_FALSE(listed[1].before);
    EXPECT_EQ(listed[1].after,
              (Snapshot{{"userName", "bob"}, {"note", "quotes \" and \\ and ünïcode"}}));
    EXPECT_EQ(listed[1].actor.id, "token:7");
    EXPECT_EQ(listed[1].actor.source, "scim");
    EXPECT_EQ(listed[1].actor.sourceAddress, "10.0.0.1");
    EXPECT_EQ(listed[1].actor.userAgent, "Okta SCIM/1.0");
    EXPECT_EQ(listed[1].targetType, "user");
    EXPECT_EQ(listed[1].targetDisplay, "bob");
    EXPECT_TRUE(listed[1].targetId);

    // Paging back from the newest.
    std::vector<AuditEvent> older = events(listed[0].id, 10);
    ASSERT_EQ(older.size(), 1u);
    EXPECT_EQ(older[0].id, listed[1].id);
    EXPECT_EQ(events(std::nullopt, 1).size(), 1u);
}

TEST_P(AuditTransactionTest, UncommittedChangeAndEventBothVanish) {
    {
        auto tx = store_->beginWrite();
        User created = tx->users().create(minimalUser(acme.id, "bob"));
        tx->audit().record(userEvent(acme.id, created, "user.create"));
        // Destroyed without commit(): rolled back.
    }
    EXPECT_FALSE(
        inRead([&](Transaction& tx) { return tx.users().findByUserName(acme.id, "bob"); }));
    EXPECT_TRUE(events().empty());
    EXPECT_EQ(store_->poolStats().inUse, 0u);
}

TEST_P(AuditTransactionTest, AFailedWriteRollsBackWhatCameBeforeIt) {
    inWrite([&](Transaction& tx) { tx.users().create(minimalUser(acme.id, "taken")); });
    EXPECT_THROW(inWrite([&](Transaction& tx) {
                     tx.users().create(minimalUser(acme.id, "first"));
                     tx.users().create(minimalUser(acme.id, "TAKEN"));
                 }),
                 Error);
    EXPECT_FALSE(
        inRead([&](Transaction& tx) { return tx.users().findByUserName(acme.id, "first"); }));
}

TEST_P(AuditTransactionTest, EventsOfTargetsThatNoLongerExistRemain) {
    inWrite([&](Transaction& tx) {
        User created = tx.users().create(minimalUser(acme.id, "bob"));
        tx.users().remove(acme.id, created.id);
        tx.audit().record(userEvent(acme.id, created, "user.delete"));
    });
    ASSERT_EQ(events().size(), 1u);
    EXPECT_EQ(events()[0].action, "user.delete");
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTransactionTest,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         backendLabel);

}  // namespace
}  // namespace muster::store::testing
