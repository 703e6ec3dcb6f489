#pragma once

// Building LDAP search filters from values that come from outside (config,
// directory entries, API calls) without letting them change the filter's
// structure (RFC 4515 §3): every value goes through escapeFilterValue.

#include <string>
#include <string_view>
#include <vector>

namespace muster::ldap {

// Escapes a value for use inside a filter: '*', '(', ')', '\', NUL and every
// byte outside printable ASCII become "\xx" (two lower-case hex digits).
// "a*)(uid=*" becomes "a\2a\29\28uid=\2a".
std::string escapeFilterValue(std::string_view value);

// "(attribute=<escaped value>)"; the attribute name must be a plain LDAP
// attribute description (letters, digits, '-', ';', '.') or an extensible
// match "attr:rule-oid:"; anything else throws Error(invalid_input).
std::string equalityFilter(std::string_view attribute, std::string_view value);

// "(&f1f2...)" of the non-empty parts; a single part is returned as is,
// none gives "(objectClass=*)".
std::string allOf(const std::vector<std::string>& filters);

// Checks that a filter written by an operator (in the config) is one
// parenthesised RFC 4515 filter with balanced parentheses; throws
// Error(invalid_input) saying what is wrong.
void checkFilterSyntax(std::string_view filter);

// Escapes a value for use as an attribute value in a DN (RFC 4514 §2.4).
std::string escapeDnValue(std::string_view value);

// Lower-cases a DN and removes spaces around ',' and '=' so that two
// spellings of the same DN compare equal (a case-insensitive match of the
// usual directory string syntax, which is what member and manager use).
std::string normalizeDn(std::string_view dn);

}  // namespace muster::ldap
