#include "muster/ldap/connection.hpp"

#include <lber.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "ldap_internal.hpp"

namespace muster::ldap {

namespace detail {

std::string diagnosticOf(LDAP* ld) {
    char* text = nullptr;
    if (ld == nullptr ||
        ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &text) != LDAP_OPT_SUCCESS ||
        text == nullptr) {
        return {};
    }
    std::string out(text);
    ldap_memfree(text);
    return out;
}

int lastResultCode(LDAP* ld) {
    int code = LDAP_OTHER;
    if (ld != nullptr) ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code);
    return code;
}

const Entry& EntryDecoder::decode(LDAP* ld, LDAPMessage* message) {
    BerElement* ber = nullptr;
    berval dn{0, nullptr};
    if (ldap_get_dn_ber(ld, message, &ber, &dn) != LDAP_SUCCESS) {
        throw makeLdapError("cannot decode a search entry", LDAP_DECODING_ERROR, {});
    }
    std::unique_ptr<BerElement, void (*)(BerElement*)> ownedBer(
        ber, [](BerElement* element) { ber_free(element, 0); });
    entry_.dn.assign(dn.bv_val == nullptr ? "" : dn.bv_val, dn.bv_len);
    seen_.clear();
    for (;;) {
        berval name{0, nullptr};
        BerVarray values = nullptr;  // points into the message; only the array is ours
        if (ldap_get_attribute_ber(ld, message, ber, &name, &values) != LDAP_SUCCESS) {
            if (values != nullptr) ber_memfree(values);
            throw makeLdapError("cannot decode the attributes of " + entry_.dn, LDAP_DECODING_ERROR,
                                {});
        }
        std::unique_ptr<berval, void (*)(berval*)> ownedValues(values, [](berval* array) {
            if (array != nullptr) ber_memfree(array);
        });
        if (name.bv_val == nullptr) break;  // no more attributes
        bool again = false;
        std::vector<std::string>& slot = slotFor(name, again);
        std::size_t count = 0;
        while (values != nullptr && values[count].bv_val != nullptr) ++count;
        // A name sent twice (not expected) keeps the values of both.
        const std::size_t first = again ? slot.size() : 0;
        slot.resize(first + count);
        for (std::size_t i = 0; i < count; ++i) {
            slot[first + i].assign(values[i].bv_val, values[i].bv_len);
        }
    }
    if (seen_.size() != entry_.attributes.size()) dropAttributesNotSeen();
    return entry_;
}

// The values of `name` (lower-cased) in entry_, as the previous entry left
// them; `again` when this entry already had the name.
std::vector<std::string>& EntryDecoder::slotFor(const berval& name, bool& again) {
    name_.assign(name.bv_val, name.bv_len);
    for (char& c : name_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto found = entry_.attributes.find(name_);
    if (found == entry_.attributes.end()) {
        found = entry_.attributes.emplace(name_, std::vector<std::string>()).first;
    }
    again = std::find(seen_.begin(), seen_.end(), &found->first) != seen_.end();
    if (!again) seen_.push_back(&found->first);
    return found->second;
}

// Attributes the previous entry had and this one has not.
void EntryDecoder::dropAttributesNotSeen() {
    for (auto it = entry_.attributes.begin(); it != entry_.attributes.end();) {
        const bool seen = std::find(seen_.begin(), seen_.end(), &it->first) != seen_.end();
        it = seen ? std::next(it) : entry_.attributes.erase(it);
    }
}

timeval toTimeval(std::chrono::milliseconds duration) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
    return tv;
}

int scopeOf(Scope scope) {
    switch (scope) {
        case Scope::base:
            return LDAP_SCOPE_BASE;
        case Scope::one:
            return LDAP_SCOPE_ONELEVEL;
        case Scope::sub:
            return LDAP_SCOPE_SUBTREE;
    }
    return LDAP_SCOPE_SUBTREE;
}

std::string searchContext(const Connection& connection, const SearchRequest& request) {
    return connection.options().url + ": search under \"" + request.base + "\"";
}

}  // namespace detail

using namespace detail;

namespace {

// Failures worth another attempt: the server is not (yet) reachable or busy.
bool isTransient(int resultCode) {
    return resultCode == LDAP_SERVER_DOWN || resultCode == LDAP_CONNECT_ERROR ||
           resultCode == LDAP_TIMEOUT || resultCode == LDAP_BUSY || resultCode == LDAP_UNAVAILABLE;
}

void setOption(LDAP* ld, int option, const void* value, const std::string& url, const char* what) {
    const int rc = ldap_set_option(ld, option, value);
    if (rc != LDAP_OPT_SUCCESS) throw makeLdapError(url + ": cannot set " + what, rc, {});
}

void configureTls(LDAP* ld, const ConnectionOptions& options) {
    if (options.tls == TlsMode::none) return;
    const int requireCert =
        options.verifyCertificate ? LDAP_OPT_X_TLS_DEMAND : LDAP_OPT_X_TLS_NEVER;
    setOption(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &requireCert, options.url, "TLS certificate checks");
    if (!options.caFile.empty()) {
        setOption(ld, LDAP_OPT_X_TLS_CACERTFILE, options.caFile.c_str(), options.url,
                  "TLS CA file");
    }
    // Options set on a handle apply only once it gets its own TLS context.
    const int isServer = 0;
    setOption(ld, LDAP_OPT_X_TLS_NEWCTX, &isServer, options.url, "a TLS context");
}

}  // namespace

