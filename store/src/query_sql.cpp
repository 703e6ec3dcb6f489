#include "query_sql.hpp"

#include <charconv>
#include <functional>
#include <map>
#include <type_traits>

#include "muster/core/error.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"
#include "sqlite_statement.hpp"
#include "statement_cache.hpp"

namespace muster::store {

namespace {

using query::CompareOp;
using query::Condition;

// How a field's values are stored, which decides how a comparison reads.
enum class Storage {
    text,        // TEXT NOT NULL DEFAULT ''
    integer,     // BIGINT; ids arrive as text ("12") and are converted
    flag,        // INTEGER 0/1
    timestamp,   // BIGINT milliseconds, NULL when unknown
    reference,   // BIGINT id, NULL when unset; compared with a text id
    lines,       // TEXT, one item per line (tags)
    activeFlag,  // users.status: active is status = 'active'
};

struct FieldDef {
    std::string column;      // SQL expression, e.g. "users.title"
    std::string normColumn;  // case-insensitive form when a *_norm column holds it
    Storage storage = Storage::text;
    std::string collection;  // "" for the row itself, else the child collection it lives in
};

// A multi-valued attribute kept in a child table: conditions on it become
// EXISTS (SELECT 1 FROM ... WHERE <link> AND <condition>).
struct CollectionDef {
    std::string from;  // "identifiers e"
    std::string link;  // "e.user_id = users.id AND e.kind = 'email'"
};

struct TableDef {
    std::string table;
    std::map<std::string, FieldDef> fields;
    std::map<std::string, CollectionDef> collections;
};

const TableDef& usersTable() {
    static const TableDef table{
        "users",
        {
            {"id", {"users.id", "", Storage::integer, ""}},
            {"externalId", {"users.external_id", "", Storage::text, ""}},
            {"userName", {"users.user_name", "users.user_name_norm", Storage::text, ""}},
            {"name.formatted", {"users.formatted_name", "", Storage::text, ""}},
            {"name.familyName", {"users.family_name", "", Storage::text, ""}},
            {"name.givenName", {"users.given_name", "", Storage::text, ""}},
            {"name.middleName", {"users.middle_name", "", Storage::text, ""}},
            {"name.honorificPrefix", {"users.honorific_prefix", "", Storage::text, ""}},
            {"name.honorificSuffix", {"users.honorific_suffix", "", Storage::text, ""}},
            {"displayName", {"users.display_name", "", Storage::text, ""}},
            {"nickName", {"users.nick_name", "", Storage::text, ""}},
            {"title", {"users.title", "", Storage::text, ""}},
            {"userType", {"users.user_type", "", Storage::text, ""}},
            {"preferredLanguage", {"users.preferred_language", "", Storage::text, ""}},
            {"locale", {"users.locale", "", Storage::text, ""}},
            {"timezone", {"users.timezone", "", Storage::text, ""}},
            {"active", {"users.status", "", Storage::activeFlag, ""}},
            {"meta.created", {"users.created_at", "", Storage::timestamp, ""}},
            {"meta.lastModified", {"users.updated_at", "", Storage::timestamp, ""}},
            {"employeeNumber", {"users.employee_number", "", Storage::text, ""}},
            {"costCenter", {"users.cost_center", "", Storage::text, ""}},
            {"organization", {"users.organization", "", Storage::text, ""}},
            {"division", {"users.division", "", Storage::text, ""}},
            {"department", {"users.department", "", Storage::text, ""}},
            {"manager.value", {"users.manager_id", "", Storage::reference, ""}},
            {"tracked", {"users.tracked", "", Storage::flag, ""}},
            {"banned", {"users.banned", "", Storage::flag, ""}},
            {"section", {"users.section", "", Storage::text, ""}},
            {"team", {"users.team", "", Storage::text, ""}},
            {"tags", {"users.tags", "", Storage::lines, ""}},
            {"status", {"users.status", "", Storage::text, ""}},
            {"identityProvider", {"users.identity_provider", "", Storage::text, ""}},
            {"mfaStatus", {"users.mfa_status", "", Storage::text, ""}},
            {"lastLogin", {"users.last_login_at", "", Storage::timestamp, ""}},
            {"profileIncomplete", {"users.profile_incomplete", "", Storage::flag, ""}},
            // The highest rank among the user's roles (0 without roles), so
            // the admin list can sort by role (SPEC U-5).
            {"roleRank",
             {"(SELECT COALESCE(MAX(rr.rank), 0) FROM user_roles urr JOIN roles rr "
              "ON rr.id = urr.role_id WHERE urr.user_id = users.id)",
              "", Storage::integer, ""}},
            {"emails.value", {"em.value", "em.value_norm", Storage::text, "emails"}},
            {"emails.type", {"em.type", "", Storage::text, "emails"}},
            {"emails.primary", {"em.is_primary", "", Storage::flag, "emails"}},
            {"identifiers.kind", {"idf.kind", "", Storage::text, "identifiers"}},
            {"identifiers.value", {"idf.value", "idf.value_norm", Storage::text, "identifiers"}},
            {"identifiers.logonDomain",
             {"idf.logon_domain", "idf.logon_domain_norm", Storage::text, "identifiers"}},
            {"groups.value", {"gm.group_id", "", Storage::reference, "groups"}},
            {"roles", {"r.name", "r.name_norm", Storage::text, "roles"}},
        },
        {
            {"emails", {"identifiers em", "em.user_id = users.id AND em.kind = 'email'"}},
            {"identifiers", {"identifiers idf", "idf.user_id = users.id AND idf.kind <> 'email'"}},
            {"groups", {"group_members gm", "gm.member_user_id = users.id"}},
            {"roles", {"user_roles ur JOIN roles r ON r.id = ur.role_id", "ur.user_id = users.id"}},
        }};
    return table;
}

const TableDef& groupsTable() {
    // A member is a user or a group: its id is whichever column is set.
    static const TableDef table{
        "groups",
        {
            {"id", {"groups.id", "", Storage::integer, ""}},
            {"externalId", {"groups.external_id", "", Storage::text, ""}},
            {"displayName", {"groups.display_name", "groups.display_name_norm", Storage::text, ""}},
            {"meta.created", {"groups.created_at", "", Storage::timestamp, ""}},
            {"meta.lastModified", {"groups.updated_at", "", Storage::timestamp, ""}},
            {"members.value",
             {"COALESCE(mem.member_user_id, mem.member_group_id)", "", Storage::reference,
              "members"}},
        },
        {
            {"members", {"group_members mem", "mem.group_id = groups.id"}},
        }};
    return table;
}

const TableDef& tableDef(QueryTable table) {
    return table == QueryTable::users ? usersTable() : groupsTable();
}

[[noreturn]] void reject(const std::string& message) {
    throw Error(ErrorCode::invalid_filter, message);
}

class Compiler {
  public:
    Compiler(const TableDef& table, Backend backend, std::deque<BoundValue>& values)
        : table_(table), backend_(backend), values_(values) {}

