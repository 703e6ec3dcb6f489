#pragma once

// Private to muster_config: readers of the auth: and smtp: sections.

#include "muster/config/auth_config.hpp"
#include "yaml_field.hpp"

namespace muster::config::detail {

void readAuth(const Field& auth, AuthConfig& out);
void readSmtp(const Field& smtp, SmtpConfig& out);

}  // namespace muster::config::detail
