#include <functional>
#include <string>
#include <vector>

#include "migrations.hpp"

namespace muster::store {

namespace {

// Backfill statements compare names as the *_norm columns do: ASCII
// lower-case only (sql_text.cpp). SQLite's LOWER() is exactly that;
// PostgreSQL's follows the locale, so there it is spelled with TRANSLATE.
// Of several spellings the first in byte order is kept, which PostgreSQL
// needs told with COLLATE "C". A template writes FOLD(expression) and
// FIRST(expression); each backend gets its own statement.
std::string replaceCalls(const std::string& text, const std::string& token,
                         const std::function<std::string(const std::string&)>& spell) {
    std::string out;
    std::size_t at = 0;
    for (std::size_t found = text.find(token); found != std::string::npos;
         found = text.find(token, at)) {
        out += text.substr(at, found - at);
        std::size_t begin = found + token.size();
        std::size_t end = begin;
        for (int depth = 1; end < text.size(); ++end) {
            if (text[end] == '(') ++depth;
            if (text[end] == ')' && --depth == 0) break;
        }
        out += spell(text.substr(begin, end - begin));
        at = end + 1;
    }
    return out + text.substr(at);
}

std::string withFold(const std::string& text, Backend backend) {
    const bool sqlite = backend == Backend::sqlite3;
    std::string out = replaceCalls(text, "FOLD(", [sqlite](const std::string& argument) {
        return sqlite ? "LOWER(" + argument + ")"
                      : "TRANSLATE(" + argument +
                            ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
    });
    return replaceCalls(out, "FIRST(", [sqlite](const std::string& argument) {
        return sqlite ? "MIN(" + argument + ")" : "MIN(" + argument + " COLLATE \"C\")";
    });
}

void addForEachBackend(std::vector<std::string>& statements, const std::string& text) {
    statements.push_back("{{sqlite3}}" + withFold(text, Backend::sqlite3));
    statements.push_back("{{postgresql}}" + withFold(text, Backend::postgresql));
}

std::string catalogueTable(const std::string& table, const std::string& extraColumns = "") {
    return "CREATE TABLE " + table +
           R"( (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            name TEXT NOT NULL,
            name_norm TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',)" +
           extraColumns + R"(
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL))";
}

// One entry per distinct (case-folded) value of a users column, spelled as
// its alphabetically first spelling, "created" when its first user was.
std::string backfillFromColumn(const std::string& table, const std::string& column) {
    return "INSERT INTO " + table +
           " (tenant_id, name, name_norm, created_at, updated_at) "
           "SELECT tenant_id, FIRST(" +
           column + "), FOLD(" + column + "), MIN(created_at), MIN(created_at) FROM users WHERE " +
           column + " <> '' GROUP BY tenant_id, FOLD(" + column + ")";
}

// Users spell the value as the catalogue does (renames match it exactly).
std::string canonicalizeColumn(const std::string& table, const std::string& column) {
    return "UPDATE users SET " + column + " = (SELECT c.name FROM " + table +
           " c WHERE c.tenant_id = users.tenant_id AND c.name_norm = FOLD(users." + column +
           ")), version = version + 1 WHERE " + column + " <> '' AND NOT EXISTS (SELECT 1 FROM " +
           table + " c WHERE c.tenant_id = users.tenant_id AND c.name = users." + column + ")";
}

// Tags and listed sites are stored one per line: each line becomes an entry.
void backfillFromLines(std::vector<std::string>& statements, const std::string& table,
                       const std::string& column, const std::string& where,
                       const std::string& extraColumns, const std::string& extraValues) {
    const std::string insert = "INSERT INTO " + table +
                               " (tenant_id, name, name_norm, created_at, updated_at" +
                               extraColumns + ") ";
    const std::string select =
        "SELECT tenant_id, FIRST(item), FOLD(item), MIN(created_at), MIN(created_at)" +
        extraValues + " FROM split WHERE item <> '' GROUP BY tenant_id, FOLD(item)";
    statements.push_back(
        "{{sqlite3}}" +
        withFold("WITH RECURSIVE split(tenant_id, created_at, item, rest) AS (SELECT tenant_id, "
                 "created_at, '', " +
                     column + " || char(10) FROM users WHERE " + where +
                     " UNION ALL SELECT tenant_id, created_at, substr(rest, 1, instr(rest, "
                     "char(10)) - 1), substr(rest, instr(rest, char(10)) + 1) FROM split WHERE "
                     "rest <> '') " +
                     insert + select,
                 Backend::sqlite3));
    statements.push_back("{{postgresql}}" +
                         withFold(insert +
                                      "SELECT tenant_id, FIRST(item), FOLD(item), MIN(created_at), "
                                      "MIN(created_at)" +
                                      extraValues +
                                      " FROM (SELECT tenant_id, created_at, "
                                      "unnest(string_to_array(" +
                                      column + ", chr(10))) AS item FROM users WHERE " + where +
                                      ") AS split WHERE item <> '' GROUP BY tenant_id, FOLD(item)",
                                  Backend::postgresql));
}

}  // namespace

