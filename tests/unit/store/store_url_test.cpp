// store.url parsing and openStore's errors.

#include "store_url.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "muster/core/error.hpp"
#include "muster/store/sql_store.hpp"
#include "muster/test/net.hpp"

namespace muster::store {
namespace {

Error urlError(const std::string& url) {
    try {
        parseStoreUrl(url);
    } catch (const Error& error) {
        return error;
    }
    ADD_FAILURE() << "no error for " << url;
    return Error(ErrorCode::internal, "");
}

TEST(StoreUrl, SqliteAbsoluteAndRelativePaths) {
    ConnectionTarget absolute = parseStoreUrl("sqlite:///var/lib/muster/muster.db");
    EXPECT_EQ(absolute.backend, Backend::sqlite3);
    EXPECT_EQ(absolute.sqlitePath, "/var/lib/muster/muster.db");
    EXPECT_EQ(absolute.connectString, "db=\"/var/lib/muster/muster.db\"");

    ConnectionTarget relative = parseStoreUrl("sqlite:data/muster.db");
    EXPECT_EQ(relative.sqlitePath, "data/muster.db");
}

TEST(StoreUrl, SqliteRejectsMemoryAndHostForms) {
    EXPECT_EQ(urlError("sqlite::memory:").code(), ErrorCode::invalid_input);
    EXPECT_EQ(urlError("sqlite://host/x.db").attribute(), "store.url");
    EXPECT_EQ(urlError("sqlite:").attribute(), "store.url");
}

TEST(StoreUrl, PostgresCredentialsAreDecodedAndReEncodedWithoutSpaces) {
    ConnectionTarget target =
        parseStoreUrl("postgresql://mu%40ster:p%40ss%3Aw%2Fo'rd%20x@db.internal:6432/muster_prod");
    EXPECT_EQ(target.backend, Backend::postgresql);
    EXPECT_EQ(target.password, "p@ss:w/o'rd x");
    EXPECT_EQ(target.connectString,
              "postgresql://mu%40ster:p%40ss%3Aw%2Fo%27rd%20x@db.internal:6432/muster_prod"
              "?connect_timeout=10");
}

TEST(StoreUrl, PostgresOptionalPartsAndParameters) {
    EXPECT_EQ(parseStoreUrl("postgres://localhost/muster").connectString,
              "postgresql://localhost/muster?connect_timeout=10");
    EXPECT_EQ(
        parseStoreUrl("postgresql://[::1]:5433/m?sslmode=require&connect_timeout=3").connectString,
        "postgresql://[::1]:5433/m?sslmode=require&connect_timeout=3");
}

TEST(StoreUrl, PostgresBadPortOrEscape) {
    EXPECT_EQ(urlError("postgresql://h:99999/db").attribute(), "store.url");
    EXPECT_EQ(urlError("postgresql://u:%zz@h/db").attribute(), "store.url");
}

TEST(StoreUrl, UnknownSchemeNamesTheKeyButNotTheSecret) {
    Error error = urlError("mysql://root:hunter2@localhost/muster");
    EXPECT_EQ(error.code(), ErrorCode::invalid_input);
    EXPECT_EQ(error.attribute(), "store.url");
    EXPECT_NE(std::string(error.what()).find("\"mysql\""), std::string::npos);
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos);
}

TEST(OpenStore, UnreachablePostgresIsUnavailableWithoutThePassword) {
    int port = test::freeTcpPort();  // nothing listens there
    try {
        openStore(
            {"postgresql://muster:hunter2@127.0.0.1:" + std::to_string(port) + "/m", 1, 1000});
        FAIL() << "connected to nothing";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::unavailable);
        EXPECT_NE(std::string(error.what()).find("cannot connect to PostgreSQL"), std::string::npos)
            << error.what();
        EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos) << error.what();
    }
}

TEST(OpenStore, RelativeSqlitePathCreatesItsDirectory) {
    std::string dir = "store-test-" + std::to_string(::getpid());
    std::filesystem::remove_all(dir);
    {
        auto store = openStore({"sqlite:" + dir + "/nested/muster.db", 2, 1000});
        EXPECT_EQ(store->migrate() > 0, true);
    }
    EXPECT_TRUE(std::filesystem::exists(dir + "/nested/muster.db"));
    std::filesystem::remove_all(dir);
}

TEST(OpenStore, UnopenableSqliteFileIsUnavailable) {
    try {
        openStore({"sqlite:///proc/muster-cannot-be-here/x.db", 1, 1000});
        FAIL() << "opened a database under /proc";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::unavailable) << error.what();
    }
}

}  // namespace
}  // namespace muster::store