    std::string condition(const Condition& condition, const std::string& collection) {
        switch (condition.kind) {
            case Condition::Kind::compare:
                return comparisonIn(condition, collection);
            case Condition::Kind::all:
                return combined(condition, " AND ", collection);
            case Condition::Kind::any:
                return combined(condition, " OR ", collection);
            case Condition::Kind::negate:
                if (condition.children.size() != 1 || !condition.children[0]) reject("empty not");
                return negated(this->condition(*condition.children[0], collection));
            case Condition::Kind::within:
                return within(condition);
        }
        reject("unsupported condition");
    }

    std::string bind(BoundValue value) {
        values_.push_back(std::move(value));
        return ":p" + std::to_string(values_.size() - 1);
    }
    std::string bindText(std::string text) {
        return bind(BoundValue{BoundValue::Kind::text, std::move(text), 0, 0});
    }
    std::string bindInteger(long long number) {
        return bind(BoundValue{BoundValue::Kind::integer, {}, number, 0});
    }

    const FieldDef& field(const std::string& name) const {
        auto found = table_.fields.find(name);
        if (found == table_.fields.end()) {
            reject("\"" + name + "\" cannot be used in filters of " + table_.table);
        }
        return found->second;
    }

  private:
    // NULL-safe negation: a comparison with a missing value is false, and so
    // its negation is true (SQL would make both NULL).
    static std::string negated(const std::string& inner) {
        return "NOT COALESCE((" + inner + "), FALSE)";
    }

