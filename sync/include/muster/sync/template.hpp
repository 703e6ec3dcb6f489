#pragma once

// Value templates of the mapping config: "{givenName} {sn}" takes the first
// value of each attribute; text without braces is a constant. Attribute
// names starting with '_' are values the reader supplies: {_dn} (the
// entry's DN) and, for Active Directory, {_netbios_domain}.

#include <map>
#include <string>
#include <vector>

#include "muster/config/sync_config.hpp"
#include "muster/ldap/entry.hpp"

namespace muster::sync {

using ExtraValues = std::map<std::string, std::string>;  // "_netbios_domain" -> "EXAMPLE"

class ValueTemplate {
  public:
    ValueTemplate() = default;
    explicit ValueTemplate(const std::string& text);

    std::string render(const ldap::Entry& entry, const ExtraValues& extra) const;
    // A template that is exactly one "{attribute}" gives every value of the
    // attribute; any other gives one value.
    std::vector<std::string> renderAll(const ldap::Entry& entry, const ExtraValues& extra) const;
    // Directory attributes the template reads (not the '_' ones).
    const std::vector<std::string>& attributes() const { return attributes_; }
    bool empty() const { return parts_.empty(); }

  private:
    struct Part {
        bool attribute = false;
        std::string text;  // literal text, or the attribute name
    };
    std::vector<Part> parts_;
    std::vector<std::string> attributes_;  // computed once: read for every entry
};

// A template plus its transforms and default.
class ValueMapping {
  public:
    explicit ValueMapping(const config::FieldMapping& mapping);
    std::string value(const ldap::Entry& entry, const ExtraValues& extra) const;
    std::vector<std::string> values(const ldap::Entry& entry, const ExtraValues& extra) const;
    const config::FieldMapping& config() const { return config_; }
    std::vector<std::string> attributes() const { return template_.attributes(); }

  private:
    std::string transform(std::string value) const;

    config::FieldMapping config_;
    ValueTemplate template_;
};

}  // namespace muster::sync
