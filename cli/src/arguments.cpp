#include "arguments.hpp"

namespace musterctl {

// Options that take no value (`sync run corp --dry-run`).
bool isFlag(const std::string& name) {
    return name == "dry-run" || name == "full" || name == "force";
}

Arguments::Arguments(const std::vector<std::string>& words) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (word == "-h" || word == "--help") {
            help_ = true;
        } else if (word.rfind("--", 0) == 0) {
            std::string name = word.substr(2);
            std::string value;
            if (isFlag(name)) {
                value = "true";
            } else if (auto equals = name.find('='); equals != std::string::npos) {
                value = name.substr(equals + 1);
                name.resize(equals);
            } else if (i + 1 < words.size()) {
                value = words[++i];
            } else {
                throw UsageError("option --" + name + " needs a value");
            }
            options_[name].push_back(value);
        } else {
            positional_.push_back(word);
        }
    }
}

std::string Arguments::commandName(std::size_t count) const {
    std::string name;
    for (std::size_t i = 0; i < count && i < positional_.size(); ++i) {
        if (i > 0) name += ' ';
        name += positional_[i];
    }
    return name;
}

const std::string& Arguments::positional(std::size_t index, const char* missingMessage) const {
    if (index >= positional_.size()) throw UsageError(missingMessage);
    return positional_[index];
}

std::string Arguments::option(const std::string& name) const {
    auto found = options_.find(name);
    return found == options_.end() ? std::string() : found->second.back();
}

std::vector<std::string> Arguments::listOption(const std::string& name) const {
    std::vector<std::string> values;
    auto found = options_.find(name);
    if (found == options_.end()) return values;
    for (const std::string& value : found->second) {
        std::size_t start = 0;
        while (start <= value.size()) {
            std::size_t comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            if (comma > start) values.push_back(value.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return values;
}

}  // namespace musterctl
