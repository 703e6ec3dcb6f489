// Each mistake in a config file yields one line naming the file, the line of
// the key, the dotted key and the problem.

#include "config_test_support.hpp"

namespace muster::config::testing {
namespace {

using ErrorsTest = ConfigTest;

// --- unknown and repeated keys ---

TEST_F(ErrorsTest, UnknownKeySuggestsTheKeyItIsATypoOf) {
    EXPECT_EQ(errorOf(R"(listen:
  address: 127.0.0.1
  prot: 8080
store:
  url: sqlite:m.db
)"),
              "test.yaml:3: listen.prot: unknown key (did you mean listen.port?)");
}

TEST_F(ErrorsTest, UnknownKeyInCamelCaseSuggestsTheSnakeCaseKey) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
scim:
  maxResults: 10
)"),
              "test.yaml:4: scim.maxResults: unknown key (did you mean scim.max_results?)");
}

TEST_F(ErrorsTest, UnknownTopLevelKeySuggestsTheSection) {
    EXPECT_EQ(errorOf(R"(# muster
stor:
  url: sqlite:m.db
)"),
              "test.yaml:2: stor: unknown key (did you mean store?)");
}

TEST_F(ErrorsTest, UnknownKeyWithNoCloseMatchSuggestsNothing) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  colour: blue
)"),
              "test.yaml:4: listen.colour: unknown key");
}

TEST_F(ErrorsTest, UnknownKeyInsideTlsAndRoles) {
    EXPECT_EQ(errorOf(R"(listen:
  tls:
    enabled: false
    cert_file: a.pem
store:
  url: sqlite:m.db
)"),
              "test.yaml:4: listen.tls.cert_file: unknown key");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  - name: admin
    rank: 1
  - name: agent
    rnak: 2
)"),
              "test.yaml:7: roles[1].rnak: unknown key (did you mean roles[1].rank?)");
}

TEST_F(ErrorsTest, RepeatedKeyNamesTheFirstLine) {
    EXPECT_EQ(errorOf(R"(listen:
  port: 8080
  threads: 4
  port: 8081
store:
  url: sqlite:m.db
)"),
              "test.yaml:4: listen.port: duplicate key, first written on line 2");
}

// --- wrong types ---

TEST_F(ErrorsTest, IntegerWithTrailingLetters) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  address: 127.0.0.1
  port: 80a
)"),
              "test.yaml:5: listen.port: expected an integer, got \"80a\"");
}

TEST_F(ErrorsTest, IntegerGivenAsFractionOrList) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
  pool_size: 2.5
)"),
              "test.yaml:3: store.pool_size: expected an integer, got \"2.5\"");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
scim:
  filter_max_depth:
    - 3
)"),
              "test.yaml:4: scim.filter_max_depth: expected an integer, got a list");
}

TEST_F(ErrorsTest, EmptyValueWhereAnIntegerBelongs) {
    EXPECT_EQ(errorOf(R"(listen:
  threads:
store:
  url: sqlite:m.db
)"),
              "test.yaml:2: listen.threads: expected an integer, got an empty value");
}

TEST_F(ErrorsTest, BooleanOutsideTheAcceptedWords) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  keep_alive: maybe
)"),
              "test.yaml:4: listen.keep_alive: expected a boolean (true/false, yes/no, on/off), "
              "got \"maybe\"");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
log:
  access_log: 1
)"),
              "test.yaml:4: log.access_log: expected a boolean (true/false, yes/no, on/off), "
              "got \"1\"");
}

TEST_F(ErrorsTest, StringGivenAsMappingOrList) {
    EXPECT_EQ(errorOf(R"(store:
  url:
    host: db
)"),
              "test.yaml:2: store.url: expected a string, got a mapping");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  address: [127.0.0.1, ::1]
)"),
              "test.yaml:4: listen.address: expected a string, got a list");
}

