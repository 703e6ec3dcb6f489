#include "filter_grammar.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "utf8.hpp"

namespace muster::scim::detail {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isNameChar(char c) { return isAlpha(c) || isDigit(c) || c == '-' || c == '_'; }

char toLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return toLower(x) == toLower(y);
           });
}

// Keywords and operators are case-insensitive (RFC 7644 §3.4.2.2).
bool isKeyword(const Token& token, std::string_view keyword) {
    return token.kind == TokenKind::word && equalsIgnoreCase(token.source, keyword);
}

bool startsNumber(const Token& token) {
    return token.kind == TokenKind::word && (token.source[0] == '-' || isDigit(token.source[0]));
}

bool isLiteralWord(const Token& token) {
    return isKeyword(token, "true") || isKeyword(token, "false") || isKeyword(token, "null") ||
           startsNumber(token);
}

constexpr std::pair<std::string_view, CompareOp> kOperators[] = {
    {"eq", CompareOp::eq}, {"ne", CompareOp::ne}, {"co", CompareOp::co}, {"sw", CompareOp::sw},
    {"ew", CompareOp::ew}, {"pr", CompareOp::pr}, {"gt", CompareOp::gt}, {"ge", CompareOp::ge},
    {"lt", CompareOp::lt}, {"le", CompareOp::le},
};

// JSON number grammar (RFC 8259 §6): -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
// Sets `integral` when there is neither a fraction nor an exponent.
bool isJsonNumber(std::string_view text, bool& integral) {
    std::size_t i = 0;
    const auto at = [&](char c) { return i < text.size() && text[i] == c; };
    const auto skipDigits = [&] {
        const std::size_t from = i;
        while (i < text.size() && isDigit(text[i])) ++i;
        return i > from;
    };
    if (at('-')) ++i;
    if (at('0')) {
        ++i;
    } else if (!skipDigits()) {
        return false;
    }
    integral = true;
    if (at('.')) {
        ++i;
        integral = false;
        if (!skipDigits()) return false;
    }
    if (at('e') || at('E')) {
        ++i;
        integral = false;
        if (at('+') || at('-')) ++i;
        if (!skipDigits()) return false;
    }
    return i == text.size();
}

template <typename Expr>
FilterPtr makeNode(Expr expr) {
    return std::make_shared<const Node>(Node{std::move(expr)});
}

}  // namespace

