#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "muster/core/error.hpp"

// Tokens of the SCIM filter language, shared by the filter and PATCH path
// parsers. Words (attribute paths, operators, keywords, numbers) are not
// classified here: whether "eq" is an operator or an attribute depends on
// where it stands, which only the grammar knows.
namespace muster::scim::detail {

// What is being parsed: picks the error code and the noun in messages.
struct SyntaxKind {
    ErrorCode code;
    std::string_view noun;
};
inline constexpr SyntaxKind kFilterSyntax{ErrorCode::invalid_filter, "filter"};
inline constexpr SyntaxKind kPathSyntax{ErrorCode::invalid_path, "path"};

// Throws `invalid <noun> at position <offset + 1>: <what>`.
[[noreturn]] void throwSyntaxError(const SyntaxKind& kind, std::size_t offset,
                                   std::string_view what);

enum class TokenKind { end, open_paren, close_paren, open_bracket, close_bracket, string, word };

struct Token {
    TokenKind kind = TokenKind::end;
    std::size_t offset = 0;   // of the token's first byte in the input
    std::string_view source;  // the token as written (quotes included for strings)
    std::string text;         // a string token's unescaped contents
};

class Lexer {
  public:
    Lexer(std::string_view input, SyntaxKind kind) : input_(input), kind_(kind) {}

    // Lexes lazily, so an error is reported only when the parser gets there.
    const Token& peek();
    Token next();

    // How a token reads in "got ..." messages: `"eq"`, `the string "x"`, `end of filter`.
    std::string describe(const Token& token) const;
    [[noreturn]] void fail(std::size_t offset, std::string_view what) const;

  private:
    Token lex();
    Token lexString(std::size_t start);
    Token lexWord(std::size_t start);
    // Decodes the escape at pos_ (a backslash) into `out`.
    void decodeEscape(std::size_t stringStart, std::string& out);
    char32_t readUtf16Unit(std::size_t escapeStart);

    std::string_view input_;
    SyntaxKind kind_;
    std::size_t pos_ = 0;
    std::optional<Token> lookahead_;
};

}  // namespace muster::scim::detail
