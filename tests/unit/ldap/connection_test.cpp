// libldap wrappers against a real slapd: bind, bad credentials, paging,
// StartTLS and LDAPS with a self-signed CA, filter injection, server down.

#include <gtest/gtest.h>
#include <ldap.h>

#include <map>
#include <set>

#include "muster/ldap/filter.hpp"
#include "muster/ldap/ldap_error.hpp"
#include "slapd_fixture.hpp"

namespace muster::test {
namespace {

using ldap::Connection;
using ldap::LdapError;

class LdapConnectionTest : public SlapdTest {
  protected:
    void addPeople(int count) {
        std::string ldif;
        for (int i = 0; i < count; ++i) {
            ldif += personLdif(slapd->peopleDn(), "user" + std::to_string(i),
                               "Given" + std::to_string(i), "Surname");
        }
        slapd->add(ldif);
    }

    std::vector<std::string> uidsMatching(Connection& connection, const std::string& filter) {
        ldap::SearchRequest request;
        request.base = slapd->peopleDn();
        request.filter = filter;
        request.attributes = {"uid"};
        std::vector<std::string> uids;
        connection.search(request, [&](const ldap::Entry& entry) {
            uids.push_back(entry.first("uid"));
            return true;
        });
        return uids;
    }
};

TEST_F(LdapConnectionTest, BindsAndReadsTheRootDse) {
    Connection connection(rootOptions());
    const ldap::Entry root = connection.rootDse();
    EXPECT_EQ(root.first("namingContexts"), slapd->suffix());
}

TEST_F(LdapConnectionTest, BadCredentialsGiveTheLdapCodeAndNoPassword) {
    ldap::ConnectionOptions options = rootOptions();
    options.password = "wrong-password-123";
    try {
        Connection connection(options);
        FAIL() << "bind with a wrong password succeeded";
    } catch (const LdapError& error) {
        EXPECT_EQ(error.resultCode(), LDAP_INVALID_CREDENTIALS);
        EXPECT_EQ(error.code(), ErrorCode::forbidden);
        const std::string message = error.what();
        EXPECT_NE(message.find("Invalid credentials (49)"), std::string::npos) << message;
        EXPECT_NE(message.find(slapd->rootDn()), std::string::npos) << message;
        EXPECT_EQ(message.find("wrong-password-123"), std::string::npos) << message;
    }
}

TEST_F(LdapConnectionTest, PagedSearchReturnsEveryEntryPastTheServerSizeLimit) {
    addPeople(25);
    // The reader may get 10 entries per search unless it pages (see slapd_server.cpp).
    ldap::ConnectionOptions options = rootOptions();
    options.bindDn = slapd->readerDn();
    Connection reader(options);
    ldap::SearchRequest request;
    request.base = slapd->peopleDn();
    request.filter = "(objectClass=inetOrgPerson)";
    request.attributes = {"uid"};
    request.pageSize = 7;  // 4 pages
    std::set<std::string> uids;
    const std::size_t visited = reader.search(request, [&](const ldap::Entry& entry) {
        uids.insert(entry.first("uid"));
        return true;
    });
    EXPECT_EQ(visited, 25u);
    EXPECT_EQ(uids.size(), 25u);

    // Without paging the same search hits the size limit: paging is what made it work.
    request.pageSize = 0;
    try {
        reader.search(request, [](const ldap::Entry&) { return true; });
        FAIL() << "an unpaged search of 25 entries passed a size limit of 10";
    } catch (const LdapError& error) {
        EXPECT_EQ(error.resultCode(), LDAP_SIZELIMIT_EXCEEDED);
    }
}

TEST_F(LdapConnectionTest, VisitorCanStopASearchEarly) {
    addPeople(5);
    Connection connection(rootOptions());
    ldap::SearchRequest request;
    request.base = slapd->peopleDn();
    request.filter = "(objectClass=inetOrgPerson)";
    request.pageSize = 2;
    int seen = 0;
    connection.search(request, [&](const ldap::Entry&) { return ++seen < 3; });
    EXPECT_EQ(seen, 3);
    // The connection is still usable afterwards.
    EXPECT_EQ(uidsMatching(connection, "(uid=user4)").size(), 1u);
}

TEST_F(LdapConnectionTest, EachEntryHasExactlyItsOwnAttributesAndValues) {
    // Entries are decoded into one reused Entry: nothing of the previous
    // entry (an attribute, a value, a longer value) may leak into the next.
    slapd->add(personLdif(slapd->peopleDn(), "a1", "Alexandra-With-A-Long-Name", "One",
                          "mail: second@example.com\nmail: third@example.com\ntitle: Engineer") +
               personLdif(slapd->peopleDn(), "a2", "Bo", "Two") + "dn: uid=a3," +
               slapd->peopleDn() +
               "\nobjectClass: inetOrgPerson\nuid: a3\ncn: Cy\nsn: Three\n"
               "description: only here\n\n");
    Connection connection(rootOptions());
    ldap::SearchRequest request;
    request.base = slapd->peopleDn();
    request.filter = "(uid=a*)";
    request.attributes = {"uid", "givenName", "sn", "mail", "title", "description"};
    request.pageSize = 1;  // one entry per page: the decoder outlives pages
    std::map<std::string, ldap::Entry> byUid;
    connection.search(request, [&](const ldap::Entry& entry) {
        byUid[entry.first("uid")] = entry;
        return true;
    });
    ASSERT_EQ(byUid.size(), 3u);
    const ldap::Entry& a1 = byUid["a1"];
    const ldap::Entry& a2 = byUid["a2"];
    const ldap::Entry& a3 = byUid["a3"];
    EXPECT_EQ(a1.dn, "uid=a1," + slapd->peopleDn());
    EXPECT_EQ(a1.values("mail"), (std::vector<std::string>{"a1@example.com", "second@example.com",
                                                           "third@example.com"}));
    EXPECT_EQ(a1.first("givenName"), "Alexandra-With-A-Long-Name");
    EXPECT_EQ(a1.first("title"), "Engineer");
    EXPECT_EQ(a2.dn, "uid=a2," + slapd->peopleDn());
    EXPECT_EQ(a2.values("mail"), std::vector<std::string>{"a2@example.com"});
    EXPECT_EQ(a2.first("givenName"), "Bo");
    EXPECT_FALSE(a2.has("title"));
    EXPECT_FALSE(a2.has("description"));
    EXPECT_FALSE(a3.has("mail"));
    EXPECT_EQ(a3.first("description"), "only here");
    // Names are kept lower-cased; an entry has no key for what it lacks.
    EXPECT_EQ(a1.attributes.count("givenname"), 1u);
    EXPECT_EQ(a3.attributes.count("givenname"), 0u);
    EXPECT_EQ(a3.attributes.count("mail"), 0u);
    EXPECT_EQ(a3.attributes.count("title"), 0u);
}

TEST_F(LdapConnectionTest, FilterInjectionInAValueIsEscaped) {
    addPeople(3);
    Connection connection(rootOptions());
    // Pasted raw into "(&(objectClass=inetOrgPerson)(uid=%s))" this matches everyone.
    const std::string hostile = "*)(uid=*";
    EXPECT_EQ(
        uidsMatching(connection, "(&(objectClass=inetOrgPerson)(uid=" + hostile + "))").size(), 3u)
        << "the unescaped filter should be the dangerous one";
    EXPECT_TRUE(uidsMatching(connection, ldap::allOf({"(objectClass=inetOrgPerson)",
                                                      ldap::equalityFilter("uid", hostile)}))
                    .empty());
    EXPECT_EQ(uidsMatching(connection, ldap::equalityFilter("uid", "user1")),
              std::vector<std::string>{"user1"});
}

TEST_F(LdapConnectionTest, StartTlsWithTheTestCa) {
    ldap::ConnectionOptions options = rootOptions();
    options.tls = ldap::TlsMode::starttls;
    options.caFile = slapd->caFile();
    Connection connection(options);
    EXPECT_EQ(connection.rootDse().first("namingContexts"), slapd->suffix());
}

TEST_F(LdapConnectionTest, LdapsWithTheTestCa) {
    ldap::ConnectionOptions options = rootOptions();
    options.url = slapd->ldapsUrl();
    options.tls = ldap::TlsMode::ldaps;
    options.caFile = slapd->caFile();
    Connection connection(options);
    EXPECT_EQ(connection.rootDse().first("namingContexts"), slapd->suffix());
}

TEST_F(LdapConnectionTest, StartTlsRefusesACertificateFromAnotherCa) {
    ldap::ConnectionOptions options = rootOptions();
    options.tls = ldap::TlsMode::starttls;
    options.caFile = slapd->otherCaFile();
    options.connectAttempts = 1;
    try {
        Connection connection(options);
        FAIL() << "StartTLS trusted a certificate its CA file does not vouch for";
    } catch (const LdapError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("StartTLS failed"), std::string::npos) << message;
    }
}

TEST_F(LdapConnectionTest, ServerDownIsAClearUnavailableErrorAfterRetries) {
    slapd->stop();
    ldap::ConnectionOptions options = rootOptions();
    options.connectAttempts = 2;
    options.firstRetryDelay = std::chrono::milliseconds(10);
    try {
        Connection connection(options);
        FAIL() << "connected to a stopped server";
    } catch (const LdapError& error) {
        EXPECT_EQ(error.code(), ErrorCode::unavailable);
        EXPECT_EQ(error.resultCode(), LDAP_SERVER_DOWN);
        const std::string message = error.what();
        EXPECT_NE(message.find(slapd->url()), std::string::npos) << message;
        EXPECT_NE(message.find("Can't contact LDAP server"), std::string::npos) << message;
    }
}

TEST_F(LdapConnectionTest, ServerStoppedBetweenSearchesFailsTheNextSearch) {
    addPeople(2);
    Connection connection(rootOptions());
    EXPECT_EQ(uidsMatching(connection, "(objectClass=inetOrgPerson)").size(), 2u);
    slapd->stop();
    try {
        uidsMatching(connection, "(objectClass=inetOrgPerson)");
        FAIL() << "searched a stopped server";
    } catch (const LdapError& error) {
        EXPECT_EQ(error.code(), ErrorCode::unavailable) << error.what();
    }
}

TEST_F(LdapConnectionTest, MissingBaseDnIsReportedAsSuch) {
    Connection connection(rootOptions());
    ldap::SearchRequest request;
    request.base = "ou=nowhere," + slapd->suffix();
    try {
        connection.search(request, [](const ldap::Entry&) { return true; });
        FAIL();
    } catch (const LdapError& error) {
        EXPECT_EQ(error.resultCode(), LDAP_NO_SUCH_OBJECT);
        EXPECT_NE(std::string(error.what()).find("ou=nowhere"), std::string::npos);
    }
}

}  // namespace
}  // namespace muster::test
