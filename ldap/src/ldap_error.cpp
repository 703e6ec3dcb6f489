#include "muster/ldap/ldap_error.hpp"

#include <ldap.h>

namespace muster::ldap {

ErrorCode errorCodeForLdapResult(int resultCode) {
    switch (resultCode) {
        case LDAP_INVALID_CREDENTIALS:
        case LDAP_INAPPROPRIATE_AUTH:
        case LDAP_INSUFFICIENT_ACCESS:
        case LDAP_STRONG_AUTH_REQUIRED:
        case LDAP_CONFIDENTIALITY_REQUIRED:
            return ErrorCode::forbidden;
        case LDAP_SERVER_DOWN:
        case LDAP_CONNECT_ERROR:
        case LDAP_TIMEOUT:
        case LDAP_TIMELIMIT_EXCEEDED:
        case LDAP_BUSY:
        case LDAP_UNAVAILABLE:
        case LDAP_UNWILLING_TO_PERFORM:
        case LDAP_ADMINLIMIT_EXCEEDED:
            return ErrorCode::unavailable;
        case LDAP_FILTER_ERROR:
        case LDAP_INVALID_DN_SYNTAX:
        case LDAP_NO_SUCH_OBJECT:
        case LDAP_PARAM_ERROR:
        case LDAP_UNDEFINED_TYPE:
        case LDAP_PROTOCOL_ERROR:
            return ErrorCode::invalid_input;
        default:
            return ErrorCode::internal;
    }
}

LdapError makeLdapError(const std::string& what, int resultCode, const std::string& diagnostic) {
    std::string message =
        what + ": " + ldap_err2string(resultCode) + " (" + std::to_string(resultCode) + ")";
    if (!diagnostic.empty()) message += ": " + diagnostic;
    return LdapError(errorCodeForLdapResult(resultCode), std::move(message), resultCode,
                     diagnostic);
}

}  // namespace muster::ldap