// Counts one level of "(", "not (" or "[" for as long as the group is open.
class Parser::NestingGuard {
  public:
    NestingGuard(Parser& parser, const Token& open) : parser_(parser) {
        if (parser_.depth_ >= parser_.maxDepth_) {
            parser_.fail(open.offset, "nesting too deep: more than " +
                                          std::to_string(parser_.maxDepth_) +
                                          " levels of \"(\", \"not (\" and \"[\"");
        }
        ++parser_.depth_;
    }
    ~NestingGuard() { --parser_.depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

  private:
    Parser& parser_;
};

Parser::Parser(std::string_view text, int maxDepth, SyntaxKind kind)
    : lexer_(text, kind), kind_(kind), maxDepth_(std::clamp(maxDepth, 0, kMaxFilterDepthCeiling)) {
    if (text.size() > kMaxFilterBytes) {
        fail(kMaxFilterBytes, std::string(kind.noun) + " too long (" + std::to_string(text.size()) +
                                  " bytes; the limit is " + std::to_string(kMaxFilterBytes) + ")");
    }
}

void Parser::fail(std::size_t offset, std::string_view what) const { lexer_.fail(offset, what); }

Token Parser::next() {
    previous_ = lexer_.next();
    hasPrevious_ = true;
    return previous_;
}

std::string Parser::afterPrevious() const {
    return hasPrevious_ ? " after " + describe(previous_) : std::string();
}

void Parser::expectNonEmpty() {
    if (peek().kind == TokenKind::end) fail(0, "empty " + std::string(kind_.noun));
}

void Parser::expectEnd(std::string_view expected) {
    const Token& token = peek();
    if (token.kind != TokenKind::end) {
        fail(token.offset, "expected " + std::string(expected) + ", got " + describe(token));
    }
}

void Parser::expectClose(TokenKind closer, const Token& open) {
    const Token& token = peek();
    if (token.kind != closer) {
        const std::string_view closeText = closer == TokenKind::close_paren ? ")" : "]";
        fail(token.offset, "expected \"and\", \"or\" or \"" + std::string(closeText) +
                               "\" to close the \"" + std::string(open.source) + "\" at position " +
                               std::to_string(open.offset + 1) + ", got " + describe(token));
    }
    next();
}

// Left-leaning: `a or b or c` is Or{Or{a, b}, c}. A loop rather than
// recursion, so a long chain cannot exhaust the stack.
FilterPtr Parser::parseOrChain() {
    FilterPtr left = parseAndChain();
    while (isKeyword(peek(), "or")) {
        next();
        FilterPtr right = parseAndChain();
        left = makeNode(Or{std::move(left), std::move(right)});
    }
    return left;
}

FilterPtr Parser::parseAndChain() {
    FilterPtr left = parsePrimary();
    while (isKeyword(peek(), "and")) {
        next();
        FilterPtr right = parsePrimary();
        left = makeNode(And{std::move(left), std::move(right)});
    }
    return left;
}

FilterPtr Parser::parsePrimary() {
    const Token& token = peek();
    if (token.kind == TokenKind::open_paren) return parseGroup();
    if (isKeyword(token, "not")) return parseNot();
    const bool startsAttribute = token.kind == TokenKind::word && isAlpha(token.source[0]) &&
                                 !isKeyword(token, "and") && !isKeyword(token, "or");
    if (!startsAttribute) {
        fail(token.offset, "expected an attribute path, \"(\" or \"not\"" + afterPrevious() +
                               ", got " + describe(token));
    }
    return parseAttributeExpression();
}

FilterPtr Parser::parseGroup() {
    const Token open = next();
    NestingGuard guard(*this, open);
    FilterPtr inner = parseOrChain();
    expectClose(TokenKind::close_paren, open);
    return inner;
}

// RFC 7644 only allows `not` before a parenthesised filter.
FilterPtr Parser::parseNot() {
    next();
    const Token& open = peek();
    if (open.kind != TokenKind::open_paren) {
        fail(open.offset, "expected \"(\" after \"not\", got " + describe(open));
    }
    return makeNode(Not{parseGroup()});
}

FilterPtr Parser::parseAttributeExpression() {
    AttributePath path = parseAttributePath();
    if (peek().kind == TokenKind::open_bracket) {
        FilterPtr inner = parseValueFilter(path);
        return makeNode(ValuePath{std::move(path), std::move(inner)});
    }
    const CompareOp op = parseOperator();
    if (op == CompareOp::pr) {
        rejectValueAfterPresent();
        return makeNode(Comparison{std::move(path), op, std::nullopt});
    }
    Value value = parseValue();
    return makeNode(Comparison{std::move(path), op, std::move(value)});
}

FilterPtr Parser::parseValueFilter(const AttributePath& path) {
    const Token open = next();
    if (insideValueFilter_)
        fail(open.offset, "a value filter \"[...]\" cannot contain another \"[\"");
    if (!path.subAttribute.empty()) {
        fail(open.offset, "\"[\" must follow an attribute without a sub-attribute, got \"" +
                              toString(path) + "\"");
    }
    NestingGuard guard(*this, open);
    insideValueFilter_ = true;
    FilterPtr inner = parseOrChain();
    expectClose(TokenKind::close_bracket, open);
    insideValueFilter_ = false;
    return inner;
}

CompareOp Parser::parseOperator() {
    const Token& token = peek();
    if (token.kind == TokenKind::word) {
        for (const auto& [name, op] : kOperators) {
            if (equalsIgnoreCase(token.source, name)) {
                next();
                return op;
            }
        }
    }
    fail(token.offset,
         "expected a comparison operator" + afterPrevious() + ", got " + describe(token));
}

void Parser::rejectValueAfterPresent() {
    const Token& token = peek();
    if (token.kind == TokenKind::string || isLiteralWord(token)) {
        fail(token.offset, "\"pr\" takes no value, got " + describe(token));
    }
}

Value Parser::parseValue() {
    const Token& token = peek();
    std::optional<Value> value;
    if (token.kind == TokenKind::string) {
        value = token.text;
    } else if (isKeyword(token, "true") || isKeyword(token, "false")) {
        value = isKeyword(token, "true");
    } else if (isKeyword(token, "null")) {
        value = nullptr;
    } else if (startsNumber(token)) {
        value = parseNumber(token);
    }
    if (!value) {
        const bool bareWord = token.kind == TokenKind::word && isAlpha(token.source[0]) &&
                              !isKeyword(token, "and") && !isKeyword(token, "or");
        fail(token.offset, "expected a value (a string, number, true, false or null)" +
                               afterPrevious() + ", got " + describe(token) +
                               (bareWord ? " (strings must be in double quotes)" : ""));
    }
    next();
    return std::move(*value);
}

Value Parser::parseNumber(const Token& token) const {
    const std::string_view text = token.source;
    bool integral = false;
    if (!isJsonNumber(text, integral)) {
        fail(token.offset, "invalid number \"" + clipForMessage(text) + "\"");
    }
    const char* const first = text.data();
    const char* const last = text.data() + text.size();
    if (integral) {
        std::int64_t whole = 0;
        // An integer beyond int64 falls through to double, as in JSON.
        if (std::from_chars(first, last, whole).ec == std::errc{}) return Value{whole};
    }
    double real = 0;
    if (std::from_chars(first, last, real).ec != std::errc{} || !std::isfinite(real)) {
        fail(token.offset, "number \"" + clipForMessage(text) + "\" is out of range");
    }
    return Value{real};
}

AttributePath Parser::parseAttributePath() {
    const Token& peeked = peek();
    if (peeked.kind != TokenKind::word || !isAlpha(peeked.source[0])) {
        fail(peeked.offset,
             "expected an attribute path" + afterPrevious() + ", got " + describe(peeked));
    }
    const Token token = next();
    const std::string_view text = token.source;

    // The URN is everything before the last ':'; it contains dots ("2.0"),
    // so the sub-attribute '.' is searched for only after it.
    AttributePath path;
    std::size_t nameStart = 0;
    if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        checkSchemaUrn(text.substr(0, colon), token.offset);
        path.schemaUrn = text.substr(0, colon);
        nameStart = colon + 1;
    }
    const std::string_view rest = text.substr(nameStart);
    const auto dot = rest.find('.');
    const std::string_view attribute = rest.substr(0, dot);
    checkName(attribute, token.offset + nameStart, "attribute name");
    path.attribute = attribute;
    if (dot != std::string_view::npos) {
        const std::string_view sub = rest.substr(dot + 1);
        checkName(sub, token.offset + nameStart + dot + 1, "sub-attribute name");
        path.subAttribute = sub;
    }
    return path;
}

