#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// UTF-8 helpers for the filter lexer. Filter strings end up in SQL parameters
// and JSON error messages, both of which reject malformed UTF-8, so the lexer
// validates here rather than leaving a confusing failure for later.
namespace muster::scim::detail {

// Length of the well-formed UTF-8 sequence at the start of `text` (1-4), or 0
// when it is malformed (bad lead byte, truncated, overlong, surrogate, or
// beyond U+10FFFF).
std::size_t utf8SequenceLength(std::string_view text);

// Appends `codePoint` (a Unicode scalar value) encoded as UTF-8.
void appendUtf8(std::string& out, char32_t codePoint);

// At most `maxBytes` of `text`, cut at a character boundary, with "..."
// appended when something was cut; for quoting input in error messages.
std::string clipForMessage(std::string_view text, std::size_t maxBytes = 40);

}  // namespace muster::scim::detail
