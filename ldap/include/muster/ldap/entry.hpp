#pragma once

// One directory entry as plain values, detached from libldap's messages.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace muster::ldap {

struct Entry {
    std::string dn;
    // Attribute name, lower-cased (LDAP names are case-insensitive) -> values.
    // Binary values (objectGUID) are kept as raw bytes.
    std::map<std::string, std::vector<std::string>, std::less<>> attributes;

    // The first value of `name` (any case), or empty.
    const std::string& first(std::string_view name) const;
    const std::vector<std::string>& values(std::string_view name) const;
    bool has(std::string_view name) const;
};

// Lower-cases an ASCII attribute name.
std::string lowerName(std::string_view name);

// An objectGUID (16 bytes, Microsoft's mixed-endian GUID layout) as the
// canonical text "01d9d37f-dda2-4577-a021-76a657549f6d"; other lengths give
// the bytes as plain hex.
std::string formatObjectGuid(std::string_view bytes);

// 16 raw bytes (an RFC 4533 syncUUID) as an RFC 4122 UUID string, the form
// slapd returns in entryUUID.
std::string formatUuid(std::string_view bytes);

}  // namespace muster::ldap
