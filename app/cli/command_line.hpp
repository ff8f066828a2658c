#pragma once
// Minimal "--name value" / "--flag" parsing for the non-Qt executables.

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tc::cli {

class CommandLine {
public:
    // `flags` take no value; every other "--name" takes the next argument.
    CommandLine(int argc, char** argv, std::set<std::string> flags) {
        for (int i = 1; i < argc; ++i) {
            std::string arg = argv[i];
            if (arg.rfind("--", 0) != 0) {
                m_positional.push_back(arg);
                continue;
            }
            arg = arg.substr(2);
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                m_values[arg.substr(0, eq)] = arg.substr(eq + 1);
            } else if (flags.count(arg) != 0) {
                m_flags.insert(arg);
            } else if (i + 1 < argc) {
                m_values[arg] = argv[++i];
            } else {
                m_errors.push_back("--" + arg + " needs a value");
            }
        }
    }

    bool flag(const std::string& name) const { return m_flags.count(name) != 0; }
    std::optional<std::string> value(const std::string& name) const {
        const auto it = m_values.find(name);
        return it == m_values.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    std::string value(const std::string& name, const std::string& fallback) const {
        return value(name).value_or(fallback);
    }
    // Integer option; a malformed number is recorded as an error.
    long long number(const std::string& name, long long fallback) {
        const auto text = value(name);
        if (!text) {
            return fallback;
        }
        char* end = nullptr;
        const long long parsed = std::strtoll(text->c_str(), &end, 10);
        if (end == text->c_str() || *end != '\0') {
            m_errors.push_back("--" + name + " expects a number, got \"" + *text + "\"");
            return fallback;
        }
        return parsed;
    }
    // A comma-separated option ("eth0,wlan0"), empty items left out; empty when not given.
    std::vector<std::string> list(const std::string& name) const {
        std::vector<std::string> out;
        const auto text = value(name);
        std::size_t start = 0;
        while (text && start <= text->size()) {
            const auto end = std::min(text->find(',', start), text->size());
            if (end > start) {
                out.push_back(text->substr(start, end - start));
            }
            start = end + 1;
        }
        return out;
    }
    const std::vector<std::string>& positional() const { return m_positional; }
    const std::vector<std::string>& errors() const { return m_errors; }

private:
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positional;
    std::vector<std::string> m_errors;
};

} // namespace tc::cli
