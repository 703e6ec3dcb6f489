// The JSON text writer behind SCIM responses: structure, escaping, and
// output that a strict parser accepts whatever bytes were stored.

#include "muster/scim/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "muster/scim/resource_json.hpp"

using namespace muster;
using namespace muster::scim;
using nlohmann::json;

namespace {

std::string jsonQuoted(std::string_view text) {
    std::string out;
    appendJsonString(out, text);
    return out;
}

TEST(JsonWriter, WritesNestedObjectsAndArraysWithCommasInTheRightPlaces) {
    JsonWriter out;
    out.beginObject().member("a", std::int64_t{1}).key("list").beginArray();
    out.value("x").beginObject().member("flag", true).endObject().beginArray().endArray();
    out.endArray().key("empty").beginObject().endObject().member("b", false).endObject();
    EXPECT_EQ(out.text(), R"({"a":1,"list":["x",{"flag":true},[]],"empty":{},"b":false})");
}

TEST(JsonWriter, MemberIfSetSkipsEmptyText) {
    JsonWriter out;
    out.beginObject().memberIfSet("gone", "").memberIfSet("kept", "v").endObject();
    EXPECT_EQ(out.text(), R"({"kept":"v"})");
}

TEST(JsonWriter, RawValuesAreInsertedAsTheyAre) {
    JsonWriter out;
    out.beginArray().rawValue(R"({"id":"1"})").rawValue(R"({"id":"2"})").endArray();
    EXPECT_EQ(out.text(), R"([{"id":"1"},{"id":"2"}])");
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
    EXPECT_EQ(jsonQuoted("plain"), R"("plain")");
    EXPECT_EQ(jsonQuoted("say \"hi\" \\ bye"), R"("say \"hi\" \\ bye")");
    EXPECT_EQ(jsonQuoted("a\nb\tc\rd\be\f"), R"("a\nb\tc\rd\be\f")");
    EXPECT_EQ(jsonQuoted(std::string("nul\0x\x1f", 6)), R"("nul\u0000x\u001f")");
    EXPECT_EQ(jsonQuoted("</script>"), R"("</script>")");
}

TEST(JsonString, KeepsWellFormedUtf8) {
    EXPECT_EQ(jsonQuoted("Jürgen Øster 日本 😀"), "\"Jürgen Øster 日本 😀\"");
}

TEST(JsonString, ReplacesMalformedUtf8SoTheOutputStaysValidJson) {
    const std::string bad = std::string("a\xC3") + "b" + "\xFF" + "\xED\xA0\x80" + "c\xE2\x82";
    const std::string text = jsonQuoted(bad);
    const json parsed = json::parse(text);  // throws on invalid UTF-8
    const std::string replacement = "\xEF\xBF\xBD";
    EXPECT_EQ(parsed.get<std::string>(), "a" + replacement + "b" + replacement + replacement +
                                             replacement + replacement + "c" + replacement +
                                             replacement);
}

TEST(JsonString, RoundTripsEveryByteValueThroughAStrictParser) {
    std::string all;
    for (int byte = 0; byte < 0x80; ++byte) all += static_cast<char>(byte);
    EXPECT_EQ(json::parse(jsonQuoted(all)).get<std::string>(), all);
}

TEST(ResourceText, UserTextIsWhatTheDomParses) {
    User user;
    user.id = 42;
    user.userName = "kim \"the\" admin";
    user.name.givenName = "Kim";
    user.identifiers.push_back(Identifier{});
    user.identifiers.back().kind = IdentifierKind::email;
    user.identifiers.back().value = "kim@example.com";
    user.identifiers.back().primary = true;
    user.groupIds = {7, 9};
    user.managerId = 3;
    user.roles = {"admin"};
    const Links links{"https://muster.example/scim/v2"};
    const json parsed = json::parse(userToScimText(user, links));
    EXPECT_EQ(parsed, userToScim(user, links));
    EXPECT_EQ(parsed["userName"], "kim \"the\" admin");
    EXPECT_EQ(parsed["groups"].size(), 2u);
    EXPECT_EQ(parsed["meta"]["location"], userLocation(42, links));
}

}  // namespace