void Parser::checkName(std::string_view name, std::size_t offset, std::string_view label) const {
    if (name.empty()) fail(offset, "missing " + std::string(label));
    if (!isAlpha(name[0])) {
        fail(offset,
             std::string(label) + " \"" + clipForMessage(name) + "\" must start with a letter");
    }
    const auto bad = std::find_if_not(name.begin(), name.end(), isNameChar);
    if (bad != name.end()) {
        const auto index = static_cast<std::size_t>(bad - name.begin());
        fail(offset + index, "unexpected \"" + std::string(1, *bad) + "\" in " +
                                 std::string(label) + " \"" + clipForMessage(name) + "\"");
    }
}

void Parser::checkSchemaUrn(std::string_view urn, std::size_t offset) const {
    const bool hasPrefix = urn.size() > 4 && equalsIgnoreCase(urn.substr(0, 4), "urn:");
    if (!hasPrefix) {
        fail(offset, "expected a schema URN (\"urn:...\") before the last \":\", got \"" +
                         clipForMessage(urn) + "\"");
    }
    const auto bad = std::find_if_not(urn.begin(), urn.end(),
                                      [](char c) { return isNameChar(c) || c == ':' || c == '.'; });
    if (bad != urn.end()) {
        fail(offset + static_cast<std::size_t>(bad - urn.begin()),
             "unexpected \"" + std::string(1, *bad) + "\" in schema URN");
    }
}

}  // namespace muster::scim::detail
