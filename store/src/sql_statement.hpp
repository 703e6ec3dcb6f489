#pragma once

// A one-shot SOCI statement whose into/use elements are added one call at a
// time, for rows too wide to list in a single `sql << ..., into(...)` chain.

#include <string>
#include <utility>

#include "soci_headers.hpp"

namespace muster::store {

class SqlStatement {
  public:
    SqlStatement(soci::session& sql, std::string query)
        : statement_(sql), query_(std::move(query)) {}

    // Add targets and sources in the order their columns / placeholders appear.
    template <typename... Target>
    void into(Target&... target) {
        statement_.exchange(soci::into(target...));
    }
    template <typename... Source>
    void use(Source&... source) {
        statement_.exchange(soci::use(source...));
    }

    // Runs the statement; true when a first row landed in the into() targets.
    bool execute() {
        statement_.alloc();
        statement_.prepare(query_, soci::details::st_one_time_query);
        statement_.define_and_bind();
        return statement_.execute(true);
    }
    bool fetchNext() { return statement_.fetch(); }
    long long affectedRows() { return statement_.get_affected_rows(); }

  private:
    soci::statement statement_;
    std::string query_;
};

}  // namespace muster::store
