#include <gtest/gtest.h>

#include <string>

#include "filter_test_support.hpp"

namespace muster::scim {
namespace {

using testing::as;
using testing::pathError;
using testing::startsWith;

const std::string kEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

TEST(PatchPath, ParsesAPlainAttribute) {
    const PatchPath path = parsePatchPath("displayName");
    EXPECT_EQ(path.attribute, (AttributePath{"", "displayName", ""}));
    EXPECT_EQ(path.valueFilter, nullptr);
    EXPECT_EQ(path.subAttribute, "");
}

TEST(PatchPath, ParsesASubAttribute) {
    const PatchPath path = parsePatchPath("name.familyName");
    EXPECT_EQ(path.attribute, (AttributePath{"", "name", "familyName"}));
    EXPECT_EQ(path.valueFilter, nullptr);
    EXPECT_EQ(path.subAttribute, "");
}

TEST(PatchPath, ParsesUrnQualifiedAttributes) {
    EXPECT_EQ(parsePatchPath(kEnterprise + ":employeeNumber").attribute,
              (AttributePath{kEnterprise, "employeeNumber", ""}));
    EXPECT_EQ(parsePatchPath(kEnterprise + ":manager").attribute,
              (AttributePath{kEnterprise, "manager", ""}));
    EXPECT_EQ(parsePatchPath(kEnterprise + ":manager.value").attribute,
              (AttributePath{kEnterprise, "manager", "value"}));
    EXPECT_EQ(parsePatchPath("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName").attribute,
              (AttributePath{"urn:ietf:params:scim:schemas:core:2.0:User", "name", "givenName"}));
}

TEST(PatchPath, ParsesAValueFilter) {
    const PatchPath path =
        parsePatchPath(R"(members[value eq "2819c223-7f76-453a-919d-413861904646"])");
    EXPECT_EQ(path.attribute, (AttributePath{"", "members", ""}));
    ASSERT_NE(path.valueFilter, nullptr);
    const Comparison& c = as<Comparison>(path.valueFilter);
    EXPECT_EQ(c.path, (AttributePath{"", "value", ""}));
    EXPECT_EQ(c.op, CompareOp::eq);
    EXPECT_EQ(c.value, Value{std::string("2819c223-7f76-453a-919d-413861904646")});
    EXPECT_EQ(path.subAttribute, "");
}

TEST(PatchPath, ParsesAValueFilterFollowedByASubAttribute) {
    const PatchPath path = parsePatchPath(R"(emails[type eq "work"].value)");
    EXPECT_EQ(path.attribute, (AttributePath{"", "emails", ""}));
    EXPECT_EQ(toString(*path.valueFilter), R"(type eq "work")");
    EXPECT_EQ(path.subAttribute, "value");

    const PatchPath complex = parsePatchPath(
        R"(addresses[type eq "work" and (primary eq true or not (region pr))].streetAddress)");
    as<And>(complex.valueFilter);
    EXPECT_EQ(complex.subAttribute, "streetAddress");
}

TEST(PatchPath, CanonicalTextParsesToTheSamePath) {
    for (const std::string& text :
         {std::string("name.familyName"), kEnterprise + ":manager",
          std::string(R"(emails[type eq "work" and value ew "@example.com"].display)"),
          std::string(R"(members[value eq "x"])")}) {
        EXPECT_EQ(toString(parsePatchPath(text)), text);
    }
    EXPECT_EQ(toString(parsePatchPath(R"( emails[ TYPE Eq "work" ].value )")),
              R"(emails[TYPE eq "work"].value)");
}

TEST(PatchPathErrors, Empty) { EXPECT_EQ(pathError(""), "invalid path at position 1: empty path"); }

TEST(PatchPathErrors, NotAnAttribute) {
    EXPECT_EQ(pathError("[type eq 1]"),
              "invalid path at position 1: expected an attribute path, got \"[\"");
    EXPECT_EQ(pathError("9lives"),
              "invalid path at position 1: expected an attribute path, got \"9lives\"");
    EXPECT_EQ(pathError("name..x"),
              "invalid path at position 6: sub-attribute name \".x\" must start with a letter");
}

TEST(PatchPathErrors, FilterExpressionInsteadOfPath) {
    EXPECT_EQ(pathError(R"(name.familyName eq "x")"),
              "invalid path at position 17: expected end of path, got \"eq\"");
}

TEST(PatchPathErrors, BadValueFilter) {
    EXPECT_EQ(pathError(R"(emails[type eq "work")"),
              "invalid path at position 22: expected \"and\", \"or\" or \"]\" to close the \"[\" "
              "at position 7, got end of path");
    EXPECT_EQ(pathError("emails[]"),
              "invalid path at position 8: expected an attribute path, \"(\" or \"not\" after "
              "\"[\", got \"]\"");
    EXPECT_EQ(pathError("emails[type eq work]"),
              "invalid path at position 16: expected a value (a string, number, true, false or "
              "null) after \"eq\", got \"work\" (strings must be in double quotes)");
    EXPECT_EQ(pathError("emails[a[b pr]]"),
              "invalid path at position 9: a value filter \"[...]\" cannot contain another \"[\"");
    EXPECT_EQ(pathError("name.givenName[type pr]"),
              "invalid path at position 15: \"[\" must follow an attribute without a "
              "sub-attribute, got \"name.givenName\"");
}

TEST(PatchPathErrors, BadSubAttributeAfterTheFilter) {
    const std::string expected = "expected a \".subAttribute\" right after \"]\", or end of path";
    EXPECT_EQ(pathError(R"(emails[type eq "work"].)"),
              "invalid path at position 24: missing sub-attribute name");
    EXPECT_EQ(pathError(R"(emails[type eq "work"].value.x)"),
              "invalid path at position 29: unexpected \".\" in sub-attribute name \"value.x\"");
    EXPECT_EQ(pathError(R"(emails[type eq "work"]value)"),
              "invalid path at position 23: " + expected + ", got \"value\"");
    EXPECT_EQ(pathError(R"(emails[type eq "work"] .value)"),
              "invalid path at position 24: " + expected + ", got \".value\"");
    EXPECT_EQ(pathError(R"(emails[type eq "work"][value pr])"),
              "invalid path at position 23: " + expected + ", got \"[\"");
}

TEST(PatchPathErrors, Limits) {
    EXPECT_EQ(pathError(std::string(kMaxFilterBytes + 1, 'a')),
              "invalid path at position 8193: path too long (8193 bytes; the limit is 8192)");
    EXPECT_TRUE(startsWith(
        pathError("emails[" + std::string(40, '(') + "a pr" + std::string(40, ')') + "]"),
        "invalid path at position 39: nesting too deep: more th"));
}

}  // namespace
}  // namespace muster::scim
