#include "muster/sync/template.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace muster::sync {

namespace {

const std::string& lookup(const ldap::Entry& entry, const ExtraValues& extra,
                          const std::string& name) {
    static const std::string empty;
    if (!name.empty() && name.front() == '_') {
        if (name == "_dn") return entry.dn;
        auto found = extra.find(name);
        return found == extra.end() ? empty : found->second;
    }
    return entry.first(name);
}

std::string trimmed(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

}  // namespace

ValueTemplate::ValueTemplate(const std::string& text) {
    std::size_t at = 0;
    while (at < text.size()) {
        const auto open = text.find('{', at);
        if (open == std::string::npos) {
            parts_.push_back({false, text.substr(at)});
            break;
        }
        if (open > at) parts_.push_back({false, text.substr(at, open - at)});
        const auto close = text.find('}', open);
        // The config reader rejects unbalanced braces; be safe anyway.
        if (close == std::string::npos) {
            parts_.push_back({false, text.substr(open)});
            break;
        }
        // Stored in lower case: entries keep attribute names that way.
        parts_.push_back({true, ldap::lowerName(text.substr(open + 1, close - open - 1))});
        at = close + 1;
    }
    for (const Part& part : parts_) {
        if (part.attribute && !part.text.empty() && part.text.front() != '_') {
            attributes_.push_back(part.text);
        }
    }
}

std::string ValueTemplate::render(const ldap::Entry& entry, const ExtraValues& extra) const {
    std::string out;
    for (const Part& part : parts_)
        out += part.attribute ? lookup(entry, extra, part.text) : part.text;
    return out;
}

std::vector<std::string> ValueTemplate::renderAll(const ldap::Entry& entry,
                                                  const ExtraValues& extra) const {
    if (parts_.size() == 1 && parts_.front().attribute && parts_.front().text.front() != '_') {
        return entry.values(parts_.front().text);
    }
    std::string one = render(entry, extra);
    if (one.empty()) return {};
    return {one};
}

ValueMapping::ValueMapping(const config::FieldMapping& mapping)
    : config_(mapping), template_(mapping.templateText) {}

std::string ValueMapping::transform(std::string value) const {
    for (const config::ValueTransform& step : config_.transforms) {
        switch (step.kind) {
            case config::ValueTransform::Kind::lower:
                for (char& c : value)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                break;
            case config::ValueTransform::Kind::upper:
                for (char& c : value)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                break;
            case config::ValueTransform::Kind::trim:
                value = trimmed(value);
                break;
            case config::ValueTransform::Kind::regex_replace:
                value = std::regex_replace(value, std::regex(step.pattern), step.replacement);
                break;
            case config::ValueTransform::Kind::split: {
                std::vector<std::string> parts;
                std::size_t at = 0;
                for (;;) {
                    const auto next = value.find(step.separator, at);
                    parts.push_back(value.substr(at, next == std::string::npos ? next : next - at));
                    if (next == std::string::npos) break;
                    at = next + step.separator.size();
                }
                value =
                    static_cast<std::size_t>(step.index) < parts.size() ? parts[step.index] : "";
                break;
            }
        }
    }
    return value;
}

std::string ValueMapping::value(const ldap::Entry& entry, const ExtraValues& extra) const {
    // A template that names attributes of which none is set gives nothing,
    // not its literal glue ("{givenName} {sn}" of an entry with neither is "").
    const std::vector<std::string>& names = template_.attributes();
    const bool anySet =
        names.empty() || std::any_of(names.begin(), names.end(),
                                     [&](const auto& name) { return !entry.first(name).empty(); });
    std::string out = anySet ? transform(template_.render(entry, extra)) : std::string();
    return out.empty() ? config_.defaultValue : out;
}

std::vector<std::string> ValueMapping::values(const ldap::Entry& entry,
                                              const ExtraValues& extra) const {
    std::vector<std::string> out;
    for (std::string& raw : template_.renderAll(entry, extra)) {
        std::string value = transform(std::move(raw));
        if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end()) {
            out.push_back(std::move(value));
        }
    }
    if (out.empty() && !config_.defaultValue.empty()) out.push_back(config_.defaultValue);
    return out;
}

}  // namespace muster::sync
