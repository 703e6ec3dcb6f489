#include "muster/ldap/sync_search.hpp"

#include <lber.h>

#include "ldap_internal.hpp"

namespace muster::ldap {

using namespace detail;

namespace {

struct BerFree {
    void operator()(BerElement* ber) const noexcept { ber_free(ber, 1); }
};
using BerPtr = std::unique_ptr<BerElement, BerFree>;

std::string toString(const berval& value) {
    return value.bv_val == nullptr ? std::string() : std::string(value.bv_val, value.bv_len);
}

// syncRequestValue ::= SEQUENCE { mode ENUMERATED, cookie OCTET STRING OPTIONAL,
//                                 reloadHint BOOLEAN DEFAULT FALSE }
std::string encodeSyncRequest(const std::string& cookie) {
    BerPtr ber(ber_alloc_t(LBER_USE_DER));
    if (!ber) throw Error(ErrorCode::internal, "out of memory encoding the sync control");
    Berval cookieValue(cookie);
    int rc = ber_printf(ber.get(), "{e", static_cast<ber_int_t>(LDAP_SYNC_REFRESH_ONLY));
    if (rc >= 0 && !cookie.empty()) rc = ber_printf(ber.get(), "O", &cookieValue.value);
    if (rc >= 0) rc = ber_printf(ber.get(), "N}");
    berval flat{0, nullptr};
    if (rc < 0 || ber_flatten2(ber.get(), &flat, 0) < 0) {
        throw Error(ErrorCode::internal, "cannot encode the LDAP sync request control");
    }
    return toString(flat);
}

// An optional "cookie OCTET STRING" at the reader's position.
void readOptionalCookie(BerElement* ber, std::string& cookie) {
    ber_len_t length = 0;
    if (ber_peek_tag(ber, &length) == LDAP_TAG_SYNC_COOKIE) {
        berval value{0, nullptr};
        if (ber_scanf(ber, "m", &value) != LBER_ERROR) cookie = toString(value);
    }
}

// An optional BOOLEAN (refreshDeletes / refreshDone) at the reader's position.
bool readOptionalBoolean(BerElement* ber, bool fallback) {
    ber_len_t length = 0;
    if (ber_peek_tag(ber, &length) != LBER_BOOLEAN) return fallback;
    ber_int_t value = 0;
    if (ber_scanf(ber, "b", &value) == LBER_ERROR) return fallback;
    return value != 0;
}

class SyncReader {
  public:
    SyncReader(LDAP* ld, const SyncEvents& events, std::string context)
        : ld_(ld), events_(events), context_(std::move(context)) {}

    void onEntry(LDAPMessage* message) {
        LDAPControl** controls = nullptr;
        ldap_get_entry_controls(ld_, message, &controls);
        ControlsPtr owned(controls);
        LDAPControl* state = controls != nullptr
                                 ? ldap_control_find(LDAP_CONTROL_SYNC_STATE, controls, nullptr)
                                 : nullptr;
        if (state == nullptr) fail("an entry came without its sync state control");
        // syncStateValue ::= SEQUENCE { state ENUMERATED, entryUUID OCTET STRING,
        //                               cookie OCTET STRING OPTIONAL }
        BerPtr ber(ber_init(&state->ldctl_value));
        ber_int_t kind = 0;
        berval uuid{0, nullptr};
        if (!ber || ber_scanf(ber.get(), "{em", &kind, &uuid) == LBER_ERROR) {
            fail("cannot decode a sync state control");
        }
        readOptionalCookie(ber.get(), result_.cookie);
        const std::string id = formatUuid(std::string_view(uuid.bv_val, uuid.bv_len));
        ++result_.entries;
        switch (kind) {
            case LDAP_SYNC_PRESENT:
                if (events_.present) events_.present(id);
                break;
            case LDAP_SYNC_ADD:
            case LDAP_SYNC_MODIFY:
                if (events_.changed) events_.changed(id, decoder_.decode(ld_, message));
                break;
            case LDAP_SYNC_DELETE:
                if (events_.deleted) events_.deleted(id);
                break;
            default:
                fail("unknown sync state " + std::to_string(kind));
        }
    }

    // syncInfoValue: newcookie, refreshDelete, refreshPresent or syncIdSet.
    void onIntermediate(LDAPMessage* message) {
        char* oid = nullptr;
        berval* data = nullptr;
        int rc = ldap_parse_intermediate(ld_, message, &oid, &data, nullptr, 0);
        std::string name = oid != nullptr ? oid : "";
        if (oid != nullptr) ldap_memfree(oid);
        std::unique_ptr<berval, void (*)(berval*)> ownedData(data, [](berval* value) {
            if (value != nullptr) ber_bvfree(value);
        });
        if (rc != LDAP_SUCCESS) fail("cannot parse an intermediate message");
        if (name != LDAP_SYNC_INFO || data == nullptr) return;
        BerPtr ber(ber_init(data));
        if (!ber) fail("cannot decode a sync info message");
        ber_len_t length = 0;
        const ber_tag_t tag = ber_peek_tag(ber.get(), &length);
        if (tag == LDAP_TAG_SYNC_NEW_COOKIE) {
            berval cookie{0, nullptr};
            if (ber_scanf(ber.get(), "m", &cookie) != LBER_ERROR) result_.cookie = toString(cookie);
        } else if (tag == LDAP_TAG_SYNC_REFRESH_DELETE || tag == LDAP_TAG_SYNC_REFRESH_PRESENT) {
            ber_scanf(ber.get(), "{");
            readOptionalCookie(ber.get(), result_.cookie);
            if (tag == LDAP_TAG_SYNC_REFRESH_DELETE) deletePhaseSeen_ = true;
        } else if (tag == LDAP_TAG_SYNC_ID_SET) {
            onIdSet(ber.get());
        }
    }

