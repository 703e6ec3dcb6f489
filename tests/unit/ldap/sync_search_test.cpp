// RFC 4533 refreshOnly against slapd with syncprov: initial content and a
// cookie, then only what changed, and deletions.

#include "muster/ldap/sync_search.hpp"

#include <gtest/gtest.h>

#include <set>

#include "slapd_fixture.hpp"

namespace muster::test {
namespace {

struct Collected {
    std::map<std::string, std::string> changed;  // uuid -> uid
    std::set<std::string> present;
    std::set<std::string> deleted;
    ldap::SyncResult result;
};

class SyncSearchTest : public SlapdTest {
  protected:
    Collected refresh(const std::string& cookie) {
        ldap::Connection connection(rootOptions());
        ldap::SearchRequest request;
        request.base = slapd->peopleDn();
        request.filter = "(objectClass=inetOrgPerson)";
        request.attributes = {"uid", "entryUUID"};
        Collected out;
        ldap::SyncEvents events;
        events.changed = [&](const std::string& uuid, const ldap::Entry& entry) {
            EXPECT_EQ(uuid, entry.first("entryUUID"));
            out.changed[uuid] = entry.first("uid");
        };
        events.present = [&](const std::string& uuid) { out.present.insert(uuid); };
        events.deleted = [&](const std::string& uuid) { out.deleted.insert(uuid); };
        out.result = ldap::refreshOnly(connection, request, cookie, events);
        return out;
    }
};

TEST_F(SyncSearchTest, InitialRefreshThenOnlyChangesAndDeletions) {
    slapd->add(personLdif(slapd->peopleDn(), "ann", "Ann", "A") +
               personLdif(slapd->peopleDn(), "bob", "Bob", "B") +
               personLdif(slapd->peopleDn(), "cyd", "Cyd", "C"));
    const Collected first = refresh("");
    ASSERT_EQ(first.changed.size(), 3u);
    EXPECT_FALSE(first.result.cookie.empty());
    std::string bobUuid;
    std::string cydUuid;
    for (const auto& [uuid, uid] : first.changed) {
        if (uid == "bob") bobUuid = uuid;
        if (uid == "cyd") cydUuid = uuid;
    }

    slapd->modify("dn: uid=bob," + slapd->peopleDn() +
                  "\nchangetype: modify\nreplace: sn\nsn: Bobson\n\n"
                  "dn: uid=cyd," +
                  slapd->peopleDn() + "\nchangetype: delete\n");
    const Collected second = refresh(first.result.cookie);
    EXPECT_EQ(second.changed.size(), 1u);
    EXPECT_EQ(second.changed.count(bobUuid), 1u);
    EXPECT_NE(second.result.cookie, first.result.cookie);
    // Either the server names the deleted entry, or it lists who is still
    // there (present phase) and cyd is not among them.
    if (second.result.presentPhase) {
        std::set<std::string> stillThere = second.present;
        for (const auto& [uuid, uid] : second.changed) stillThere.insert(uuid);
        EXPECT_EQ(stillThere.size(), 2u);
        EXPECT_EQ(stillThere.count(cydUuid), 0u);
    } else {
        EXPECT_EQ(second.deleted, std::set<std::string>{cydUuid});
    }

    const Collected third = refresh(second.result.cookie);
    EXPECT_TRUE(third.changed.empty());
    EXPECT_TRUE(third.deleted.empty());
}

}  // namespace
}  // namespace muster::test
