#include <gtest/gtest.h>

#include "muster/core/model.hpp"

using namespace muster;

TEST(Timestamp, FormatsAndParsesUtcMillis) {
    const Timestamp t = 1'763'874'980'123;  // 2025-11-23T05:16:20.123Z
    EXPECT_EQ(formatTimestamp(t), "2025-11-23T05:16:20.123Z");
    EXPECT_EQ(parseTimestamp("2025-11-23T05:16:20.123Z"), t);
}

TEST(Timestamp, ParsesOffsetsAndRejectsGarbage) {
    EXPECT_EQ(parseTimestamp("2025-11-23T06:16:20.123+01:00"), 1'763'874'980'123);
    EXPECT_EQ(parseTimestamp("1970-01-01T00:00:00Z"), 0);
    EXPECT_FALSE(parseTimestamp("2025-11-23"));
    EXPECT_FALSE(parseTimestamp("2025-13-01T00:00:00Z"));
    EXPECT_FALSE(parseTimestamp("2025-11-23T05:16:20Zjunk"));
}

TEST(DisplayIdentifier, PrefersUpnThenEmailThenEmployeeIdThenDeviceLogin) {
    User user;
    user.userName = "login";
    EXPECT_EQ(displayIdentifier(user), "login");
    user.identifiers.push_back({0, IdentifierKind::device_login, "jdoe", "CORP", false, "", false});
    EXPECT_EQ(displayIdentifier(user), "CORP\\jdoe");
    user.identifiers.push_back({0, IdentifierKind::employee_id, "E-7", "", false, "", false});
    EXPECT_EQ(displayIdentifier(user), "E-7");
    user.identifiers.push_back({0, IdentifierKind::email, "other@x.com", "", false, "home", false});
    user.identifiers.push_back({0, IdentifierKind::email, "work@x.com", "", false, "work", true});
    EXPECT_EQ(displayIdentifier(user), "work@x.com");
    user.identifiers.push_back({0, IdentifierKind::upn, "jdoe@corp.example", "", false, "", false});
    EXPECT_EQ(displayIdentifier(user), "jdoe@corp.example");
}
