#include <limits>
#include <nlohmann/json.hpp>

#include "repositories.hpp"
#include "sql_errors.hpp"
#include "sql_statement.hpp"

namespace muster::store {

namespace {

// Snapshots are stored as JSON objects of strings: readable in SQL, and the
// one place JSON meets the store.
struct JsonColumn {
    std::string text;
    soci::indicator ind = soci::i_null;
};

JsonColumn toJson(const std::optional<Snapshot>& snapshot) {
    if (!snapshot) return {};
    return {nlohmann::json(*snapshot).dump(), soci::i_ok};
}

std::optional<Snapshot> fromJson(const JsonColumn& column) {
    if (column.ind == soci::i_null) return std::nullopt;
    try {
        return nlohmann::json::parse(column.text).get<Snapshot>();
    } catch (const nlohmann::json::exception& error) {
        throw Error(ErrorCode::internal,
                    std::string("audit snapshot is not a JSON object of strings: ") + error.what());
    }
}

struct AuditRow {
    AuditEvent event;
    Id targetId = 0;
    soci::indicator targetInd = soci::i_null;
    JsonColumn before, after;
};

}  // namespace

AuditEvent SqlAuditRepository::record(const AuditEvent& event) {
    return translateErrors([&] {
        AuditEvent stored = event;
        if (stored.occurredAt == 0) stored.occurredAt = nowMillis();
        Id targetId = event.targetId.value_or(0);
        soci::indicator targetInd = event.targetId ? soci::i_ok : soci::i_null;
        JsonColumn before = toJson(event.before), after = toJson(event.after);
        // Every write records one: prepared once per connection.
        SqlStatement st(sql_,
                        "INSERT INTO audit_events (tenant_id, occurred_at, actor, source, "
                        "source_address, user_agent, action, target_type, target_id, "
                        "target_display, before_json, after_json) VALUES (:tenant_id, "
                        ":occurred_at, :actor, :source, :source_address, :user_agent, :action, "
                        ":target_type, :target_id, :target_display, :before_json, :after_json) "
                        "RETURNING id",
                        Reuse::prepared);
        st.into(stored.id);
        st.use(stored.tenantId);
        st.use(stored.occurredAt);
        st.use(stored.actor.id);
        st.use(stored.actor.source);
        st.use(stored.actor.sourceAddress);
        st.use(stored.actor.userAgent);
        st.use(stored.action);
        st.use(stored.targetType);
        st.use(targetId, targetInd);
        st.use(stored.targetDisplay);
        st.use(before.text, before.ind);
        st.use(after.text, after.ind);
        st.execute();
        return stored;
    });
}

std::vector<AuditEvent> SqlAuditRepository::list(Id tenantId, std::optional<Id> beforeId,
                                                 std::size_t limit) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT id, tenant_id, occurred_at, actor, source, source_address, "
                        "user_agent, action, target_type, target_id, target_display, before_json, "
                        "after_json FROM audit_events WHERE tenant_id = :tenant_id "
                        "AND id < :before_id ORDER BY id DESC LIMIT :limit",
                        Reuse::prepared);
        AuditRow row;
        AuditEvent& e = row.event;
        st.into(e.id);
        st.into(e.tenantId);
        st.into(e.occurredAt);
        st.into(e.actor.id);
        st.into(e.actor.source);
        st.into(e.actor.sourceAddress);
        st.into(e.actor.userAgent);
        st.into(e.action);
        st.into(e.targetType);
        st.into(row.targetId, row.targetInd);
        st.into(e.targetDisplay);
        st.into(row.before.text, row.before.ind);
        st.into(row.after.text, row.after.ind);
        Id before = beforeId.value_or(std::numeric_limits<Id>::max());
        std::int64_t maxRows = static_cast<std::int64_t>(
            std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
        st.use(tenantId);
        st.use(before);
        st.use(maxRows);
        std::vector<AuditEvent> events;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            AuditEvent event = e;
            if (row.targetInd != soci::i_null) event.targetId = row.targetId;
            event.before = fromJson(row.before);
            event.after = fromJson(row.after);
            events.push_back(std::move(event));
        }
        return events;
    });
}

}  // namespace muster::store
