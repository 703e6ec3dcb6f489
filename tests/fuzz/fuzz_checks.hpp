#pragma once

// Invariants shared by the parser fuzz targets. A broken invariant aborts,
// which libFuzzer reports as a crash and saves the input.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "muster/core/error.hpp"
#include "utf8.hpp"  // scim/src: the parser's own UTF-8 check

namespace muster::fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail) {
    std::fprintf(stderr, "fuzz invariant broken: %.*s: %.*s\n", static_cast<int>(what.size()),
                 what.data(), static_cast<int>(detail.size()), detail.data());
    std::abort();
}

inline bool isValidUtf8(std::string_view text) {
    while (!text.empty()) {
        const std::size_t length = scim::detail::utf8SequenceLength(text);
        if (length == 0) return false;
        text.remove_prefix(length);
    }
    return true;
}

// Error messages reach clients inside JSON, which needs valid UTF-8.
inline void expectSyntaxError(const Error& error, ErrorCode code, std::string_view prefix) {
    const std::string_view message = error.what();
    if (error.code() != code) fail("unexpected error code", message);
    if (!message.starts_with(prefix)) fail("message without position", message);
    if (!isValidUtf8(message)) fail("message is not valid UTF-8", message);
}

inline void expectLimitError(const Error& error) {
    const std::string_view message = error.what();
    const bool limit = message.find("too long") != std::string_view::npos ||
                       message.find("nesting too deep") != std::string_view::npos;
    if (!limit) fail("canonical text does not parse", message);
}

inline void expectSame(const std::string& reparsed, const std::string& canonical) {
    if (reparsed != canonical)
        fail("canonical text changed on re-parse", canonical + " -> " + reparsed);
}

}  // namespace muster::fuzz
