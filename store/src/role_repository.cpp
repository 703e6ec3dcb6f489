#include "repositories.hpp"
#include "sql_errors.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"

namespace muster::store {

Role SqlRoleRepository::upsert(Id tenantId, const std::string& name, int rank) {
    return translateErrors([&] {
        Role role{0, tenantId, name, rank};
        std::string norm = normalized(name);
        sql_ << "SELECT id FROM roles WHERE tenant_id = :tenant_id AND name_norm = :name",
            soci::use(role.tenantId), soci::use(norm), soci::into(role.id);
        if (sql_.got_data()) {
            sql_ << "UPDATE roles SET name = :name, rank = :rank WHERE id = :id",
                soci::use(role.name), soci::use(role.rank), soci::use(role.id);
        } else {
            sql_ << "INSERT INTO roles (tenant_id, name, name_norm, rank) VALUES (:tenant_id, "
                    ":name, :name_norm, :rank) RETURNING id",
                soci::use(role.tenantId), soci::use(role.name), soci::use(norm),
                soci::use(role.rank), soci::into(role.id);
        }
        return role;
    });
}

// Highest rank first, the order an admin reads a role picker in.
std::vector<Role> SqlRoleRepository::list(Id tenantId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT id, tenant_id, name, rank FROM roles WHERE tenant_id = :tenant_id "
                        "ORDER BY rank DESC, name_norm",
                        Reuse::prepared);
        Role row;
        st.into(row.id);
        st.into(row.tenantId);
        st.into(row.name);
        st.into(row.rank);
        st.use(tenantId);
        std::vector<Role> roles;
        for (bool more = st.execute(); more; more = st.fetchNext()) roles.push_back(row);
        return roles;
    });
}

}  // namespace muster::store
