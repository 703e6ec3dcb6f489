#include "repositories.hpp"
#include "sql_errors.hpp"
#include "sql_statement.hpp"

namespace muster::store {

namespace {

// Runs a SELECT of (id, name, created_at) with optional parameters.
template <typename... Param>
std::vector<Tenant> selectTenants(soci::session& sql, const std::string& where, Param&... param) {
    SqlStatement st(sql, "SELECT id, name, created_at FROM tenants " + where, Reuse::prepared);
    Tenant row;
    st.into(row.id);
    st.into(row.name);
    st.into(row.createdAt);
    (st.use(param), ...);
    std::vector<Tenant> tenants;
    for (bool more = st.execute(); more; more = st.fetchNext()) tenants.push_back(row);
    return tenants;
}

std::optional<Tenant> firstOf(std::vector<Tenant> tenants) {
    if (tenants.empty()) return std::nullopt;
    return tenants.front();
}

}  // namespace

Tenant SqlTenantRepository::create(const std::string& name) {
    return translateErrors([&] {
        Tenant tenant;
        tenant.name = name;
        tenant.createdAt = nowMillis();
        try {
            sql_ << "INSERT INTO tenants (name, created_at) VALUES (:name, :created_at) "
                    "RETURNING id",
                soci::use(tenant.name), soci::use(tenant.createdAt), soci::into(tenant.id);
        } catch (const soci::soci_error& error) {
            if (violatedUniqueIndex(error) != "ux_tenants_name") throw;
            throw Error(ErrorCode::conflict, "tenant \"" + name + "\" already exists", "name");
        }
        return tenant;
    });
}

std::optional<Tenant> SqlTenantRepository::findByName(const std::string& name) {
    return translateErrors([&] {
        std::string key = name;
        return firstOf(selectTenants(sql_, "WHERE name = :name", key));
    });
}

std::optional<Tenant> SqlTenantRepository::findById(Id id) {
    return translateErrors([&] { return firstOf(selectTenants(sql_, "WHERE id = :id", id)); });
}

std::vector<Tenant> SqlTenantRepository::list() {
    return translateErrors([&] { return selectTenants(sql_, "ORDER BY id"); });
}

std::int64_t SqlTenantRepository::count() {
    return translateErrors([&] {
        std::int64_t total = 0;
        sql_ << "SELECT COUNT(*) FROM tenants", soci::into(total);
        return total;
    });
}

}  // namespace muster::store