TEST_F(ErrorsTest, SectionThatIsNotAMapping) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen: 8080
)"),
              "test.yaml:3: listen: expected a mapping, got \"8080\"");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  tls: true
)"),
              "test.yaml:4: listen.tls: expected a mapping, got \"true\"");
}

TEST_F(ErrorsTest, DocumentThatIsNotAMapping) {
    EXPECT_EQ(errorOf("# a comment\n\n- listen\n- store\n"),
              "test.yaml:3: expected a mapping, got a list");
}

TEST_F(ErrorsTest, RolesThatAreNotAListOfMappings) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  name: admin
)"),
              "test.yaml:3: roles: expected a list, got a mapping");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  - name: admin
    rank: 1
  - manager
)"),
              "test.yaml:6: roles[1]: expected a mapping, got \"manager\"");
}

// --- values out of range ---

TEST_F(ErrorsTest, PortOutsideOneTo65535) {
    EXPECT_EQ(errorOf(R"(listen:
  port: 0
store:
  url: sqlite:m.db
)"),
              "test.yaml:2: listen.port: must be between 1 and 65535, got 0");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  tls:
    port: 70000
)"),
              "test.yaml:5: listen.tls.port: must be between 1 and 65535, got 70000");
}

TEST_F(ErrorsTest, ThreadsAndPoolSizeOutsideTheirRanges) {
    EXPECT_EQ(errorOf(R"(listen:
  threads: 1025
store:
  url: sqlite:m.db
)"),
              "test.yaml:2: listen.threads: must be between 1 and 1024, got 1025");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
  pool_size: 0
)"),
              "test.yaml:3: store.pool_size: must be between 1 and 256, got 0");
}

TEST_F(ErrorsTest, LimitsMustBePositive) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
scim:
  default_count: 10
  max_results: 0
)"),
              "test.yaml:5: scim.max_results: must be at least 1, got 0");
    EXPECT_EQ(errorOf(R"(listen:
  max_body_bytes: -1
store:
  url: sqlite:m.db
)"),
              "test.yaml:2: listen.max_body_bytes: must be at least 1, got -1");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
  busy_timeout_ms: 0
)"),
              "test.yaml:3: store.busy_timeout_ms: must be at least 1, got 0");
}

TEST_F(ErrorsTest, NumbersTooBigForTheirField) {
    EXPECT_EQ(errorOf(R"(listen:
  max_queued: 3000000000
store:
  url: sqlite:m.db
)"),
              "test.yaml:2: listen.max_queued: must be at most 2147483647, got 3000000000");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
scim:
  bulk_max_payload_bytes: 99999999999999999999
)"),
              "test.yaml:4: scim.bulk_max_payload_bytes: must be at most 9223372036854775807, "
              "got 99999999999999999999");
}

TEST_F(ErrorsTest, LogLevelOutsideTheAllowedSet) {
    EXPECT_EQ(
        errorOf(R"(store:
  url: sqlite:m.db
log:
  access_log: true
  level: verbose
)"),
        "test.yaml:5: log.level: must be one of error, warning, info, debug, got \"verbose\"");
}

TEST_F(ErrorsTest, RoleRankOutsideZeroToAMillion) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  - name: admin
    rank: 1000001
)"),
              "test.yaml:5: roles[0].rank: must be between 0 and 1000000, got 1000001");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  - name: admin
    rank: -1
)"),
              "test.yaml:5: roles[0].rank: must be between 0 and 1000000, got -1");
}

TEST_F(ErrorsTest, RoleNameEmptyOrRepeated) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  - name: ""
    rank: 1
)"),
              "test.yaml:4: roles[0].name: must not be empty");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  - name: admin
    rank: 300
  - name: manager
    rank: 200
  - name: admin
    rank: 100
)"),
              "test.yaml:8: roles[2].name: duplicate role \"admin\", first defined on line 4");
}

TEST_F(ErrorsTest, RoleWithoutNameOrRankOrRolesEmpty) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  - name: admin
    rank: 300
  - rank: 200
)"),
              "test.yaml:6: roles[1].name: required key is missing");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles:
  - name: admin
)"),
              "test.yaml:4: roles[0].rank: required key is missing");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