    // Returns true when refreshDeletes was set (the delete phase was used).
    bool onDone(LDAPMessage* message) {
        int resultCode = LDAP_SUCCESS;
        char* diagnostic = nullptr;
        LDAPControl** controls = nullptr;
        const int rc = ldap_parse_result(ld_, message, &resultCode, nullptr, &diagnostic, nullptr,
                                         &controls, 0);
        ControlsPtr owned(controls);
        const std::string text = diagnostic != nullptr ? diagnostic : "";
        if (diagnostic != nullptr) ldap_memfree(diagnostic);
        if (rc != LDAP_SUCCESS) throw makeLdapError(context_, rc, text);
        if (resultCode != LDAP_SUCCESS) throw makeLdapError(context_, resultCode, text);
        bool refreshDeletes = false;
        if (LDAPControl* done = controls != nullptr
                                    ? ldap_control_find(LDAP_CONTROL_SYNC_DONE, controls, nullptr)
                                    : nullptr) {
            // syncDoneValue ::= SEQUENCE { cookie OPTIONAL, refreshDeletes BOOLEAN DEFAULT FALSE }
            BerPtr ber(ber_init(&done->ldctl_value));
            if (ber && ber_scanf(ber.get(), "{") != LBER_ERROR) {
                readOptionalCookie(ber.get(), result_.cookie);
                refreshDeletes = readOptionalBoolean(ber.get(), false);
            }
        }
        return refreshDeletes || deletePhaseSeen_;
    }

    SyncResult& result() { return result_; }

  private:
    // syncIdSet ::= SEQUENCE { cookie OPTIONAL, refreshDeletes BOOLEAN DEFAULT FALSE,
    //                          syncUUIDs SET OF OCTET STRING }
    void onIdSet(BerElement* ber) {
        if (ber_scanf(ber, "{") == LBER_ERROR) fail("cannot decode a syncIdSet");
        readOptionalCookie(ber, result_.cookie);
        const bool deletes = readOptionalBoolean(ber, false);
        BerVarray uuids = nullptr;
        if (ber_scanf(ber, "[W]", &uuids) == LBER_ERROR) fail("cannot decode a syncIdSet");
        std::unique_ptr<berval, void (*)(berval*)> owned(uuids, [](berval* values) {
            if (values != nullptr) ber_bvarray_free(values);
        });
        for (BerVarray uuid = uuids; uuid != nullptr && uuid->bv_val != nullptr; ++uuid) {
            const std::string id = formatUuid(toString(*uuid));
            if (deletes) {
                if (events_.deleted) events_.deleted(id);
            } else if (events_.present) {
                events_.present(id);
            }
        }
    }

    [[noreturn]] void fail(const std::string& why) const {
        throw makeLdapError(context_ + ": " + why, LDAP_DECODING_ERROR, {});
    }

    LDAP* ld_;
    const SyncEvents& events_;
    std::string context_;
    SyncResult result_;
    bool deletePhaseSeen_ = false;
    EntryDecoder decoder_;
};

}  // namespace

SyncResult refreshOnly(Connection& connection, const SearchRequest& request,
                       const std::string& cookie, const SyncEvents& events) {
    LDAP* ld = connection.handle();
    const std::string context = searchContext(connection, request) + " (sync)";
    SearchRequest syncRequest = request;
    // RFC 4533 searches cannot be paged; the server streams the entries.
    syncRequest.pageSize = 0;
    syncRequest.controls.push_back({LDAP_CONTROL_SYNC, encodeSyncRequest(cookie), true});
    const int messageId = startSearch(ld, syncRequest, {}, context);
    SyncReader reader(ld, events, context);
    for (;;) {
        auto [type, message] =
            nextMessage(ld, messageId, connection.options().operationTimeout, context);
        if (type == LDAP_RES_SEARCH_ENTRY) {
            reader.onEntry(message.get());
        } else if (type == LDAP_RES_INTERMEDIATE) {
            reader.onIntermediate(message.get());
        } else if (type == LDAP_RES_SEARCH_RESULT) {
            const bool deletesReported = reader.onDone(message.get());
            reader.result().presentPhase = !deletesReported;
            return reader.result();
        }
    }
}

}  // namespace muster::ldap