    std::string combined(const Condition& condition, const char* glue,
                         const std::string& collection) {
        if (condition.children.empty()) reject("an empty and/or");
        std::string out = "(";
        for (std::size_t i = 0; i < condition.children.size(); ++i) {
            if (i > 0) out += glue;
            out += this->condition(*condition.children[i], collection);
        }
        return out + ")";
    }

    std::string exists(const std::string& collection, const std::string& inner) const {
        const CollectionDef& def = table_.collections.at(collection);
        return "EXISTS (SELECT 1 FROM " + def.from + " WHERE " + def.link + " AND (" + inner + "))";
    }

    std::string within(const Condition& condition) {
        if (table_.collections.count(condition.field) == 0) {
            reject("\"" + condition.field + "[...]\" cannot be used in filters of " + table_.table);
        }
        if (condition.children.size() != 1 || !condition.children[0]) reject("empty value path");
        return exists(condition.field, this->condition(*condition.children[0], condition.field));
    }

    // A comparison on a child collection's field outside a value path means
    // "some element matches".
    std::string comparisonIn(const Condition& condition, const std::string& collection) {
        const FieldDef& def = field(condition.field);
        if (def.collection == collection) return comparison(condition, def);
        if (!collection.empty()) {
            reject("\"" + condition.field + "\" is not part of " + collection);
        }
        if (std::holds_alternative<std::monostate>(condition.value) &&
            (condition.op == CompareOp::eq || condition.op == CompareOp::ne)) {
            // `emails eq null`: no element has a value (a user without emails
            // has none); `ne null`: some element has one.
            Condition presence = condition;
            presence.op = CompareOp::pr;
            const std::string some = exists(def.collection, comparison(presence, def));
            return condition.op == CompareOp::eq ? negated(some) : some;
        }
        if (condition.op == CompareOp::ne) {
            // "no element equals": some element equals, negated.
            Condition equal = condition;
            equal.op = CompareOp::eq;
            return negated(exists(def.collection, comparison(equal, def)));
        }
        return exists(def.collection, comparison(condition, def));
    }

    std::string comparison(const Condition& condition, const FieldDef& def) {
        if (condition.op == CompareOp::pr) return present(def);
        if (std::holds_alternative<std::monostate>(condition.value)) {
            // `attr eq null` asks for absence, `ne null` for presence.
            if (condition.op == CompareOp::eq) return negated(present(def));
            if (condition.op == CompareOp::ne) return present(def);
            reject("null can only be compared with eq or ne");
        }
        if (condition.op == CompareOp::ne) {
            Condition equal = condition;
            equal.op = CompareOp::eq;
            return negated(comparison(equal, def));
        }
        switch (def.storage) {
            case Storage::text:
                return textComparison(condition, def);
            case Storage::lines:
                return linesComparison(condition, def);
            case Storage::flag:
                return flagComparison(condition, def.column + " <> 0");
            case Storage::activeFlag:
                return flagComparison(condition, def.column + " = 'active'");
            case Storage::integer:
            case Storage::reference:
            case Storage::timestamp:
                return numberComparison(condition, def);
        }
        reject("unsupported attribute type");
    }

    static std::string present(const FieldDef& def) {
        switch (def.storage) {
            case Storage::text:
            case Storage::lines:
                return def.column + " <> ''";
            case Storage::reference:
            case Storage::timestamp:
                return def.column + " IS NOT NULL";
            default:
                return "TRUE";  // ids and booleans always have a value
        }
    }

    static const char* orderingOperator(CompareOp op) {
        switch (op) {
            case CompareOp::gt:
                return " > ";
            case CompareOp::ge:
                return " >= ";
            case CompareOp::lt:
                return " < ";
            case CompareOp::le:
                return " <= ";
            default:
                return " = ";
        }
    }

    static bool isSubstring(CompareOp op) {
        return op == CompareOp::co || op == CompareOp::sw || op == CompareOp::ew;
    }

