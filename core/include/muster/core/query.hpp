#pragma once

// A store-neutral query: conditions over named fields of a resource, sort and
// paging. scim/ builds it from a SCIM filter; store/ compiles it to
// parameterised SQL. Field names are the canonical SCIM attribute paths
// ("userName", "name.familyName", "emails.value", "meta.lastModified"); the
// store knows which column or child table each one lives in.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace muster::query {

enum class CompareOp { eq, ne, co, sw, ew, pr, gt, ge, lt, le };

// null, boolean, integer, decimal or text. Date-times arrive as Timestamp
// (integer milliseconds) once the field's type says so.
using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

struct Condition;
using ConditionPtr = std::shared_ptr<const Condition>;

struct Condition {
    enum class Kind {
        compare,  // field op value
        all,      // every child holds (and)
        any,      // some child holds (or)
        negate,   // the one child does not hold (not)
        within,   // some element of multi-valued `field` satisfies children[0] (a value path)
    };
    Kind kind = Kind::compare;
    std::string field;
    CompareOp op = CompareOp::eq;
    Value value;
    bool caseExact = false;  // compare strings exactly, else case-insensitively
    std::vector<ConditionPtr> children;
};

struct SortKey {
    std::string field;
    bool descending = false;
};

struct ListQuery {
    ConditionPtr filter;           // null: everything
    std::optional<SortKey> sort;   // none: by id, the stable default order
    std::int64_t offset = 0;       // 0-based (SCIM startIndex - 1)
    std::int64_t count = 100;      // page size; 0 asks for totalResults only
    std::optional<std::string> cursor;  // opaque, from a previous page's nextCursor
    bool cursorPaging = false;          // answer with nextCursor when more items follow (RFC 9865)
    bool withMembers = true;       // groups: read members or not at all
};

}  // namespace muster::query
