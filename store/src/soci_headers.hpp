#pragma once

// Include SOCI (core and the two backends we link) through this header only.
// Debian's soci-config.h declares SOCI_HAVE_BOOST, which makes bind-values.h
// include Boost.Fusion, yet libsoci-dev does not depend on Boost. We use none
// of SOCI's Boost integration (header templates only, no ABI), so switch it off.

#include <soci/soci-config.h>
#undef SOCI_HAVE_BOOST
#undef SOCI_HAVE_BOOST_DATE_TIME

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
