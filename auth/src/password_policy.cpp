#include "muster/auth/password_policy.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "muster/core/error.hpp"

namespace muster::auth {

// Generated at build time from auth/data/common_passwords.txt.
extern const char* const commonPasswordList[];
extern const std::size_t commonPasswordCount;

namespace {

std::string lowerCase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

const std::unordered_set<std::string_view>& commonSet() {
    static const std::unordered_set<std::string_view> set(commonPasswords().begin(),
                                                          commonPasswords().end());
    return set;
}

[[noreturn]] void refuse(const std::string& why) {
    throw Error(ErrorCode::invalid_input, "the password " + why, "password");
}

// userName, identifiers, names and the local part of e-mail addresses: what
// someone who knows the user would try first.
std::vector<std::string> personalWords(const User& user) {
    std::vector<std::string> words;
    auto add = [&words](std::string_view text) {
        if (text.size() >= 3) words.push_back(lowerCase(text));
    };
    add(user.userName);
    add(user.displayName);
    add(user.name.givenName);
    add(user.name.familyName);
    add(user.name.givenName + user.name.familyName);
    add(user.employeeNumber);
    for (const Identifier& identifier : user.identifiers) {
        add(identifier.value);
        if (const std::size_t at = identifier.value.find('@'); at != std::string::npos) {
            add(identifier.value.substr(0, at));
        }
    }
    if (const std::size_t at = user.userName.find('@'); at != std::string::npos) {
        add(user.userName.substr(0, at));
    }
    return words;
}

}  // namespace

const std::vector<std::string_view>& commonPasswords() {
    static const std::vector<std::string_view> list(commonPasswordList,
                                                    commonPasswordList + commonPasswordCount);
    return list;
}

bool isCommonPassword(std::string_view password) {
    std::string lower = lowerCase(password);
    if (commonSet().count(lower) > 0) return true;
    // "Summer2024!" is "summer" with decorations.
    while (!lower.empty() && !std::isalpha(static_cast<unsigned char>(lower.back()))) {
        lower.pop_back();
    }
    return lower.size() >= 4 && commonSet().count(lower) > 0;
}

void checkPassword(const PasswordPolicy& policy, std::string_view password, const User& user) {
    if (password.size() < static_cast<std::size_t>(policy.minLength)) {
        refuse("must be at least " + std::to_string(policy.minLength) + " characters long");
    }
    if (password.size() > static_cast<std::size_t>(policy.maxLength)) {
        refuse("must be at most " + std::to_string(policy.maxLength) + " characters long");
    }
    if (std::set<char>(password.begin(), password.end()).size() < 4) {
        refuse("must use at least 4 different characters");
    }
    if (isCommonPassword(password)) refuse("is too common; choose one that is harder to guess");
    const std::string lower = lowerCase(password);
    for (const std::string& word : personalWords(user)) {
        if (lower == word || (word.size() >= 4 && lower.find(word) != std::string::npos)) {
            refuse("must not contain the user's name or identifiers");
        }
    }
}

}  // namespace muster::auth
