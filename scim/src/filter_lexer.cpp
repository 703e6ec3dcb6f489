#include "filter_lexer.hpp"

#include <cstdio>
#include <string>

#include "utf8.hpp"

namespace muster::scim::detail {
namespace {

bool isWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool isAsciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Characters of attribute paths (with URNs), keywords, operators and numbers.
// '+' only belongs in exponents ("1e+5"); the grammar rejects it elsewhere.
bool isWordChar(char c) {
    return isAsciiAlnum(c) || c == ':' || c == '.' || c == '_' || c == '-' || c == '+';
}

bool isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

unsigned hexValue(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    return static_cast<unsigned>(c - 'A' + 10);
}

// Quotes a single input byte for a message without echoing control or
// non-ASCII bytes, which would make the message itself malformed.
std::string describeByte(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x21 && byte < 0x7F) return std::string("\"") + c + "\"";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    return hex;
}

}  // namespace

void throwSyntaxError(const SyntaxKind& kind, std::size_t offset, std::string_view what) {
    std::string message = "invalid ";
    message += kind.noun;
    message += " at position ";
    message += std::to_string(offset + 1);
    message += ": ";
    message += what;
    throw Error(kind.code, std::move(message));
}

void Lexer::fail(std::size_t offset, std::string_view what) const {
    throwSyntaxError(kind_, offset, what);
}

const Token& Lexer::peek() {
    if (!lookahead_) lookahead_ = lex();
    return *lookahead_;
}

Token Lexer::next() {
    peek();
    Token token = std::move(*lookahead_);
    lookahead_.reset();
    return token;
}

std::string Lexer::describe(const Token& token) const {
    switch (token.kind) {
        case TokenKind::end:
            return std::string("end of ").append(kind_.noun);
        case TokenKind::string:
            return std::string("the string ").append(clipForMessage(token.source));
        default:
            // append() rather than "..." + string: GCC 12 at -O2 warns falsely (-Wrestrict).
            return std::string("\"").append(clipForMessage(token.source)).append("\"");
    }
}

Token Lexer::lex() {
    while (pos_ < input_.size() && isWhitespace(input_[pos_])) ++pos_;
    const std::size_t start = pos_;
    if (start == input_.size()) return Token{TokenKind::end, start, {}, {}};

    const char c = input_[start];
    const auto single = [&](TokenKind kind) {
        ++pos_;
        return Token{kind, start, input_.substr(start, 1), {}};
    };
    switch (c) {
        case '(':
            return single(TokenKind::open_paren);
        case ')':
            return single(TokenKind::close_paren);
        case '[':
            return single(TokenKind::open_bracket);
        case ']':
            return single(TokenKind::close_bracket);
        case '"':
            return lexString(start);
        default:
            break;
    }
    if (isWordChar(c)) return lexWord(start);
    if (static_cast<unsigned char>(c) >= 0x80) {
        fail(start,
             "unexpected byte " + describeByte(c) + " (non-ASCII text must be inside a string)");
    }
    fail(start, "unexpected character " + describeByte(c));
}

Token Lexer::lexWord(std::size_t start) {
    while (pos_ < input_.size() && isWordChar(input_[pos_])) ++pos_;
    return Token{TokenKind::word, start, input_.substr(start, pos_ - start), {}};
}

// A JSON string (RFC 8259 §7), as RFC 7644 requires for string literals.
Token Lexer::lexString(std::size_t start) {
    std::string text;
    pos_ = start + 1;
    while (true) {
        if (pos_ >= input_.size()) fail(start, "unterminated string (missing closing '\"')");
        const char c = input_[pos_];
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"') break;
        if (c == '\\') {
            decodeEscape(start, text);
        } else if (byte < 0x20) {
            fail(pos_, "control character " + describeByte(c) +
                           " in a string (escape it, e.g. \\n or \\u0009)");
        } else {
            const std::size_t length = utf8SequenceLength(input_.substr(pos_));
            if (length == 0) fail(pos_, "invalid UTF-8 in a string");
            text.append(input_.substr(pos_, length));
            pos_ += length;
        }
    }
    ++pos_;  // the closing quote
    return Token{TokenKind::string, start, input_.substr(start, pos_ - start), std::move(text)};
}

void Lexer::decodeEscape(std::size_t stringStart, std::string& out) {
    const std::size_t escapeStart = pos_;
    if (escapeStart + 1 >= input_.size())
        fail(stringStart, "unterminated string (missing closing '\"')");
    const char kind = input_[escapeStart + 1];
    const auto simple = [&](char decoded) {
        out += decoded;
        pos_ = escapeStart + 2;
    };
    switch (kind) {
        case '"':
            return simple('"');
        case '\\':
            return simple('\\');
        case '/':
            return simple('/');
        case 'b':
            return simple('\b');
        case 'f':
            return simple('\f');
        case 'n':
            return simple('\n');
        case 'r':
            return simple('\r');
        case 't':
            return simple('\t');
        case 'u':
            break;
        default:
            fail(escapeStart,
                 "invalid escape sequence: backslash followed by " + describeByte(kind));
    }

    char32_t codePoint = readUtf16Unit(escapeStart);
    pos_ = escapeStart + 6;
    if (codePoint >= 0xDC00 && codePoint <= 0xDFFF) {
        fail(escapeStart, "unpaired UTF-16 surrogate (a low surrogate must follow a high one)");
    }
    if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
        // Characters beyond the BMP come as a \uD8xx\uDCxx surrogate pair.
        const bool pairFollows = input_.substr(pos_, 2) == "\\u";
        const char32_t low = pairFollows ? readUtf16Unit(pos_) : 0;
        if (low < 0xDC00 || low > 0xDFFF) {
            fail(escapeStart,
                 "unpaired UTF-16 surrogate (a high surrogate must be followed by "
                 "a \\uDC00-\\uDFFF escape)");
        }
        codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
        pos_ += 6;
    }
    // NUL cannot be stored in PostgreSQL text and truncates C strings.
    if (codePoint == 0) fail(escapeStart, "\\u0000 is not allowed in a string");
    appendUtf8(out, codePoint);
}

// The four hex digits of the \uXXXX escape starting at `escapeStart`.
char32_t Lexer::readUtf16Unit(std::size_t escapeStart) {
    const std::string_view digits = input_.substr(escapeStart + 2, 4);
    if (digits.size() < 4) fail(escapeStart, "expected four hex digits after \\u");
    char32_t unit = 0;
    for (const char digit : digits) {
        if (!isHexDigit(digit)) fail(escapeStart, "expected four hex digits after \\u");
        unit = (unit << 4) | hexValue(digit);
    }
    return unit;
}

}  // namespace muster::scim::detail
