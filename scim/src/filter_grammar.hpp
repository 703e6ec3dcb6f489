#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "filter_lexer.hpp"
#include "muster/scim/filter.hpp"

// Recursive-descent parser for RFC 7644 §3.4.2.2 filters, also used for the
// attribute and value-filter parts of PATCH paths (§3.5.2):
//
//   orChain  = andChain *("or" andChain)           ; iterative, not recursive
//   andChain = primary *("and" primary)
//   primary  = "not" "(" orChain ")" / "(" orChain ")"
//            / attrPath "[" orChain "]"           ; no "[" inside "[...]"
//            / attrPath "pr" / attrPath compareOp value
//
// Only "(", "not (" and "[" recurse, and each counts against maxDepth, so the
// stack stays bounded whatever the input.
namespace muster::scim::detail {

class Parser {
  public:
    Parser(std::string_view text, int maxDepth, SyntaxKind kind);

    // Rejects input that is blank.
    void expectNonEmpty();
    FilterPtr parseOrChain();
    // Consumes `[ orChain ]`; the next token must be "[". `path` is the
    // attribute the brackets follow.
    FilterPtr parseValueFilter(const AttributePath& path);
    // Consumes a word and splits it into [urn ":"] attribute ["." sub].
    AttributePath parseAttributePath();
    // Checks ALPHA *(ALPHA / DIGIT / "-" / "_"); `offset` is where `name` starts.
    void checkName(std::string_view name, std::size_t offset, std::string_view label) const;
    // Fails unless the input is used up; `expected` lists what could have come next.
    void expectEnd(std::string_view expected);

    const Token& peek() { return lexer_.peek(); }
    Token next();
    const Token& previous() const { return previous_; }
    std::string describe(const Token& token) const { return lexer_.describe(token); }
    [[noreturn]] void fail(std::size_t offset, std::string_view what) const;

  private:
    class NestingGuard;

    FilterPtr parseAndChain();
    FilterPtr parsePrimary();
    FilterPtr parseGroup();
    FilterPtr parseNot();
    FilterPtr parseAttributeExpression();
    CompareOp parseOperator();
    Value parseValue();
    Value parseNumber(const Token& token) const;
    void rejectValueAfterPresent();
    void checkSchemaUrn(std::string_view urn, std::size_t offset) const;
    // Consumes the token closing the group opened by `open`.
    void expectClose(TokenKind closer, const Token& open);
    // ` after "eq"`, naming the token consumed last, or "" at the start.
    std::string afterPrevious() const;

    Lexer lexer_;
    SyntaxKind kind_;
    int maxDepth_;
    int depth_ = 0;
    bool insideValueFilter_ = false;
    Token previous_;
    bool hasPrevious_ = false;
};

}  // namespace muster::scim::detail
