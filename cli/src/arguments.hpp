#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace musterctl {

bool isFlag(const std::string& name);

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Splits a command line into positional words and --name value options.
// Repeated options accumulate; "--scope a,b" and "--scope a --scope b" are the same.
class Arguments {
public:
    explicit Arguments(const std::vector<std::string>& words);

    bool wantsHelp() const { return help_ || positional_.empty(); }
    // The first `count` positional words joined by spaces: "token create".
    std::string commandName(std::size_t count) const;
    const std::string& positional(std::size_t index, const char* missingMessage) const;
    std::string option(const std::string& name) const;
    std::vector<std::string> listOption(const std::string& name) const;
    // A value-less option (isFlag) was given.
    bool flag(const std::string& name) const { return options_.count(name) > 0; }

private:
    std::vector<std::string> positional_;
    std::map<std::string, std::vector<std::string>> options_;
    bool help_ = false;
};

}  // namespace musterctl
