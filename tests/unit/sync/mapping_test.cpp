// The mapping's fingerprint decides, before mapping, that an entry is
// unchanged and needs no write: it must change whenever anything the
// mapping uses changes, and agree with the fingerprint mapUser stores.

#include "muster/sync/mapping.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace muster::sync {
namespace {

ldap::Entry person() {
    ldap::Entry entry;
    entry.dn = "uid=alice,ou=people,dc=example,dc=com";
    entry.attributes["entryuuid"] = {"0b6f5a56-2e1c-4d55-9a0e-8f2f4a3b1c11"};
    entry.attributes["uid"] = {"alice"};
    entry.attributes["givenname"] = {"Alice"};
    entry.attributes["sn"] = {"Liddell"};
    entry.attributes["cn"] = {"Alice Liddell"};
    entry.attributes["mail"] = {"Alice@Example.com", "alice.l@example.com"};
    entry.attributes["title"] = {"Engineer"};
    entry.attributes["departmentnumber"] = {"D1"};
    entry.attributes["employeenumber"] = {"42"};
    entry.attributes["manager"] = {"uid=bob,ou=people,dc=example,dc=com"};
    entry.attributes["description"] = {"not mapped"};
    return entry;
}

config::SyncSourceConfig ldapSource() {
    config::SyncSourceConfig source;
    source.name = "corp";
    return source;
}

std::string fingerprintAfter(const std::function<void(ldap::Entry&)>& change,
                             const ExtraValues& extra = {}) {
    const config::SyncSourceConfig source = ldapSource();
    EntryMapping mapping(source);
    ldap::Entry entry = person();
    change(entry);
    return mapping.userFingerprint(entry, extra);
}

TEST(MappingFingerprint, IsTheOneMapUserGives) {
    const config::SyncSourceConfig source = ldapSource();
    EntryMapping mapping(source);
    const ldap::Entry entry = person();
    const MappedUser mapped = mapping.mapUser(entry, {});
    EXPECT_EQ(mapped.user.userName, "alice");
    EXPECT_EQ(mapped.fingerprint, mapping.userFingerprint(entry, {}));
    EXPECT_EQ(mapped.fingerprint.size(), 16u);
}

TEST(MappingFingerprint, ChangesWithEveryValueTheMappingUses) {
    const std::string unchanged = fingerprintAfter([](ldap::Entry&) {});
    const std::vector<std::pair<std::string, std::function<void(ldap::Entry&)>>> changes = {
        {"dn", [](ldap::Entry& e) { e.dn = "uid=alice,ou=moved,dc=example,dc=com"; }},
        {"dn case", [](ldap::Entry& e) { e.dn = "uid=alice,ou=People,dc=example,dc=com"; }},
        {"uid", [](ldap::Entry& e) { e.attributes["uid"] = {"alice2"}; }},
        {"givenName", [](ldap::Entry& e) { e.attributes["givenname"] = {"Alicia"}; }},
        {"sn", [](ldap::Entry& e) { e.attributes["sn"] = {"Smith"}; }},
        {"cn", [](ldap::Entry& e) { e.attributes["cn"] = {"Alice S"}; }},
        {"first mail",
         [](ldap::Entry& e) {
             e.attributes["mail"] = {"new@example.com", "alice.l@example.com"};
         }},
        {"second mail", [](ldap::Entry& e) { e.attributes["mail"].pop_back(); }},
        {"primary mail (order)",
         [](ldap::Entry& e) {
             e.attributes["mail"] = {"alice.l@example.com", "Alice@Example.com"};
         }},
        {"title", [](ldap::Entry& e) { e.attributes["title"] = {"Manager"}; }},
        {"title gone", [](ldap::Entry& e) { e.attributes.erase("title"); }},
        {"department", [](ldap::Entry& e) { e.attributes["departmentnumber"] = {"D2"}; }},
        {"employeeNumber", [](ldap::Entry& e) { e.attributes["employeenumber"] = {"43"}; }},
        {"manager",
         [](ldap::Entry& e) {
             e.attributes["manager"] = {"uid=carol,ou=people,dc=example,dc=com"};
         }},
        {"values moved between attributes",
         [](ldap::Entry& e) {
             e.attributes["givenname"] = {"AliceLiddell"};
             e.attributes["sn"] = {""};
         }},
    };
    for (const auto& [what, change] : changes) {
        EXPECT_NE(fingerprintAfter(change), unchanged) << what;
    }
}

TEST(MappingFingerprint, IgnoresAttributesTheMappingDoesNotUse) {
    const std::string unchanged = fingerprintAfter([](ldap::Entry&) {});
    EXPECT_EQ(fingerprintAfter([](ldap::Entry& e) { e.attributes["description"] = {"other"}; }),
              unchanged);
    EXPECT_EQ(fingerprintAfter([](ldap::Entry& e) { e.attributes["telephonenumber"] = {"1"}; }),
              unchanged);
}

TEST(MappingFingerprint, ChangesWithTheReadersExtraValues) {
    const auto same = [](ldap::Entry&) {};
    EXPECT_NE(fingerprintAfter(same, {{"_netbios_domain", "CORP"}}),
              fingerprintAfter(same, {{"_netbios_domain", "OTHER"}}));
}

TEST(MappingFingerprint, ChangesWithTheMappingConfig) {
    const ldap::Entry entry = person();
    auto fingerprintWith = [&](const std::function<void(config::FieldMapping&)>& change) {
        config::SyncSourceConfig source = ldapSource();
        source.userFields = defaultUserFields(source.type);
        for (config::FieldMapping& field : source.userFields) {
            if (field.field == "emails") change(field);
        }
        return EntryMapping(source).userFingerprint(entry, {});
    };
    const std::string lower = fingerprintWith([](config::FieldMapping&) {});
    // Same number of transforms, another kind: the mapped values differ.
    EXPECT_NE(fingerprintWith([](config::FieldMapping& f) {
                  f.transforms.front().kind = config::ValueTransform::Kind::upper;
              }),
              lower);
    EXPECT_NE(
        fingerprintWith([](config::FieldMapping& f) {
            f.transforms.front() = {config::ValueTransform::Kind::regex_replace, "@.*", "", {}, 0};
        }),
        fingerprintWith([](config::FieldMapping& f) {
            f.transforms.front() = {
                config::ValueTransform::Kind::regex_replace, "@.*", "@x", {}, 0};
        }));
    EXPECT_NE(fingerprintWith([](config::FieldMapping& f) { f.defaultValue = "none@x"; }), lower);
    EXPECT_NE(fingerprintWith([](config::FieldMapping& f) { f.templateText = "{cn}"; }), lower);
}

TEST(MappingFingerprint, ActiveDirectoryStatusFlagCounts) {
    config::SyncSourceConfig source = ldapSource();
    source.type = config::DirectoryType::active_directory;
    EntryMapping mapping(source);
    ldap::Entry entry = person();
    entry.attributes["userprincipalname"] = {"alice@corp.example"};
    entry.attributes["useraccountcontrol"] = {"512"};
    const std::string enabled = mapping.userFingerprint(entry, {});
    entry.attributes["useraccountcontrol"] = {"514"};  // ACCOUNTDISABLE
    EXPECT_NE(mapping.userFingerprint(entry, {}), enabled);
    EXPECT_EQ(mapping.mapUser(entry, {}).user.status, UserStatus::deactivated);
}

TEST(MappingFingerprint, ChangesWithTheRolesFromNestedGroups) {
    // Roles come from group nesting read apart from the entry: a role gained
    // or lost leaves the entry as it was, and must still count as a change.
    config::SyncSourceConfig source = ldapSource();
    source.roles = {{"cn=admins,ou=groups,dc=example,dc=com", "admin"}};
    EntryMapping mapping(source);
    const ldap::Entry entry = person();
    const std::string dn = "uid=alice,ou=people,dc=example,dc=com";
    const std::string none = mapping.userFingerprint(entry, {}, {});
    const RoleMembers admin = {{dn, {"admin"}}};
    EXPECT_NE(mapping.userFingerprint(entry, {}, admin), none);
    EXPECT_EQ(mapping.mapUser(entry, {}, admin).fingerprint,
              mapping.userFingerprint(entry, {}, admin));
    EXPECT_EQ(mapping.mapUser(entry, {}, admin).user.roles, std::vector<std::string>{"admin"});
    // Someone else's roles do not touch this entry.
    EXPECT_EQ(
        mapping.userFingerprint(entry, {}, {{"uid=bob,ou=people,dc=example,dc=com", {"admin"}}}),
        none);
}

TEST(Digest, IsFnv1aOfTheText) {
    // Reference values of 64-bit FNV-1a.
    EXPECT_EQ(digest(""), "cbf29ce484222325");
    EXPECT_EQ(digest("a"), "af63dc4c8601ec8c");
}

}  // namespace
}  // namespace muster::sync