std::string describe(const ConnectionOptions& options) {
    switch (options.tls) {
        case TlsMode::starttls:
            return options.url + " (StartTLS)";
        case TlsMode::ldaps:
            return options.url + " (LDAPS)";
        case TlsMode::none:
            break;
    }
    return options.url;
}

Connection::Connection(ConnectionOptions options) : options_(std::move(options)) {
    if (options_.tls == TlsMode::ldaps && options_.url.rfind("ldaps://", 0) != 0) {
        throw Error(ErrorCode::invalid_input, options_.url + ": LDAPS needs an ldaps:// URL",
                    "url");
    }
    auto delay = options_.firstRetryDelay;
    const int attempts = std::max(1, options_.connectAttempts);
    for (int attempt = 1;; ++attempt) {
        try {
            connectOnce();
            return;
        } catch (const LdapError& error) {
            close();
            if (attempt >= attempts || !isTransient(error.resultCode())) throw;
        }
        std::this_thread::sleep_for(delay);
        delay *= 2;
    }
}

Connection::~Connection() { close(); }

Connection::Connection(Connection&& other) noexcept
    : options_(std::move(other.options_)), ld_(other.ld_) {
    other.ld_ = nullptr;
}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        close();
        options_ = std::move(other.options_);
        ld_ = other.ld_;
        other.ld_ = nullptr;
    }
    return *this;
}

void Connection::close() noexcept {
    if (ld_ != nullptr) ldap_unbind_ext_s(ld_, nullptr, nullptr);
    ld_ = nullptr;
}

void Connection::connectOnce() {
    const std::string& url = options_.url;
    int rc = ldap_initialize(&ld_, url.c_str());
    if (rc != LDAP_SUCCESS) throw makeLdapError(url + ": bad LDAP URL", rc, {});
    const int version = LDAP_VERSION3;
    setOption(ld_, LDAP_OPT_PROTOCOL_VERSION, &version, url, "LDAPv3");
    // Referrals would send our bind password to whichever server they name.
    setOption(ld_, LDAP_OPT_REFERRALS, LDAP_OPT_OFF, url, "referrals off");
    const timeval network = toTimeval(options_.networkTimeout);
    setOption(ld_, LDAP_OPT_NETWORK_TIMEOUT, &network, url, "the network timeout");
    const timeval operation = toTimeval(options_.operationTimeout);
    setOption(ld_, LDAP_OPT_TIMEOUT, &operation, url, "the operation timeout");
    configureTls(ld_, options_);

    if (options_.tls == TlsMode::starttls) {
        rc = ldap_start_tls_s(ld_, nullptr, nullptr);
        if (rc != LDAP_SUCCESS)
            throw makeLdapError(url + ": StartTLS failed", rc, diagnosticOf(ld_));
    }
    Berval password(options_.password);
    rc = ldap_sasl_bind_s(ld_, options_.bindDn.empty() ? nullptr : options_.bindDn.c_str(),
                          LDAP_SASL_SIMPLE, &password.value, nullptr, nullptr, nullptr);
    if (rc != LDAP_SUCCESS) {
        // The DN helps the operator; the password never appears.
        throw makeLdapError(describe(options_) + ": bind as \"" + options_.bindDn + "\" failed", rc,
                            diagnosticOf(ld_));
    }
}