// Migration 4: the org structure catalogues (SPEC U-1, U-10). Users keep
// their values as text; these tables say which names a tenant has.
// - departments, teams, sites, tags: names unique per tenant ignoring ASCII
//   case (name_norm); sections: unique within their department.
// - tags.kind is 'static' or 'dynamic'; a dynamic tag's rule is JSON
//   ({"all": [{"attribute", "op", "value"}]}, see org_repository.cpp).
// - Backfill: every value existing users carry becomes an entry, and users'
//   departments, sections and teams are spelled as their entries are.
// - Indexes on users' department/section and team serve the user counts and
//   renames.
Migration orgStructureMigration() {
    std::vector<std::string> statements = {
        catalogueTable("departments"),
        "CREATE UNIQUE INDEX ux_departments_name ON departments (tenant_id, name_norm)",
        catalogueTable("sections", R"(
            department_id BIGINT NOT NULL REFERENCES departments(id) ON DELETE CASCADE,)"),
        "CREATE UNIQUE INDEX ux_sections_name ON sections (department_id, name_norm)",
        "CREATE INDEX ix_sections_tenant ON sections (tenant_id)",
        catalogueTable("teams"),
        "CREATE UNIQUE INDEX ux_teams_name ON teams (tenant_id, name_norm)",
        catalogueTable("sites"),
        "CREATE UNIQUE INDEX ux_sites_name ON sites (tenant_id, name_norm)",
        catalogueTable("tags", R"(
            kind TEXT NOT NULL DEFAULT 'static',
            rule TEXT,)"),
        "CREATE UNIQUE INDEX ux_tags_name ON tags (tenant_id, name_norm)",
        "CREATE INDEX ix_tags_kind ON tags (tenant_id, kind)",
        "CREATE INDEX ix_users_department ON users (tenant_id, department, section)",
        "CREATE INDEX ix_users_team ON users (tenant_id, team)",
    };

    addForEachBackend(statements, backfillFromColumn("departments", "department"));
    addForEachBackend(statements, canonicalizeColumn("departments", "department"));
    // Sections of users without a department have nothing to belong to and
    // stay as they are; the next write of such a user needs a department.
    addForEachBackend(
        statements,
        "INSERT INTO sections (tenant_id, department_id, name, name_norm, created_at, updated_at) "
        "SELECT u.tenant_id, d.id, FIRST(u.section), FOLD(u.section), MIN(u.created_at), "
        "MIN(u.created_at) FROM users u JOIN departments d ON d.tenant_id = u.tenant_id AND "
        "d.name = u.department WHERE u.section <> '' GROUP BY u.tenant_id, d.id, "
        "FOLD(u.section)");
    addForEachBackend(
        statements,
        "UPDATE users SET section = (SELECT s.name FROM sections s JOIN departments d ON d.id = "
        "s.department_id WHERE d.tenant_id = users.tenant_id AND d.name = users.department AND "
        "s.name_norm = FOLD(users.section)), version = version + 1 WHERE section <> '' AND "
        "department <> '' AND NOT EXISTS (SELECT 1 FROM sections s JOIN departments d ON d.id = "
        "s.department_id WHERE d.tenant_id = users.tenant_id AND d.name = users.department AND "
        "s.name = users.section)");
    addForEachBackend(statements, backfillFromColumn("teams", "team"));
    addForEachBackend(statements, canonicalizeColumn("teams", "team"));
    backfillFromLines(statements, "tags", "tags", "tags <> ''", ", kind", ", 'static'");
    backfillFromLines(statements, "sites", "sites", "sites_mode = 'listed' AND sites <> ''", "",
                      "");

    return {4, "org structure", std::move(statements)};
}

}  // namespace muster::store