    // The case-insensitive form of a text column: its *_norm column when there
    // is one (indexed), else LOWER(column). Both fold ASCII only (sql_text.hpp).
    static std::string foldedColumn(const FieldDef& def) {
        return def.normColumn.empty() ? "LOWER(" + def.column + ")" : def.normColumn;
    }

    std::string textComparison(const Condition& condition, const FieldDef& def) {
        const std::string* text = std::get_if<std::string>(&condition.value);
        if (text == nullptr) reject("\"" + condition.field + "\" is compared with a string");
        const std::string value = condition.caseExact ? *text : normalized(*text);
        const std::string column = condition.caseExact ? def.column : foldedColumn(def);
        if (condition.op == CompareOp::eq) {
            return column + orderingOperator(condition.op) + bindText(value);
        }
        if (!isSubstring(condition.op)) {
            // An absent value ('') is not less than anything, as NULL would not be.
            return "(" + column + orderingOperator(condition.op) + bindText(value) + " AND " +
                   present(def) + ")";
        }
        const std::string pattern = likePattern(condition.op, value);
        if (condition.caseExact && backend_ == Backend::sqlite3) {
            // SQLite's LIKE ignores ASCII case; GLOB does not.
            return column + " GLOB " + bindText(globPattern(condition.op, value));
        }
        return column + " LIKE " + bindText(pattern) + " ESCAPE '\\'";
    }

    // tags: one item per line; `tags eq "x"` holds when a line is exactly x.
    std::string linesComparison(const Condition& condition, const FieldDef& def) {
        const std::string* text = std::get_if<std::string>(&condition.value);
        if (text == nullptr) reject("\"" + condition.field + "\" is compared with a string");
        const std::string value = normalized(*text);
        std::string pattern;
        switch (condition.op) {
            case CompareOp::eq:
                pattern = "%\n" + escapeLike(value) + "\n%";
                break;
            case CompareOp::co:
                pattern = "%" + escapeLike(value) + "%";
                break;
            case CompareOp::sw:
                pattern = "%\n" + escapeLike(value) + "%";
                break;
            case CompareOp::ew:
                pattern = "%" + escapeLike(value) + "\n%";
                break;
            default:
                reject("\"" + condition.field + "\" supports eq, ne, co, sw, ew and pr");
        }
        const std::string newline = bindText("\n");
        const std::string newline2 = bindText("\n");
        return "(" + newline + " || LOWER(" + def.column + ") || " + newline2 + ") LIKE " +
               bindText(pattern) + " ESCAPE '\\'";
    }

    std::string flagComparison(const Condition& condition, const std::string& truth) {
        const bool* wanted = std::get_if<bool>(&condition.value);
        if (wanted == nullptr || condition.op != CompareOp::eq) {
            reject("\"" + condition.field + "\" is a boolean: compare it with eq or ne true/false");
        }
        return *wanted ? "(" + truth + ")" : "NOT (" + truth + ")";
    }

    std::string numberComparison(const Condition& condition, const FieldDef& def) {
        if (isSubstring(condition.op)) {
            reject("\"" + condition.field + "\" does not support co, sw or ew");
        }
        std::optional<long long> number = numberOf(condition.value);
        if (!number) {
            // An id that is not a number is no id of ours: nothing matches it.
            return "FALSE";
        }
        return def.column + orderingOperator(condition.op) + bindInteger(*number);
    }

    static std::optional<long long> numberOf(const query::Value& value) {
        if (const auto* number = std::get_if<std::int64_t>(&value)) return *number;
        if (const auto* text = std::get_if<std::string>(&value)) {
            long long parsed = 0;
            auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), parsed);
            if (error == std::errc() && end == text->data() + text->size()) return parsed;
        }
        return std::nullopt;
    }

    static std::string escapeLike(const std::string& value) {
        std::string out;
        for (char c : value) {
            if (c == '%' || c == '_' || c == '\\') out += '\\';
            out += c;
        }
        return out;
    }

