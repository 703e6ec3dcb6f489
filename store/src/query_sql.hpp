#pragma once

// Compiles a store-neutral query (core/query.hpp) into parameterised SQL for
// the users or groups table: a WHERE clause, an ORDER BY and the values to
// bind, in placeholder order. Every value from the client is bound, never
// spliced into the text; field names come from a fixed table per resource.

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "muster/core/model.hpp"
#include "muster/core/query.hpp"
#include "soci_headers.hpp"
#include "store_url.hpp"

namespace muster::store {

// A value bound to one placeholder.
struct BoundValue {
    enum class Kind { text, integer, real };
    Kind kind = Kind::text;
    std::string text;
    long long integer = 0;
    double real = 0;
};

struct CompiledQuery {
    std::string where;    // "users.tenant_id = :p0 AND (...)", without "WHERE"
    std::string orderBy;  // "LOWER(users.title) DESC, users.id DESC", without "ORDER BY"
    // Stable addresses: SOCI keeps references to the bound values.
    std::deque<BoundValue> values;
};

enum class QueryTable { users, groups };

// Throws Error(invalid_filter) for a field the table does not know or an
// operator that does not suit it, and Error(invalid_cursor) for a cursor this
// server did not issue.
CompiledQuery compileQuery(QueryTable table, Backend backend, Id tenantId,
                           const query::ListQuery& query);

// Cursor paging (RFC 9865). Without sortBy the cursor is the last id seen
// (keyset, so rows added or removed meanwhile never shift the pages); with
// sortBy it is an offset.
struct Cursor {
    enum class Kind { afterId, offset };
    Kind kind = Kind::afterId;
    long long value = 0;
};
std::string encodeCursor(const Cursor& cursor);
Cursor decodeCursor(const std::string& text);  // Error(invalid_cursor) when malformed

// One page of a list query, as ids in the query's order; the caller reads
// the rows. totalResults counts every match (RFC 7644 §3.4.2.4).
struct IdPage {
    std::vector<Id> ids;
    std::int64_t totalResults = 0;
    std::optional<std::string> nextCursor;
};
IdPage queryIds(soci::session& sql, QueryTable table, Id tenantId, const query::ListQuery& query);

Backend backendOf(soci::session& sql);

}  // namespace muster::store