roles: []
)"),
              "test.yaml:3: roles: must list at least one role");
}

TEST_F(ErrorsTest, EmptyAddress) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  address: ''
)"),
              "test.yaml:4: listen.address: must not be empty");
}

// --- store.url ---

TEST_F(ErrorsTest, StoreUrlMissingPointsAtTheStoreMapping) {
    EXPECT_EQ(errorOf(R"(listen:
  port: 8080

store:
  pool_size: 4
)"),
              "test.yaml:4: store.url: required key is missing");
}

TEST_F(ErrorsTest, StoreUrlMissingWithoutStoreMappingPointsAtLineOne) {
    EXPECT_EQ(errorOf(R"(# Muster

listen:
  port: 8080
log:
  level: info
)"),
              "test.yaml:1: store.url: required key is missing");
}

TEST_F(ErrorsTest, EmptyOrCommentOnlyFileLacksStoreUrl) {
    EXPECT_EQ(errorOf(""), "test.yaml:1: store.url: required key is missing");
    EXPECT_EQ(errorOf("# nothing here yet\n\n"), "test.yaml:1: store.url: required key is missing");
}

TEST_F(ErrorsTest, StoreUrlWithUnknownSchemeDoesNotEchoTheUrl) {
    const std::string message = errorOf(R"(listen:
  port: 8080
store:
  pool_size: 4
  url: mysql://muster:s3cret@db/muster
)");
    EXPECT_EQ(message,
              "test.yaml:5: store.url: unknown scheme, must start with sqlite:, postgresql:// or "
              "postgres://");
    EXPECT_EQ(message.find("s3cret"), std::string::npos);
}

TEST_F(ErrorsTest, StoreUrlEmptyOrWithoutPath) {
    EXPECT_EQ(errorOf("store:\n  url: ''\n"), "test.yaml:2: store.url: must not be empty");
    EXPECT_EQ(errorOf("store:\n  url: 'sqlite:'\n"),
              "test.yaml:2: store.url: sqlite: URL has no file path");
}

// --- TLS ---

TEST_F(ErrorsTest, TlsEnabledWithoutCertificate) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  tls:
    enabled: true
    private_key_file: /tls/key.pem
)"),
              "test.yaml:4: listen.tls.certificate_file: required when listen.tls.enabled is true");
}

TEST_F(ErrorsTest, TlsEnabledWithoutPrivateKey) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  port: 8080
  tls:
    certificate_file: /tls/cert.pem
    enabled: yes
)"),
              "test.yaml:5: listen.tls.private_key_file: required when listen.tls.enabled is true");
}

TEST_F(ErrorsTest, TlsDisabledNeedsNoFiles) {
    EXPECT_FALSE(parse("store:\n  url: sqlite:m.db\nlisten:\n  tls:\n    enabled: false\n")
                     .listen.tls.enabled);
}

// --- YAML syntax ---

TEST_F(ErrorsTest, YamlSyntaxErrorCarriesTheParserLine) {
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
  port: [8080,
)"),
              "test.yaml:5: invalid YAML: end of sequence flow not found");
    EXPECT_EQ(errorOf(R"(store:
  url: sqlite:m.db
listen:
	port: 8080
)"),
              "test.yaml:4: invalid YAML: illegal map value");
}

// --- what the error carries besides its message ---

TEST_F(ErrorsTest, ErrorNamesTheKeyAsItsAttribute) {
    try {
        parse("store:\n  url: sqlite:m.db\nlisten:\n  port: x\n");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::invalid_input);
        EXPECT_EQ(error.attribute(), "listen.port");
    }
}

TEST_F(ErrorsTest, SourceNameIsUsedAsGiven) {
    try {
        parseConfig("listen:\n  port: 80a\n", "config/muster.yaml");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "config/muster.yaml:2: listen.port: expected an integer, got \"80a\"");
    }
}

}  // namespace
}  // namespace muster::config::testing
