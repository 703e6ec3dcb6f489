#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "muster/core/error.hpp"
#include "muster/scim/filter.hpp"
#include "muster/scim/path.hpp"

namespace muster::scim::testing {

// The canonical text of a parsed filter: shows the tree's shape in one string.
inline std::string canonical(std::string_view filter) { return toString(*parseFilter(filter)); }

// The message of the muster::Error that `parse` throws, after checking its code.
template <typename Parse>
std::string errorMessage(Parse&& parse, ErrorCode expectedCode) {
    try {
        parse();
    } catch (const Error& error) {
        EXPECT_EQ(toString(error.code()), toString(expectedCode));
        return error.what();
    }
    ADD_FAILURE() << "parsed without an error";
    return {};
}

inline std::string filterError(std::string_view text, int maxDepth = kDefaultMaxFilterDepth) {
    return errorMessage([&] { parseFilter(text, maxDepth); }, ErrorCode::invalid_filter);
}

inline std::string pathError(std::string_view text) {
    return errorMessage([&] { parsePatchPath(text); }, ErrorCode::invalid_path);
}

// The node's expression as `Expr` (std::get throws, failing the test, if it
// is something else). Refuses temporaries: the reference would dangle.
template <typename Expr>
const Expr& as(const FilterPtr& node) {
    EXPECT_TRUE(node != nullptr);
    EXPECT_TRUE(std::holds_alternative<Expr>(node->expr)) << toString(*node);
    return std::get<Expr>(node->expr);
}
template <typename Expr>
const Expr& as(FilterPtr&& node) = delete;

inline ::testing::AssertionResult startsWith(const std::string& text, std::string_view prefix) {
    if (text.starts_with(prefix)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << '"' << text << "\" does not start with \"" << prefix << '"';
}

}  // namespace muster::scim::testing
