#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

// SCIM filter expressions (RFC 7644 §3.4.2.2) parsed into a small immutable AST.
//
// The parser only checks syntax. Names are kept exactly as written; resolving
// them against the schema (case-insensitively) and checking that an operator
// suits the attribute's type happen later, where the schema is known.
namespace muster::scim {

// Limits on input that comes from outside (DESIGN.md: "limits on everything").
inline constexpr std::size_t kMaxFilterBytes = 8 * 1024;
inline constexpr int kDefaultMaxFilterDepth = 32;
// A caller may raise maxDepth, but never past this: each level costs a few
// stack frames in the recursive-descent parser.
inline constexpr int kMaxFilterDepthCeiling = 256;

// `[schemaUrn ":"] attribute ["." subAttribute]`, e.g.
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"
// → {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "manager", "value"}.
// The URN ends at the last ':' (URNs contain dots, as in "2.0"). A bare schema
// URN such as "urn:...:2.0:User" therefore reads as {"urn:...:2.0", "User", ""};
// schema resolution is where that case is recognised.
struct AttributePath {
    std::string schemaUrn;  // empty when not qualified
    std::string attribute;
    std::string subAttribute;  // empty when absent

    friend bool operator==(const AttributePath&, const AttributePath&) = default;
};

enum class CompareOp { eq, ne, co, sw, ew, pr, gt, ge, lt, le };

// A comparison value. Numbers: a literal without fraction or exponent that fits
// in int64 becomes std::int64_t; any other number (1.5, 1e3, or an integer too
// large for int64) becomes double. Strings are JSON-unescaped, valid UTF-8 and
// never contain NUL.
using Value = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;

struct Node;
using FilterPtr = std::shared_ptr<const Node>;

// `path op value`; `value` is empty exactly when op is pr.
struct Comparison {
    AttributePath path;
    CompareOp op;
    std::optional<Value> value;
};

struct And {
    FilterPtr left;
    FilterPtr right;
};

struct Or {
    FilterPtr left;
    FilterPtr right;
};

struct Not {
    FilterPtr child;
};

// `emails[type eq "work"]`: `inner` is evaluated against each element of the
// multi-valued attribute `path`, which never has a sub-attribute. Names inside
// `inner` are relative to that element. (A PATCH path's `].value` suffix lives
// in PatchPath, not here.)
struct ValuePath {
    AttributePath path;
    FilterPtr inner;
};

struct Node {
    std::variant<Comparison, And, Or, Not, ValuePath> expr;
};

// Parses a filter. Throws muster::Error(ErrorCode::invalid_filter) with a
// message naming the 1-based byte position and what was expected, for bad
// syntax, input over kMaxFilterBytes, or nesting of "(", "not (" and "[" deeper
// than maxDepth (clamped to [0, kMaxFilterDepthCeiling]). and/or chains are
// parsed iteratively and build left-leaning trees: `a or b or c` is
// Or{Or{a, b}, c}.
FilterPtr parseFilter(std::string_view text, int maxDepth = kDefaultMaxFilterDepth);

// Canonical text: lower-case keywords and operators, strings re-escaped, and
// every and/or nested in another in parentheses, e.g.
// `a eq 1 or (b eq "x" and not (c pr))`. Parsing the result yields the same
// tree (limits permitting: the added parentheses count towards maxDepth).
std::string toString(const Node& node);
std::string toString(const AttributePath& path);
std::string_view toString(CompareOp op);
std::string toString(const Value& value);

}  // namespace muster::scim