namespace detail {

int startSearch(LDAP* ld, const SearchRequest& request, const std::string& pageCookie,
                const std::string& context) {
    std::vector<LDAPControl*> serverControls;
    LDAPControl* pageControl = nullptr;
    if (request.pageSize > 0) {
        Berval cookie(pageCookie);
        const int rc =
            ldap_create_page_control(ld, static_cast<ber_int_t>(request.pageSize),
                                     pageCookie.empty() ? nullptr : &cookie.value, 0, &pageControl);
        if (rc != LDAP_SUCCESS) throw makeLdapError(context + ": paging control", rc, {});
        serverControls.push_back(pageControl);
    }
    std::vector<LDAPControl> extra(request.controls.size());
    for (std::size_t i = 0; i < request.controls.size(); ++i) {
        extra[i].ldctl_oid = const_cast<char*>(request.controls[i].oid.c_str());
        extra[i].ldctl_value.bv_len = request.controls[i].value.size();
        extra[i].ldctl_value.bv_val = const_cast<char*>(request.controls[i].value.data());
        extra[i].ldctl_iscritical = request.controls[i].critical ? 1 : 0;
        serverControls.push_back(&extra[i]);
    }
    serverControls.push_back(nullptr);

    std::vector<char*> attributes;
    for (const std::string& name : request.attributes) {
        attributes.push_back(const_cast<char*>(name.c_str()));
    }
    attributes.push_back(nullptr);

    int messageId = 0;
    const int rc =
        ldap_search_ext(ld, request.base.c_str(), scopeOf(request.scope), request.filter.c_str(),
                        request.attributes.empty() ? nullptr : attributes.data(), 0,
                        serverControls.data(), nullptr, nullptr, LDAP_NO_LIMIT, &messageId);
    if (pageControl != nullptr) ldap_control_free(pageControl);
    if (rc != LDAP_SUCCESS) throw makeLdapError(context, rc, diagnosticOf(ld));
    return messageId;
}

std::pair<int, MessagePtr> nextMessage(LDAP* ld, int messageId, std::chrono::milliseconds timeout,
                                       const std::string& context) {
    timeval wait = toTimeval(timeout);
    LDAPMessage* raw = nullptr;
    const int type = ldap_result(ld, messageId, LDAP_MSG_ONE, &wait, &raw);
    MessagePtr message(raw);
    if (type == 0) {
        ldap_abandon_ext(ld, messageId, nullptr, nullptr);
        throw makeLdapError(
            context + ": no answer within " + std::to_string(timeout.count()) + " ms", LDAP_TIMEOUT,
            {});
    }
    if (type < 0) throw makeLdapError(context, lastResultCode(ld), diagnosticOf(ld));
    return {type, std::move(message)};
}

}  // namespace detail

namespace {

// Reads the final message of one page: throws on failure, returns the next
// page's cookie (empty: last page).
std::string finishPage(LDAP* ld, LDAPMessage* message, const std::string& context) {
    int resultCode = LDAP_SUCCESS;
    char* diagnostic = nullptr;
    LDAPControl** controls = nullptr;
    int rc =
        ldap_parse_result(ld, message, &resultCode, nullptr, &diagnostic, nullptr, &controls, 0);
    ControlsPtr ownedControls(controls);
    std::string diagnosticText = diagnostic != nullptr ? diagnostic : "";
    if (diagnostic != nullptr) ldap_memfree(diagnostic);
    if (rc != LDAP_SUCCESS) throw makeLdapError(context, rc, diagnosticText);
    if (resultCode != LDAP_SUCCESS) throw makeLdapError(context, resultCode, diagnosticText);
    std::string next;
    if (controls != nullptr) {
        if (LDAPControl* page = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, controls, nullptr)) {
            ber_int_t estimate = 0;
            berval cookie{0, nullptr};
            if (ldap_parse_pageresponse_control(ld, page, &estimate, &cookie) == LDAP_SUCCESS &&
                cookie.bv_val != nullptr) {
                next.assign(cookie.bv_val, cookie.bv_len);
                ber_memfree(cookie.bv_val);
            }
        }
    }
    return next;
}

}  // namespace

std::size_t Connection::search(const SearchRequest& request, const EntryVisitor& visit) {
    if (ld_ == nullptr) throw Error(ErrorCode::internal, "LDAP connection used after close");
    const std::string context = searchContext(*this, request);
    std::size_t visited = 0;
    std::string pageCookie;
    EntryDecoder decoder;
    do {
        const int messageId = startSearch(ld_, request, pageCookie, context);
        pageCookie.clear();
        for (bool pageDone = false; !pageDone;) {
            auto [type, message] = nextMessage(ld_, messageId, options_.operationTimeout, context);
            if (type == LDAP_RES_SEARCH_ENTRY) {
                ++visited;
                if (!visit(decoder.decode(ld_, message.get()))) {
                    ldap_abandon_ext(ld_, messageId, nullptr, nullptr);
                    return visited;
                }
            } else if (type == LDAP_RES_SEARCH_RESULT) {
                pageCookie = finishPage(ld_, message.get(), context);
                pageDone = true;
            }
            // Search references are ignored: referrals are off.
        }
    } while (!pageCookie.empty());
    return visited;
}

Entry Connection::rootDse() {
    SearchRequest request;
    request.base = "";
    request.scope = Scope::base;
    request.attributes = {"*", "+"};
    request.pageSize = 0;
    Entry found;
    search(request, [&](const Entry& entry) {
        found = entry;
        return false;
    });
    return found;
}

Entry Connection::read(const std::string& dn, const std::vector<std::string>& attributes) {
    SearchRequest request;
    request.base = dn;
    request.scope = Scope::base;
    request.attributes = attributes;
    request.pageSize = 0;
    Entry found;
    try {
        search(request, [&](const Entry& entry) {
            found = entry;
            return false;
        });
    } catch (const LdapError& error) {
        if (error.resultCode() != LDAP_NO_SUCH_OBJECT) throw;
    }
    return found;
}

}  // namespace muster::ldap