    static std::string likePattern(CompareOp op, const std::string& value) {
        const std::string escaped = escapeLike(value);
        if (op == CompareOp::sw) return escaped + "%";
        if (op == CompareOp::ew) return "%" + escaped;
        return "%" + escaped + "%";
    }

    static std::string globPattern(CompareOp op, const std::string& value) {
        std::string escaped;
        for (char c : value) {
            if (c == '*' || c == '?' || c == '[') {
                escaped += '[';
                escaped += c;
                escaped += ']';
            } else {
                escaped += c;
            }
        }
        if (op == CompareOp::sw) return escaped + "*";
        if (op == CompareOp::ew) return "*" + escaped;
        return "*" + escaped + "*";
    }

    const TableDef& table_;
    Backend backend_;
    std::deque<BoundValue>& values_;
};

std::string orderByOf(const TableDef& table, Compiler& compiler,
                      const std::optional<query::SortKey>& sort) {
    const std::string id = table.table + ".id";
    if (!sort) return id;
    const FieldDef& def = compiler.field(sort->field);
    if (!def.collection.empty() || def.storage == Storage::lines) {
        throw Error(ErrorCode::invalid_input,
                    "sortBy: \"" + sort->field + "\" is multi-valued and cannot be sorted on",
                    "sortBy");
    }
    // Text sorts ignore case, as SCIM's caseExact=false attributes compare.
    std::string key = def.storage == Storage::text
                          ? (def.normColumn.empty() ? "LOWER(" + def.column + ")" : def.normColumn)
                          : def.column;
    const char* direction = sort->descending ? " DESC" : " ASC";
    return key + direction + ", " + id + direction;
}

}  // namespace

CompiledQuery compileQuery(QueryTable table, Backend backend, Id tenantId,
                           const query::ListQuery& query) {
    const TableDef& def = tableDef(table);
    CompiledQuery compiled;
    Compiler compiler(def, backend, compiled.values);
    compiled.where = def.table + ".tenant_id = " + compiler.bindInteger(tenantId);
    if (query.filter) compiled.where += " AND " + compiler.condition(*query.filter, "");
    compiled.orderBy = orderByOf(def, compiler, query.sort);
    return compiled;
}

std::string encodeCursor(const Cursor& cursor) {
    return (cursor.kind == Cursor::Kind::afterId ? "a" : "o") + std::to_string(cursor.value);
}

Cursor decodeCursor(const std::string& text) {
    Cursor cursor;
    long long value = -1;
    if (text.size() >= 2 && text.size() <= 20 && (text[0] == 'a' || text[0] == 'o')) {
        auto [end, error] = std::from_chars(text.data() + 1, text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size()) value = -1;
    }
    if (value < 0) {
        throw Error(ErrorCode::invalid_cursor,
                    "cursor \"" + text.substr(0, 64) + "\" was not issued by this server",
                    "cursor");
    }
    cursor.kind = text[0] == 'a' ? Cursor::Kind::afterId : Cursor::Kind::offset;
    cursor.value = value;
    return cursor;
}

Backend backendOf(soci::session& sql) {
    return sql.get_backend_name() == "postgresql" ? Backend::postgresql : Backend::sqlite3;
}

namespace {

// Calls bind(i, value) for each compiled value, typed as it is bound.
template <typename Bind>
void forEachBoundValue(std::deque<BoundValue>& values, Bind&& bind) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        BoundValue& value = values[i];
        switch (value.kind) {
            case BoundValue::Kind::text:
                bind(i, value.text);
                break;
            case BoundValue::Kind::integer:
                bind(i, value.integer);
                break;
            case BoundValue::Kind::real:
                bind(i, value.real);
                break;
        }
    }
}

void bindAll(SqlStatement& statement, std::deque<BoundValue>& values) {
    forEachBoundValue(values, [&](std::size_t, auto& value) { statement.use(value); });
}

// SQLite numbers parameters by first appearance; ":pN" finds the right one.
void bindAll(SqliteStatement& statement, std::deque<BoundValue>& values) {
    forEachBoundValue(values, [&](std::size_t i, auto& value) {
        const int parameter = statement.parameterIndex(":p" + std::to_string(i));
        if (parameter == 0) return;
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, long long>) {
            statement.bind(parameter, static_cast<std::int64_t>(value));
        } else {
            statement.bind(parameter, value);
        }
    });
}

