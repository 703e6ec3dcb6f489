#include <gtest/gtest.h>

#include <string>

#include "filter_test_support.hpp"

// Every syntax error names the 1-based position of the offending character and
// what was expected there, so a client can fix its filter from the message.
namespace muster::scim {
namespace {

using testing::filterError;

TEST(FilterErrors, EmptyFilter) {
    EXPECT_EQ(filterError(""), "invalid filter at position 1: empty filter");
    EXPECT_EQ(filterError(" \t "), "invalid filter at position 1: empty filter");
}

TEST(FilterErrors, UnknownOperator) {
    EXPECT_EQ(filterError(R"(userName xx "bjensen")"),
              "invalid filter at position 10: expected a comparison operator after \"userName\", "
              "got \"xx\"");
    EXPECT_EQ(filterError("userName"),
              "invalid filter at position 9: expected a comparison operator after \"userName\", "
              "got end of filter");
    EXPECT_EQ(filterError(R"(userName "bjensen")"),
              "invalid filter at position 10: expected a comparison operator after \"userName\", "
              "got the string \"bjensen\"");
}

TEST(FilterErrors, OperatorWithoutValue) {
    EXPECT_EQ(filterError("userName eq"),
              "invalid filter at position 12: expected a value (a string, number, true, false or "
              "null) after \"eq\", got end of filter");
    EXPECT_EQ(filterError("userName eq and title pr"),
              "invalid filter at position 13: expected a value (a string, number, true, false or "
              "null) after \"eq\", got \"and\"");
    EXPECT_EQ(filterError("(userName gt)"),
              "invalid filter at position 13: expected a value (a string, number, true, false or "
              "null) after \"gt\", got \")\"");
}

TEST(FilterErrors, UnquotedString) {
    EXPECT_EQ(filterError("userName eq bjensen"),
              "invalid filter at position 13: expected a value (a string, number, true, false or "
              "null) after \"eq\", got \"bjensen\" (strings must be in double quotes)");
}

TEST(FilterErrors, PresentWithValue) {
    EXPECT_EQ(filterError(R"(title pr "x")"),
              "invalid filter at position 10: \"pr\" takes no value, got the string \"x\"");
    EXPECT_EQ(filterError("title PR true"),
              "invalid filter at position 10: \"pr\" takes no value, got \"true\"");
    EXPECT_EQ(filterError("title pr 12"),
              "invalid filter at position 10: \"pr\" takes no value, got \"12\"");
}

TEST(FilterErrors, UnterminatedString) {
    EXPECT_EQ(filterError(R"(userName eq "bjensen)"),
              "invalid filter at position 13: unterminated string (missing closing '\"')");
    EXPECT_EQ(filterError(R"(userName eq "bjensen\)"),
              "invalid filter at position 13: unterminated string (missing closing '\"')");
    EXPECT_EQ(filterError(R"(userName eq "a\")"),
              "invalid filter at position 13: unterminated string (missing closing '\"')");
}

TEST(FilterErrors, MissingClosingParenthesis) {
    EXPECT_EQ(filterError(R"(title pr and (userName eq "a")"),
              "invalid filter at position 30: expected \"and\", \"or\" or \")\" to close the "
              "\"(\" at position 14, got end of filter");
    EXPECT_EQ(filterError("(a pr b pr)"),
              "invalid filter at position 7: expected \"and\", \"or\" or \")\" to close the \"(\" "
              "at position 1, got \"b\"");
    EXPECT_EQ(filterError("not (a pr]"),
              "invalid filter at position 10: expected \"and\", \"or\" or \")\" to close the "
              "\"(\" at position 5, got \"]\"");
}

TEST(FilterErrors, MissingClosingBracket) {
    EXPECT_EQ(filterError(R"(emails[type eq "work")"),
              "invalid filter at position 22: expected \"and\", \"or\" or \"]\" to close the "
              "\"[\" at position 7, got end of filter");
    EXPECT_EQ(filterError(R"(emails[type eq "work") and x pr)"),
              "invalid filter at position 22: expected \"and\", \"or\" or \"]\" to close the "
              "\"[\" at position 7, got \")\"");
}

TEST(FilterErrors, TrailingJunk) {
    EXPECT_EQ(filterError(R"(userName eq "a" extra)"),
              "invalid filter at position 17: expected \"and\", \"or\" or end of filter, got "
              "\"extra\"");
    EXPECT_EQ(filterError("a pr)"),
              "invalid filter at position 5: expected \"and\", \"or\" or end of filter, got \")\"");
    EXPECT_EQ(
        filterError("emails[type pr]]"),
        "invalid filter at position 16: expected \"and\", \"or\" or end of filter, got \"]\"");
    EXPECT_EQ(filterError(R"(emails[type pr].value eq "x")"),
              "invalid filter at position 16: expected \"and\", \"or\" or end of filter, got "
              "\".value\"");
}

TEST(FilterErrors, MissingOperand) {
    EXPECT_EQ(filterError("a pr and"),
              "invalid filter at position 9: expected an attribute path, \"(\" or \"not\" after "
              "\"and\", got end of filter");
    EXPECT_EQ(filterError("a pr or or b pr"),
              "invalid filter at position 9: expected an attribute path, \"(\" or \"not\" after "
              "\"or\", got \"or\"");
    EXPECT_EQ(filterError("and a pr"),
              "invalid filter at position 1: expected an attribute path, \"(\" or \"not\", got "
              "\"and\"");
    EXPECT_EQ(filterError("()"),
              "invalid filter at position 2: expected an attribute path, \"(\" or \"not\" after "
              "\"(\", got \")\"");
    EXPECT_EQ(filterError(R"("userName" eq "a")"),
              "invalid filter at position 1: expected an attribute path, \"(\" or \"not\", got the "
              "string \"userName\"");
}

TEST(FilterErrors, NotWithoutParentheses) {
    EXPECT_EQ(filterError("not a pr"),
              "invalid filter at position 5: expected \"(\" after \"not\", got \"a\"");
    EXPECT_EQ(filterError("not"),
              "invalid filter at position 4: expected \"(\" after \"not\", got end of filter");
}

TEST(FilterErrors, NestedValueFilter) {
    EXPECT_EQ(filterError("emails[value[type pr]]"),
              "invalid filter at position 13: a value filter \"[...]\" cannot contain another "
              "\"[\"");
}

TEST(FilterErrors, ValueFilterAfterSubAttribute) {
    EXPECT_EQ(filterError("name.givenName[type pr]"),
              "invalid filter at position 15: \"[\" must follow an attribute without a "
              "sub-attribute, got \"name.givenName\"");
}

TEST(FilterErrors, BadAttributeNames) {
    EXPECT_EQ(filterError("1abc eq 1"),
              "invalid filter at position 1: expected an attribute path, \"(\" or \"not\", got "
              "\"1abc\"");
    EXPECT_EQ(filterError("name. eq 1"),
              "invalid filter at position 6: missing sub-attribute name");
    EXPECT_EQ(filterError("name.1x eq 1"),
              "invalid filter at position 6: sub-attribute name \"1x\" must start with a letter");
    EXPECT_EQ(filterError("name.a.b eq 1"),
              "invalid filter at position 7: unexpected \".\" in sub-attribute name \"a.b\"");
    EXPECT_EQ(filterError("ab+c eq 1"),
              "invalid filter at position 3: unexpected \"+\" in attribute name \"ab+c\"");
    EXPECT_EQ(filterError("urn:example:Foo: eq 1"),
              "invalid filter at position 17: missing attribute name");
    EXPECT_EQ(filterError("foo:bar eq 1"),
              "invalid filter at position 1: expected a schema URN (\"urn:...\") before the last "
              "\":\", got \"foo\"");
    EXPECT_EQ(filterError("urn:a+b:c eq 1"),
              "invalid filter at position 6: unexpected \"+\" in schema URN");
}

TEST(FilterErrors, UnexpectedCharacters) {
    EXPECT_EQ(filterError(R"(a eq "x" & b pr)"),
              "invalid filter at position 10: unexpected character \"&\"");
    EXPECT_EQ(filterError("a eq \"x\" \xC3\xA9"),
              "invalid filter at position 10: unexpected byte 0xC3 (non-ASCII text must be inside "
              "a string)");
    EXPECT_EQ(filterError(std::string("a pr\0", 5)),
              "invalid filter at position 5: unexpected character 0x00");
}

TEST(FilterErrors, BadEscapes) {
    EXPECT_EQ(filterError(R"(a eq "x\qy")"),
              "invalid filter at position 8: invalid escape sequence: backslash followed by \"q\"");
    EXPECT_EQ(filterError(R"(a eq "\u12")"),
              "invalid filter at position 7: expected four hex digits after \\u");
    EXPECT_EQ(filterError(R"(a eq "\u12G4")"),
              "invalid filter at position 7: expected four hex digits after \\u");
    EXPECT_EQ(filterError(R"(a eq "\u0000")"),
              "invalid filter at position 7: \\u0000 is not allowed in a string");
}

TEST(FilterErrors, UnpairedSurrogates) {
    const std::string highAlone =
        "invalid filter at position 7: unpaired UTF-16 surrogate (a high surrogate must be "
        "followed by a \\uDC00-\\uDFFF escape)";
    EXPECT_EQ(filterError(R"(a eq "\uD83D")"), highAlone);
    EXPECT_EQ(filterError(R"(a eq "\uD83Dx")"), highAlone);
    EXPECT_EQ(filterError(R"(a eq "\uD83D\u0041")"), highAlone);
    EXPECT_EQ(filterError(R"(a eq "\uD83D\uD83D")"), highAlone);
    EXPECT_EQ(filterError(R"(a eq "\uDE00")"),
              "invalid filter at position 7: unpaired UTF-16 surrogate (a low surrogate must "
              "follow a high one)");
}

TEST(FilterErrors, RawControlCharactersAndBadUtf8InStrings) {
    EXPECT_EQ(filterError("a eq \"x\ny\""),
              "invalid filter at position 8: control character 0x0A in a string (escape it, "
              "e.g. \\n or \\u0009)");
    const std::string badUtf8 = "invalid filter at position 8: invalid UTF-8 in a string";
    EXPECT_EQ(filterError("a eq \"x\xC3(\""), badUtf8);             // truncated sequence
    EXPECT_EQ(filterError("a eq \"x\xC0\xAF\""), badUtf8);          // overlong "/"
    EXPECT_EQ(filterError("a eq \"x\xED\xA0\x80\""), badUtf8);      // encoded surrogate
    EXPECT_EQ(filterError("a eq \"x\xF4\x90\x80\x80\""), badUtf8);  // past U+10FFFF
    EXPECT_EQ(filterError("a eq \"x\x80\""), badUtf8);              // stray continuation byte
}

TEST(FilterErrors, BadNumbers) {
    EXPECT_EQ(filterError("a eq 01"), "invalid filter at position 6: invalid number \"01\"");
    EXPECT_EQ(filterError("a eq 1."), "invalid filter at position 6: invalid number \"1.\"");
    EXPECT_EQ(filterError("a eq 1e"), "invalid filter at position 6: invalid number \"1e\"");
    EXPECT_EQ(filterError("a eq --1"), "invalid filter at position 6: invalid number \"--1\"");
    EXPECT_EQ(filterError("a eq 1.2.3"), "invalid filter at position 6: invalid number \"1.2.3\"");
    EXPECT_EQ(filterError("a eq 12abc"), "invalid filter at position 6: invalid number \"12abc\"");
    EXPECT_EQ(filterError("a eq 1e999"),
              "invalid filter at position 6: number \"1e999\" is out of range");
}

TEST(FilterErrors, LongTokensAreClippedInMessages) {
    const std::string longName(100, 'x');
    EXPECT_EQ(filterError(longName + " zz 1"),
              "invalid filter at position 102: expected a comparison operator after \"" +
                  std::string(40, 'x') + "...\", got \"zz\"");
}

}  // namespace
}  // namespace muster::scim