// Runs a query of one integer column (a count, ids) with the compiled
// values bound, calling onRow for each row. Filters of one shape compile to
// one text whatever their values, so the connection's cache keeps the
// shapes a client uses (and is bounded against the rest). On SQLite through
// its C API, as the user reads (see sqlite_statement.hpp).
void forEachInteger(soci::session& sql, const std::string& query, std::deque<BoundValue>& values,
                    const std::function<void(long long)>& onRow) {
    StatementCache* cache = statementCacheOf(sql);
    if (cache != nullptr && nativeSqlite(sql) != nullptr) {
        SqliteStatement& statement = cache->getSqlite(sql, query);
        ResetWhenDone done(statement);
        bindAll(statement, values);
        std::int64_t value = 0;
        while (statement.step()) {
            statement.column(0, value);
            onRow(value);
        }
        return;
    }
    SqlStatement statement(sql, query, Reuse::prepared);
    long long value = 0;
    statement.into(value);
    bindAll(statement, values);
    for (bool more = statement.execute(); more; more = statement.fetchNext()) onRow(value);
}

std::int64_t countMatches(soci::session& sql, const std::string& table, CompiledQuery& compiled) {
    std::int64_t total = 0;
    forEachInteger(sql, "SELECT COUNT(*) FROM " + table + " WHERE " + compiled.where,
                   compiled.values, [&](long long count) { total = count; });
    return total;
}

// Where the page starts: an id to continue after (keyset) or an offset.
struct PageStart {
    std::optional<long long> afterId;
    long long offset = 0;
};

PageStart pageStartOf(const query::ListQuery& query) {
    PageStart start;
    start.offset = std::max<std::int64_t>(query.offset, 0);
    if (!query.cursor) return start;
    const Cursor cursor = decodeCursor(*query.cursor);
    const bool keyset = !query.sort.has_value();
    if ((cursor.kind == Cursor::Kind::afterId) != keyset) {
        throw Error(ErrorCode::invalid_cursor,
                    "the cursor belongs to a listing with a different sortBy", "cursor");
    }
    if (keyset) {
        start.afterId = cursor.value;
    } else {
        start.offset = cursor.value;
    }
    return start;
}

}  // namespace

IdPage queryIds(soci::session& sql, QueryTable table, Id tenantId, const query::ListQuery& query) {
    const std::string& name = tableDef(table).table;
    CompiledQuery compiled = compileQuery(table, backendOf(sql), tenantId, query);
    IdPage page;
    page.totalResults = countMatches(sql, name, compiled);
    const long long count = std::max<std::int64_t>(query.count, 0);
    if (count == 0) return page;

    const PageStart start = pageStartOf(query);
    std::string where = compiled.where;
    if (start.afterId) {
        compiled.values.push_back({BoundValue::Kind::integer, {}, *start.afterId, 0});
        where += " AND " + name + ".id > :p" + std::to_string(compiled.values.size() - 1);
    }
    // One row more than asked tells whether a next page exists.
    compiled.values.push_back({BoundValue::Kind::integer, {}, count + 1, 0});
    compiled.values.push_back({BoundValue::Kind::integer, {}, start.offset, 0});
    const std::size_t n = compiled.values.size();
    forEachInteger(sql,
                   "SELECT " + name + ".id FROM " + name + " WHERE " + where + " ORDER BY " +
                       compiled.orderBy + " LIMIT :p" + std::to_string(n - 2) + " OFFSET :p" +
                       std::to_string(n - 1),
                   compiled.values, [&](long long id) { page.ids.push_back(id); });
    if (static_cast<long long>(page.ids.size()) > count) {
        page.ids.resize(static_cast<std::size_t>(count));
        if (query.cursorPaging) {
            page.nextCursor = start.afterId || !query.sort
                                  ? encodeCursor({Cursor::Kind::afterId, page.ids.back()})
                                  : encodeCursor({Cursor::Kind::offset, start.offset + count});
        }
    }
    return page;
}

}  // namespace muster::store
